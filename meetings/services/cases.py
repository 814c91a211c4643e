"""Cases (sager): one row per case number, found or created as items name them.

A case keeps no title of an item: an item's title is content, closed or not yet published for
some, so what a case is called is read from the items the reader may see
(`meetings.access.case_title`). `Case.title` is a neutral title an administrator may give."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from meetings.models import Case
from meetings.validators import normalise_case_number


def case_get_or_create(*, number: str) -> Case:
    """Return the case with this number, creating it when the number is new and valid.

    Raises django.core.exceptions.ValidationError (Danish message) on a malformed number.
    """
    case, _created = Case.objects.get_or_create(number=normalise_case_number(number))
    return case


def case_for_number(number: str | None) -> Case | None:
    """The case an item names, or None for no number; a malformed number is a field error."""
    if not number or not number.strip():
        return None
    try:
        return case_get_or_create(number=number)
    except ValidationError as exc:
        raise ValidationError({"case_number": exc.messages}) from exc
