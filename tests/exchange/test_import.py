"""Import of legacy minutes into the database, export and the round trip (real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.utils import timezone

from exchange.export import meetings_to_exchange
from exchange.service import import_file, import_files
from meetings.models import (
    AgendaItem,
    Attendance,
    Body,
    Case,
    Decision,
    Meeting,
    MeetingTransition,
    Membership,
)
from meetings.selectors.protocol import vote_sentence
from meetings.services.review import meeting_reopen
from tests.conftest import People, remove_all_meetings
from tests.factories import AgendaItemFactory, MeetingFactory

SAMPLES = Path(__file__).resolve().parents[2] / "exchange" / "demo_minutes"


def _sample(name: str) -> bytes:
    return (SAMPLES / f"direktionen-{name}.txt").read_bytes()


MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december"]  # fmt: skip


def _sample_held(name: str, day: dt.date, body: str = "Direktionen") -> bytes:
    """A sample's minutes as if held by `body` on `day`: another meeting, the same items."""
    text = _sample(name).decode()
    old = f"{dt.date.fromisoformat(name):%d-%m-%Y}"
    text = text.replace(f"REFERAT Direktionen d. {old}", f"REFERAT {body} d. {day:%d-%m-%Y}", 1)
    text = text.replace("Beslutning Direktionen den", f"Beslutning {body} den")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Mødedato"):
            clock = line.rsplit("kl.", 1)[1].strip()
            lines[i] = f"Mødedato d. {day.day}. {MONTHS[day.month - 1]} {day.year} kl. {clock}"
            break
    return "\n".join(lines).encode()


EXPECTED = {
    "2017-03-20": {
        "starts_at": "2017-03-20T10:00",
        "location": "B204",
        "items": [
            (1, "Økonomiopfølgning - 20-03-2017", "16/26813", False, "",
             ["Status på revisionsanbefalinger til direktionen - Januar 2017"]),
            (2, "Lukket", "17/171", True, "", []),
            (3, "Godkendelse af handicappolitik og udsattepolitik", "15/14789", False,
             "godkendt", ["Handicappolitik", "Udsattepolitik",
                          "Bilag - høringssvar til politikker fra centre"]),
            (4, "Etablering af ungdomskulturelt makerspace", "16/6952", False, "udskudt",
             ["Ungdomskulturelt makerspace med fokus på kreativitet, entreprenørskab og "
              "uddannelse"]),
            (5, "Status på Office 365", "16/20774", False, "godkendt",
             ["Tidsplan for Office projekt HTK", "Projektmandat"]),
            (6, "Lukket", "16/17989", True, "", []),
            (7, "Øvrige sager - 20-03-2017", "16/26813", False, "", []),
            (8, "Lukket", "16/26813", True, "", []),
        ],
    },
    "2018-04-23": {
        "starts_at": "2018-04-23T12:30",
        "location": "Mødelokale B105",
        "items": [
            (1, "Øvrige sager 23-04-2018", "17/22360", False, "", []),
            (2, "Program for præsentation af it-emner 23-04-2018", "17/22360", False, "drøftet",
             ["IT-plancher til direktionsmøde 230418"]),
            (3, "Udbud af KMD driftskontrakt", "17/8444", False, "godkendt", []),
            (4, "Implementeringsplan for ny omstilling", "16/17937", False, "godkendt", []),
            (5, "Status på it-strategiske initiativer og disponering af it promillepuljen, "
                "april 2018", "18/3650", False, "godkendt",
             ["Bilag 1 - It-strategiske pejlemærker status 1. kvartal 2018",
              "Bilag 2 - Central netværksenhed"]),
            (6, "Business case for implementering af nyt omsorgssystem", "17/7870", False,
             "godkendt", ["Business Case - Cura & FSIII", "Samlet projektmandater"]),
            (7, "Selsmosekvarteret helhedsplan", "17/22513", False, "taget_til_efterretning",
             ["Selsmosekvarteret_helhedsplan_team_NielsBjørn_lowres_23032018.pdf"]),
            (8, "Henvendelse fra Blå Kors Pensionat vedr. indsamling af brugt tøj på Rådhuset",
             "18/2634", False, "afvist", []),
            (9, "Foranalyse: Sammenligning af Børne- og Ungetandplejen i en række kommuner",
             "16/24189", False, "godkendt",
             ["Foranalyse: Sammenligning af Børne- og ungetandplejen i en række kommuner"]),
            (10, "Årshjul 23-04-2018", "17/22360", False, "", ["Årshjul 2018 - Direktionen"]),
        ],
    },
}  # fmt: skip


