"""Cases (sager): one row per case number, found or created as items name them."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from meetings.models import Case
from meetings.validators import normalise_case_number


def case_get_or_create(*, number: str, title: str = "") -> Case:
    """Return the case with this number, creating it when the number is new and valid.

    Raises django.core.exceptions.ValidationError (Danish message) on a malformed number.
    A title is only filled in when the case has none, so an old title is never overwritten
    by an item's title.
    """
    normal = normalise_case_number(number)
    case, created = Case.objects.get_or_create(number=normal, defaults={"title": title[:500]})
    if not created and title and not case.title:
        case.title = title[:500]
        case.save(update_fields=["title"])
    return case


def case_for_number(number: str | None, title: str) -> Case | None:
    if not number or not number.strip():
        return None
    try:
        return case_get_or_create(number=number, title=title)
    except ValidationError as exc:
        raise ValidationError({"case_number": exc.messages}) from exc
