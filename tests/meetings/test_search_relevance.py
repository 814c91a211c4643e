"""Relevance over the real sample minutes: the item a member of staff looks for comes in the
top three."""

from __future__ import annotations

import datetime as dt

import pytest

from meetings.search import search_items
from tests.conftest import People
from tests.meetings.samples import import_sample_minutes

# (query, meeting date, item number) — the item a person asking this would want.
EXPECTED = [
    ("ny omstilling", "2018-04-23", 4),
    ("omstillingen", "2018-04-23", 4),
    ("handicappolitik", "2017-03-20", 3),
    ("godkendelse af handicappolitikken", "2017-03-20", 3),
    ("makerspace", "2017-03-20", 4),
    ("Office 365", "2017-03-20", 5),
    ("talentudvikling", "2017-06-26", 7),
    ("deltagerbetaling", "2017-06-26", 7),
    ("beredskabsplanen", "2017-06-26", 10),
    ("KMD udbud", "2018-04-23", 3),
    ("omsorgssystem", "2018-04-23", 6),
    ("Cura", "2018-04-23", 6),
    ("Selsmosekvarteret", "2018-04-23", 7),
    ("brugt tøj", "2018-04-23", 8),
    ("Blå Kors", "2018-04-23", 8),
    ("tandpleje", "2018-04-23", 9),
    ("it-promillepuljen 2018", "2018-04-23", 5),
    ("HTKLIS", "2017-06-26", 6),
    ("interne kurser", "2017-06-26", 9),
    ("månedssag", "2017-06-26", 3),
    ("opkobling", "2017-06-26", 5),
    ("årshjul", "2018-04-23", 10),
    ("revisionsanbefalinger", "2017-03-20", 1),
    ("Skype for Business", "2018-04-23", 4),
    ("sourcing", "2018-04-23", 3),
    ("telefoncentral", "2017-03-20", 5),
    ("headsets", "2017-06-26", 4),
    # A typo and a word the minutes only bend: still found.
    ("selsmosekvateret", "2018-04-23", 7),
    ("udskudt makerspace", "2017-03-20", 4),
]


@pytest.mark.django_db
def test_the_expected_item_is_in_the_top_three_for_every_query(people: People) -> None:
    import_sample_minutes()
    misses = []
    for query, date, number in EXPECTED:
        page = search_items(people.staff, query)
        top = [(hit.meeting_date, hit.item_number) for hit in page.hits[:3]]
        if (dt.date.fromisoformat(date), number) not in top:
            misses.append(f"{query!r}: wanted {date} punkt {number}, got {top}")
    assert len(EXPECTED) >= 15
    assert not misses, "\n".join(misses)