def _meeting_at(iso: str) -> Meeting:
    return Meeting.objects.select_related("body").get(
        starts_at=timezone.make_aware(dt.datetime.fromisoformat(iso))
    )


@pytest.mark.django_db
class TestImportOfTheSamples:
    @pytest.mark.parametrize("sample", sorted(EXPECTED))
    def test_it_recovers_the_header_and_every_item(self, sample: str) -> None:
        report = import_file(f"direktionen-{sample}.txt", _sample(sample))
        assert report.ok, report.summary()
        expected = EXPECTED[sample]
        meeting = _meeting_at(expected["starts_at"])
        assert meeting.body.name == "Direktionen"
        assert meeting.location == expected["location"]
        assert meeting.status == Meeting.Status.DRAFT
        assert meeting.imported_from == f"direktionen-{sample}.txt"
        assert len(meeting.source_checksum) == 64
        participants = list(meeting.attendances.values_list("name", "role"))
        assert len(participants) == 5
        assert ("Kathrine Seier Skastrup", "sekretær") in participants
        items = list(
            AgendaItem.objects.filter(meeting=meeting)
            .select_related("case", "decision")
            .prefetch_related("attachments")
        )
        got = [
            (
                i.number,
                i.title,
                i.case.number if i.case else None,
                i.closed,
                i.decision.outcome if hasattr(i, "decision") else "",
                [a.title for a in i.attachments.all()],
            )
            for i in items
        ]
        assert got == expected["items"]

    def test_decisions_carry_their_date_and_text(self) -> None:
        import_file("a.txt", _sample("2018-04-23"))
        decision = Decision.objects.get(item__title="Implementeringsplan for ny omstilling")
        assert decision.decided_on == dt.date(2018, 4, 23)
        assert "kommunikere løbende om projektet" in decision.text

    def test_sections_keep_lists_subheadings_and_tables(self) -> None:
        import_file("a.txt", _sample("2018-04-23"))
        kmd = AgendaItem.objects.get(title="Udbud af KMD driftskontrakt")
        assert "<table>" in kmd.presentation
        assert "Løsningens robusthed" in kmd.presentation
        assert "<h3>Udbuddet</h3>" in kmd.presentation
        assert kmd.recommendation.clauses.count() == 4
        cura = AgendaItem.objects.get(title__startswith="Business case")
        # Its tables of amounts are budget tables, totalled (tests/exchange/test_budget_import.py).
        assert "<table>" not in cura.economy
        assert cura.budget_tables.filter(caption="Projektets samlede økonomi").exists()

    def test_one_case_is_shared_by_every_meeting_that_uses_it(self) -> None:
        import_file("a.txt", _sample("2017-03-20"))
        import_file("b.txt", _sample("2017-06-26"))
        case = Case.objects.get(number="16/26813")
        assert case.items.count() >= 5
        assert case.items.values("meeting").distinct().count() == 2


