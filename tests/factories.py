"""factory_boy factories for the domain."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Case,
    Decision,
    Meeting,
    Membership,
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"bruger{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password("test-password")


class BodyFactory(factory.django.DjangoModelFactory[Body]):
    class Meta:
        model = Body
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Udvalg {n}")
    slug = factory.LazyAttribute(lambda b: b.name.lower().replace(" ", "-"))


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    body = factory.SubFactory(BodyFactory)
    role = Membership.Role.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    starts_at = factory.Sequence(
        lambda n: timezone.make_aware(dt.datetime(2018, 1, 1, 10, 0) + dt.timedelta(days=7 * n))
    )
    location = "Mødelokale B105"
    status = Meeting.Status.PUBLISHED


class AttendanceFactory(factory.django.DjangoModelFactory[Attendance]):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Sequence(lambda n: f"Deltager {n}")


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    class Meta:
        model = Case
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"17/{1000 + n}")
    title = ""


class AgendaItemFactory(factory.django.DjangoModelFactory[AgendaItem]):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.LazyAttribute(lambda i: i.meeting.items.count() + 1)
    title = factory.Sequence(lambda n: f"Punkt om emne {n}")
    case = factory.SubFactory(CaseFactory)
    background = "<p>Baggrund for sagen.</p>"


class DecisionFactory(factory.django.DjangoModelFactory[Decision]):
    class Meta:
        model = Decision

    item = factory.SubFactory(AgendaItemFactory)
    text = "<p>Godkendt.</p>"
    outcome = Decision.Outcome.APPROVED
    decided_on = factory.LazyAttribute(lambda d: timezone.localdate(d.item.meeting.starts_at))


class AttachmentFactory(factory.django.DjangoModelFactory[Attachment]):
    class Meta:
        model = Attachment

    item = factory.SubFactory(AgendaItemFactory)
    title = factory.Sequence(lambda n: f"Bilag {n}")
