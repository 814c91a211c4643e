"""What a PDF shows: the meeting's items as the asker may see them, turned into plain values.

This is the one place that decides which item content reaches the PDF. It starts from
`AgendaItem.objects.listed_for(user)`; the public variant treats every closed item as hidden
whoever asks, and a hidden item is handed to the template as its number and case number only,
so no template mistake can print what it never receives.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from budget.models import BudgetTable
from budget.rendering import section_with_tables
from common.hashing import canonical_json
from common.hashing import content_hash as hash_parts
from meetings.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Decision,
    DecisionApproval,
    ItemParticipation,
    Meeting,
    MeetingTransition,
    Membership,
    Municipality,
    Remark,
)
from meetings.sanitize import sanitize_html
from meetings.selectors.items import recommendation_html, with_content
from meetings.selectors.protocol import (
    absence_sentence,
    item_roll,
    items_with_protocol,
    member_label,
    public_decision,
    seated_at_meeting,
    substitution_sentence,
    vote_sentence,
)
from pdf.models import PdfJob
from pdf.package import NOTE_MARK, PAGES_MARK, PackageAttachment, file_fingerprint

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Raised whenever the template, the stylesheet or the way content is prepared changes in a way
# that alters the output: it is part of every content hash, so old files are not reused.
LAYOUT_VERSION = "6"

# An amount as the minutes write it: 2.812 · -606 · 15.324.179 · 0,460 · 25% · ?
_NUMBER = r"[-−+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s*%?|\?"
_NUMERIC_CELL = re.compile(
    rf"<(td|th)((?:\s+(?:colspan|rowspan|scope)=\"[^\"]*\")*)>"
    rf"(\s*(?:<(?:p|strong|b|em|i)>\s*)*(?:{_NUMBER})\s*(?:</(?:p|strong|b|em|i)>\s*)*)</\1>"
)


# A table of up to this many rows is kept on one page; a longer one breaks between rows and
# repeats its header on the next page (static/pdf/minutes.css).
SHORT_TABLE_ROWS = 15
_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.DOTALL)
_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')


def keep_short_tables(html: str) -> SafeString:
    """Mark each table of few rows `short`, so that it is never split across two pages."""

    def mark(match: re.Match[str]) -> str:
        attributes, body = match[1], match[2]
        if body.count("<tr") > SHORT_TABLE_ROWS:
            return match[0]
        if _CLASS_ATTR.search(attributes):
            attributes = _CLASS_ATTR.sub(lambda m: f'class="{m[1]} short"', attributes, 1)
        else:
            attributes += ' class="short"'
        return f"<table{attributes}>{body}</table>"

    return mark_safe(_TABLE.sub(mark, html))


def rich_text(html: str | None) -> SafeString:
    """Sanitise stored HTML again (the renderer trusts nothing) and mark numeric cells, so
    tables of amounts are right-aligned as in the printed minutes."""
    cleaned = sanitize_html(html)
    return mark_safe(_NUMERIC_CELL.sub(r'<\1\2 class="num">\3</\1>', cleaned))


@dataclass(frozen=True)
class RecommendationView:
    unit: str
    lead_in: str
    numbered: bool
    clauses: list[str]
    note: SafeString
    html: SafeString


@dataclass(frozen=True)
class DecisionView:
    outcome: str
    text: SafeString


@dataclass(frozen=True)
class VoteView:
    question: str
    sentence: str


@dataclass(frozen=True)
class RemarkView:
    heading: str  # "Protokoltilførsel fra Anne Hansen (A)"
    text: str


@dataclass(frozen=True)
class AddendumView:
    heading: str  # "Tilføjelse af 14-12-2026"
    text: str
    note: str  # "Begrundelse: …. Tilføjet af …."


@dataclass(frozen=True)
class ProtocolView:
    """What the beslutningsprotokol prints under an item's decision: who did not take part
    (or took a seat for the item), the votes, the members' remarks and approved additions."""

    participation: list[str] = field(default_factory=list)
    votes: list[VoteView] = field(default_factory=list)
    remarks: list[RemarkView] = field(default_factory=list)
    addenda: list[AddendumView] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.participation or self.votes or self.remarks or self.addenda)