@pytest.mark.django_db
class TestIdempotence:
    def test_importing_the_same_minutes_again_never_duplicates_and_changes_nothing(
        self,
    ) -> None:
        first = import_file("x.txt", _sample("2017-06-26"))
        items_before = set(AgendaItem.objects.values_list("pk", flat=True))
        again = import_file("x.txt", _sample("2017-06-26"))
        assert first.created == 1
        assert again.ok and again.unchanged == 1
        assert "(uændret)" in again.summary()
        assert Meeting.objects.count() == 1
        assert set(AgendaItem.objects.values_list("pk", flat=True)) == items_before
        assert Attendance.objects.count() == 5

    def test_archived_minutes_come_with_approved_locked_decisions(self, people: People) -> None:
        import_file("x.txt", _sample("2018-04-23"), archive_by=people.secretary)
        decisions = Decision.objects.all()
        assert decisions.count() == 8
        assert all(d.locked for d in decisions)
        with pytest.raises(DatabaseError), transaction.atomic():
            decisions.update(text="<p>Ændret i smug.</p>")

    def test_a_changed_file_is_refused_until_the_minutes_are_reopened(self, people: People) -> None:
        secretary = people.secretary
        assert import_file("x.txt", _sample("2017-03-20"), archive_by=secretary).ok
        meeting = _meeting_at("2017-03-20T10:00")
        assert meeting.body == people.body
        changed = _sample("2017-03-20").replace(b"Udskudt.", b"Godkendt.")
        for archive_by in (None, secretary):
            refused = import_file("x.txt", changed, archive_by=archive_by)
            assert not refused.ok
            assert "godkendt og låst" in refused.error and "genåbne" in refused.error
        item = AgendaItem.objects.get(title="Etablering af ungdomskulturelt makerspace")
        assert item.decision.outcome == Decision.Outcome.POSTPONED

        meeting_reopen(meeting=meeting, actor=secretary, reason="Rettet referat fra arkivet")
        replaced = import_file("x.txt", changed, archive_by=secretary)
        assert replaced.ok and replaced.updated == 1, replaced.summary()
        item = AgendaItem.objects.get(title="Etablering af ungdomskulturelt makerspace")
        assert item.decision.outcome == Decision.Outcome.APPROVED
        assert item.decision.locked
        actions = list(meeting.transitions.values_list("action", "from_status", "to_status"))
        assert actions == [
            ("import_archive", "kladde", "offentliggjort"),
            ("reopen", "offentliggjort", "genåbnet"),
            ("import_archive", "genåbnet", "offentliggjort"),
        ]

    def test_a_batch_with_one_bad_file_imports_the_others_and_leaves_nothing_of_it(
        self, people: People
    ) -> None:
        # Two versions of the same minutes in one batch: the batch cannot be written in one
        # go, so its files are written one by one; the second version meets the lock of the
        # first and is refused, the others are imported.
        changed = _sample("2018-04-23").replace(b"Godkendt.", b"Afvist.")
        reports = import_files(
            [
                ("a.txt", _sample("2018-04-23")),
                ("b.txt", changed),
                ("c.txt", _sample("2017-06-26")),
            ],
            archive_by=people.secretary,
        )
        assert [r.ok for r in reports] == [True, False, True], [r.summary() for r in reports]
        assert "godkendt og låst" in reports[1].error
        assert Meeting.objects.count() == 2
        assert not Decision.objects.filter(
            outcome=Decision.Outcome.REJECTED, text__contains="Afvist."
        ).exists()


