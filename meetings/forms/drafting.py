"""Forms of the drafting pages. They parse and label; the services decide and save."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import ProseEditorWidget

from common.ids import parse_id
from meetings.files import ACCEPT
from meetings.models import Body, Decision, Membership
from meetings.services.items import DecisionInput, RecommendationInput
from meetings.services.meetings import AttendeeInput
from meetings.validators import CASE_NUMBER_MAX_LENGTH

# What the editor can make; meetings/sanitize.py allows exactly these tags (a test checks).
EDITOR_EXTENSIONS: dict[str, Any] = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
}


class RichTextWidget(ProseEditorWidget):
    """The rich-text editor (ProseMirror, served from our own static files)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"rows": 6, "class": "form-control rich-text", **(attrs or {})},
            config={"extensions": EDITOR_EXTENSIONS},
            preset="configurable",
        )


DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MeetingForm(forms.Form):
    """Nyt møde / Ret møde: body, Mødedato, Mødested; participants are read by the view."""

    body = forms.ModelChoiceField(
        label=_("Organ"),
        queryset=Body.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Vælg et organ, du er sekretær for.")},
    )
    starts_at = forms.DateTimeField(
        label=_("Mødedato"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Dato og klokkeslæt."),
        error_messages={
            "required": _("Angiv mødedato og tidspunkt."),
            "invalid": _("Skriv mødedatoen som dato og klokkeslæt, f.eks. 23-04-2018 12:30."),
        },
    )
    location = forms.CharField(
        label=_("Mødested"),
        max_length=200,
        required=False,
        help_text=_("Et mødelokale, eller “Teams”."),
    )
    guests = forms.CharField(
        label=_("Gæster"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Én pr. linje, evt. med rolle i parentes: “René Hasly (it-chef)”."),
    )
    # A new meeting only: start the agenda with the body's standard items.
    add_standard_items = forms.BooleanField(label=_("Tilføj standardpunkter"), required=False)
    # The meeting's version when the form was opened (editing only); a save on an older one
    # is a conflict.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


GUEST_RE = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<role>[^()]*)\))?$")


def parse_guests(text: str) -> list[AttendeeInput]:
    guests = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = GUEST_RE.match(line)
        if match:
            guests.append(AttendeeInput(name=match["name"], role=(match["role"] or "").strip()))
        else:
            guests.append(AttendeeInput(name=line))
    return guests


def guests_text(attendances: list[Any]) -> str:
    return "\n".join(
        f"{a.name} ({a.role})" if a.role else a.name
        for a in attendances
        if a.member_id is None and a.user_id is None
    )


MEMBER_CHOICES = [
    ("present", _("Deltager")),
    ("absent", _("Afbud")),
    ("none", _("Ikke med")),
]


def default_attendance(membership: Membership, day: dt.date | None = None) -> str:
    """What a member's select says on a new meeting: a substitute (stedfortræder) comes only
    in someone's seat, and a seat that has ended is not at the meeting."""
    day = day or timezone.localdate()
    if membership.role == Membership.Role.SUBSTITUTE or not membership.serves_on(day):
        return "none"
    return "present"


def seats_to_take(memberships: list[Membership]) -> list[Membership]:
    """The seats a substitute may take: every seat but the secretary's and the substitutes'."""
    return [
        m
        for m in memberships
        if m.role not in (Membership.Role.SECRETARY, Membership.Role.SUBSTITUTE)
    ]


def members_from_post(
    data: Any, memberships: list[Membership]
) -> tuple[list[AttendeeInput], dict[int, str]]:
    """The body's members as the form's selects say, in the body's order: `member-<seat>` is
    present, afbud or not there, and `subst-<seat>` the seat a substitute takes."""
    chosen: dict[int, str] = {}
    attendees = []
    for membership in memberships:
        value = data.get(f"member-{membership.pk}", default_attendance(membership))
        if value not in {"present", "absent", "none"}:
            value = "present"
        chosen[membership.pk] = value
        if value == "none":
            continue
        attendees.append(
            AttendeeInput(
                name=membership.display_name,
                role=membership.role,
                present=value == "present",
                user_id=membership.user_id,
                member_id=membership.pk,
                substitute_for_id=parse_id(data.get(f"subst-{membership.pk}")),
            )
        )
    return attendees, chosen


class ItemCreateForm(forms.Form):
    """Nyt punkt on the meeting page."""

    title = forms.CharField(
        label=_("Titel"),
        max_length=500,
        error_messages={"required": _("Punktet skal have en titel.")},
    )
    case_number = forms.CharField(
        label=_("Sagsnummer"),
        max_length=CASE_NUMBER_MAX_LENGTH,
        required=False,
        help_text=_(
            "Som sagssystemet skriver det, f.eks. 17/22360 eller EMN-2025-003383. "
            "Et nyt nummer opretter sagen."
        ),
    )
    closed = forms.BooleanField(label=_("Lukket punkt"), required=False)


