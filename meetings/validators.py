"""Validation of the domain's own formats, with messages in Danish."""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CASE_NUMBER_RE = re.compile(r"^(?P<year>\d{2})/(?P<serial>\d{1,6})$")
# Before case numbers of other forms were known, a case page's URL wrote "17/22360" as
# "17-22360"; such links keep working.
_OLD_URL_KEY_RE = re.compile(r"^\d{2}-\d{1,6}$")
CASE_NUMBER_MAX_LENGTH = 40


@cache
def _configured_patterns(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def case_number_pattern() -> re.Pattern[str]:
    """The municipality's case numbers (REFERAT_CASE_NUMBER_PATTERNS), as one regex that is
    matched against the whole of a number."""
    return _configured_patterns(tuple(settings.REFERAT_CASE_NUMBER_PATTERNS))


def normalise_case_number(raw: str) -> str:
    """Return the case number as stored, or raise ValidationError in Danish.

    A number of the form YY/serial ("17/22360") has the leading zeros of its serial dropped,
    so that "17/022360" and "17/22360" are one case, and may be written with a dash, as old
    case page URLs did. Every other form the municipality's patterns allow (EMN-2025-003383,
    2012-28504, 00.30.10-Ø00-4-16, 123456) is kept as printed: its zeros are part of it.
    """
    value = (raw or "").strip().replace(" ", "")
    if _OLD_URL_KEY_RE.match(value):
        value = value.replace("-", "/")
    match = CASE_NUMBER_RE.match(value)
    if match and case_number_pattern().fullmatch(value):
        serial = int(match["serial"])
        if serial == 0:
            raise ValidationError(
                _("Sagsnummeret “%(value)s” er ugyldigt: løbenummeret kan ikke være 0.")
                % {"value": raw},
                code="invalid_case_number",
            )
        return f"{match['year']}/{serial}"
    upper = value.upper()
    if len(upper) <= CASE_NUMBER_MAX_LENGTH and case_number_pattern().fullmatch(upper):
        return upper
    raise ValidationError(
        _(
            "Sagsnummeret “%(value)s” er ugyldigt: det skal have formen ÅÅ/NNNNN, f.eks. "
            "17/22360, eller en anden form, kommunens sagssystem bruger (som standard "
            "EMN-2025-003383, 2012-28504, 00.30.10-Ø00-4-16 eller 123456)."
        )
        % {"value": raw},
        code="invalid_case_number",
    )


def case_url_key(number: str) -> str:
    """The case number as a case page's URL writes it: YY/serial with a dash, as it always
    has been (17-22360), any other form as it is (the route takes a slash too)."""
    return number.replace("/", "-") if CASE_NUMBER_RE.match(number) else number


def validate_case_number(value: str) -> None:
    if normalise_case_number(value) != value:
        raise ValidationError(
            _("Sagsnummeret “%(value)s” skal skrives som %(normal)s.")
            % {"value": value, "normal": normalise_case_number(value)},
            code="invalid_case_number",
        )