@pytest.mark.django_db
class TestBadFiles:
    def test_a_file_that_is_not_minutes_leaves_nothing_and_names_the_line(self) -> None:
        report = import_file("indkøbsliste.txt", "Mælk\nBrød\nSmør\n".encode())
        assert not report.ok
        assert report.line is not None
        assert "indkøbsliste.txt" in report.summary()
        assert Meeting.objects.count() == 0

    def test_a_file_that_breaks_half_way_leaves_nothing_behind(self) -> None:
        text = _sample("2018-04-23").decode()
        broken = text.replace("\n16/24189\n", "\n16/24x89\n")
        report = import_file("broken.txt", broken.encode())
        assert not report.ok, report.summary()
        assert report.line is not None and report.line > 100
        assert Meeting.objects.count() == 0
        assert Case.objects.count() == 0

    def test_an_impossible_date_is_reported_in_danish(self) -> None:
        text = _sample("2017-03-20").decode().replace("d. 20-03-2017", "d. 31-02-2017", 1)
        text = text.replace("Mandag d. 20. marts 2017", "Mandag d. 31. februar 2017")
        report = import_file("dato.txt", text.encode())
        assert not report.ok
        assert "31" in report.error
        assert Meeting.objects.count() == 0

    def test_the_command_goes_on_after_a_bad_file_and_fails_at_the_end(self, tmp_path) -> None:
        bad = tmp_path / "bad.txt"
        bad.write_text("ikke et referat")
        good = tmp_path / "good.txt"
        good.write_bytes(_sample("2017-03-20"))
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 fil"):
            call_command("import_minutes", str(bad), str(good), stdout=out)
        text = out.getvalue()
        assert "bad.txt" in text and "FEJL" in text
        assert "good.txt: Direktionen 20-03-2017 10:00 – 8 punkter" in text
        assert Meeting.objects.count() == 1

    def test_json_that_breaks_the_schema_is_refused_with_its_place(self) -> None:
        item = {"number": 1, "title": "X", "closed": False, "case_number": "abc"}
        meeting = {"body": "Direktionen", "starts_at": "2018-04-23T12:30:00+02:00", "items": [item]}
        data = {"format": "referat/1", "meetings": [meeting]}
        report = import_file("x.json", json.dumps(data).encode())
        assert not report.ok
        assert "meetings/0/items/0/case_number" in report.error
        assert Meeting.objects.count() == 0

    @pytest.mark.parametrize("starts_at", ["0001-01-01T00:00:00+02:00", "9999-12-31T10:00:00Z"])
    def test_json_with_a_meeting_outside_1900_to_2100_is_refused(self, starts_at: str) -> None:
        # Year 1 at +02:00 is year 0 in UTC: PostgreSQL stores it, and no page can read it.
        meeting = {"body": "Direktionen", "starts_at": starts_at, "items": []}
        data = {"format": "referat/1", "meetings": [meeting]}
        report = import_file("x.json", json.dumps(data).encode())
        assert not report.ok
        assert "meetings/0/starts_at" in report.error
        assert Meeting.objects.count() == 0

    def test_an_unknown_file_type_is_refused(self) -> None:
        report = import_file("referat.docx", b"PK\x03\x04\x00\x00")
        assert not report.ok
        # The layout is judged from the content, and the message names what was expected.
        assert "FirstAgenda" in report.error and "SBSYS" in report.error


@pytest.mark.django_db
class TestPdfImport:
    def test_minutes_printed_to_pdf_import_like_the_text(self, tmp_path) -> None:
        from django.utils.html import escape
        from weasyprint import HTML

        text = _sample("2017-03-20").decode()
        body = "".join(f"<p>{escape(line) or '&nbsp;'}</p>" for line in text.splitlines())
        pdf = HTML(string=f"<html><body style='font-size:9pt'>{body}</body></html>").write_pdf()
        report = import_file("direktionen-2017-03-20.pdf", pdf)
        assert report.ok, report.summary()
        meeting = _meeting_at("2017-03-20T10:00")
        titles = list(meeting.items.order_by("number").values_list("title", flat=True))
        assert titles == [i[1] for i in EXPECTED["2017-03-20"]["items"]]

    def test_a_broken_pdf_is_refused(self) -> None:
        report = import_file("x.pdf", b"%PDF-1.4 not really")
        assert not report.ok
        assert "PDF" in report.error


