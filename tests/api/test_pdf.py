"""The JSON API and the meeting page's PDF panel, for every role (no worker: jobs are run in
the test process through the service the task calls)."""

from __future__ import annotations

import pytest

from meetings.models import Meeting
from pdf import services
from pdf.models import PdfJob
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.pdf.conftest import CLOSED_TEXTS
from tests.pdf.conftest import _pdf_media_root as _pdf_media_root  # each test's own PDF folder
from tests.pdf.pdfread import ReadPdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(people: People) -> Meeting:
    meeting = MeetingFactory(body=people.body)
    AgendaItemFactory(meeting=meeting, title="Budgetopfølgning", background="<p>Åben tekst</p>")
    AgendaItemFactory(
        meeting=meeting,
        title="Fortrolig omplacering",
        closed=True,
        background="<p>Fortrolig personalesag nr. 2</p>",
    )
    return meeting


def _post(people: People, role: str, meeting: Meeting, variant: str, document: str = "minutes"):
    return people.client_for(role).post(
        f"/api/meetings/{meeting.pk}/pdf/",
        {"variant": variant, "document": document},
        content_type="application/json",
    )


def _finish(job_id: int) -> PdfJob:
    job = services.pdf_job_run(job_id=job_id)
    assert job is not None and job.status == PdfJob.Status.DONE
    return job


class TestStartingAJob:
    def test_it_answers_202_with_the_job_and_where_to_follow_it(
        self, people: People, meeting: Meeting
    ) -> None:
        response = _post(people, "secretary", meeting, "internal")
        assert response.status_code == 202
        body = response.json()
        job = PdfJob.objects.get()
        assert body["job"] == job.pk
        assert body["status_url"] == f"http://testserver/api/jobs/{job.pk}/"
        assert body["status"] == "queued"
        assert body["download_url"] is None
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    def test_a_stored_file_is_offered_at_once(self, people: People, meeting: Meeting) -> None:
        first = _post(people, "staff", meeting, "public").json()
        _finish(first["job"])
        again = _post(people, "director", meeting, "public")
        assert again.status_code == 200
        assert again.json()["job"] == first["job"]
        assert again.json()["download_url"].endswith(f"/api/jobs/{first['job']}/download/")

    @pytest.mark.parametrize("role", ROLES)
    def test_only_those_who_see_closed_items_may_start_the_internal_variant(
        self, people: People, meeting: Meeting, role: str
    ) -> None:
        response = _post(people, role, meeting, "internal")
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert response.status_code == 202
        else:
            assert response.status_code == 403
            assert "ikke adgang" in response.json()["detail"]

    def test_a_meeting_the_user_may_not_open_does_not_exist(self, people: People) -> None:
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        assert _post(people, "staff", draft, "public").status_code == 404
        assert _post(people, "outsider", draft, "public").status_code == 404

    def test_bad_choices_are_refused(self, people: People, meeting: Meeting) -> None:
        response = _post(people, "secretary", meeting, "hemmelig", "referat")
        assert response.status_code == 400
        assert set(response.json()) == {"variant", "document"}

    def test_anonymous_users_are_refused(self, client, meeting: Meeting) -> None:
        response = client.post(
            f"/api/meetings/{meeting.pk}/pdf/",
            {"variant": "public", "document": "minutes"},
            content_type="application/json",
        )
        assert response.status_code in {401, 403}


class TestFollowingAndDownloading:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("variant", ["internal", "public"])
    def test_the_status_and_file_reach_only_those_who_may_have_the_variant(
        self, people: People, meeting: Meeting, role: str, variant: str
    ) -> None:
        job = _finish(
            services.pdf_request(
                meeting=meeting, variant=variant, document="minutes", actor=people.superuser
            ).pk
        )
        client = people.client_for(role)
        status = client.get(f"/api/jobs/{job.pk}/")
        download = client.get(f"/api/jobs/{job.pk}/download/")
        if variant == "internal" and role not in ROLES_WITH_CLOSED_ACCESS:
            assert status.status_code == 404
            assert download.status_code == 404
            assert b"Fortrolig" not in download.content
            return
        assert status.status_code == 200
        assert status.json()["status"] == "done"
        assert status.json()["progress"] == 100
        assert status.json()["error"] == ""
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert "attachment" in download["Content-Disposition"]
        assert "no-store" in download["Cache-Control"]
        text = ReadPdf(b"".join(download.streaming_content)).text
        assert ("Fortrolig personalesag nr. 2" in text) is (variant == "internal")
        assert "Åben tekst" in text

    def test_the_download_answers_application_pdf_whatever_the_client_accepts(
        self, people: People, meeting: Meeting
    ) -> None:
        job = _finish(_post(people, "staff", meeting, "public").json()["job"])
        response = people.client_for("staff").get(
            f"/api/jobs/{job.pk}/download/", HTTP_ACCEPT="application/pdf"
        )
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-1.7")

    def test_an_unfinished_job_has_no_download_yet(self, people: People, meeting: Meeting) -> None:
        job_id = _post(people, "staff", meeting, "public").json()["job"]
        response = people.client_for("staff").get(f"/api/jobs/{job_id}/download/")
        assert response.status_code == 409
        assert response.json()["detail"] == "PDF'en er ikke færdig endnu."

    def test_a_failed_job_tells_why_in_danish(self, people: People, meeting: Meeting) -> None:
        job_id = _post(people, "staff", meeting, "public").json()["job"]
        services.pdf_job_fail(job_id=job_id, error="PDF'en kunne ikke laves.")
        body = people.client_for("staff").get(f"/api/jobs/{job_id}/").json()
        assert body["status"] == "failed"
        assert body["error"] == "PDF'en kunne ikke laves."
        assert body["download_url"] is None