class ItemForm(forms.Form):
    """The item editor. Autosaved as a whole, on top of the version it was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(
        label=_("Titel"),
        max_length=500,
        error_messages={"required": _("Punktet skal have en titel.")},
    )
    case_number = forms.CharField(
        label=_("Sagsnummer"),
        max_length=CASE_NUMBER_MAX_LENGTH,
        required=False,
        help_text=_(
            "Som sagssystemet skriver det, f.eks. 17/22360 eller EMN-2025-003383. "
            "Et nyt nummer opretter sagen."
        ),
    )
    closed = forms.BooleanField(
        label=_("Lukket punkt"),
        required=False,
        help_text=_("Indholdet ses kun af organets medlemmer og sekretær."),
    )
    background = forms.CharField(label=_("Baggrund"), required=False, widget=RichTextWidget())
    rec_unit = forms.CharField(
        label=_("Indstillende enhed"),
        max_length=200,
        required=False,
        help_text=_("F.eks. “ØDC” eller “BYC og ØDC”."),
    )
    rec_lead_in = forms.CharField(
        label=_("Indledning"),
        required=False,
        help_text=_("F.eks. “Det indstilles,”."),
    )
    rec_clauses = forms.CharField(
        label=_("Indstillingspunkter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ét punkt pr. linje, hvert med “at …”."),
    )
    rec_numbered = forms.BooleanField(label=_("Nummererede punkter"), required=False)
    decision_outcome = forms.ChoiceField(
        label=_("Udfald"),
        required=False,
        choices=[("", _("– intet udfald –")), *Decision.Outcome.choices],
    )
    decision_text = forms.CharField(
        label=_("Beslutningstekst"), required=False, widget=RichTextWidget()
    )
    presentation = forms.CharField(
        label=_("Sagsfremstilling"), required=False, widget=RichTextWidget()
    )
    economy = forms.CharField(label=_("Økonomi"), required=False, widget=RichTextWidget())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.TextInput | forms.Textarea):
                widget.attrs.setdefault("class", "form-control")

    # The fields a conflict compares, with their Danish labels, in page order.
    TEXT_FIELDS = (
        "title",
        "case_number",
        "background",
        "rec_unit",
        "rec_lead_in",
        "rec_clauses",
        "decision_outcome",
        "decision_text",
        "presentation",
        "economy",
    )
    HTML_FIELDS = frozenset({"background", "decision_text", "presentation", "economy"})

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        has_decision = bool(data["decision_text"].strip() or data["decision_outcome"])
        return {
            "title": data["title"],
            "case_number": data["case_number"],
            "closed": data["closed"],
            "background": data["background"],
            "recommendation": RecommendationInput(
                unit=data["rec_unit"],
                lead_in=data["rec_lead_in"],
                clauses=data["rec_clauses"].splitlines(),
                numbered=data["rec_numbered"],
            ),
            "presentation": data["presentation"],
            "economy": data["economy"],
            "decision": (
                DecisionInput(text=data["decision_text"], outcome=data["decision_outcome"])
                if has_decision
                else None
            ),
        }


def item_initial(item: Any) -> dict[str, Any]:
    """The editor's fields as the item stands."""
    rec = getattr(item, "recommendation", None)
    decision = getattr(item, "decision", None)
    return {
        "version": item.version,
        "title": item.title,
        "case_number": item.case.number if item.case_id else "",
        "closed": item.closed,
        "background": item.background,
        "rec_unit": rec.unit if rec else "",
        "rec_lead_in": rec.lead_in if rec else "",
        "rec_clauses": "\n".join(c.text for c in rec.clauses.all()) if rec else "",
        "rec_numbered": rec.numbered if rec else True,
        "decision_outcome": decision.outcome if decision else "",
        "decision_text": decision.text if decision else "",
        "presentation": item.presentation,
        "economy": item.economy,
    }


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=_("Titel på bilaget"),
        max_length=500,
        required=False,
        help_text=_("Tom: filens navn bruges."),
    )
    file = forms.FileField(
        label=_("Fil"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("Vælg en fil."), "empty": _("Filen er tom.")},
    )
    internal = forms.BooleanField(
        label=_("Kun internt"),
        required=False,
        help_text=_("Vises kun for organets medlemmer og sekretær, aldrig for offentligheden."),
    )
