"""The routine of a new agenda: the body's standard items, the items of its previous meeting,
and items postponed (udsat) at an earlier meeting, brought back with their texts.

Every function takes the acting user as `actor` and is for the body's secretary or a superuser
(meetings/access.py). Items are added through `item_create`, so they get the same checks,
numbering and sanitising as an item typed in by hand. Items from other meetings are added only
while the agenda is a draft (kladde): once the minutes are under review, an item appearing from
elsewhere would change what the members are approving. Refusals are Danish domain errors.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.access import require_editor
from meetings.errors import DomainError, InvalidInput
from meetings.locks import ensure_meeting_editable
from meetings.models import AgendaItem, Body, Decision, Meeting, Recommendation
from meetings.services._common import Actor, lock_meeting
from meetings.services.items import RecommendationInput, item_create, item_renumber

# More than this is no longer a routine but an agenda of its own.
STANDARD_ITEMS_MAX = 20
TITLE_MAX_LENGTH = 500


def title_key(title: str) -> str:
    """What makes two titles the same item: case and spacing aside ("Eventuelt" = "eventuelt ")."""
    return " ".join(title.split()).casefold()


def _local_date(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y")


def _lock_draft(actor: Actor, meeting: Meeting) -> Meeting:
    """Lock the meeting for a change of its agenda from elsewhere: the body's secretary, while
    the agenda is a draft."""
    meeting = lock_meeting(meeting.pk)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    if meeting.status != Meeting.Status.DRAFT:
        raise DomainError(
            _(
                "Mødet er %(status)s. Punkter fra andre møder og standardpunkter kan kun "
                "tilføjes, mens dagsordenen er en kladde; tilføj i stedet punktet i hånden."
            )
            % {"status": meeting.get_status_display().lower()}
        )
    return meeting


# --- Standard items ----------------------------------------------------------------------------


def _clean_standard_items(titles: Sequence[str]) -> list[str]:
    errors: list[str] = []
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in titles:
        title = " ".join((raw or "").split())
        if not title:
            continue
        if len(title) > TITLE_MAX_LENGTH:
            errors.append(
                _("“%(start)s …” er for lang: en titel må højst være %(max)s tegn.")
                % {"start": title[:40], "max": TITLE_MAX_LENGTH}
            )
        if title_key(title) in seen:
            errors.append(_("“%(title)s” står flere gange.") % {"title": title})
        seen.add(title_key(title))
        cleaned.append(title)
    if len(cleaned) > STANDARD_ITEMS_MAX:
        errors.append(
            _("Et organ kan højst have %(max)s standardpunkter; der er %(count)s.")
            % {"max": STANDARD_ITEMS_MAX, "count": len(cleaned)}
        )
    if errors:
        raise ValidationError({"standard_items": errors})
    return cleaned


@transaction.atomic
def body_set_standard_items(*, actor: Actor, body: Body, titles: Sequence[str]) -> Body:
    """Set the titles a new agenda of the body starts with, in order. Blank lines are left
    out and spaces tidied; an empty list means no standard items.

    Only the body's secretary or a superuser (PermissionDenied otherwise). Raises
    ValidationError (field "standard_items") on a title over 500 characters, a title given
    twice or more than 20 titles; nothing is saved then."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    require_editor(
        actor,
        body,
        _("Kun sekretæren for %(body)s kan ændre organets standardpunkter.") % {"body": body.name},
    )
    body.standard_items = _clean_standard_items(titles)
    body.save(update_fields=["standard_items"])
    return body


