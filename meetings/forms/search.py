"""The search form shared by the page (/search/) and the API (/api/search/)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from meetings.models import Body, Decision, Meeting
from meetings.search import SearchFilters, Sort, clean_query
from meetings.validators import normalise_case_number

if TYPE_CHECKING:
    from meetings.models import AnyUser

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]


class ExistingDateField(forms.DateField):
    """A date field that tells a date in the right form that does not exist (2024-02-31)
    from one written in the wrong form."""

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except ValidationError:
            text = str(value or "").strip()
            if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}", text):
                raise ValidationError(
                    _("Datoen “%(date)s” findes ikke.") % {"date": text}, code="invalid"
                ) from None
            raise


class QueryField(forms.CharField):
    """Free text that is never refused: control characters (NUL included) become spaces
    instead of an error, so that any query a user pastes can be searched."""

    def to_python(self, value: Any) -> str:
        return clean_query(str(value) if value is not None else "")[0]


class SearchForm(forms.Form):
    q = QueryField(label=_("Søg"), required=False)
    body = forms.ModelChoiceField(
        label=_("Organ"),
        queryset=Body.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle organer"),
        error_messages={"invalid_choice": _("Organet findes ikke eller er ikke tilgængeligt.")},
    )
    outcome = forms.ChoiceField(
        label=_("Udfald"),
        choices=[("", _("Alle udfald")), *Decision.Outcome.choices],
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” er ikke et kendt udfald.")},
    )
    case = forms.CharField(label=_("Sagsnummer"), required=False, max_length=40)
    sort = forms.ChoiceField(
        label=_("Sortér efter"),
        choices=[(Sort.RELEVANCE, _("Relevans")), (Sort.DATE, _("Dato, nyeste først"))],
        required=False,
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = Meeting.objects.visible_to(user).filter(body=OuterRef("pk"))
        body_field = self.fields["body"]
        assert isinstance(body_field, forms.ModelChoiceField)
        body_field.queryset = Body.objects.filter(Exists(visible)).order_by("name")
        # "from" and "to" are the public parameter names but not valid Python identifiers.
        self.fields["from"] = ExistingDateField(
            label=_("Fra dato"),
            required=False,
            input_formats=DATE_INPUT_FORMATS,
            error_messages={"invalid": _("Fra-datoen skal skrives som ÅÅÅÅ-MM-DD.")},
        )
        self.fields["to"] = ExistingDateField(
            label=_("Til dato"),
            required=False,
            input_formats=DATE_INPUT_FORMATS,
            error_messages={"invalid": _("Til-datoen skal skrives som ÅÅÅÅ-MM-DD.")},
        )
        self.order_fields(["q", "body", "from", "to", "outcome", "case", "sort"])

    def clean_outcome(self) -> str:
        return str(self.cleaned_data.get("outcome") or "")

    def clean_case(self) -> str:
        raw = (self.cleaned_data.get("case") or "").strip()
        if not raw:
            return ""
        try:
            return normalise_case_number(raw)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid_case_number") from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
            self.add_error("to", _("Til-datoen ligger før fra-datoen."))
        return data

    @property
    def from_value(self) -> str:
        return self._date_value("from")

    @property
    def to_value(self) -> str:
        return self._date_value("to")

    def _date_value(self, name: str) -> str:
        """What a date input shows: the date as ISO when it was understood (a date input
        only takes that form), otherwise exactly what was typed."""
        cleaned = getattr(self, "cleaned_data", {}).get(name)
        if isinstance(cleaned, dt.date):
            return cleaned.isoformat()
        return str(self.data.get(name, "")) if self.is_bound else ""

    def filters(self, *, page: int = 1, page_size: int | None = None) -> SearchFilters:
        """The filters of a valid form."""
        data = self.cleaned_data
        extra = {"page_size": page_size} if page_size else {}
        return SearchFilters(
            body=data.get("body"),
            date_from=data.get("from"),
            date_to=data.get("to"),
            outcome=data.get("outcome") or "",
            case_number=data.get("case") or "",
            sort=data.get("sort") or (Sort.RELEVANCE if data.get("q") else Sort.DATE),
            page=page,
            **extra,
        )


def page_number(raw: str | None, *, last: int = 10_000) -> int:
    """A page parameter as a number from 1, whatever was sent ("abc", "-3", "1e9")."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), last)
