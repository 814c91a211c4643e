"""Minutes reopened in the review workflow still export and import in the exchange format."""

import pytest

from exchange.export import meeting_to_exchange
from exchange.load import save_exchange_meeting
from exchange.schema import validate_exchange
from meetings.models import Meeting
from meetings.services.review import meeting_reopen
from tests.review_scenario import CLOSED_TOKEN, Review

pytestmark = pytest.mark.django_db


def test_reopened_minutes_round_trip_with_their_status(review: Review) -> None:
    meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
    review.published.refresh_from_db()
    data = meeting_to_exchange(review.published)
    assert data["status"] == "reopened"
    validate_exchange({"format": "referat/1", "meetings": [data]})
    saved = save_exchange_meeting(data)
    assert not saved.created
    assert Meeting.objects.get(pk=review.published.pk).status == Meeting.Status.REOPENED


def test_a_public_export_of_reopened_minutes_keeps_closed_items_closed(review: Review) -> None:
    meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
    review.published.refresh_from_db()
    data = meeting_to_exchange(review.published, user=review.people.director, public=True)
    assert CLOSED_TOKEN not in str(data)
