"""The "Importér referater" page: small uploads at once, large ones in a real Celery worker."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.models import AgendaItem, ImportJob, Meeting
from tests.conftest import People
from tests.exchange.test_import import _sample_held

SAMPLES = Path(__file__).resolve().parents[2] / "exchange" / "demo_minutes"


def _upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = content if content is not None else (SAMPLES / name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="text/plain")


def _finished_job(job: ImportJob, *, seconds: float) -> ImportJob:
    """The job once the worker has finished it (or as it is when the time is up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in {ImportJob.Status.DONE, ImportJob.Status.FAILED}:
            break
        time.sleep(0.2)
    return job


@pytest.mark.django_db
class TestImportPage:
    def test_a_secretary_imports_small_files_at_once_and_sees_the_report(
        self, people: People, django_capture_on_commit_callbacks
    ) -> None:
        client = people.client_for("secretary")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/import/",
                {"uploads": [_upload("direktionen-2017-03-20.txt"), _upload("noter.txt", b"hej")]},
            )
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Færdig" in page
        assert "Direktionen 20-03-2017 10:00 – 8 punkter" in page
        assert "noter.txt" in page and "Fejl (linje 1)" in page
        assert Meeting.objects.count() == 1

    def test_minutes_the_file_calls_published_land_as_a_draft_and_the_report_says_so(
        self, people: People, django_capture_on_commit_callbacks
    ) -> None:
        exported = {
            "format": "referat/1",
            "meetings": [
                {
                    "body": "Direktionen",
                    "starts_at": "2019-01-07T09:00:00+01:00",
                    "status": "published",
                    "items": [
                        {
                            "number": 1,
                            "title": "Budgetopfølgning januar",
                            "closed": False,
                            "decision": {"text": "<p>Godkendt.</p>", "outcome": "Godkendt"},
                        }
                    ],
                }
            ],
        }
        client = people.client_for("secretary")
        assert "Importerede referater bliver kladder" in client.get("/import/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/import/",
                {"uploads": [_upload("januar.json", json.dumps(exported).encode())]},
            )
        page = client.get(response["Location"]).content.decode()
        assert (
            "Importeret som kladde: Direktionen 07-01-2019 09:00 "
            "(filen angav “Offentliggjort”). Referatet skal godkendes og offentliggøres, "
            "før det er officielt."
        ) in page
        meeting = Meeting.objects.get()
        assert meeting.status == Meeting.Status.DRAFT
        assert not meeting.items.filter(decision__locked=True).exists()
        assert not meeting.transitions.exists()
        # Not official: nobody outside the body can read it, and the review page offers the
        # way on, sending it for review.
        assert people.client_for("staff").get(meeting.get_absolute_url()).status_code == 404
        review = client.get(f"/meetings/{meeting.pk}/review/").content.decode()
        assert "Send til godkendelse" in review

    @pytest.mark.parametrize("role", ["director", "staff"])
    def test_only_secretaries_may_import(self, people: People, role: str) -> None:
        client = people.client_for(role)
        assert client.get("/import/").status_code == 403
        response = client.post("/import/", {"uploads": [_upload("direktionen-2017-03-20.txt")]})
        assert response.status_code == 403
        assert Meeting.objects.count() == 0

    def test_a_secretary_of_another_body_cannot_import_direktionens_minutes(
        self, people: People, django_capture_on_commit_callbacks
    ) -> None:
        client = people.client_for("outsider")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/import/", {"uploads": [_upload("direktionen-2017-03-20.txt")]})
        page = client.get(response["Location"]).content.decode()
        assert "kun importere referater for de organer, du er sekretær for" in page
        assert Meeting.objects.count() == 0

    def test_a_wrong_file_type_is_refused_in_danish_before_anything_is_stored(
        self, people: People
    ) -> None:
        client = people.client_for("secretary")
        response = client.post("/import/", {"uploads": [_upload("a.docx", b"PK")]})
        assert response.status_code == 200
        assert "kun .txt-, .pdf- og .json-filer" in response.content.decode()
        assert ImportJob.objects.count() == 0

    def test_no_file_chosen_says_so(self, people: People) -> None:
        response = people.client_for("secretary").post("/import/", {})
        assert "Vælg mindst én fil." in response.content.decode()

    def test_the_recent_imports_count_their_files_in_danish(self, people: People) -> None:
        client = people.client_for("secretary")
        client.post("/import/", {"uploads": [_upload("direktionen-2017-03-20.txt")]})
        client.post(
            "/import/",
            {"uploads": [_upload("direktionen-2017-03-20.txt"), _upload("noter.txt", b"hej")]},
        )
        page = client.get("/import/").content.decode()
        assert "– 1 fil," in page and "– 2 filer," in page
        assert "1 filer" not in page

    def test_one_user_cannot_see_anothers_import(self, people: People) -> None:
        client = people.client_for("secretary")
        response = client.post("/import/", {"uploads": [_upload("direktionen-2017-03-20.txt")]})
        assert people.client_for("outsider").get(response["Location"]).status_code == 404