@pytest.mark.django_db
class TestExportAndRoundTrip:
    def test_export_import_into_an_empty_database_and_export_again_is_identical(self) -> None:
        for sample in ("2017-03-20", "2017-06-26", "2018-04-23"):
            import_file(f"{sample}.txt", _sample(sample))
        first = json.dumps(meetings_to_exchange(Meeting.objects.all()), ensure_ascii=False)
        remove_all_meetings()
        report = import_file("export.json", first.encode())
        assert report.ok, report.summary()
        again = json.dumps(meetings_to_exchange(Meeting.objects.all()), ensure_ascii=False)
        assert again == first

    def test_the_public_export_leaves_out_closed_content(self, people: People) -> None:
        import_file("a.txt", _sample("2017-03-20"), archive_by=people.secretary)
        item = AgendaItem.objects.get(number=2, closed=True)
        item.background = "<p>Fortroligt: omstrukturering</p>"
        item.title = "Personalesag X"
        item.save()
        out = io.StringIO()
        call_command("export_minutes", "--all", "--public", stdout=out)
        data = json.loads(out.getvalue())
        closed = data["meetings"][0]["items"][1]
        assert closed == {"number": 2, "title": "Lukket", "case_number": "17/171", "closed": True}
        assert "omstrukturering" not in out.getvalue()
        assert "Personalesag X" not in out.getvalue()
        full = io.StringIO()
        call_command("export_minutes", "--all", stdout=full)
        assert "omstrukturering" in full.getvalue()

    def test_the_public_export_has_only_published_meetings(self, people) -> None:
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        AgendaItemFactory(meeting=draft, title="Udkast om skolelukning", closed=False)
        approved = MeetingFactory(body=people.body, status=Meeting.Status.APPROVED)
        AgendaItemFactory(meeting=approved, title="Godkendt, ikke offentliggjort", closed=False)
        published = MeetingFactory(body=people.body, status=Meeting.Status.PUBLISHED)
        AgendaItemFactory(meeting=published, title="Offentliggjort punkt", closed=False)
        out = io.StringIO()
        call_command("export_minutes", "--all", "--public", stdout=out)
        assert "Offentliggjort punkt" in out.getvalue()
        assert "skolelukning" not in out.getvalue()
        assert "ikke offentliggjort" not in out.getvalue()
        with pytest.raises(CommandError, match="ikke offentliggjort"):
            call_command("export_minutes", str(draft.pk), "--public", stdout=io.StringIO())

    def test_reimporting_over_published_minutes_never_turns_them_back(self, people) -> None:
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.PUBLISHED)
        AgendaItemFactory(meeting=meeting, number=1, title="Offentliggjort beslutning")
        data = meetings_to_exchange(Meeting.objects.filter(pk=meeting.pk))
        data["meetings"][0]["status"] = "draft"
        data["meetings"][0]["items"][0]["title"] = "Ombyttet titel"
        report = import_file("ny.json", json.dumps(data).encode())
        assert not report.ok
        assert "Offentliggjort" in report.error and "genåbne" in report.error
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.PUBLISHED
        assert list(meeting.items.values_list("title", flat=True)) == ["Offentliggjort beslutning"]

    def test_export_by_date_and_by_id(self) -> None:
        import_file("a.txt", _sample("2017-03-20"))
        import_file("b.txt", _sample("2018-04-23"))
        out = io.StringIO()
        call_command("export_minutes", "--date", "2018-04-23", stdout=out)
        assert [m["starts_at"] for m in json.loads(out.getvalue())["meetings"]] == [
            "2018-04-23T12:30:00+02:00"
        ]
        meeting = _meeting_at("2017-03-20T10:00")
        out = io.StringIO()
        call_command("export_minutes", str(meeting.pk), stdout=out)
        assert json.loads(out.getvalue())["meetings"][0]["location"] == "B204"

    def test_a_bad_date_is_a_danish_message(self) -> None:
        with pytest.raises(CommandError, match="ikke en gyldig dato"):
            call_command("export_minutes", "--date", "2018-02-30")


