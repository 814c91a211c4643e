"""Legacy minutes imported with their tables of amounts as budget tables: the sample of
23-04-2018 from the repository's demo minutes, through the importer's one write path."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from budget.models import BudgetTable, Unit
from budget.tables import compute_table
from exchange.export import meetings_to_exchange
from exchange.service import import_file
from meetings.models import AgendaItem, Meeting
from tests.budget.sample_tables import totals
from tests.conftest import People, remove_all_meetings

SAMPLE = Path(__file__).resolve().parents[2] / "exchange" / "demo_minutes"


@pytest.fixture
def report(people: People):
    # The sample is minutes published long ago: an archive import, as readers see them.
    result = import_file(
        "april.txt",
        (SAMPLE / "direktionen-2018-04-23.txt").read_bytes(),
        archive_by=people.secretary,
    )
    assert result.ok, result.summary()
    return result


def item(number: int) -> AgendaItem:
    return AgendaItem.objects.get(number=number, meeting__starts_at__year=2018)


@pytest.mark.django_db
class TestTheBudgetTablesOfTheSample:
    def test_tabel_1_and_tabel_2_are_budget_tables_with_the_stated_totals(self, report) -> None:
        tables = {t.caption: t for t in item(5).budget_tables.all()}
        tabel_1 = tables["Tabel 1: Overføres til ØDC i 2018"]
        tabel_2 = next(
            t
            for t in item(5).budget_tables.filter(section=BudgetTable.Section.PRESENTATION)
            if t.caption.startswith("Tabel 2")
        )
        assert tabel_1.section == BudgetTable.Section.PRESENTATION
        # The item states its unit heading its pool table ("1.000 kr."), which Tabel 1 takes.
        assert tabel_1.unit == Unit.THOUSANDS
        assert [c.display for c in totals(compute_table(tabel_1))] == ["2.812"]
        assert [c.display for c in totals(compute_table(tabel_2))] == ["2.715"]
        assert compute_table(tabel_1).mismatches == compute_table(tabel_2).mismatches == []
        # Each table was split by a page break with its header repeated; one table each.
        assert [r.kind for r in tabel_1.rows.all()].count("total") == 1

    def test_the_pool_table_of_the_economy_is_a_budget_table_too(self, report) -> None:
        economy = list(item(5).budget_tables.filter(section=BudgetTable.Section.ECONOMY))
        pool_table = economy[0]
        assert pool_table.caption == "Tabel 2: ØDCs forventninger til træk på puljen i 2019"
        computed = compute_table(pool_table)
        assert computed.columns == ["2018", "2019"]
        assert [c.display for c in computed.rows[-1].cells] == ["-606", "4.938"]

    def test_the_cura_totals_that_disagree_are_kept_flagged_and_reported(self, report) -> None:
        cura = item(6).budget_tables.get(caption="Projektets samlede økonomi")
        computed = compute_table(cura)
        assert {(m.text, m.column) for m in computed.mismatches} == {
            ("Samlede omkostninger", "2018"),
            ("Samlede gevinster", "2020"),
            ("Samlede gevinster", "2021"),
            ("i alt", "2018"),
            ("i alt", "2020"),
            ("i alt", "2021"),
        }
        assert totals(computed)[1].value == Decimal("15324180")
        assert totals(computed)[1].stated == Decimal("15324179")
        assert any(
            w.startswith("Punkt 6, Projektets samlede økonomi: Række 21 (“Samlede omkostninger”)")
            for w in report.warnings
        )

    def test_a_table_of_words_stays_an_ordinary_table(self, report) -> None:
        kmd = item(3)
        assert "<table>" in kmd.presentation
        assert not kmd.budget_tables.exists()

    def test_the_tables_stand_where_the_minutes_put_them(self, report, people) -> None:
        meeting = Meeting.objects.get(starts_at__year=2018)
        page = people.client_for("staff").get(f"/meetings/{meeting.pk}/").content.decode()
        page = re.sub(r"\s+", " ", page)
        tabel_1 = page.index("Tabel 1: Overføres til ØDC i 2018")
        heading_2019 = (
            page.index("<p>2019</p>") if "<p>2019</p>" in page else page.index("<h3>2019</h3>")
        )
        tabel_2 = page.index("Tabel 2: ØDCs forventninger til træk på puljen i 2019")
        assert tabel_1 < heading_2019 < tabel_2
        assert "<strong>2.812</strong>" in page and "<strong>2.715</strong>" in page

    def test_export_and_import_again_keep_the_budget_tables(self, report, people) -> None:
        first = meetings_to_exchange(Meeting.objects.all())
        tables = first["meetings"][0]["items"][4]["budget_tables"]
        tabel_1 = next(t for t in tables if t["caption"] == "Tabel 1: Overføres til ØDC i 2018")
        assert tabel_1["totals"] == ["2812"]
        assert tabel_1["section"] == "sagsfremstilling"
        remove_all_meetings()
        again = import_file("export.json", json.dumps(first).encode(), archive_by=people.secretary)
        assert again.ok, again.summary()
        assert meetings_to_exchange(Meeting.objects.all()) == first


@pytest.mark.django_db
class TestATableOfAmountsTheSystemCannotHold:
    """A table of amounts whose column heading runs to a paragraph (over the 100 characters a
    budget column may have) stays an ordinary table: imported, shown and exported."""

    HEADING = "Punkt\tDisponering af it-promillepulje\t2018"
    LONG = "Beløb i 2018 efter den seneste opgørelse fra økonomiafdelingen, " * 3

    @pytest.fixture
    def report(self, people: People):
        text = (SAMPLE / "direktionen-2018-04-23.txt").read_text(encoding="utf-8")
        assert text.count(self.HEADING) == 2  # Tabel 1 and its repeated header on page 2
        text = text.replace(self.HEADING, self.HEADING.replace("2018", self.LONG.strip()))
        result = import_file("april.txt", text.encode("utf-8"), archive_by=people.secretary)
        assert result.ok, result.summary()
        return result

    def test_it_is_kept_as_a_table_with_its_heading(self, report) -> None:
        status = item(5)
        captions = [t.caption for t in status.budget_tables.all()]
        assert "Tabel 1: Overføres til ØDC i 2018" not in captions
        assert "Tabel 2: ØDCs forventninger til træk på puljen i 2019" in captions
        assert "<table>" in status.presentation
        assert "efter den seneste opgørelse fra økonomiafdelingen" in status.presentation

    def test_the_minutes_export_and_import_again(self, report, people) -> None:
        first = meetings_to_exchange(Meeting.objects.all())
        remove_all_meetings()
        again = import_file("export.json", json.dumps(first).encode(), archive_by=people.secretary)
        assert again.ok, again.summary()
        assert meetings_to_exchange(Meeting.objects.all()) == first
