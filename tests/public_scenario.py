"""The public portal's scenario, shared by the portal's page, search, feed, calendar and
caching tests (registered in tests/conftest.py).

Byrådet is a public body with three meetings: published minutes (an open item with a public
and an internal attachment, a closed item), a coming meeting whose agenda is published (an
open item with a draft decision, a closed item, an item added on a tillægsdagsorden, and an
item not yet published), and a draft meeting whose agenda is not out. Direktionen (internal)
has published minutes. Each thing the public must never read carries a marker word of its
own, searchable and ASCII, so that a test can look for its bytes in any response.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attachment,
    Body,
    Decision,
    Meeting,
    MeetingTransition,
    Recommendation,
    RecommendationClause,
)
from tests.conftest import People
from tests.factories import BodyFactory, CaseFactory
from tests.review_scenario import CLOSED_TOKEN

# Things the public may read.
PUBLIC_DECISION_WORD = "Skolevedtagelse"
PUBLIC_ATTACHMENT_WORD = "Trafiktaelling"
AGENDA_WORD = "Cykelstiforslag"
SUPPLEMENT_WORD = "Tillaegssag"
CLOSED_PUBLIC_DECISION = "Byrådet godkendte købet af grunden."
# Things it may not, each in one place.
DRAFT_DECISION_WORD = "Kladdebeslutning"
INTERNAL_ATTACHMENT_WORD = "Internnotat"
UNPUBLISHED_ITEM_WORD = "Ikkeudsendt"
DRAFT_MEETING_WORD = "Hemmeligmoede"
INTERNAL_BODY_WORD = "Direktionssag"
HIDDEN_WORDS = (
    CLOSED_TOKEN,
    DRAFT_DECISION_WORD,
    INTERNAL_ATTACHMENT_WORD,
    UNPUBLISHED_ITEM_WORD,
    DRAFT_MEETING_WORD,
    INTERNAL_BODY_WORD,
)


@dataclass
class Portal:
    people: People
    council: Body
    minutes: Meeting  # published minutes
    agenda: Meeting  # a coming meeting, its agenda published, a supplement too
    draft: Meeting  # a coming meeting, nothing published
    internal: Meeting  # Direktionen's published minutes


def _at(day: dt.datetime) -> dt.datetime:
    return day.replace(minute=0, second=0, microsecond=0)


def _transition(meeting: Meeting, action: str, by: object, when: dt.datetime) -> None:
    transition = MeetingTransition.objects.create(
        meeting=meeting, action=action, from_status=meeting.status, to_status=meeting.status, by=by
    )
    # The time the publication happened, as the service records it (auto_now_add otherwise).
    MeetingTransition.objects.filter(pk=transition.pk).update(created_at=when)


def build_portal(people: People) -> Portal:
    now = timezone.now()
    council = BodyFactory(name="Byrådet", slug="byraadet", public=True)
    secretary = people.secretary

    minutes = Meeting.objects.create(
        body=council,
        starts_at=_at(now - dt.timedelta(days=30)),
        location="Byrådssalen",
        status=Meeting.Status.PUBLISHED,
        agenda_published_at=now - dt.timedelta(days=37),
    )
    school = AgendaItem.objects.create(
        meeting=minutes,
        number=1,
        title="Skolestruktur i Nordbyen",
        case=CaseFactory(number="26/101", title="Skolestruktur"),
        background="<p>Forslag til ny skolestruktur.</p>",
        agenda_published_at=minutes.agenda_published_at,
    )
    Decision.objects.create(
        item=school,
        text=f"<p>{PUBLIC_DECISION_WORD}: skolestrukturen godkendes.</p>",
        outcome=Decision.Outcome.APPROVED,
    )
    Attachment.objects.create(
        item=school, title="Tælling", extracted_text=f"{PUBLIC_ATTACHMENT_WORD} på vejene"
    )
    Attachment.objects.create(
        item=school,
        title="Notat til udvalget",
        internal=True,
        extracted_text=f"{INTERNAL_ATTACHMENT_WORD} om lærernes navne",
    )
    closed = AgendaItem.objects.create(
        meeting=minutes,
        number=2,
        title=f"Køb af grund {CLOSED_TOKEN}",
        case=CaseFactory(number="26/102"),
        closed=True,
        background=f"<p>Prisen {CLOSED_TOKEN}.</p>",
        agenda_published_at=minutes.agenda_published_at,
    )
    Decision.objects.create(
        item=closed,
        text=f"<p>Beslutning {CLOSED_TOKEN}.</p>",
        outcome=Decision.Outcome.APPROVED,
        public_text=CLOSED_PUBLIC_DECISION,
    )
    _transition(
        minutes, MeetingTransition.Action.PUBLISH_AGENDA, secretary, now - dt.timedelta(days=37)
    )
    _transition(minutes, MeetingTransition.Action.PUBLISH, secretary, now - dt.timedelta(days=28))

    agenda = Meeting.objects.create(
        body=council,
        starts_at=_at(now + dt.timedelta(days=6)),
        location="Byrådssalen",
        status=Meeting.Status.DRAFT,
        agenda_published_at=now - dt.timedelta(days=1),
    )
    bike = AgendaItem.objects.create(
        meeting=agenda,
        number=1,
        title="Cykelsti langs Strandvejen",
        case=CaseFactory(number="26/101"),
        background=f"<p>{AGENDA_WORD} fra forvaltningen.</p>",
        agenda_published_at=agenda.agenda_published_at,
    )
    recommendation = Recommendation.objects.create(
        item=bike, unit="Teknik", lead_in="Det indstilles,"
    )
    RecommendationClause.objects.create(
        recommendation=recommendation, position=1, text="at cykelstien anlægges"
    )
    # Written ahead by the secretary: the draft's words and outcome are the body's until the
    # minutes are published.
    Decision.objects.create(
        item=bike,
        text=f"<p>{DRAFT_DECISION_WORD}: afvist.</p>",
        outcome=Decision.Outcome.REJECTED,
    )
    AgendaItem.objects.create(
        meeting=agenda,
        number=2,
        title=f"Salg af ejendom {CLOSED_TOKEN}",
        case=CaseFactory(number="26/103"),
        closed=True,
        background=f"<p>{CLOSED_TOKEN}</p>",
        agenda_published_at=agenda.agenda_published_at,
    )
    AgendaItem.objects.create(
        meeting=agenda,
        number=3,
        title="Tilskud til foreningerne",
        background=f"<p>{SUPPLEMENT_WORD} om tilskud.</p>",
        agenda_published_at=now - dt.timedelta(hours=2),
        supplementary=True,
    )
    AgendaItem.objects.create(
        meeting=agenda,
        number=4,
        title=f"Budgetforslag {UNPUBLISHED_ITEM_WORD}",
        background=f"<p>{UNPUBLISHED_ITEM_WORD}</p>",
    )
    _transition(
        agenda, MeetingTransition.Action.PUBLISH_AGENDA, secretary, now - dt.timedelta(days=1)
    )
    _transition(
        agenda, MeetingTransition.Action.PUBLISH_SUPPLEMENT, secretary, now - dt.timedelta(hours=2)
    )

    draft = Meeting.objects.create(
        body=council,
        starts_at=_at(now + dt.timedelta(days=20)),
        location="Byrådssalen",
        status=Meeting.Status.DRAFT,
    )
    AgendaItem.objects.create(
        meeting=draft, number=1, title=f"Plan {DRAFT_MEETING_WORD}", background="<p>Udkast.</p>"
    )

    internal = Meeting.objects.create(
        body=people.body,
        starts_at=_at(now - dt.timedelta(days=10)),
        location="B105",
        status=Meeting.Status.PUBLISHED,
    )
    item = AgendaItem.objects.create(
        meeting=internal,
        number=1,
        title=f"Intern sag {INTERNAL_BODY_WORD}",
        case=CaseFactory(number="26/104"),
    )
    Decision.objects.create(item=item, text=f"<p>{INTERNAL_BODY_WORD}</p>", outcome="godkendt")
    _transition(internal, MeetingTransition.Action.PUBLISH, secretary, now - dt.timedelta(days=9))
    return Portal(people, council, minutes, agenda, draft, internal)


@pytest.fixture
def portal(people: People) -> Portal:
    return build_portal(people)
