"""State changes of a body and its members, as its secretary keeps them: the body itself
(created by a superuser), parties, seats (name, user, party, role, period) and their end.

Every function takes the acting user as `actor`. The body's secretary and superusers manage
its members; only a superuser gives someone the secretary's role, since a seat with a user
opens the body's closed items to that user. Field errors are django ValidationErrors with a
dict of Danish messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meetings.access import bodies_editable_by, require_editor
from meetings.errors import DomainError, NotAllowed
from meetings.models import (
    Attendance,
    Ballot,
    Body,
    ItemParticipation,
    Membership,
    Party,
    Remark,
)
from meetings.services._common import Actor

# A new agenda starts with at most this many standard items, each a title of an item.
STANDARD_ITEMS_MAX = 30
ITEM_TITLE_MAX_LENGTH = 500


@transaction.atomic
def body_create(
    *, actor: Actor, name: str, slug: str = "", standard_items: Sequence[str] = ()
) -> Body:
    """A new body (udvalg, Byrådet …) with its short name for addresses and the standard items
    its agendas start with. Only a superuser. A blank slug is made from the name. Refused with
    Danish field messages, creating nothing, when the name or slug is taken or not valid."""
    if not (actor.is_authenticated and actor.is_active and actor.is_superuser):
        raise NotAllowed(_("Kun en administrator kan oprette organer."))
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name or len(name) > 200:
        errors["name"] = [_("Angiv organets navn (højst 200 tegn).")]
    elif Body.objects.filter(name__iexact=name).exists():
        errors["name"] = [_("Der findes allerede et organ med navnet %(name)s.") % {"name": name}]
    slug = slug.strip() or slugify(
        name.lower().replace("å", "aa").replace("æ", "ae").replace("ø", "oe")
    )
    if not slug or len(slug) > 100 or slugify(slug) != slug:
        errors["slug"] = [
            _("Det korte navn må kun have små bogstaver a-z, tal og bindestreger, fx byraadet.")
        ]
    elif Body.objects.filter(slug=slug).exists():
        errors["slug"] = [_("Det korte navn %(slug)s er i brug.") % {"slug": slug}]
    titles = [t.strip() for t in standard_items]
    if len(titles) > STANDARD_ITEMS_MAX or any(
        not t or len(t) > ITEM_TITLE_MAX_LENGTH for t in titles
    ):
        errors["standard_items"] = [
            _("Standardpunkterne skal være højst %(count)s titler, hver på 1-%(length)s tegn.")
            % {"count": STANDARD_ITEMS_MAX, "length": ITEM_TITLE_MAX_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Body.objects.create(name=name, slug=slug, standard_items=titles)
    except IntegrityError as exc:  # created by someone else in between
        raise ValidationError({"name": [_("Organet findes allerede.")]}) from exc


@dataclass(frozen=True)
class MemberInput:
    """A seat in a body. `party` is a party letter ("A") or blank; `name` may be blank when a
    user is given (the user's full name is printed)."""

    name: str = ""
    user_id: int | None = None
    party: str = ""
    role: str = Membership.Role.MEMBER
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


def _party_for(letter: str, errors: dict[str, list[str]]) -> Party | None:
    letter = letter.strip()
    if not letter:
        return None
    party = Party.objects.filter(letter__iexact=letter).first()
    if party is None:
        known = ", ".join(Party.objects.values_list("letter", flat=True)) or "–"
        errors["party"] = [
            _("Partiet %(letter)s findes ikke. Kendte partier: %(known)s.")
            % {"letter": letter, "known": known}
        ]
    return party


def _clean_member(actor: Actor, body: Body, data: MemberInput) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    name = data.name.strip()
    if len(name) > 200:
        errors["name"] = [_("Navnet må højst være 200 tegn.")]
    user = None
    if data.user_id is not None:
        user = get_user_model().objects.filter(pk=data.user_id, is_active=True).first()
        if user is None:
            errors["user"] = [_("Brugeren findes ikke eller er deaktiveret.")]
    if not name and data.user_id is None:
        errors["name"] = [_("Angiv medlemmets navn eller vælg en bruger.")]
    if data.role not in Membership.Role.values:
        errors["role"] = [
            _("Rollen skal være en af: %(roles)s.")
            % {"roles": ", ".join(str(label) for label in Membership.Role.labels)}
        ]
    elif data.role == Membership.Role.SECRETARY and not actor.is_superuser:
        errors["role"] = [_("Kun en administrator kan give sekretærens rolle.")]
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = [_("Perioden skal slutte efter, den begynder.")]
    party = _party_for(data.party, errors)
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "user": user,
        "party": party,
        "role": data.role,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
    }


