"""Danish number format in and out: "1.100", "-250", "2,8", "15.624.179".

Money is `Decimal` from the first character typed to the last digit printed; a float never
holds an amount. A cell is either a number, blank, or "?" (an amount not yet known).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Final

from django.utils.translation import gettext as _


class _Unknown:
    """The "?" of a cell: an amount that exists but is not yet known."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
UNKNOWN_TEXT: Final = "?"

# What a cell may hold once parsed: a number, blank (None) or UNKNOWN.
CellValue = Decimal | _Unknown | None

# Limits of the database column (DecimalField(max_digits=18, decimal_places=4)).
MAX_INTEGER_DIGITS: Final = 14
MAX_DECIMAL_PLACES: Final = 4

# Spaces a number may be grouped with: ordinary, no-break, narrow no-break, thin.
_SPACES = "\u0020\u00a0\u202f\u2009"
_MINUS_SIGNS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash (Word's autocorrect)
_BLANKS = {"", "-", "\u2013", "\u2014"}  # a lone dash in a table means "nothing here"
_CURRENCY = re.compile(r"^(?:kr\.?\s*)?(?P<n>.*?)(?:\s*kr\.?)?$", re.IGNORECASE)
# Digits grouped in threes by "." or a space, or not grouped at all; an optional ",decimals".
_GROUPED = re.compile(r"^(?P<int>\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:,(?P<frac>\d+))?$")
_ENGLISH_DECIMAL = re.compile(r"^\d+\.\d{1,2}$|^\d+\.\d{4,}$")


class NumberError(ValueError):
    """A cell that is not a number; the message is Danish and meant for the user."""


def parse_danish_number(text: str) -> CellValue:
    """Read a cell as a Dane types it.

    "1.100" → 1100, "2,8" → 2.8, "-250" and "(250)" → -250 (a bracket is the accountant's
    minus), "1 100" → 1100, "kr. 1.100,00" → 1100.00; "" and a lone dash → None (blank);
    "?" → UNKNOWN. Anything else raises NumberError with a Danish explanation.
    """
    return _parse_danish_number(text)


# A table's cells are parsed several times over (inferring the layout, settling the stated
# totals, exporting), and the same few strings ("", "-", "2018", "1.000") fill most cells.
# What the function returns is immutable, so a result can be shared; an exception is not
# cached (lru_cache never does), so its message is translated when it is raised.
@functools.lru_cache(maxsize=8192)
def _parse_danish_number(text: str) -> CellValue:
    raw = text
    text = text.strip(_SPACES + "\t\r\n")
    if text in _BLANKS:
        return None
    if text == UNKNOWN_TEXT:
        return UNKNOWN
    negative = False
    if len(text) > 2 and text[0] == "(" and text[-1] == ")":
        negative = True
        text = text[1:-1].strip(_SPACES)
    currency = _CURRENCY.match(text)
    if currency:
        text = currency.group("n")
    if text and text[0] in _MINUS_SIGNS:
        if negative:
            raise NumberError(_("“%(text)s” er ikke et tal.") % {"text": raw.strip()})
        negative = True
        text = text[1:].lstrip(_SPACES)
    elif text.startswith("+"):
        text = text[1:].lstrip(_SPACES)
    for space in _SPACES[1:]:
        text = text.replace(space, " ")
    match = _GROUPED.match(text)
    if not match:
        if _ENGLISH_DECIMAL.match(text):
            raise NumberError(
                _("“%(text)s” er ikke et tal (brug komma som decimaltegn, fx %(example)s).")
                % {"text": raw.strip(), "example": text.replace(".", ",")}
            )
        raise NumberError(_("“%(text)s” er ikke et tal.") % {"text": raw.strip()})
    integer = match.group("int").replace(".", "").replace(" ", "")
    fraction = match.group("frac") or ""
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise NumberError(_("“%(text)s” er for stort et tal.") % {"text": raw.strip()})
    if len(fraction) > MAX_DECIMAL_PLACES:
        raise NumberError(
            _("“%(text)s” har flere end %(places)d decimaler.")
            % {"text": raw.strip(), "places": MAX_DECIMAL_PLACES}
        )
    try:
        value = Decimal(f"{integer}.{fraction}" if fraction else integer)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
        raise NumberError(_("“%(text)s” er ikke et tal.") % {"text": raw.strip()}) from exc
    return -value if negative and value else value


def format_danish_number(value: Decimal | int | None, *, places: int | None = None) -> str:
    """Write a number the Danish way: "1.100", "-250", "2,8", "0,494".

    Trailing decimal zeros are dropped ("2,80" → "2,8") unless `places` asks for a fixed
    number of decimals. None gives "".
    """
    if value is None:
        return ""
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    digits = format(abs(number), "f")
    integer, _dot, fraction = digits.partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = ".".join(groups)
    if fraction:
        text += "," + fraction
    return sign + text


# How an amount is written with its unit in running text: "2.206 t. kr.", "2,8 mio. kr.".
_UNIT_WORDS = {"kr.": "kr.", "1.000 kr.": "t. kr.", "mio. kr.": "mio. kr."}


def format_amount(value: Decimal | int, unit: str) -> str:
    """An amount with its unit as Danish text writes it: "2.206 t. kr.", "-606 t. kr."."""
    return f"{format_danish_number(value)} {_UNIT_WORDS.get(unit, unit)}"


def format_cell(value: CellValue) -> str:
    """A parsed cell back as text: "?" for UNKNOWN, "" for blank, else Danish digits."""
    if value is UNKNOWN:
        return UNKNOWN_TEXT
    if value is None:
        return ""
    assert isinstance(value, Decimal)
    return format_danish_number(value)


def is_year(text: str) -> bool:
    """A column heading such as "2018" (a budget year, not an amount)."""
    text = text.strip()
    return len(text) == 4 and text.isdecimal() and 1900 <= int(text) <= 2199
