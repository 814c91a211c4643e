"""The recommendation's lead-in and clauses, and the decisions with their outcome
(exchange/parser/_decisions.py, and the choice of decision in _items.py)."""

from __future__ import annotations

import datetime

import pytest

from exchange.parser import Decision, ListBlock, Paragraph, infer_outcome, parse_minutes
from tests.exchange.parser.samples import APRIL_2018, JUNE_2017, MARCH_2017, item, minutes


class TestTheRecommendation:
    def test_a_numbered_recommendation_has_a_lead_in_and_clauses(self) -> None:
        rec = item(MARCH_2017, 3).recommendation
        assert rec is not None
        assert (rec.unit, rec.lead_in, rec.numbered) == (
            "",
            "Det indstilles, at Direktionen godkender:",
            True,
        )
        assert rec.clauses == [
            "Handicappolitikken med henblik på videre behandling i Socialudvalget, "
            "Økonomiudvalget og Byrådet",
            "Udsattepolitikken med henblik på videre behandling i Socialudvalget, "
            "Økonomiudvalget og Byrådet",
        ]

    def test_the_proposing_unit_is_read_from_the_lead_in(self) -> None:
        rec = item(MARCH_2017, 5).recommendation
        assert rec is not None
        assert (rec.unit, rec.lead_in, rec.numbered) == ("ØDC", "ØDC indstiller,", False)
        assert rec.clauses == [
            "at direktionen godkender projektmandatet og tager orienteringen i øvrigt til "
            "efterretning."
        ]
        joint = item(APRIL_2018, 4).recommendation
        assert joint is not None and joint.unit == "ØDC og BAC"

    def test_an_inline_clause_is_split_from_its_lead_in(self) -> None:
        rec = item(JUNE_2017, 3).recommendation
        assert rec is not None
        assert rec.lead_in == "Det indstilles,"
        assert rec.clauses == ["at Direktionen godkender månedssagen pr. 31-05-2017."]

    def test_at_paragraphs_are_clauses_and_a_list_under_one_is_its_options(self) -> None:
        rec = item(APRIL_2018, 5).recommendation
        assert rec is not None
        assert rec.lead_in == "ØDC indstiller,"
        assert len(rec.clauses) == 4
        assert rec.clauses[2].split("\n") == [
            "At direktionen beslutter finansiering af merudgift til Sensum, enten",
            "- Varig finansiering via it-promillepulje",
            "- Varig finansiering via opskrivning af effektiviseringskrav på indkøbspuljen",
            "- Varig finansiering via tilpasning af antal stillinger i SHC (nedlæggelse af ca. "
            "0,6 årsværk)",
        ]

    def test_bullets_numbered_with_parentheses_are_numbered_clauses(self) -> None:
        rec = item(JUNE_2017, 7).recommendation
        assert rec is not None
        assert (rec.unit, rec.numbered) == ("HR-Centret", True)
        assert rec.clauses == [
            "Deltagerbetalingen på talentudviklingsforløbet sættes til 1.000 kr. pr. deltager",
            "Deltagerbetalingen forfalder i år 2018",
        ]
        assert rec.blocks[1] == ListBlock(True, rec.clauses)

    def test_a_clause_cut_by_loose_lines_gets_them_back(self) -> None:
        rec = item(APRIL_2018, 6).recommendation
        assert rec is not None and rec.numbered
        assert len(rec.clauses) == 2
        assert rec.clauses[0].endswith(
            "og der bevilges 0,460 mio. kr. af promillepuljen 2,015 mio. kr. anlægspuljen til "
            "realisering af Nye rammer, ny administration"
        )
        assert rec.clauses[1] == "At der tidligst realiseres en effektiviseringsgevinst i år 2020"

    def test_a_lone_at_sentence_is_a_clause_without_lead_in(self) -> None:
        rec = item(APRIL_2018, 7).recommendation
        assert rec is not None
        assert (rec.lead_in, rec.clauses) == (
            "",
            [
                "At direktionen godkender orienteringen om indholdet i helhedsplanen for "
                "Selsmosekvarteret."
            ],
        )


class TestTheDecisionOutcome:
    @pytest.mark.parametrize(
        ("text", "outcome"),
        [
            ("Godkendt.", "Godkendt"),
            ("Projektmandatet blev godkendt. Det blev påpeget …", "Godkendt"),
            ("Sagen godkendes, idet effektiviseringsgevinsten vurderes igen.", "Godkendt"),
            ("Orienteringen blev taget til efterretning.", "Taget til efterretning"),
            ("Taget efterretning med en kommentar om …", "Taget til efterretning"),
            ("Direktionen drøftede it-emnerne. Det blev påpeget, at:", "Drøftet"),
            ("Udskudt.", "Udskudt"),
            ("Direktionen ser positivt på indsatsen, men vælger at sige nej.", "Afvist"),
            ("Indstillingen blev ikke godkendt.", "Afvist"),
            ("Direktionen besluttede at fastholde deltagerbetalingen.", "Andet"),
            ("", ""),
        ],
    )
    def test_it_infers_the_outcome_from_the_opening_words(self, text: str, outcome: str) -> None:
        assert infer_outcome(text) == outcome

    def test_decisions_of_other_bodies_are_kept_apart(self) -> None:
        text = minutes(
            "Punkt 1: Budget 2020\n\n19/1234\n\n"
            "Beslutning Økonomiudvalget den 12-05-2019\n\nAnbefales.\n\n"
            "Beslutning Byrådet den 27-05-2019\n\nGodkendt.",
            header="REFERAT Byrådet d. 27-05-2019",
            meta="Mødedato 27-05-2019 kl. 19:00\n\nMødested Byrådssalen",
        )
        it = parse_minutes(text).items[0]
        assert it.decision == Decision(
            "Byrådet", datetime.date(2019, 5, 27), "Godkendt", [Paragraph("Godkendt.")]
        )
        assert [(d.body, d.decided_on) for d in it.other_decisions] == [
            ("Økonomiudvalget", datetime.date(2019, 5, 12))
        ]

    def test_a_decision_heading_with_an_unreadable_date_is_still_a_decision(self) -> None:
        text = minutes("Punkt 1: Budget\n\n19/1\n\nBeslutning Direktionen den 20/3\n\nGodkendt.")
        result = parse_minutes(text)
        assert result.items[0].decision == Decision(
            "Direktionen", None, "Godkendt", [Paragraph("Godkendt.")]
        )
        assert result.warnings == [
            "Punkt 1: datoen i “Beslutning Direktionen den 20/3” kan ikke læses; beslutningen "
            "står uden dato."
        ]

    def test_only_another_bodys_earlier_decision_is_history(self) -> None:
        text = minutes(
            "Punkt 1: Budget 2020\n\n19/1234\n\n"
            "BESLUTNING ØKONOMIUDVALGET DEN 12-05-2019\n\nGodkendt."
        )
        it = parse_minutes(text).items[0]
        assert it.decision is None
        assert it.other_decisions[0].body == "Økonomiudvalget"
