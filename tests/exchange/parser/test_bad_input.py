"""Text that cannot be imported is refused with a Danish message and its line."""

from __future__ import annotations

import pytest

from exchange.parser import MinutesParseError, parse_minutes
from tests.exchange.parser.samples import MARCH_2017, line_of, sample


class TestBadInput:
    def test_empty_text_is_refused(self) -> None:
        with pytest.raises(MinutesParseError) as error:
            parse_minutes("  \n\n")
        assert error.value.line == 1
        assert error.value.message == "Teksten er tom."

    def test_a_random_text_file_is_refused(self) -> None:
        text = "\n# Indkøbsliste\n\nMælk, brød og æg.\nHusk at ringe til tandlægen.\n"
        with pytest.raises(MinutesParseError) as error:
            parse_minutes(text)
        assert error.value.line == 2
        assert "hverken et referat eller en dagsorden" in error.value.message

    def test_minutes_without_items_are_refused(self) -> None:
        with pytest.raises(MinutesParseError) as error:
            parse_minutes("REFERAT Direktionen d. 20-03-2017\n\nMødested B204\n")
        assert error.value.line == 1
        assert "ingen punkter" in error.value.message

    @pytest.mark.parametrize(
        ("written", "impossible"),
        [
            ("REFERAT Direktionen d. 20-03-2017", "REFERAT Direktionen d. 31-02-2017"),
            ("Mødedato Mandag d. 20. marts 2017 kl. 10:00", "Mødedato Mandag d. 31. februar 2017"),
            ("Beslutning Direktionen den 20-03-2017", "Beslutning Direktionen den 31-02-2017"),
        ],
    )
    def test_an_impossible_date_is_refused_with_its_line(
        self, written: str, impossible: str
    ) -> None:
        text = sample(MARCH_2017).replace(written, impossible, 1)
        with pytest.raises(MinutesParseError) as error:
            parse_minutes(text)
        assert error.value.line == line_of(text, impossible)
        assert error.value.message.startswith("Datoen “31")
        assert error.value.message.endswith("” findes ikke.")
        assert str(error.value).startswith(f"Linje {error.value.line}: ")

    def test_an_impossible_time_is_refused(self) -> None:
        text = sample(MARCH_2017).replace("kl. 10:00", "kl. 25:00")
        with pytest.raises(MinutesParseError) as error:
            parse_minutes(text)
        assert error.value.line == 5

    @pytest.mark.parametrize("malformed", ["15/147B9", "2015/14789", "15-14789", "15/1234567"])
    def test_a_malformed_case_number_is_refused_with_its_line(self, malformed: str) -> None:
        text = sample(MARCH_2017).replace("\n15/14789\n", f"\n{malformed}\n")
        with pytest.raises(MinutesParseError) as error:
            parse_minutes(text)
        assert error.value.line == line_of(text, malformed)
        assert error.value.message == (
            f"Sagsnummeret “{malformed}” i punkt 3 er ugyldigt: det skal have formen "
            "ÅÅ/løbenummer, f.eks. 17/22360."
        )

    def test_a_missing_case_number_is_only_a_warning(self) -> None:
        text = sample(MARCH_2017).replace("\n17/171\n", "\n")
        variant = parse_minutes(text)
        assert variant.items[1].case_number == ""
        assert variant.warnings == ["Punkt 2 har intet sagsnummer."]
