"""Budget tables and pools: how fast totals are computed, pastes and legacy tables read,
pool statuses gathered and "Status på puljer" printed, and how much memory the PDF takes.

Runs against the database of DATABASE_URL inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone


def _timed(label: str, repeat: int, work: Callable[[], object]) -> None:
    started = time.perf_counter()
    for _ in range(repeat):
        work()
    elapsed = time.perf_counter() - started
    print(f"{label:<58} {elapsed / repeat * 1000:9.3f} ms  (×{repeat})")


def _pure() -> None:
    from budget.numbers import parse_danish_number
    from budget.tables import Grid, GridRow, compute, table_data_from_grid
    from budget.tsv import grid_from_paste

    cells = ["1.100", "-250", "2,8", "15.624.179", "?", "", "(250)", "0,494"] * 125
    _timed("parse_danish_number, 1.000 cells", 20, lambda: [parse_danish_number(c) for c in cells])

    rows = []
    for r in range(499):
        if r % 50 == 49:
            rows.append(GridRow(kind="subtotal", text=f"Subtotal {r}"))
        else:
            rows.append(GridRow(text=f"Linje {r}", cells=[f"{r}.{r % 1000:03d}"] * 10))
    rows.append(GridRow(kind="total", text="I alt"))
    grid = Grid(columns=[str(2018 + c) for c in range(10)], rows=rows).normalised()
    data = table_data_from_grid(grid)
    _timed("parse a 500 × 10 grid", 10, lambda: table_data_from_grid(grid))
    _timed("compute totals of a 500 × 10 table", 20, lambda: compute(data))

    paste = "\t" + "\t".join(str(2018 + c) for c in range(10)) + "\n"
    paste += "".join(f"Linje {r}\t" + "\t".join(["1.234,5"] * 10) + "\n" for r in range(500))
    _timed(
        "paste 500 rows × 10 columns from Excel", 5, lambda: grid_from_paste(paste, current=Grid())
    )


def _legacy() -> None:
    from budget.legacy import budget_table_from_rows, join_continued_tables

    header = ["", "2017", "2018", "2019", "2020", "2021"]
    body = [[f"Post {r}", "", "1.479.402", "346.776", "0", "0"] for r in range(40)]
    pages = [[header, *body[:20]], [[f"Post {r}", "", "1", "2", "3", "4"] for r in range(20)]]
    pages[1].append(["Samlede omkostninger", "", "1", "1", "1", "1"])

    def read() -> None:
        (joined,) = join_continued_tables([list(map(list, p)) for p in pages])
        budget_table_from_rows(joined)

    _timed("legacy table of 41 rows × 5 years, joined and checked", 20, read)


def _database() -> None:
    from budget.models import Allocation, Pool
    from budget.pdf import html_to_pdf, pool_status_html
    from budget.pools import body_pool_statuses
    from meetings.models import AgendaItem, Body, Meeting

    User = get_user_model()
    with transaction.atomic():
        body = Body.objects.create(name="Benchmark-organet", slug="benchmark-organet")
        user = User.objects.create(username="benchmark-budget")
        pools = Pool.objects.bulk_create(
            Pool(body=body, name=f"Pulje {p}", year=2018 + p % 3, amount=Decimal(100_000))
            for p in range(50)
        )
        meetings = Meeting.objects.bulk_create(
            Meeting(
                body=body,
                starts_at=timezone.make_aware(
                    dt.datetime(2018, 1, 1, 10) + dt.timedelta(days=7 * m)
                ),
                status=Meeting.Status.PUBLISHED if m % 4 else Meeting.Status.DRAFT,
            )
            for m in range(40)
        )
        items = AgendaItem.objects.bulk_create(
            AgendaItem(meeting=m, number=n, title=f"Punkt {n} om it")
            for m in meetings
            for n in range(1, 11)
        )
        Allocation.objects.bulk_create(
            Allocation(
                pool=pools[i % 50],
                item=items[i % len(items)],
                amount=Decimal(100 + i),
                year=pools[i % 50].year,
                permanent=i % 7 == 0,
                created_by=user,
            )
            for i in range(2_000)
        )
        _timed("Status på puljer: 50 pools, 2.000 allocations", 5, lambda: body_pool_statuses(body))
        statuses = body_pool_statuses(body)
        html = pool_status_html(body, statuses)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        pdf = html_to_pdf(html)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"{'PDF of Status på puljer (50 pools, 2.000 allocations)':<58} "
            f"{elapsed * 1000:9.1f} ms  {len(pdf) / 1024:.0f} KiB, "
            f"peak RSS +{(after - before) / 1024:.0f} MiB"
        )
        transaction.set_rollback(True)


def main() -> None:
    _pure()
    _legacy()
    _database()
