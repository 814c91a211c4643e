"""Danish word forms: for 25 groups of forms of words of the sample minutes (budget, budgettet,
budgetter; barn, børn, børnene; år, året, årene; indsats, indsatsen, indsatser …), how far
the items each form finds agree, searched as a member of staff.

    .venv/bin/python -m bench word_forms

Builds a scratch database `<DATABASE name>_bench_words` (dropped afterwards), imports the
sample minutes (exchange/demo_minutes) and compares the search (meetings/search_config.py:
the word-form dictionary in front of the Snowball stemmer) with PostgreSQL's plain `danish`
configuration (the stemmer alone) on the same texts and the same visible items.
"""

from __future__ import annotations

import time
from io import StringIO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from bench.bench_search import admin_connection
from bench.word_forms import WORD_FORM_GROUPS, GroupOverlap, overlaps
from meetings.models import AgendaItem
from meetings.search import SearchFilters, search_items

STEMMER_ONLY = """
    SELECT i.id FROM meetings_agendaitem i LEFT JOIN meetings_case c ON c.id = i.case_id
     WHERE i.id = ANY(%s)
       AND to_tsvector('danish', concat_ws(' ', i.title, c.number, c.title,
                                           referat_search_text(i.id)))
           @@ websearch_to_tsquery('danish', %s)"""


def report(name: str, results: list[GroupOverlap]) -> None:
    agree = sum(group.agree for group in results)
    common = sum(group.common for group in results)
    either = sum(group.either for group in results)
    print(f"\n{name}: every form finds the same items in {agree} of {len(results)} groups;")
    print(f"  items found by every form of their word / by any form: {common} / {either}")
    for group in results:
        if not group.agree:
            print(f"    split: {group.describe()}")


def main() -> None:
    name = f"{settings.DATABASES['default']['NAME']}_bench_words"
    original = connection.settings_dict["NAME"]
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("import_minutes", str(settings.BASE_DIR / "exchange" / "demo_minutes"),
                     stdout=StringIO())  # fmt: skip
        print(f"scratch database with the sample minutes: {time.perf_counter() - start:.1f} s")
        staff = User.objects.create(username="bench-ordformer")
        visible = list(AgendaItem.objects.visible_to(staff).values_list("pk", flat=True))
        print(f"{len(visible)} items the member of staff may read, {len(WORD_FORM_GROUPS)} groups")

        def app(word: str) -> list[int]:
            page = search_items(staff, word, SearchFilters(page_size=100))
            return [hit.item_id for hit in page.hits if not hit.near_miss]

        def stemmer_only(word: str) -> list[int]:
            with connection.cursor() as cursor:
                cursor.execute(STEMMER_ONLY, [visible, word])
                return [row[0] for row in cursor.fetchall()]

        report("Snowball stemmer alone (danish)", overlaps(stemmer_only))
        report("the search (word forms from hunspell-da, then Snowball)", overlaps(app))
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