# What a reader is told about an attachment that is not a PDF, by its type.
_KIND_NAMES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word-fil",
    "application/msword": "Word-fil",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel-fil",
    "application/vnd.ms-excel": "Excel-fil",
    "image/png": "billede",
    "image/jpeg": "billede",
    "image/gif": "billede",
}


@dataclass(frozen=True)
class AttachmentView:
    """A Bilag as the PDF lists it. `appendable` is a PDF file, which the package appends
    (the worker may still find it unreadable and say so on its separator page); any other
    attachment is listed with `note`."""

    key: str
    number: int
    title: str
    appendable: bool
    note: str

    @property
    def label(self) -> str:
        return _("Bilag %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    @property
    def anchor(self) -> str:
        return f"bilag-{self.key}"

    @property
    def start_anchor(self) -> str:
        """Where the attachment's own first page is (or its note, when it is not appended)."""
        return f"bilag-{self.key}-start"

    @property
    def pages_mark(self) -> SafeString:
        return mark_safe(PAGES_MARK.format(key=self.key))

    @property
    def note_mark(self) -> SafeString:
        return mark_safe(NOTE_MARK.format(key=self.key))


def _attachment_note(attachment: Attachment) -> str:
    if not attachment.file:
        return _("ingen fil")
    kind = _KIND_NAMES.get(attachment.content_type)
    if kind is None:
        return _("ikke vedlagt; kan hentes i Referat")
    return _("%(kind)s, ikke vedlagt; kan hentes i Referat") % {"kind": _(kind)}


@dataclass(frozen=True)
class ItemView:
    """One item as the PDF prints it. `shown` False means "Punkt N: Lukket", the case number
    and, in the minutes, the closed item's public decision; every other field is empty."""

    number: int
    case_number: str
    shown: bool
    closed: bool = False
    title: str = ""
    background: SafeString = field(default_factory=lambda: SafeString(""))
    recommendation: RecommendationView | None = None
    decision_heading: str = ""
    decision: DecisionView | None = None
    public_decision: str = ""
    protocol: ProtocolView = field(default_factory=ProtocolView)
    presentation: SafeString = field(default_factory=lambda: SafeString(""))
    economy: SafeString = field(default_factory=lambda: SafeString(""))
    attachments: list[AttachmentView] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"punkt-{self.number}"

    @property
    def appended(self) -> list[AttachmentView]:
        return [a for a in self.attachments if a.appendable]

    @property
    def heading_title(self) -> str:
        return self.title if self.shown else _("Lukket")

    @property
    def has_decision_section(self) -> bool:
        return bool(self.decision or self.public_decision or self.protocol)


@dataclass(frozen=True)
class SignatureView:
    """One member's signature of the minutes: their approval of the decisions."""

    name: str
    role: str
    signed_at: str


@dataclass(frozen=True)
class Signatures:
    rows: list[SignatureView]
    approved_at: str  # when the minutes as a whole were approved ("" when not recorded)
    chair_only: bool  # the body's chair alone approves its minutes


def _items_for(
    meeting: Meeting, variant: str, user: User | AnonymousUser | None
) -> QuerySet[AgendaItem]:
    public = variant == PdfJob.Variant.PUBLIC
    items: QuerySet[AgendaItem]
    if user is not None:
        # Outside the body, the items that went out (listed_for); the public variant never
        # with an internal attachment.
        items = AgendaItem.objects.listed_for(user).filter(meeting=meeting)
        items = with_content(
            items.select_related("meeting__body"), attachments_for=user, public=public
        )
    else:
        # No user: the automatic public rendering when the agenda or the minutes are
        # published. Only the public variant can be asked for this way, and it shows no closed
        # item's content to anyone.
        if not public:
            raise ValueError("An internal PDF is always rendered for a named user.")
        items = with_content(
            _public_items(meeting).annotate(content_visible=Q(closed=False)), public=True
        )
    return items_with_protocol(items.order_by("number"))


def _public_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    items = AgendaItem.objects.filter(meeting=meeting)
    if meeting.status != Meeting.Status.PUBLISHED:
        items = items.filter(agenda_published_at__isnull=False)
    return items


def _local_date(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y")


def danish_date(day: dt.date | dt.datetime) -> str:
    """ "7. december 2026", as a Danish reader writes a date in running text."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    with translation.override("da"):
        return date_format(day, "j. F Y")


def danish_time(moment: dt.datetime) -> str:
    """ "7. december 2026 kl. 14:05"."""
    local = timezone.localtime(moment)
    return f"{danish_date(local)} {_('kl.')} {local:%H:%M}"


def _protocol_view(item: AgendaItem, seated: Sequence[Membership]) -> ProtocolView:
    """The item's protocol as printed. Only for an item whose content the reader may see: a
    closed item's votes, remarks and participation are its content."""
    roll = item_roll(item, seated=seated)
    participation = [absence_sentence(a) for a in roll.absent]
    participation += [substitution_sentence(s) for s in roll.substitutions]
    votes = [VoteView(question=v.question, sentence=vote_sentence(v)) for v in item.votes.all()]
    remarks = []
    for remark in item.remarks.all():
        heading = (
            _("Protokoltilførsel fra %(member)s")
            if remark.kind == Remark.Kind.DISSENT
            else _("Mindretalsudtalelse fra %(member)s")
        ) % {"member": member_label(remark.member)}
        remarks.append(RemarkView(heading=heading, text=remark.text))
    addenda = []
    for addendum in item.addenda.all():
        if addendum.approved_at is None:
            continue  # not part of the protocol until the signers have approved it
        note = _("Begrundelse: %(reason)s.") % {"reason": addendum.reason.rstrip(".")}
        author = addendum.created_by
        if author is not None:
            note += " " + _("Tilføjet af %(name)s.") % {
                "name": author.get_full_name() or author.get_username()
            }
        note += " " + _("Godkendt %(when)s.") % {"when": _local_date(addendum.approved_at)}
        addenda.append(
            AddendumView(
                heading=_("Tilføjelse af %(date)s") % {"date": _local_date(addendum.created_at)},
                text=addendum.text,
                note=note,
            )
        )
    return ProtocolView(participation, votes, remarks, addenda)


def _decision_heading(meeting: Meeting, decision: Decision | None) -> str:
    decided_on = (decision.decided_on if decision else None) or timezone.localdate(
        meeting.starts_at
    )
    return _("Beslutning %(body)s den %(date)s") % {
        "body": meeting.body.name,
        "date": decided_on.strftime("%d-%m-%Y"),
    }


def _listed_attachments(item: AgendaItem, *, variant: str) -> list[Attachment]:
    """The item's Bilag the variant may show, in order: an internal attachment is for the
    body alone, never in the public variant."""
    return [
        attachment
        for attachment in item.attachments.all()
        if not (attachment.internal and variant == PdfJob.Variant.PUBLIC)
    ]


def _attachment_view(item: AgendaItem, number: int, attachment: Attachment) -> AttachmentView:
    appendable = bool(attachment.file) and attachment.content_type == "application/pdf"
    return AttachmentView(
        key=f"{item.number}-{number}",
        number=number,
        title=attachment.title,
        appendable=appendable,
        note="" if appendable else _attachment_note(attachment),
    )


def _package_attachments(item: AgendaItem, *, variant: str) -> list[PackageAttachment]:
    """What the worker appends for a shown item: its PDF attachments, with each stored
    file's identity."""
    result = []
    for number, attachment in enumerate(_listed_attachments(item, variant=variant), start=1):
        view = _attachment_view(item, number, attachment)
        if not view.appendable:
            continue
        name = attachment.file.name
        result.append(
            PackageAttachment(
                key=view.key,
                item_number=item.number,
                number=number,
                title=attachment.title,
                file=name,
                content_type=attachment.content_type,
                fingerprint=file_fingerprint(
                    attachment_id=attachment.pk, name=name, path=Path(default_storage.path(name))
                ),
            )
        )
    return result


def _item_view(
    item: AgendaItem,
    *,
    meeting: Meeting,
    document: str,
    variant: str,
    shown: bool,
    seated: Sequence[Membership],
) -> ItemView:
    case_number = item.case.number if item.case else ""
    minutes = document == PdfJob.Document.MINUTES
    if not shown:
        # The law wants a closed item's decision published: its public text, nothing else.
        text = public_decision(item) if minutes and item.closed else ""
        return ItemView(
            number=item.number,
            case_number=case_number,
            shown=False,
            decision_heading=_decision_heading(meeting, None) if text else "",
            public_decision=text,
        )
    recommendation = None
    rec = getattr(item, "recommendation", None)
    if rec is not None:
        recommendation = RecommendationView(
            unit=rec.unit,
            lead_in=rec.lead_in,
            numbered=rec.numbered,
            clauses=[clause.text for clause in rec.clauses.all()],
            note=rich_text(rec.note),
            html=rich_text(recommendation_html(rec)),
        )
    decision = None
    dec = getattr(item, "decision", None)
    if dec is not None and minutes:
        text = rich_text(dec.text)
        outcome = dec.get_outcome_display() if dec.outcome else ""
        # The outcome word is printed only when the text does not already open with it.
        plain = re.sub(r"<[^>]+>", "", text).strip().casefold()
        if outcome and plain.startswith(str(outcome).casefold()):
            outcome = ""
        decision = DecisionView(outcome=str(outcome), text=text)
    protocol = _protocol_view(item, seated) if minutes else ProtocolView()
    public_text = public_decision(item) if minutes and item.closed else ""
    return ItemView(
        number=item.number,
        case_number=case_number,
        shown=True,
        closed=item.closed,
        title=item.title,
        background=keep_short_tables(rich_text(item.background)),
        recommendation=recommendation,
        decision_heading=_decision_heading(meeting, dec) if minutes else "",
        decision=decision,
        public_decision=public_text,
        protocol=protocol,
        presentation=keep_short_tables(
            section_with_tables(item, BudgetTable.Section.PRESENTATION, clean_text=rich_text)
        ),
        economy=keep_short_tables(
            section_with_tables(item, BudgetTable.Section.ECONOMY, clean_text=rich_text)
        ),
        attachments=[
            _attachment_view(item, number, attachment)
            for number, attachment in enumerate(_listed_attachments(item, variant=variant), start=1)
        ],
    )


def _attendee_label(attendance: Attendance) -> str:
    """ "Anne Hansen (A, formand)", "Kathrine Seier Skastrup (sekretær)", "Frida Kjær (V,
    stedfortræder for Erik Vad)": a member of the body with the party letter, a guest by name."""
    member = attendance.member
    name = member.display_name if member is not None else attendance.name
    notes = [member.party_letter] if member is not None and member.party_letter else []
    if attendance.substitute_for is not None:
        notes.append(
            _("stedfortræder for %(seat)s") % {"seat": attendance.substitute_for.display_name}
        )
    elif attendance.role and attendance.role != Membership.Role.MEMBER:
        notes.append(attendance.role)
    return f"{name} ({', '.join(notes)})" if notes else name


def _number_ranges(numbers: list[int]) -> str:
    """[3, 5, 6, 7] → "3, 5-7"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _partly_absent(items: Sequence[AgendaItem]) -> list[str]:
    """For the attendance list: who did not take part in some of the printed items, e.g.
    "Anne Hansen (A): punkt 3 (inhabil)"; "Bo Berg (V): punkt 5-7 (fraværende)". Only the
    items given, so a closed item the reader may not see says nothing here."""
    by_member: dict[int, tuple[Membership, dict[str, list[int]]]] = {}
    for item in items:
        for row in item.participations.all():
            if row.kind == ItemParticipation.Kind.SUBSTITUTE:
                continue
            _member, kinds = by_member.setdefault(row.member_id, (row.member, {}))
            kinds.setdefault(row.kind, []).append(item.number)
    lines = []
    for member, kinds in sorted(
        by_member.values(), key=lambda mk: (min(min(n) for n in mk[1].values()), mk[0].pk)
    ):
        parts = [
            f"{_('punkt')} {_number_ranges(numbers)} ({ItemParticipation.Kind(kind).label.lower()})"
            for kind, numbers in sorted(kinds.items(), key=lambda kn: min(kn[1]))
        ]
        lines.append(f"{member_label(member)}: {', '.join(parts)}")
    return lines


def _signatures(meeting: Meeting) -> Signatures | None:
    """Who signed approved minutes and when: each reviewer's approvals of the decisions in
    the round that locked them (the latest of them is the signature's time), and the moment
    the minutes were approved. None for minutes that are not approved, or whose approval
    left no record (minutes imported as approved)."""
    if meeting.status not in (Meeting.Status.APPROVED, Meeting.Status.PUBLISHED):
        return None
    approvals = DecisionApproval.objects.filter(
        decision__item__meeting=meeting,
        decision__locked=True,
        round=F("decision__review_round"),
        status=DecisionApproval.Status.APPROVED,
    ).select_related("reviewer")
    signed: dict[int, DecisionApproval] = {}
    for approval in approvals:
        latest = signed.get(approval.reviewer_id)
        if latest is None or approval.updated_at > latest.updated_at:
            signed[approval.reviewer_id] = approval
    approved = (
        MeetingTransition.objects.filter(meeting=meeting, action=MeetingTransition.Action.APPROVE)
        .order_by("-created_at", "-pk")
        .first()
    )
    if not signed and approved is None:
        return None
    seats = {
        seat.user_id: seat
        for seat in Membership.objects.filter(
            body_id=meeting.body_id, user_id__in=list(signed)
        ).select_related("user", "party")
    }
    rows = []
    for user_id, approval in signed.items():
        seat = seats.get(user_id)
        reviewer = approval.reviewer
        name = (
            member_label(seat)
            if seat is not None
            else reviewer.get_full_name() or reviewer.get_username()
        )
        order = (seat.position if seat is not None else 10**6, name.casefold())
        rows.append(
            (
                order,
                SignatureView(
                    name=name,
                    role=str(seat.get_role_display()) if seat is not None else "",
                    signed_at=danish_time(approval.updated_at),
                ),
            )
        )
    return Signatures(
        rows=[row for _order, row in sorted(rows, key=lambda r: r[0])],
        approved_at=danish_time(approved.created_at) if approved is not None else "",
        chair_only=meeting.body.review_by_chair_only,
    )


@dataclass(frozen=True)
class BuiltDocument:
    """What a job renders: the HTML, and for the agenda package the attachments to append."""

    html: str
    attachments: list[PackageAttachment]


# A logo larger than this is left off the PDF (the upload is refused long before; see
# meetings/services/municipality.py): it goes into the HTML, which the job keeps.
_LOGO_MAX_BYTES = 1024 * 1024


def _logo_data_url(municipality: Municipality) -> str:
    """The logo as a data: URL, the one kind of URL besides our static files the renderer
    may fetch; being in the HTML, a new logo changes the content hash."""
    if not municipality.logo or municipality.logo_content_type not in ("image/png", "image/jpeg"):
        return ""
    try:
        with municipality.logo.open("rb") as handle:
            data = handle.read(_LOGO_MAX_BYTES + 1)
    except OSError:
        return ""
    if len(data) > _LOGO_MAX_BYTES:
        return ""
    return f"data:{municipality.logo_content_type};base64,{base64.b64encode(data).decode()}"


def _colophon(
    *,
    meeting: Meeting,
    municipality: Municipality,
    document: str,
    variant: str,
    signatures: Signatures | None,
    appended: bool,
) -> list[tuple[str, str]]:
    """The colophon's lines: who made the document, and who approved what, when."""
    rows: list[tuple[str, str]] = []
    if municipality.name:
        place = ", ".join(part for part in (municipality.name, municipality.address) if part)
        rows.append((_("Udgivet af"), place))
    rows.append((_("Organ"), meeting.body.name))
    rows.append(
        (
            _("Udgave"),
            _("Offentlig udgave")
            if variant == PdfJob.Variant.PUBLIC
            else _("Intern udgave med lukkede punkter"),
        )
    )
    if meeting.agenda_published_at is not None:
        rows.append((_("Dagsorden offentliggjort"), danish_time(meeting.agenda_published_at)))
    if document == PdfJob.Document.MINUTES and signatures is not None:
        if signatures.rows:
            names = ", ".join(f"{row.name} ({row.signed_at})" for row in signatures.rows)
            rows.append((_("Godkendt og underskrevet af"), names))
        if signatures.approved_at:
            rows.append((_("Referatet godkendt"), signatures.approved_at))
    if meeting.signer is not None and document == PdfJob.Document.MINUTES:
        rows.append(
            (_("Underskriver"), meeting.signer.get_full_name() or meeting.signer.get_username())
        )
    if appended:
        rows.append(
            (
                _("Tilgængelighed"),
                _(
                    "Dagsordenens egne sider er mærket til skærmlæsere. Bilag i PDF-format er "
                    "vedlagt, som de blev modtaget, og er ikke nødvendigvis mærket; derfor "
                    "gør pakken ikke krav på PDF/UA eller PDF/A."
                ),
            )
        )
    else:
        rows.append(
            (_("Tilgængelighed"), _("Dokumentet er mærket til skærmlæsere (PDF/UA-1, PDF/A-3a)."))
        )
    return rows


def build_document(
    *, meeting: Meeting, document: str, variant: str, user: User | AnonymousUser | None
) -> BuiltDocument:
    """The HTML WeasyPrint renders for this meeting, document and variant, as `user` may see it,
    and for the agenda the attachments the worker appends (the agenda package).

    The caller checks that the user may have the variant at all (see services). The output
    depends only on the meeting's content, never on the time or the asker, so that the same
    content always has the same hash; the protocol (who took part, votes, remarks, additions)
    and the signatures are printed, so they are part of that hash too. A closed item the
    variant does not show has no attachments here, and an internal attachment is in the
    internal variant only.
    """
    with translation.override("da"):
        seated = seated_at_meeting(meeting)
        minutes = document == PdfJob.Document.MINUTES
        items = []
        shown_items = []
        package: list[PackageAttachment] = []
        for item in _items_for(meeting, variant, user):
            visible = bool(getattr(item, "content_visible", False))
            shown = visible and not (variant == PdfJob.Variant.PUBLIC and item.closed)
            if shown:
                shown_items.append(item)
                if not minutes:
                    package += _package_attachments(item, variant=variant)
            items.append(
                _item_view(
                    item,
                    meeting=meeting,
                    document=document,
                    variant=variant,
                    shown=shown,
                    seated=seated,
                )
            )
        starts_at = timezone.localtime(meeting.starts_at)
        kind = _("Referat") if minutes else _("Dagsorden")
        running = f"{meeting.body.name} {danish_date(starts_at)}"
        attendances = list(
            meeting.attendances.select_related(
                "member__user", "member__party", "substitute_for__user", "substitute_for__party"
            )
        )
        municipality = Municipality.current()
        signatures = _signatures(meeting) if minutes else None
        at_end = meeting.body.attachment_placement == Body.AttachmentPlacement.AT_END
        context = {
            "meeting": meeting,
            "kind": kind,
            "running": running,
            "title": f"{kind} {running}",
            "document": document,
            "variant": variant,
            "public": variant == PdfJob.Variant.PUBLIC,
            "package": not minutes,
            "attachments_at_end": not minutes and at_end,
            "items_with_appended": [i for i in items if i.shown and i.appended],
            "municipality_name": municipality.name,
            "municipality_address": municipality.address,
            "logo_url": _logo_data_url(municipality),
            "starts_at_text": capfirst(date_format(starts_at, r"l \d\e\n j. F Y \k\l. H:i")),
            "present": [_attendee_label(a) for a in attendances if a.present],
            "absent": [_attendee_label(a) for a in attendances if not a.present],
            "partly_absent": _partly_absent(shown_items) if minutes else [],
            "items": items,
            "signatures": signatures,
            "colophon": _colophon(
                meeting=meeting,
                municipality=municipality,
                document=document,
                variant=variant,
                signatures=signatures,
                appended=bool(package),
            ),
            "stylesheet": f"{settings.STATIC_URL}pdf/minutes.css",
            "budget_stylesheet": f"{settings.STATIC_URL}css/budget.css",
        }
        return BuiltDocument(render_to_string("pdf/minutes.html", context), package)


def build_html(
    *, meeting: Meeting, document: str, variant: str, user: User | AnonymousUser | None
) -> str:
    """The HTML of build_document alone."""
    return build_document(meeting=meeting, document=document, variant=variant, user=user).html


def content_hash(
    *,
    html: str,
    document: str,
    variant: str,
    attachments: Sequence[PackageAttachment] = (),
) -> str:
    """The key a PDF is stored under: everything that decides its bytes, the appended
    attachments' identities included."""
    from pdf.render import renderer_fingerprint

    files = canonical_json([a.to_json() for a in attachments])
    return hash_parts(LAYOUT_VERSION, renderer_fingerprint(), document, variant, html, files)