@transaction.atomic
def body_set_attachment_placement(*, actor: Actor, body: Body, placement: str) -> Body:
    """Choose where the body's agenda package puts the attachments' pages: after each item
    or all at the end. Only the body's secretary or a superuser (PermissionDenied
    otherwise); ValidationError (field "attachment_placement") on an unknown choice."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    require_editor(
        actor,
        body,
        _("Kun sekretæren for %(body)s kan ændre organets indstillinger.") % {"body": body.name},
    )
    if placement not in Body.AttachmentPlacement.values:
        raise ValidationError({"attachment_placement": [_("Vælg, hvor bilagene skal stå.")]})
    body.attachment_placement = placement
    body.save(update_fields=["attachment_placement"])
    return body


def standard_item_titles(body: Body) -> list[str]:
    """The body's standard items as titles an item can take (an administrator may have stored
    something else in the list: it is left out)."""
    titles = []
    for entry in body.standard_items or []:
        if isinstance(entry, str) and entry.strip():
            titles.append(" ".join(entry.split())[:TITLE_MAX_LENGTH])
    return titles


@transaction.atomic
def meeting_add_standard_items(*, actor: Actor, meeting: Meeting) -> list[AgendaItem]:
    """Add the body's standard items at the end of the agenda, in the body's order, and return
    the items added. A title already on the agenda is not added again, so running it twice adds
    nothing. For the body's secretary, on a draft agenda (DomainError otherwise)."""
    meeting = _lock_draft(actor, meeting)
    present = {title_key(t) for t in meeting.items.values_list("title", flat=True)}
    added = []
    for title in standard_item_titles(meeting.body):
        if title_key(title) in present:
            continue
        added.append(item_create(actor=actor, meeting=meeting, title=title))
        present.add(title_key(title))
    return added


# --- Items postponed at an earlier meeting ----------------------------------------------------


def _recommendation_input(item: AgendaItem) -> RecommendationInput | None:
    try:
        rec = item.recommendation
    except Recommendation.DoesNotExist:
        return None
    return RecommendationInput(
        unit=rec.unit,
        lead_in=rec.lead_in,
        clauses=[clause.text for clause in rec.clauses.all()],
        numbered=rec.numbered,
        note=rec.note,
    )


def _take_up(actor: Actor, meeting: Meeting, earlier_id: int) -> AgendaItem:
    """Bring the postponed item back on the (locked, draft) meeting's agenda; see
    `item_take_up_postponed`."""
    # Two agendas taking the item up at once wait for each other on its row (whatever else
    # they lock), so it comes back on one of them only.
    if not AgendaItem.objects.select_for_update().filter(pk=earlier_id).exists():
        raise DomainError(_("Det udsatte punkt findes ikke længere."))
    earlier = (
        AgendaItem.objects.select_related("meeting", "case", "decision", "recommendation")
        .prefetch_related("recommendation__clauses")
        .get(pk=earlier_id)
    )
    named = _("Punkt %(n)s fra mødet d. %(date)s") % {
        "n": earlier.number,
        "date": _local_date(earlier.meeting),
    }
    if earlier.meeting.body_id != meeting.body_id:
        raise InvalidInput(
            _("%(item)s hører til et andet organ og kan ikke tages op her.") % {"item": named}
        )
    if earlier.meeting.starts_at >= meeting.starts_at:
        raise InvalidInput(
            _("%(item)s ligger ikke før dette møde og kan ikke tages op her.") % {"item": named}
        )
    try:
        postponed = earlier.decision.outcome == Decision.Outcome.POSTPONED
    except Decision.DoesNotExist:
        postponed = False
    if not postponed:
        raise DomainError(_("%(item)s er ikke udsat.") % {"item": named})
    again = AgendaItem.objects.filter(postponed_from=earlier).select_related("meeting").first()
    if again is not None:
        raise DomainError(
            _("%(item)s er allerede taget op igen på mødet d. %(date)s, punkt %(n)s.")
            % {"item": named, "date": _local_date(again.meeting), "n": again.number}
        )
    item = item_create(
        actor=actor,
        meeting=meeting,
        title=earlier.title,
        case_number=earlier.case.number if earlier.case else "",
        closed=earlier.closed,
        background=earlier.background,
        recommendation=_recommendation_input(earlier),
        presentation=earlier.presentation,
        economy=earlier.economy,
    )
    AgendaItem.objects.filter(pk=item.pk).update(postponed_from=earlier)
    item.postponed_from = earlier
    return item


