"""PDFs of budget material, rendered by WeasyPrint in a worker (never in a web request).

The tables go through templates/budget/_table.html and static/css/budget.css, the very
fragment and stylesheet of the web pages, so a table prints as it shows."""

from __future__ import annotations

import logging
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from budget.pools import PoolStatus, pool_timeline_table, pools_summary_table
from budget.tables import ComputedTable
from common.pdf_fetch import BASE_URL, StaticOnlyURLFetcher
from meetings.models import Body

logger = logging.getLogger("referat.budget")

PRINT_CSS = """
@page { size: A4; margin: 2cm 1.8cm 2cm 1.8cm;
        @bottom-right { content: "Side " counter(page) " af " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #212529; }
h1 { font-size: 16pt; margin: 0 0 .2cm; }
.meta { color: #495057; margin-bottom: .6cm; }
.overdrawn-list { color: #b02a37; font-weight: 700; }
.budget-table { break-inside: avoid; }
table.budget { width: 100%; }
a { color: inherit; text-decoration: none; }
"""


def _stylesheets(fetcher: StaticOnlyURLFetcher) -> list[object]:
    from weasyprint import CSS

    path = finders.find("css/budget.css")
    if not path or isinstance(path, list):
        raise RuntimeError("static/css/budget.css is missing")
    return [
        CSS(string=Path(path).read_text(encoding="utf-8"), base_url=BASE_URL, url_fetcher=fetcher),
        CSS(string=PRINT_CSS, base_url=BASE_URL, url_fetcher=fetcher),
    ]


def html_to_pdf(html: str) -> bytes:
    """A PDF of `html` with the budget stylesheet. WeasyPrint fetches nothing but our static
    files and `data:` URLs (common.pdf_fetch): text typed into a pool's name, a note or an
    item can never make the worker request a URL."""
    from weasyprint import HTML

    fetcher = StaticOnlyURLFetcher()
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
        stylesheets=_stylesheets(fetcher)
    )
    if fetcher.refused:
        logger.warning("Budget PDF rendering refused %d resource(s)", len(fetcher.refused))
    assert pdf is not None
    return bytes(pdf)


def tables_html(tables: list[ComputedTable], *, title: str) -> str:
    """A printable page of budget tables (the meeting PDF includes _table.html the same way)."""
    return render_to_string("budget/tables_pdf.html", {"tables": tables, "title": title})


def pool_status_html(body: Body, statuses: list[PoolStatus]) -> str:
    return render_to_string(
        "budget/pool_status_pdf.html",
        {
            "body": body,
            "summary": pools_summary_table(statuses, body=body, for_print=True),
            "timelines": [
                (status, pool_timeline_table(status, visible_ids=set(), for_print=True))
                for status in statuses
            ],
            "overdrawn": [s for s in statuses if s.overdrawn],
            "generated": timezone.localtime(),
        },
    )