@pytest.mark.django_db(transaction=True)
class TestLargeUploadInTheWorker:
    def test_a_large_upload_runs_in_the_worker_with_progress_and_the_same_report(
        self, people: People, celery_worker_process: subprocess.Popen[bytes]
    ) -> None:
        client = people.client_for("secretary")
        uploads = [_upload(p.name) for p in sorted(SAMPLES.glob("*.txt"))]
        # Padding past the inline limit: trailing blank lines change nothing in the minutes.
        uploads.append(
            _upload(
                "stor.txt",
                (SAMPLES / "direktionen-2018-04-23.txt").read_bytes() + b"\n" * 600_000,
            )
        )
        response = client.post("/import/", {"uploads": uploads})
        job = _finished_job(ImportJob.objects.get(), seconds=60)
        assert job.status == ImportJob.Status.DONE, job.error
        assert job.processed == 4
        fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
        assert "4 af 4 filer" in fragment
        assert "hx-trigger" not in fragment  # polling stops when the job is done
        assert "Direktionen 23-04-2018 12:30 – 10 punkter" in fragment
        # The worker imports drafts too, whatever the minutes say, and says so.
        assert "Importeret som kladde: Direktionen 23-04-2018 12:30" in fragment
        assert set(Meeting.objects.values_list("status", flat=True)) == {Meeting.Status.DRAFT}
        assert Meeting.objects.count() == 3
        assert AgendaItem.objects.count() == 29

    def test_many_files_are_parsed_and_written_side_by_side_with_the_uploader_in_history(
        self, people: People, celery_worker_process: subprocess.Popen[bytes]
    ) -> None:
        # Enough files for the worker's child to import them with two helper processes of its
        # own; one bad file among them.
        names = ["2017-03-20", "2017-06-26", "2018-04-23"]
        uploads = [
            _upload(
                f"ref-{n:02d}.txt",
                _sample_held(names[n % 3], dt.date(2012, 1, 2) + dt.timedelta(weeks=n)),
            )
            for n in range(30)
        ]
        uploads.insert(7, _upload("noter.txt", b"Bare en huskeseddel"))
        client = people.client_for("secretary")
        client.post("/import/", {"uploads": uploads})
        job = _finished_job(ImportJob.objects.get(), seconds=120)
        assert job.status == ImportJob.Status.DONE, job.error
        assert job.processed == 31
        assert [r["name"] for r in job.reports] == [u.name for u in uploads]
        assert [r["ok"] for r in job.reports] == [n != 7 for n in range(31)]
        assert job.reports[7]["line"] == 1
        assert Meeting.objects.count() == 30
        assert AgendaItem.objects.count() == 10 * (8 + 11 + 10)
        # Every history row of the import names the secretary who uploaded the files.
        events = apps.get_model("meetings", "AgendaItemEvent").objects.filter(pgh_label="insert")
        assert events.count() == AgendaItem.objects.count()
        assert {e.pgh_context.metadata["user"] for e in events} == {people.secretary.pk}