@pytest.mark.django_db
class TestDemoData:
    def test_loaddemo_loads_the_samples_and_is_idempotent(self) -> None:
        call_command("loaddemo", "--password", "x-demo-1234", stdout=io.StringIO())
        call_command("loaddemo", "--password", "x-demo-1234", stdout=io.StringIO())
        # Direktionen’s three sample minutes, Byrådet’s minutes and agenda (with its tillæg).
        assert Meeting.objects.count() == 5
        assert AgendaItem.objects.count() == 29 + 6 + 6
        assert Meeting.objects.filter(body__slug="direktionen").count() == 3

    def test_loaddemo_gives_byraadet_its_members_and_two_meetings(self) -> None:
        out = io.StringIO()
        for _ in range(2):  # idempotent
            call_command("loaddemo", "--password", "x-demo-1234", stdout=out)
        assert "Møde: Byrådet 25-11-2026 16:00" in out.getvalue()
        body = Body.objects.get(name="Byrådet")
        assert body.standard_items == ["Godkendelse af dagsorden", "Meddelelser", "Eventuelt"]
        seats = Membership.objects.filter(body=body).select_related("user", "party")
        members = seats.exclude(role=Membership.Role.SECRETARY)
        assert members.count() == 9
        assert len({m.party.letter for m in members}) >= 3
        users = {m.user.username: m for m in members if m.user is not None}
        assert set(users) == {"borgmester", "byraad1", "byraad2", "byraad3", "byraad4"}
        assert users["borgmester"].role == Membership.Role.CHAIR
        assert users["byraad2"].user.check_password("x-demo-1234")
        assert seats.get(user__username="sekretaer").role == Membership.Role.SECRETARY

        minutes, agenda = Meeting.objects.filter(body=body).order_by("starts_at")
        assert minutes.status == Meeting.Status.PUBLISHED
        assert list(minutes.transitions.values_list("action", flat=True)) == [
            MeetingTransition.Action.SUBMIT_FOR_REVIEW,
            MeetingTransition.Action.APPROVE,
            MeetingTransition.Action.PUBLISH,
        ]
        for item in minutes.items.select_related("decision"):
            assert item.decision.locked
            signed = item.decision.approvals.values_list("reviewer__username", flat=True)
            assert set(signed) == set(users)
        plan = minutes.items.get(title__startswith="Lokalplan")
        assert plan.participations.get().kind == "inhabil"
        assert vote_sentence(plan.votes.get()).endswith("Forslaget blev vedtaget.")
        assert plan.remarks.get().member == users["byraad3"]
        closed = minutes.items.get(closed=True)
        assert closed.decision.public_text.startswith("Byrådet godkendte salg")

        assert agenda.status == Meeting.Status.DRAFT
        titles = list(agenda.items.order_by("number").values_list("title", flat=True))
        assert titles[:2] == ["Godkendelse af dagsorden", "Meddelelser"]
        assert titles[-1] == "Eventuelt"
        assert not agenda.items.filter(decision__isnull=False).exists()
        # Byrådet meets in public: its agenda is out, with one item as a tillægsdagsorden.
        assert body.public
        assert agenda.agenda_published_at is not None
        supplement = agenda.items.get(supplementary=True)
        assert supplement.title == "Vintervedligeholdelse af cykelstier"
        assert supplement.number == len(titles) - 1
        assert not agenda.items.filter(agenda_published_at__isnull=True).exists()

    def test_no_minutes_creates_only_body_and_users(self) -> None:
        call_command("loaddemo", "--no-minutes", stdout=io.StringIO())
        assert Meeting.objects.count() == 0
        from django.contrib.auth.models import User

        assert set(User.objects.values_list("username", flat=True)) >= {
            "sekretaer", "direktoer", "medarbejder", "borgmester", "byraad1", "byraad4"
        }  # fmt: skip


