"""Validation of the domain's own formats, with messages in Danish."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CASE_NUMBER_RE = re.compile(r"^(?P<year>\d{2})/(?P<serial>\d{1,6})$")


def normalise_case_number(raw: str) -> str:
    """Return the case number as stored ("17/22360"), or raise ValidationError in Danish.

    Leading zeros in the serial are dropped so that "17/022360" and "17/22360" are one case;
    a dash is accepted for a slash because that is how case numbers appear in URLs.
    """
    value = (raw or "").strip().replace("-", "/").replace(" ", "")
    match = CASE_NUMBER_RE.match(value)
    if not match:
        raise ValidationError(
            _(
                "Sagsnummeret “%(value)s” er ugyldigt: "
                "det skal have formen ÅÅ/NNNNN, f.eks. 17/22360."
            )
            % {"value": raw},
            code="invalid_case_number",
        )
    serial = int(match["serial"])
    if serial == 0:
        raise ValidationError(
            _("Sagsnummeret “%(value)s” er ugyldigt: løbenummeret kan ikke være 0.")
            % {"value": raw},
            code="invalid_case_number",
        )
    return f"{match['year']}/{serial}"


def validate_case_number(value: str) -> None:
    if normalise_case_number(value) != value:
        raise ValidationError(
            _("Sagsnummeret “%(value)s” skal skrives som %(normal)s.")
            % {"value": value, "normal": normalise_case_number(value)},
            code="invalid_case_number",
        )
