"""The adapters on the real documents of other municipalities and systems
(../shared/other-minutes, read where they are) and on variants of them built here."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from exchange.service import import_file
from meetings.models import (
    AgendaItem,
    Attendance,
    Case,
    Decision,
    ItemParticipation,
    Meeting,
    Remark,
)

PUK = "Udvalget for plan, udvikling og kultur (PUK)"
SFU = "Sundheds- og Forebyggelsesudvalget"
OTHER = Path(settings.BASE_DIR).parent / "shared" / "other-minutes"


def _file(name: str) -> bytes:
    return (OTHER / name).read_bytes()


def _items(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.items.order_by("number").select_related("case"))


@pytest.mark.django_db
class TestEveryDocumentImports:
    @pytest.mark.parametrize(
        ("name", "adapter", "body", "items"),
        [
            ("aarhus-byraadet-2025-08-27.pdf", "FirstAgenda (PDF)", "Aarhus Byråd", 21),
            ("aarhus-teknisk-udvalg-2025-10-01.html", "FirstAgenda (webside)", "Teknisk Udvalg", 6),
            ("syddjurs-puk-2013-06-20.acadre.xml", "Acadre MM (XML)", PUK, 1),
            ("syddjurs-puk-2013-06-20.pdf", "Acadre MM (PDF)", PUK, 1),
            ("ballerup-sfu-2012-12-04.edoc.xml", "eDoc (XML)", SFU, 8),
            ("ballerup-sfu-2012-12-04.pdf", "eDoc (PDF)", SFU, 8),
            ("ballerup-kmb-it-2013-05-15.sbsys.xml", "SBSYS (XML)", "KMB IT-udvalget", 5),
        ],
    )  # fmt: skip
    def test_it_imports_as_a_draft_naming_its_adapter(
        self, name: str, adapter: str, body: str, items: int
    ) -> None:
        report = import_file(name, _file(name))
        assert report.ok, report.summary()
        assert report.adapter == adapter
        assert f"læst som: {adapter}" in report.summary()
        meeting = Meeting.objects.get()
        assert meeting.body.name == body
        assert meeting.items.count() == items
        assert meeting.status == Meeting.Status.DRAFT

    def test_importing_the_same_file_twice_changes_nothing(self) -> None:
        name = "ballerup-sfu-2012-12-04.edoc.xml"
        import_file(name, _file(name))
        first = list(AgendaItem.objects.values_list("pk", "title", "version"))
        again = import_file(name, _file(name))
        assert again.ok and again.unchanged == 1 and not again.created
        assert list(AgendaItem.objects.values_list("pk", "title", "version")) == first


@pytest.mark.django_db
class TestFirstAgenda:
    def test_aarhus_byraad_keeps_case_numbers_out_of_titles_and_finds_decisions(self) -> None:
        import_file("a.pdf", _file("aarhus-byraadet-2025-08-27.pdf"))
        meeting = Meeting.objects.get()
        items = _items(meeting)
        assert meeting.starts_at.hour == 14  # 16:00 in Copenhagen, stored in UTC
        assert Meeting.objects.count() == 1
        second = items[1]
        assert second.title == (
            "Svar på forslag fra DD om principbeslutning om at sikre Havnens Perles fremtid på "
            "Aarhus Ø"
        )
        assert second.case.number == "EMN-2025-003383"
        assert second.decision.text.startswith("<p>Fremsendes til Teknisk Udvalg")
        # Sagsforløb: the case's earlier decisions, not this meeting's.
        assert "Sagsforløb" in second.presentation
        assert "Magistraten" not in second.decision.text
        assert items[0].decision.outcome == Decision.Outcome.APPROVED
        assert items[20].closed and items[20].title == "Køb af landbrugsejendom"
        assert "EMN-" not in " ".join(i.title for i in items)

    def test_the_web_page_reads_absences_into_the_protocol_and_drops_web_leftovers(self) -> None:
        import_file("tu.html", _file("aarhus-teknisk-udvalg-2025-10-01.html"))
        items = _items(Meeting.objects.get())
        assert [i.case.number if i.case else None for i in items][:5] == [
            "EMN-2025-010561", "EMN-2025-009242", "EMN-2025-008468", "EMN-2025-010561", None
        ]  # fmt: skip
        assert items[0].case_id == items[3].case_id
        absent = ItemParticipation.objects.get(item=items[1])
        assert absent.member.name == "Liv Gro Jensen"
        assert absent.kind == ItemParticipation.Kind.ABSENT
        for item in items:
            assert "Hent som PDF" not in item.presentation
            assert "Kopier link" not in item.presentation

    def test_an_item_without_a_case_number_and_a_closed_item(self) -> None:
        page = _file("aarhus-teknisk-udvalg-2025-10-01.html").decode()
        page = page.replace('<span class="sagsnummer">EMN-2025-010561</span>', "", 1)
        page = page.replace(">Eventuelt</h2>", ">Lukket: Personalesag</h2>", 1)
        report = import_file("variant.html", page.encode())
        assert report.ok, report.summary()
        items = _items(Meeting.objects.get())
        assert items[0].case is None
        assert items[4].closed and items[4].title == "Personalesag"


@pytest.mark.django_db
class TestAcadre:
    def test_the_running_number_and_only_this_meetings_decision(self) -> None:
        import_file("puk.xml", _file("syddjurs-puk-2013-06-20.acadre.xml"))
        (item,) = _items(Meeting.objects.get())
        assert item.number == 715
        assert item.case.number == "12/27845"
        assert item.decision.text.startswith("<p>Punktet blev drøftet.")
        assert str(item.decision.decided_on) == "2013-06-20"
        # The decisions of 10 and 24 April are the case's earlier ones.
        assert "den 10-04-2013" in item.presentation and "den 24-04-2013" in item.presentation
        assert "Punktet genoptages" not in item.decision.text
        titles = list(item.attachments.values_list("title", flat=True))
        assert titles[0] == "Opsamlingsnotat. Temamøde 20.09.2012"

    def test_the_pdf_reads_the_members_table_and_leaves_document_numbers_out(self) -> None:
        import_file("puk.pdf", _file("syddjurs-puk-2013-06-20.pdf"))
        meeting = Meeting.objects.get()
        names = list(meeting.attendances.values_list("name", flat=True))
        assert sorted(names) == sorted(
            ["Jesper Mathiesen (A)", "Ole Bjerregaard (V)", "Ole Bollesen (A)",
             "Steen Fris (C)", "Niels Viderø (A)"]
        )  # fmt: skip
        (item,) = _items(meeting)
        titles = list(item.attachments.values_list("title", flat=True))
        assert titles[0] == "Opsamlingsnotat. Temamøde 20.09.2012"
        assert not any(re.search(r"\d+/\d{2}$", t) for t in titles)
        assert not Case.objects.filter(number="222359/12").exists()

    def test_a_missing_attendance_list_and_a_closed_item(self) -> None:
        xml = _file("syddjurs-puk-2013-06-20.acadre.xml").decode()
        xml = re.sub(
            r'<table name="meetmember">.*?</table></table>(?=<table name="upcoming)',
            "",
            xml,
            flags=re.S,
        )
        xml = xml.replace(
            '<field name="accessname">Åben</field><field name="stateName">Afsendt',
            '<field name="accessname">Lukket</field><field name="stateName">Afsendt',
        )
        report = import_file("variant.xml", xml.encode())
        assert report.ok, report.summary()
        meeting = Meeting.objects.get()
        assert not meeting.attendances.exists()
        assert "ingen deltagerliste" in report.summary()
        assert _items(meeting)[0].closed


@pytest.mark.django_db
class TestEdoc:
    def test_items_out_of_order_and_the_forbidden_character_are_reported(self) -> None:
        report = import_file("sfu.xml", _file("ballerup-sfu-2012-12-04.edoc.xml"))
        assert report.ok
        summary = report.summary()
        assert "&#xC;" in summary and "rækkefølgen 2, 4, 5, 6, 3, 1, 7, 8" in summary
        items = _items(Meeting.objects.get())
        assert [i.number for i in items] == [1, 2, 3, 4, 5, 6, 7, 8]
        assert items[1].case.number == "2012-28504"
        # Dok.nr. 2012-203438 has a case number's form but is a document number.
        assert not Case.objects.filter(number="2012-203438").exists()
        assert items[1].decision.outcome == Decision.Outcome.APPROVED

    def test_the_pdf_and_the_xml_agree(self) -> None:
        import_file("sfu.pdf", _file("ballerup-sfu-2012-12-04.pdf"))
        from_pdf = [(i.number, i.title, i.case.number) for i in _items(Meeting.objects.get())]
        Meeting.objects.all().delete()
        import_file("sfu.xml", _file("ballerup-sfu-2012-12-04.edoc.xml"))
        from_xml = [(i.number, i.title, i.case.number) for i in _items(Meeting.objects.get())]
        assert from_pdf == from_xml
        attendance = list(Meeting.objects.get().attendances.values_list("name", "role"))
        assert ("Lolan Ottesen (A)", "formand") in attendance
        assert ("Mie Helene Andresen", "sekretær") in attendance

    def test_a_broken_file_leaves_nothing_and_is_reported_in_danish(self) -> None:
        content = _file("ballerup-sfu-2012-12-04.edoc.xml")
        report = import_file("sfu.xml", content[: len(content) // 2])
        assert not report.ok
        assert "Filen ligner ikke" in report.error
        assert not Meeting.objects.exists() and not Case.objects.exists()

    def test_entities_are_never_expanded(self) -> None:
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE Meeting [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Meeting><Committee>&b;</Committee>'
            b"<MeetingAgendaTypes/></Meeting>"
        )
        report = import_file("laughs.xml", laughs)
        assert not report.ok and "sikkerhedshensyn" in report.error
        assert not Meeting.objects.exists()


@pytest.mark.django_db
class TestSbsys:
    def test_an_agenda_without_decisions_comes_in_as_a_draft_agenda(self) -> None:
        report = import_file("kmb.xml", _file("ballerup-kmb-it-2013-05-15.sbsys.xml"))
        assert report.ok
        assert "dagsorden, ikke et referat" in report.summary()
        meeting = Meeting.objects.get()
        assert meeting.status == Meeting.Status.DRAFT
        assert not Decision.objects.exists()
        items = _items(meeting)
        assert all(i.case is None for i in items)
        assert items[2].attachments.get().title.startswith("Brev fra KL til Kommunalbestyrelsen")
        # The HTML of the fields went through the sanitizer.
        assert "<span face" not in items[1].presentation + items[1].background

    def test_a_filled_in_decision_makes_minutes(self) -> None:
        xml = _file("ballerup-kmb-it-2013-05-15.sbsys.xml").decode("utf-8-sig")
        filled = re.sub(
            r"(<Caption><!\[CDATA\[Beslutning\]\]></Caption>.*?<Content>)(</Content>)",
            r"\1<![CDATA[<p>Godkendt.</p>]]>\2",
            xml,
            count=1,
            flags=re.S,
        )
        report = import_file("kmb.xml", filled.encode())
        assert report.ok, report.summary()
        assert Decision.objects.get().outcome == Decision.Outcome.APPROVED


@pytest.mark.django_db
class TestUnknownLayouts:
    @pytest.mark.parametrize(
        "content",
        [
            b"<?xml version='1.0'?><Invoice><Total>10</Total></Invoice>",
            b"<html><body><p>Hej</p></body></html>",
        ],
    )
    def test_a_foreign_file_is_refused_naming_what_was_expected(self, content: bytes) -> None:
        report = import_file("fremmed.xml", content)
        assert not report.ok
        assert "FirstAgenda" in report.error and "eDoc" in report.error
        assert not Meeting.objects.exists()


SAMPLES = Path(__file__).resolve().parents[2] / "exchange" / "demo_minutes"


class TestHojeTaastrupUnchanged:
    @pytest.mark.parametrize("sample", ["2017-03-20", "2017-06-26", "2018-04-23"])
    def test_the_samples_read_exactly_as_the_parser_reads_them(self, sample: str) -> None:
        from common.hashing import checksum
        from exchange.legacy import parsed_to_exchange, read_minutes_file
        from exchange.parser import parse_minutes

        name = f"direktionen-{sample}.txt"
        content = (SAMPLES / name).read_bytes()
        read = read_minutes_file(name, content)
        assert read.adapter.startswith("FirstAgenda (Høje-Taastrup")
        direct = parsed_to_exchange(
            parse_minutes(content.decode("utf-8")), source_name=name, checksum=checksum(content)
        )
        assert read.meetings == [direct]
        assert not read.guesses and not read.unplaced


def _pdftotext(pdf: str, target: Path, *, layout: bool) -> bytes:
    """The text of one of the real PDFs as pdftotext gives it, saved where the test works."""
    out = target / (pdf.removesuffix(".pdf") + (".layout.txt" if layout else ".txt"))
    args = ["pdftotext", *(["-layout"] if layout else []), str(OTHER / pdf), str(out)]
    subprocess.run(args, check=True, capture_output=True)
    return out.read_bytes()


def _content(meeting: Meeting) -> list[tuple[object, ...]]:
    # Plain pdftotext joins a word broken at a line's end ("p-" + "huse" is "phuse"), which
    # the PDF's own reading keeps apart ("p- huse"): the decisions are compared without them.
    return [
        (
            i.number,
            i.title,
            i.case.number if i.case else None,
            i.closed,
            i.decision.outcome,
            " ".join(re.sub(r"-\s*", "", i.decision.text).split()),
        )
        for i in meeting.items.order_by("number").select_related("case", "decision")
    ]


AARHUS = "aarhus-byraadet-2025-08-27.pdf"


@pytest.mark.django_db
class TestTextVersionOfAPdf:
    """The text pdftotext makes of a FirstAgenda PDF is the same minutes: recognised by its
    content, read as the PDF is, and one meeting with the PDF whichever comes first."""

    @pytest.mark.parametrize("layout", [True, False], ids=["layout", "plain"])
    def test_the_text_reads_as_the_pdf_and_replaces_it(self, tmp_path: Path, layout: bool) -> None:
        first = import_file("aarhus.pdf", _file(AARHUS))
        assert first.ok, first.summary()
        from_pdf = _content(Meeting.objects.get())
        text = _pdftotext(AARHUS, tmp_path, layout=layout)
        report = import_file("aarhus.txt", text)
        assert report.ok, report.summary()
        assert report.adapter == "FirstAgenda (tekst fra PDF)"
        meeting = Meeting.objects.get()
        assert meeting.body.name == "Aarhus Byråd"
        assert timezone.localtime(meeting.starts_at) == timezone.make_aware(
            dt.datetime(2025, 8, 27, 16, 0)
        )
        assert meeting.location == "Byrådssalen"
        assert _content(meeting) == from_pdf
        assert len(from_pdf) == 21 and all(row[2] and row[5] for row in from_pdf)
        assert report.updated == 1 and not report.created
        assert "Aarhus Byråd 27-08-2025 16:00 var importeret fra “aarhus.pdf”" in report.summary()
        assert meeting.imported_from == "aarhus.txt"

    def test_the_pdf_after_its_text_is_the_same_meeting(self, tmp_path: Path) -> None:
        text = _pdftotext(AARHUS, tmp_path, layout=False)
        assert import_file("aarhus.txt", text).ok
        report = import_file("aarhus.pdf", _file(AARHUS))
        assert report.ok, report.summary()
        assert Meeting.objects.count() == 1
        assert "var importeret fra “aarhus.txt”" in report.summary()
        assert timezone.localtime(Meeting.objects.get().starts_at).hour == 16

    def test_approved_minutes_are_not_replaced_by_the_text(self, tmp_path: Path) -> None:
        assert import_file("aarhus.pdf", _file(AARHUS)).ok
        Meeting.objects.update(status=Meeting.Status.APPROVED)
        report = import_file("aarhus.txt", _pdftotext(AARHUS, tmp_path, layout=True))
        assert not report.ok
        assert "kan ikke importeres igen med ændringer" in report.error
        meeting = Meeting.objects.get()
        assert meeting.status == Meeting.Status.APPROVED
        assert meeting.imported_from == "aarhus.pdf"

    def test_a_second_version_of_the_same_file_says_so(self) -> None:
        assert import_file("tu.html", _file("aarhus-teknisk-udvalg-2025-10-01.html")).ok
        page = _file("aarhus-teknisk-udvalg-2025-10-01.html").replace(
            b"Ingen bem\xc3\xa6rkninger.", b"Godkendt."
        )
        report = import_file("tu.html", page)
        assert report.ok, report.summary()
        assert "fra en anden udgave af “tu.html”" in report.summary()
        assert Meeting.objects.count() == 1

    @pytest.mark.parametrize("layout", [True, False], ids=["layout", "plain"])
    def test_the_text_of_the_edoc_pdf_is_the_same_meeting(
        self, tmp_path: Path, layout: bool
    ) -> None:
        pdf = "ballerup-sfu-2012-12-04.pdf"
        assert import_file("sfu.pdf", _file(pdf)).ok
        from_pdf = _content(Meeting.objects.get())
        report = import_file("sfu.txt", _pdftotext(pdf, tmp_path, layout=layout))
        assert report.ok, report.summary()
        assert report.adapter == "eDoc (tekst fra PDF)"
        meeting = Meeting.objects.get()
        assert timezone.localtime(meeting.starts_at).hour == 13
        assert _content(meeting) == from_pdf
        assert [row[2] for row in from_pdf][:2] == ["2011-29298", "2012-28504"]
        assert ("Lolan Ottesen (A)", "formand") in meeting.attendances.values_list("name", "role")


# FirstAgenda minutes as text, built here: an attendance list with a substitute, and a
# decision with a protocol remark, a minority's statement by a party and a request to bring
# the case before the council (no remark).
PROTOCOL_MINUTES = """REFERAT Teknisk Udvalg d. 01-10-2025
Mødedato   Onsdag d. 1. oktober 2025 kl. 15:45
Mødested   Udvalgsværelse 398
Mødedeltagere   Anne Hansen (A), Dorte Lund (Ø), Frida Kjær (V)
Fraværende   Erik Vad (V) – Bo Jensen (V) mødte som stedfortræder
\fPunkt 1: Lokalplan 1221
EMN-2025-010561
Beslutninger
Godkendt.
Dorte Lund (Ø) ønskede følgende tilført protokollen: Ø kan ikke støtte lokalplanen, fordi
den fjerner et grønt område.
Mindretalsudtalelse fra Enhedslisten: Vi stemmer imod.
Frida Kjær (V) begærede sagen indbragt for byrådet.
"""


@pytest.mark.django_db
class TestProtocolOfImportedMinutes:
    def test_a_substitute_takes_the_absent_members_seat_and_a_remark_is_the_members(
        self,
    ) -> None:
        report = import_file("tu.txt", PROTOCOL_MINUTES.encode())
        assert report.ok, report.summary()
        meeting = Meeting.objects.get()
        substitute = meeting.attendances.get(name="Bo Jensen (V)")
        assert substitute.role == "stedfortræder"
        assert substitute.member.display_name == "Bo Jensen"
        assert substitute.substitute_for.display_name == "Erik Vad"
        absent = meeting.attendances.get(name="Erik Vad (V)")
        assert not absent.present and absent.member_id == substitute.substitute_for_id
        item = meeting.items.get()
        remark = item.remarks.get()
        assert (remark.kind, remark.member.display_name, remark.text) == (
            "protokoltilførsel",
            "Dorte Lund",
            "Ø kan ikke støtte lokalplanen, fordi den fjerner et grønt område.",
        )
        assert meeting.attendances.get(name="Dorte Lund (Ø)").member_id == remark.member_id
        # The party's statement and the request stay the decision's text, reported.
        assert "Mindretalsudtalelse fra Enhedslisten" in item.decision.text
        assert "begærede sagen indbragt" in item.decision.text
        assert "“Enhedslisten” ikke er et navngivet medlem" in report.summary()
        assert "indbragt" not in report.summary()

    def test_the_aarhus_minutes_record_no_remarks(self) -> None:
        report = import_file("a.pdf", _file(AARHUS))
        assert report.ok
        assert not Remark.objects.exists()
        assert not Attendance.objects.filter(substitute_for__isnull=False).exists()
