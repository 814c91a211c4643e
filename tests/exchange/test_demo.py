"""Demo data and imports meet approved, locked minutes: the same file again changes nothing
approved, and changed minutes over approved ones are refused in Danish until reopened."""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from common.hashing import checksum
from exchange.demo import SAMPLE_DIR, _demo_minutes, load_demo
from exchange.service import import_file
from meetings.models import Decision, Meeting
from meetings.services.review import decision_approve, meeting_reopen, meeting_submit_for_review

pytestmark = pytest.mark.django_db


def _approve_demo_minutes() -> Meeting:
    load_demo(password="demo-pw-1")
    users = get_user_model().objects
    meeting = Meeting.objects.get(body__slug="direktionen", starts_at__year=2018)
    secretary, director = users.get(username="sekretaer"), users.get(username="direktoer")
    meeting_reopen(meeting=meeting, actor=secretary, reason="Prøver godkendelsen")
    # The sample minutes have items without a decision (item 1 and 10): sent knowingly.
    meeting_submit_for_review(meeting=meeting, actor=secretary, send_anyway=True)
    for item in meeting.items.filter(decision__isnull=False):
        decision_approve(item=item, actor=director)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    return meeting


def test_reloading_the_demo_after_an_approval_leaves_the_approved_minutes_alone() -> None:
    meeting = _approve_demo_minutes()
    load_demo(password="demo-pw-1")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    assert Decision.objects.filter(item__meeting=meeting, locked=True).exists()


def _demo_document_checksum(path: Path) -> str:
    _source_checksum, document = _demo_minutes(path)
    return checksum(json.dumps(document).encode())


def test_a_changed_demo_file_is_let_in_through_a_reopen(monkeypatch, tmp_path) -> None:
    meeting = _approve_demo_minutes()
    for path in SAMPLE_DIR.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        if path.name == meeting.imported_from:
            text = text.replace("Godkendt.", "Godkendt uden bemærkninger.")
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    monkeypatch.setattr("exchange.demo.SAMPLE_DIR", tmp_path)
    load_demo(password="demo-pw-1")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED  # an archive import, recorded as such
    reopen, archived = list(meeting.transitions.all())[-2:]
    assert (reopen.action, reopen.reason) == ("reopen", "Demodata indlæses igen")
    assert (archived.action, archived.from_status) == ("import_archive", "genåbnet")
    assert archived.file_sha256 == _demo_document_checksum(tmp_path / meeting.imported_from)
    assert Decision.objects.filter(text__contains="Godkendt uden bemærkninger.").exists()


def test_the_demo_minutes_come_in_published_as_a_recorded_archive_import() -> None:
    load_demo(password="demo-pw-1")
    load_demo(password="demo-pw-1")  # again: nothing changes, nothing more is recorded
    secretary = get_user_model().objects.get(username="sekretaer")
    meetings = Meeting.objects.filter(body__slug="direktionen")
    assert meetings.count() == 3
    for meeting in meetings:
        assert meeting.status == Meeting.Status.PUBLISHED
        assert not Decision.objects.filter(item__meeting=meeting, locked=False).exists()
        (archived,) = meeting.transitions.all()
        assert (archived.action, archived.by) == ("import_archive", secretary)
        # The demo brings each sample in as the exchange document it makes of it (the minutes
        # as read, with their demo allocations): that document is the file on record.
        assert archived.file_name == f"{Path(meeting.imported_from).stem}.json"
        assert archived.file_sha256 == _demo_document_checksum(SAMPLE_DIR / meeting.imported_from)


def test_importing_changed_minutes_over_approved_ones_is_refused_in_danish() -> None:
    meeting = _approve_demo_minutes()
    name = meeting.imported_from
    changed = (SAMPLE_DIR / name).read_bytes().replace(b"Godkendt.", b"Afvist.")
    report = import_file(name, changed)
    assert not report.ok
    assert "er godkendt og låst og kan ikke importeres igen" in report.error
    assert "genåbne" in report.error
    assert Decision.objects.filter(item__meeting=meeting, locked=True).exists()
    same = import_file(name, (SAMPLE_DIR / name).read_bytes())
    assert same.ok and same.unchanged == 1