def _duplicate_user_error() -> ValidationError:
    return ValidationError({"user": [_("Brugeren er allerede medlem af organet.")]})


@transaction.atomic
def member_add(*, actor: Actor, body: Body, data: MemberInput) -> Membership:
    """Give someone a seat in the body, last in the body's order. Only the body's secretary or
    a superuser; a user can hold one seat per body."""
    require_editor(actor, body, _("Kun organets sekretær kan ændre dets medlemmer."))
    fields = _clean_member(actor, body, data)
    last = Membership.objects.filter(body=body).order_by("-position").first()
    try:
        with transaction.atomic():
            return Membership.objects.create(
                body=body, position=(last.position + 1) if last else 1, **fields
            )
    except IntegrityError as exc:
        raise _duplicate_user_error() from exc


@transaction.atomic
def member_update(*, actor: Actor, member: Membership, data: MemberInput) -> Membership:
    """Change a seat (name, user, party, role, period). The same rights as member_add; a
    secretary cannot change a secretary's seat."""
    member = Membership.objects.select_for_update().get(pk=member.pk)
    require_editor(actor, member.body, _("Kun organets sekretær kan ændre dets medlemmer."))
    if member.role == Membership.Role.SECRETARY and not actor.is_superuser:
        raise NotAllowed(_("Kun en administrator kan ændre en sekretærs plads."))
    fields = _clean_member(actor, member.body, data)
    for name, value in fields.items():
        setattr(member, name, value)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise _duplicate_user_error() from exc
    return member


@transaction.atomic
def member_remove(*, actor: Actor, member: Membership) -> None:
    """Remove a seat that no meeting, vote or remark names; a seat that the protocol names is
    kept, and the secretary is told to end its period instead."""
    require_editor(actor, member.body, _("Kun organets sekretær kan ændre dets medlemmer."))
    if member.role == Membership.Role.SECRETARY and not actor.is_superuser:
        raise NotAllowed(_("Kun en administrator kan fjerne en sekretær."))
    named = (
        Attendance.objects.filter(member=member).exists()
        or Attendance.objects.filter(substitute_for=member).exists()
        or ItemParticipation.objects.filter(member=member).exists()
        or Ballot.objects.filter(member=member).exists()
        or Remark.objects.filter(member=member).exists()
    )
    if named:
        raise DomainError(
            _(
                "%(name)s står i protokollen for tidligere møder og kan ikke slettes. "
                "Sæt i stedet en slutdato for medlemsperioden."
            )
            % {"name": member.display_name}
        )
    member.delete()


@transaction.atomic
def party_create(*, actor: Actor, letter: str, name: str) -> Party:
    """A party (partibogstav and name). Any body's secretary or a superuser."""
    if not (actor.is_superuser or bodies_editable_by(actor).exists()):
        raise NotAllowed(_("Kun en sekretær kan oprette partier."))
    letter, name = letter.strip(), name.strip()
    errors: dict[str, list[str]] = {}
    if not letter or len(letter) > 3:
        errors["letter"] = [_("Partibogstavet skal være 1-3 tegn, fx A eller ALT.")]
    if not name or len(name) > 100:
        errors["name"] = [_("Angiv partiets navn (højst 100 tegn).")]
    if not errors and Party.objects.filter(letter__iexact=letter).exists():
        errors["letter"] = [_("Partibogstavet %(letter)s er i brug.") % {"letter": letter}]
    if errors:
        raise ValidationError(errors)
    return Party.objects.create(letter=letter, name=name)
