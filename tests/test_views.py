"""The site's error pages: Danish, and never Django's English lookup messages."""

from __future__ import annotations

import pytest

from meetings.models import Meeting
from tests.conftest import People
from tests.factories import AgendaItemFactory, AttachmentFactory, MeetingFactory

pytestmark = pytest.mark.django_db


class TestNotFound:
    def test_a_meeting_the_user_may_not_see_is_a_danish_404_that_names_no_model(
        self, people: People
    ) -> None:
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        response = people.client_for("staff").get(f"/meetings/{draft.pk}/")
        page = response.content.decode()
        assert response.status_code == 404
        assert "Siden findes ikke, eller du har ikke adgang til den." in page
        assert "matches the given query" not in page and "Meeting" not in page

    def test_an_unknown_address_shows_no_resolver_name(self, people: People) -> None:
        page = people.client_for("staff").get("/findes-ikke/").content.decode()
        assert "Siden findes ikke, eller du har ikke adgang til den." in page
        assert "Resolver404" not in page

    def test_our_own_danish_message_is_kept(self, people: People) -> None:
        published = MeetingFactory(body=people.body, status=Meeting.Status.PUBLISHED)
        attachment = AttachmentFactory(item=AgendaItemFactory(meeting=published), file="")
        response = people.client_for("staff").get(f"/attachments/{attachment.pk}/")
        assert response.status_code == 404
        assert "Bilaget har ingen fil." in response.content.decode()

    def test_the_api_answers_in_danish_too(self, people: People) -> None:
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        response = people.client_for("staff").get(f"/api/meetings/{draft.pk}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Findes ikke, eller du har ikke adgang til det."}
