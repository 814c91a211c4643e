"""Forms of a body's members page: a seat and a party. They parse and label; the services in
meetings/services/members.py decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models import Membership, Party
from meetings.services.members import MemberInput

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]
DATE_ERROR = _("Skriv datoen som dd-mm-åååå, f.eks. 01-01-2026.")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else obj.username


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class MemberForm(forms.Form):
    """A seat in a body: name, user (optional), party, role and period."""

    name = forms.CharField(
        label=_("Navn"),
        max_length=200,
        required=False,
        help_text=_("Som det trykkes i protokollen. Tomt: brugerens fulde navn."),
    )
    user = UserChoiceField(
        label=_("Bruger"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("– ingen bruger –"),
        help_text=_("Et medlem med en bruger kan læse organets lukkede punkter og godkende."),
        error_messages={"invalid_choice": _("Vælg en aktiv bruger fra listen.")},
    )
    party = forms.ChoiceField(
        label=_("Parti"),
        required=False,
        error_messages={"invalid_choice": _("Vælg et parti fra listen, eller opret det nedenfor.")},
    )
    role = forms.ChoiceField(
        label=_("Rolle"),
        error_messages={"invalid_choice": _("Vælg en rolle fra listen.")},
    )
    starts_on = forms.DateField(
        label=_("Fra"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )
    ends_on = forms.DateField(
        label=_("Til"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Tomt, så længe medlemmet sidder."),
        error_messages={"invalid": DATE_ERROR},
    )

    def __init__(
        self,
        *args: Any,
        may_give_secretary: bool,
        current_user_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A seat's own user stays in the list even when deactivated, so that a save does not
        # drop it unasked (the service then says why the seat cannot keep it).
        users = get_user_model().objects.filter(Q(is_active=True) | Q(pk=current_user_id))
        self.fields["user"].queryset = users.order_by(  # type: ignore[attr-defined]
            "first_name", "last_name", "username"
        )
        self.fields["party"].choices = [  # type: ignore[attr-defined]
            ("", _("– intet parti –")),
            *((p.letter, str(p)) for p in Party.objects.all()),
        ]
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in Membership.Role.choices
            if may_give_secretary or value != Membership.Role.SECRETARY
        ]
        self.fields["role"].initial = Membership.Role.MEMBER
        _style(self)

    def member_input(self) -> MemberInput:
        data = self.cleaned_data
        return MemberInput(
            name=data["name"],
            user_id=data["user"].pk if data["user"] else None,
            party=data["party"],
            role=data["role"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )


def member_initial(member: Membership) -> dict[str, Any]:
    return {
        "name": member.name,
        "user": member.user_id,
        "party": member.party_letter,
        "role": member.role,
        "starts_on": member.starts_on,
        "ends_on": member.ends_on,
    }


class PartyForm(forms.Form):
    # Its fields sit on the page beside a member's, whose "name" is another field.
    prefix = "party"

    letter = forms.CharField(
        label=_("Partibogstav"),
        max_length=3,
        help_text=_("1-3 tegn, f.eks. A eller ALT."),
        error_messages={"required": _("Skriv partibogstavet.")},
    )
    name = forms.CharField(
        label=_("Partiets navn"),
        max_length=100,
        help_text=_("F.eks. Socialdemokratiet."),
        error_messages={"required": _("Skriv partiets navn.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
