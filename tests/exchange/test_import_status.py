"""What imported minutes become: a draft, whatever the file says, unless the import is an
explicit archive import (`import_minutes --archive --user …`), which publishes them with their
decisions locked and records who did it, with which file and its SHA-256."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from common.hashing import checksum
from exchange.service import import_file
from meetings.models import Decision, Meeting, MeetingTransition
from meetings.services.review import meeting_reopen
from tests.conftest import People

SAMPLES = Path(__file__).resolve().parents[2] / "exchange" / "demo_minutes"
SAMPLE = SAMPLES / "direktionen-2018-04-23.txt"

MINUTES: dict[str, Any] = {
    "format": "referat/1",
    "meetings": [
        {
            "body": "Direktionen",
            "starts_at": "2019-01-07T09:00:00+01:00",
            "location": "B105",
            "items": [
                {
                    "number": 1,
                    "title": "Budgetopfølgning januar",
                    "case_number": "19/100",
                    "closed": False,
                    "decision": {
                        "text": "<p>Godkendt.</p>",
                        "outcome": "Godkendt",
                        "decided_on": "2019-01-07",
                    },
                }
            ],
        }
    ],
}


def _minutes(status: str | None) -> bytes:
    data = copy.deepcopy(MINUTES)
    if status is not None:
        data["meetings"][0]["status"] = status
    return json.dumps(data).encode()


def _only_meeting() -> Meeting:
    return Meeting.objects.select_related("body").get()


@pytest.mark.django_db
class TestAnImportMakesDrafts:
    @pytest.mark.parametrize(
        ("status", "claimed"),
        [
            ("published", " (filen angav “Offentliggjort”)"),
            ("approved", " (filen angav “Godkendt”)"),
            ("in_review", " (filen angav “Til godkendelse”)"),
            (None, " (filen angav “Offentliggjort”)"),  # no status: the format's default
            ("draft", ""),
        ],
    )
    def test_whatever_status_the_file_gives_the_minutes_come_in_as_a_draft(
        self, people: People, status: str | None, claimed: str
    ) -> None:
        report = import_file("januar.json", _minutes(status))
        assert report.ok, report.summary()
        meeting = _only_meeting()
        assert meeting.status == Meeting.Status.DRAFT
        assert not Decision.objects.filter(locked=True).exists()
        assert not MeetingTransition.objects.exists()
        assert report.notes == [
            f"Importeret som kladde: Direktionen 07-01-2019 09:00{claimed}. Referatet skal "
            "godkendes og offentliggøres, før det er officielt."
        ]
        assert "Importeret som kladde: Direktionen 07-01-2019 09:00" in report.summary()
        # Nobody outside the body reads it: it is not published.
        assert people.client_for("staff").get(meeting.get_absolute_url()).status_code == 404

    def test_legacy_minutes_which_are_published_minutes_come_in_as_a_draft(
        self, people: People
    ) -> None:
        report = import_file(SAMPLE.name, SAMPLE.read_bytes())
        assert report.ok, report.summary()
        assert _only_meeting().status == Meeting.Status.DRAFT
        assert "(filen angav “Offentliggjort”)" in report.notes[0]
        # The draft's decisions take edits and go through review like any other.
        assert Decision.objects.filter(locked=False).count() == 8

    def test_minutes_reopened_for_a_correction_stay_reopened(self, people: People) -> None:
        import_file("januar.json", _minutes("published"), archive_by=people.secretary)
        meeting = _only_meeting()
        meeting_reopen(meeting=meeting, actor=people.secretary, reason="Forkert dato i punkt 1")
        corrected = _minutes("published").replace(b"Godkendt.", b"Godkendt med rettelse.")
        report = import_file("januar-rettet.json", corrected)
        assert report.ok, report.summary()
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.REOPENED
        assert not Decision.objects.filter(locked=True).exists()
        assert report.notes[0].startswith("Importeret i det genåbnede referat:")

    def test_published_minutes_are_never_turned_back_into_a_draft(self, people: People) -> None:
        import_file("januar.json", _minutes("published"), archive_by=people.secretary)
        changed = _minutes("draft").replace(b"Godkendt.", b"Afvist.")
        report = import_file("januar.json", changed)
        assert not report.ok
        assert report.error == (
            "Referatet af Direktionen 07-01-2019 er godkendt og låst og kan ikke importeres "
            "igen med ændringer. Sekretæren skal først genåbne det med en begrundelse."
        )
        meeting = _only_meeting()
        assert meeting.status == Meeting.Status.PUBLISHED
        assert Decision.objects.get().text == "<p>Godkendt.</p>"


@pytest.mark.django_db
class TestTheImportCommand:
    def _run(self, *args: str) -> str:
        out = io.StringIO()
        call_command("import_minutes", *args, stdout=out)
        return out.getvalue()

    def test_without_archive_it_imports_drafts_like_the_web(self, people: People) -> None:
        out = self._run(str(SAMPLE))
        meeting = _only_meeting()
        assert meeting.status == Meeting.Status.DRAFT
        assert (
            "Importeret som kladde: Direktionen 23-04-2018 12:30 (filen angav “Offentliggjort”)"
            in out
        )
        assert not MeetingTransition.objects.exists()

    def test_archive_publishes_locks_and_records_user_file_and_checksum(
        self, people: People
    ) -> None:
        out = self._run("--archive", "--user", "sekretaer", str(SAMPLE))
        assert "Importeret som arkiv: Direktionen 23-04-2018 12:30 er offentliggjort" in out
        meeting = _only_meeting()
        assert meeting.status == Meeting.Status.PUBLISHED
        assert Decision.objects.filter(item__meeting=meeting).count() == 8
        assert not Decision.objects.filter(item__meeting=meeting, locked=False).exists()
        transition = MeetingTransition.objects.get(meeting=meeting)
        assert transition.action == MeetingTransition.Action.IMPORT_ARCHIVE
        assert transition.get_action_display() == "Importeret som arkiv"
        assert (transition.from_status, transition.to_status) == ("kladde", "offentliggjort")
        assert transition.by == people.secretary
        assert transition.file_name == SAMPLE.name
        assert transition.file_sha256 == checksum(SAMPLE.read_bytes())
        # Shown with the meeting's transitions, to anyone who may read the minutes.
        page = people.client_for("staff").get(f"/meetings/{meeting.pk}/review/").content.decode()
        assert "Importeret som arkiv af Kathrine" in page
        assert SAMPLE.name in page and transition.file_sha256 in page

    def test_the_same_archive_again_changes_and_records_nothing(self, people: People) -> None:
        self._run("--archive", "--user", "sekretaer", str(SAMPLE))
        out = self._run("--archive", "--user", "sekretaer", str(SAMPLE))
        assert "(uændret)" in out
        assert MeetingTransition.objects.count() == 1

    def test_archiving_the_file_a_draft_came_from_publishes_the_draft(self, people: People) -> None:
        self._run(str(SAMPLE))
        self._run("--archive", "--user", "sekretaer", str(SAMPLE))
        meeting = _only_meeting()
        assert meeting.status == Meeting.Status.PUBLISHED
        assert list(meeting.transitions.values_list("action", "from_status", "to_status")) == [
            ("import_archive", "kladde", "offentliggjort")
        ]

    def test_archive_without_a_user_is_refused_and_imports_nothing(self, people: People) -> None:
        with pytest.raises(CommandError, match="--archive kræver --user BRUGERNAVN"):
            self._run("--archive", str(SAMPLE))
        assert not Meeting.objects.exists()

    @pytest.mark.parametrize(
        ("username", "message"),
        [
            ("ingen-sådan", "Brugeren “ingen-sådan” findes ikke."),
            ("medarbejder", "er hverken sekretær for et organ eller superbruger"),
        ],
    )
    def test_the_archive_user_must_be_a_secretary_or_a_superuser(
        self, people: People, username: str, message: str
    ) -> None:
        with pytest.raises(CommandError, match=message):
            self._run("--archive", "--user", username, str(SAMPLE))
        assert not Meeting.objects.exists()

    def test_a_secretary_archives_only_the_minutes_of_her_own_bodies(self, people: People) -> None:
        # The outsider is secretary of Økonomiudvalget; the sample is Direktionen's.
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 fil"):
            call_command(
                "import_minutes", "--archive", "--user", "udenforstaaende", str(SAMPLE), stdout=out
            )
        assert "kun importere referater for de organer, du er sekretær for" in out.getvalue()
        assert not Meeting.objects.exists()

    def test_a_superuser_may_archive_any_body(self, people: People) -> None:
        self._run("--archive", "--user", "admin", str(SAMPLE))
        transition = MeetingTransition.objects.get()
        assert transition.by == people.superuser

    def test_a_changed_file_over_archived_minutes_is_refused_in_danish(
        self, people: People, tmp_path: Path
    ) -> None:
        self._run("--archive", "--user", "sekretaer", str(SAMPLE))
        changed = tmp_path / SAMPLE.name
        changed.write_bytes(SAMPLE.read_bytes().replace(b"Godkendt.", b"Afvist."))
        for archive in ([], ["--archive", "--user", "sekretaer"]):
            out = io.StringIO()
            with pytest.raises(CommandError, match="1 fil"):
                call_command("import_minutes", *archive, str(changed), stdout=out)
            assert "er godkendt og låst og kan ikke importeres igen med ændringer" in out.getvalue()
            assert "genåbne" in out.getvalue()
        assert _only_meeting().status == Meeting.Status.PUBLISHED
        assert MeetingTransition.objects.count() == 1