class TestMeetingPagePanel:
    @pytest.mark.parametrize("role", ROLES)
    def test_the_panel_offers_the_internal_variant_only_to_those_allowed(
        self, people: People, meeting: Meeting, role: str
    ) -> None:
        page = people.client_for(role).get(f"/meetings/{meeting.pk}/").content.decode()
        assert 'value="minutes/public"' in page
        assert 'value="agenda/public"' in page
        assert ('value="minutes/internal"' in page) is (role in ROLES_WITH_CLOSED_ACCESS)

    def test_a_button_starts_a_job_and_the_fragment_polls_until_done(
        self, people: People, meeting: Meeting
    ) -> None:
        client = people.client_for("director")
        fragment = client.post(
            f"/meetings/{meeting.pk}/pdf/", {"choice": "minutes/internal"}, HTTP_HX_REQUEST="true"
        ).content.decode()
        job = PdfJob.objects.get()
        assert f'hx-get="/pdf-jobs/{job.pk}/"' in fragment
        assert 'hx-trigger="every 1s"' in fragment
        assert "I kø" in fragment
        _finish(job.pk)
        done = client.get(f"/pdf-jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
        assert "hx-trigger" not in done
        assert f'href="/api/jobs/{job.pk}/download/"' in done
        assert "Hent PDF" in done

    def test_the_panel_refuses_the_internal_variant_to_staff(
        self, people: People, meeting: Meeting
    ) -> None:
        response = people.client_for("staff").post(
            f"/meetings/{meeting.pk}/pdf/", {"choice": "minutes/internal"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 403
        assert "ikke adgang" in response.content.decode()
        assert not PdfJob.objects.exists()

    def test_another_users_job_of_a_variant_they_may_not_have_does_not_exist(
        self, people: People, meeting: Meeting
    ) -> None:
        job = services.pdf_request(
            meeting=meeting, variant="internal", document="minutes", actor=people.secretary
        )
        assert people.client_for("staff").get(f"/pdf-jobs/{job.pk}/").status_code == 404


def test_no_closed_text_in_any_public_response(people: People, meeting: Meeting) -> None:
    job = _finish(_post(people, "secretary", meeting, "public").json()["job"])
    client = people.client_for("secretary")
    for url in (f"/api/jobs/{job.pk}/", f"/pdf-jobs/{job.pk}/"):
        assert "Fortrolig" not in client.get(url).content.decode()
    text = ReadPdf(b"".join(client.get(f"/api/jobs/{job.pk}/download/").streaming_content)).text
    assert "Fortrolig" not in text
    assert all(secret not in text for secret in CLOSED_TEXTS)


class TestOldFiles:
    """A PDF file is handed out only while it shows the meeting as it is: a public agenda made
    while an item was open is not downloadable after the item is closed, whoever tries its
    (sequential) job id, and its file is removed."""

    @pytest.mark.parametrize("role", ROLES)
    def test_a_public_pdf_made_before_an_item_was_closed_is_gone(
        self, people: People, meeting: Meeting, role: str
    ) -> None:
        from meetings.models import AgendaItem

        item = AgendaItem.objects.get(meeting=meeting, title="Budgetopfølgning")
        job = _finish(_post(people, "secretary", meeting, "public", "agenda").json()["job"])
        before = people.client_for(role).get(f"/api/jobs/{job.pk}/download/")
        assert "Budgetopf" in ReadPdf(b"".join(before.streaming_content)).text
        AgendaItem.objects.filter(pk=item.pk).update(closed=True)

        response = people.client_for(role).get(f"/api/jobs/{job.pk}/download/")
        assert response.status_code == 410
        assert "forældet" in response.json()["detail"]
        assert not services.pdf_file_path(PdfJob.objects.get(pk=job.pk)).is_file()
        fresh = _finish(_post(people, "secretary", meeting, "public", "agenda").json()["job"])
        assert fresh.pk != job.pk
        text = ReadPdf(
            b"".join(
                people.client_for(role).get(f"/api/jobs/{fresh.pk}/download/").streaming_content
            )
        ).text
        assert "Budgetopfølgning" not in text
        assert "Lukket" in text