@transaction.atomic
def item_take_up_postponed(*, actor: Actor, meeting: Meeting, item: AgendaItem) -> AgendaItem:
    """Put an item postponed (decision "udskudt") at an earlier meeting of the body on this
    draft agenda, at the end, and return the new item.

    The new item carries the earlier one's title, case, closed flag, background, recommendation,
    presentation and economy, and `postponed_from` points back to it; a closed item stays
    closed. Not its decision (the body decides anew), votes, remarks or attachments. An item is
    taken up once: a second time is refused, also when two agendas try at the same moment.
    For the body's secretary (PermissionDenied otherwise); DomainError, in Danish, when the
    agenda is not a draft or the item is not postponed, of another body, not earlier, or
    already taken up."""
    meeting = _lock_draft(actor, meeting)
    return _take_up(actor, meeting, item.pk)


# --- The items of another meeting ------------------------------------------------------------


def _is_postponed_and_free(item: AgendaItem) -> bool:
    decision = getattr(item, "decision", None)
    return (
        decision is not None
        and decision.outcome == Decision.Outcome.POSTPONED
        and not AgendaItem.objects.filter(postponed_from=item).exists()
    )


@transaction.atomic
def meeting_copy_items_from(*, actor: Actor, meeting: Meeting, source: Meeting) -> list[AgendaItem]:
    """Copy the agenda of an earlier meeting of the same body into this draft agenda, and
    return the items added.

    What a secretary reuses is the agenda's skeleton: each item's title, case number and closed
    flag. Not the texts (they describe the earlier sitting and would go out again unread), not
    the decisions, votes or remarks (they belong to that meeting), not the attachments (that
    meeting's documents). An item postponed there and not yet taken up comes back as
    `item_take_up_postponed` brings it: with its texts and the link back.

    An agenda that already has items keeps them: an item whose title is already on the agenda
    (a standard item, or one copied before) is not copied again, so copying twice adds nothing.
    The agenda then follows the source meeting's order, each item already there keeping its
    place after the item it followed. For the body's secretary, on a draft agenda; DomainError
    (Danish) for a meeting of another body, the meeting itself or a source without items."""
    meeting = _lock_draft(actor, meeting)
    if source.pk == meeting.pk:
        raise InvalidInput(_("Et møde kan ikke kopiere sine egne punkter."))
    source = Meeting.objects.select_related("body").get(pk=source.pk)
    if source.body_id != meeting.body_id:
        raise InvalidInput(
            _("Punkter kan kun kopieres fra et andet møde i %(body)s.")
            % {"body": meeting.body.name}
        )
    source_items = list(
        AgendaItem.objects.filter(meeting=source)
        .select_related("case", "decision")
        .order_by("number")
    )
    if not source_items:
        raise DomainError(
            _("Mødet d. %(date)s har ingen punkter at kopiere.") % {"date": _local_date(source)}
        )
    existing = list(AgendaItem.objects.filter(meeting=meeting).order_by("number"))
    unmatched: dict[str, list[AgendaItem]] = {}
    for item in existing:
        unmatched.setdefault(title_key(item.title), []).append(item)

    # Each source item either matches an item already on the agenda or becomes a new one.
    plan: list[AgendaItem] = []
    added: list[AgendaItem] = []
    matched_ids: set[int] = set()
    for item in source_items:
        waiting = unmatched.get(title_key(item.title))
        if waiting:
            match = waiting.pop(0)
            matched_ids.add(match.pk)
            plan.append(match)
            continue
        if source.starts_at < meeting.starts_at and _is_postponed_and_free(item):
            new = _take_up(actor, meeting, item.pk)
        else:
            new = item_create(
                actor=actor,
                meeting=meeting,
                title=item.title,
                case_number=item.case.number if item.case else "",
                closed=item.closed,
            )
        plan.append(new)
        added.append(new)
    if not added:
        return []

    # Items of this agenda that matched nothing stay after the item they followed.
    following: dict[int | None, list[int]] = {}
    anchor: int | None = None
    for item in existing:
        if item.pk in matched_ids:
            anchor = item.pk
        else:
            following.setdefault(anchor, []).append(item.pk)
    order = list(following.get(None, []))
    for item in plan:
        order.append(item.pk)
        order.extend(following.get(item.pk, []))
    item_renumber(meeting=meeting, ordered_ids=order)
    for item in added:
        item.refresh_from_db(fields=["number"])
    return added