@pytest.fixture(params=["processes", "from a daemonic process"])
def side_by_side(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways the helper processes are started: by the standard library, and (as in a
    Celery worker's child, which the standard library lets have no children) by billiard."""
    if request.param == "from a daemonic process":
        monkeypatch.setattr("exchange.service._in_daemonic_process", lambda: True)
    return str(request.param)


@pytest.mark.django_db(transaction=True)
class TestImportSideBySide:
    def test_many_files_imported_side_by_side_import_like_one_by_one(
        self, side_by_side: str
    ) -> None:
        files = [(f"{n}-{s}.txt", _sample(s)) for n, s in enumerate(sorted(EXPECTED))]
        files.append(("ikke-referat.txt", b"Bare en huskeseddel"))
        try:
            reports = import_files(files, parallel=True, batch_files=1)
            assert [r.ok for r in reports] == [True, True, False]
            assert reports[2].line == 1
            assert AgendaItem.objects.count() == sum(len(e["items"]) for e in EXPECTED.values())
            assert [r.name for r in reports] == [name for name, _ in files]
        finally:
            remove_all_meetings()

    def test_a_file_that_trips_the_parser_up_is_refused_and_the_others_go_on(
        self, side_by_side: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import exchange.legacy as legacy

        parse = legacy.parse_minutes

        def parse_or_trip(text: str) -> object:
            if "Kulturudvalget" in text:
                raise ValueError("zip() argument 2 is shorter than argument 1")
            return parse(text)

        monkeypatch.setattr(legacy, "parse_minutes", parse_or_trip)
        files = [
            (f"{n}.txt", _sample_held("2017-03-20", dt.date(2014, 1, 6) + dt.timedelta(weeks=n)))
            for n in range(30)
        ]
        files[12] = (
            "snublet.txt",
            _sample_held("2017-03-20", dt.date(2013, 1, 7), "Kulturudvalget"),
        )
        try:
            reports = import_files(files, parallel=True, batch_files=5)
            assert [r.ok for r in reports] == [n != 12 for n in range(30)]
            assert "uventet fejl (ValueError)" in reports[12].summary()
            assert Meeting.objects.count() == 29
            assert not Meeting.objects.filter(body__name="Kulturudvalget").exists()
        finally:
            remove_all_meetings()

    def test_batches_written_side_by_side_share_a_new_body_and_new_cases(
        self, side_by_side: str, tmp_path: Path
    ) -> None:
        # Small batches on two connections at once, all of a body that does not exist yet and
        # with the same case numbers: one body, one row per case, no deadlock, and the
        # reports in the order of the files.
        names = sorted(EXPECTED)
        held = [
            (names[n % len(names)], dt.date(2019, 1, 7) + dt.timedelta(weeks=n)) for n in range(12)
        ]
        files = [
            (f"ku-{n:02d}.txt", _sample_held(name, day, body="Kulturudvalget"))
            for n, (name, day) in enumerate(held)
        ]
        files.insert(5, ("noter.txt", b"Ikke et referat"))
        # The helpers log to a file, which the forked processes inherit and this test reads.
        log = logging.FileHandler(tmp_path / "helpers.log", encoding="utf-8")
        logging.getLogger("exchange").addHandler(log)
        try:
            reports = import_files(files, parallel=True, batch_files=2)
            assert [r.name for r in reports] == [name for name, _ in files]
            assert [r.ok for r in reports] == [n != 5 for n in range(13)], [
                r.summary() for r in reports if not r.ok
            ]
            meetings = Meeting.objects.filter(body__name="Kulturudvalget")
            assert meetings.count() == 12
            assert Meeting.objects.values("body").distinct().count() == 1
            assert AgendaItem.objects.count() == sum(
                len(EXPECTED[name]["items"]) for name, _day in held
            )
            numbers = {i[2] for e in EXPECTED.values() for i in e["items"]}
            assert sorted(Case.objects.values_list("number", flat=True)) == sorted(numbers)
            # No batch had to be written again file by file (a deadlock or a duplicate body
            # would have failed it in the database first).
            log.flush()
            assert "failed in the database" not in (tmp_path / "helpers.log").read_text()
        finally:
            logging.getLogger("exchange").removeHandler(log)
            log.close()
            remove_all_meetings()

    def test_two_versions_of_the_same_minutes_written_side_by_side_never_mix(
        self, side_by_side: str, people: People
    ) -> None:
        # As an archive, so that the first written is locked against the second.
        changed = _sample("2018-04-23").replace(b"Godkendt.", b"Afvist.")
        files = [("a.txt", _sample("2018-04-23")), ("b.txt", changed)]
        files += [
            (f"{n}.txt", _sample_held("2017-03-20", dt.date(2016, 1, 4) + dt.timedelta(weeks=n)))
            for n in range(4)
        ]
        try:
            reports = import_files(files, parallel=True, batch_files=1, archive_by=people.secretary)
            # Whichever was written first wins; the other meets its lock and is refused.
            assert sorted(r.ok for r in reports[:2]) == [False, True]
            refused = next(r for r in reports[:2] if not r.ok)
            assert "godkendt og låst" in refused.error
            assert all(r.ok for r in reports[2:])
            meeting = Meeting.objects.get(starts_at__date=dt.date(2018, 4, 23))
            assert meeting.items.count() == len(EXPECTED["2018-04-23"]["items"])
            winner = next(r for r in reports[:2] if r.ok)
            assert meeting.imported_from == winner.name
            rejected = Decision.objects.filter(item__meeting=meeting, text__contains="Afvist.")
            assert rejected.exists() == (winner.name == "b.txt")
        finally:
            remove_all_meetings()

    def test_tables_last_analysed_empty_are_analysed_again_after_the_first_batch(self) -> None:
        # Statistics saying "empty" would have every foreign-key check of a large import
        # read whole tables; the import refreshes them once its first batch is in.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE meetings_agendaitem, meetings_decision")
        files = [
            (f"{n}.txt", _sample_held("2017-03-20", dt.date(2015, 1, 5) + dt.timedelta(weeks=n)))
            for n in range(6)
        ]
        try:
            reports = import_files(files, parallel=True, batch_files=2)
            assert all(r.ok for r in reports)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT relname, reltuples FROM pg_class"
                    " WHERE relname IN ('meetings_agendaitem', 'meetings_decision')"
                )
                known = dict(cursor.fetchall())
            assert known["meetings_agendaitem"] >= 2 * 8
            assert known["meetings_decision"] > 0
        finally:
            remove_all_meetings()


@pytest.mark.django_db
class TestHostileHtmlInExchangeFiles:
    def test_scripts_and_handlers_are_removed_and_the_text_kept(self) -> None:
        hostile = '<p onclick="steal()">Godkendt<script>steal()</script> af direktionen.</p>'
        item = {
            "number": 1, "title": "Punkt med fælder", "case_number": "18/3650",
            "closed": False, "background": hostile, "presentation": hostile,
            "economy": hostile, "recommendation": hostile, "attachments": [],
            "decision": {"text": hostile, "outcome": "Godkendt", "decided_on": "2018-04-23"},
        }  # fmt: skip
        data = {
            "format": "referat/1",
            "meetings": [{"body": "Direktionen", "starts_at": "2018-04-23T12:30:00+02:00",
                          "location": "B105", "participants": [], "items": [item]}],
        }  # fmt: skip
        report = import_file("fælder.json", json.dumps(data).encode())
        assert report.ok, report.summary()
        stored = AgendaItem.objects.get(title="Punkt med fælder")
        sections = [
            stored.background, stored.presentation, stored.economy,
            stored.decision.text, stored.recommendation.note,
        ]  # fmt: skip
        for html in sections:
            assert "Godkendt af direktionen." in html
            assert "script" not in html and "steal" not in html and "onclick" not in html


@pytest.mark.django_db
class TestDanishMessagesForBadExchangeFiles:
    def test_a_missing_key_is_named_in_danish(self) -> None:
        data = {
            "format": "referat/1",
            "meetings": [{"body": "Direktionen", "starts_at": "2018-04-23T12:30:00+02:00"}],
        }
        report = import_file("x.json", json.dumps(data).encode())
        assert not report.ok
        assert "feltet “items” mangler" in report.error
        assert "required property" not in report.error

    def test_a_heading_date_far_in_the_past_is_refused(self) -> None:
        text = _sample("2017-03-20").decode().replace("d. 20-03-2017", "d. 20-03-1850", 1)
        text = text.replace("20. marts 2017", "20. marts 1850")
        report = import_file("gammel.txt", text.encode())
        assert not report.ok
        assert "1900–2100" in report.error
        assert Meeting.objects.count() == 0
