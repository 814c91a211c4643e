"""The deadline of an agenda: Kommunestyrelsesloven § 8 wants it with the members four
weekdays before the meeting. Weekends and public holidays are no weekdays. Read by the
publication service (a late agenda asks for a reason) and by the meeting page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from meetings.models import Meeting

NOTICE_WEEKDAYS = 4


def _easter(year: int) -> dt.date:
    """Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * ell) // 433
    month, day = divmod(h + ell - 7 * m + 90, 25)
    day = (h + ell - 7 * m + 33 * month + 19) % 32
    return dt.date(year, month, day)


def danish_holidays(year: int) -> set[dt.date]:
    """The public holidays (helligdage) that are not weekdays for a municipality's offices."""
    easter = _easter(year)
    days = {
        dt.date(year, 1, 1),
        easter - dt.timedelta(days=3),  # skærtorsdag
        easter - dt.timedelta(days=2),  # langfredag
        easter + dt.timedelta(days=1),  # 2. påskedag
        easter + dt.timedelta(days=39),  # Kristi himmelfartsdag
        easter + dt.timedelta(days=50),  # 2. pinsedag
        dt.date(year, 6, 5),  # grundlovsdag: the offices close
        dt.date(year, 12, 24),
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    }
    if year < 2024:  # store bededag was abolished from 2024
        days.add(easter + dt.timedelta(days=26))
    return days


def is_weekday(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in danish_holidays(day.year)


def publication_deadline(meeting: Meeting) -> dt.date:
    """The last day the agenda is on time: four weekdays before the meeting's day (weekends
    and public holidays do not count)."""
    day = timezone.localdate(meeting.starts_at)
    counted = 0
    while counted < NOTICE_WEEKDAYS:
        day -= dt.timedelta(days=1)
        if is_weekday(day):
            counted += 1
    return day


def is_late(meeting: Meeting, *, today: dt.date | None = None) -> bool:
    return (today or timezone.localdate()) > publication_deadline(meeting)
