"""Search at scale: 100,000 agenda items, searched through HTTP as a logged-in member of staff,
next to the raw PostgreSQL full-text query on the same texts, in the same run.

    .venv/bin/python -m bench search

Builds a fresh database `<DATABASE name>_bench_search` (dropped afterwards unless
BENCH_SEARCH_KEEP=1; BENCH_SEARCH_REUSE=1 reuses a kept one), fills it with bench/search_corpus.py
(timing each table with its index triggers), starts gunicorn on it and measures:

- the app: GET /search/?q=… (HTML) and /api/search/?q=… (JSON) — visibility rules, ranking,
  count, snippets and rendering included — p50 and p95 over several rounds;
- the raw query: SELECT … ts_rank(doc, q) … WHERE doc @@ websearch_to_tsquery(CONFIG, …)
  ORDER BY rank DESC LIMIT 10 on a table of to_tsvector(CONFIG, <the same texts>) with a GIN
  index (CONFIG: the search's text search configuration, meetings/search_config.py), through
  psycopg from this process;
- common words (budget, sag, direktionen) apart: they match a large share of all items;
- the resident memory of the gunicorn worker before and after.

Environment: BENCH_SEARCH_ITEMS (100000), BENCH_SEARCH_ROUNDS (7), BENCH_SEARCH_COPIES (1):
with 10, the corpus of BENCH_SEARCH_ITEMS is then copied nine times (bench/search_corpus.py
`replicate_corpus`: INSERT … SELECT with the triggers off, as a COPY would load it; the
documents copied, not recomputed) to a shared archive of ten municipalities, 1,000,000 items,
and the RUM index is built afterwards, timed.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psutil
import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bench.search_corpus import BENCH_PASSWORD, build_corpus, replicate_corpus
from meetings.search_config import CONFIG

ROOT = Path(__file__).resolve().parent.parent

# What staff ask: common and rare words, inflections, phrases, exclusions, a typo.
TEXT_QUERIES = [
    "omstilling",
    "ny omstilling",
    "godkendelse",
    "handicappolitik",
    "budgetopfølgning",
    "makerspace",
    "it-promillepuljen",
    "beredskab",
    "Office 365",
    '"Skype for Business"',
    "talentudvikling deltagerbetaling",
    "tandpleje -brøndby",
    "KMD driftskontrakt",
    "Selsmosekvarteret",
    "direktionen",
    "trådløst netværk rådhuset",
    "skolevejpark",
]
# Typos: answered by the near-miss search, which the raw query does not do; timed apart.
NEAR_MISS_QUERIES = ["selsmosekvateret", "handicappoltik", "makerspcae"]
# Common words: they match a large share of all items, so counting, ranking and paging them
# is where a search spends the most.
COMMON_QUERIES = ["budget", "sag", "direktionen"]
FILTER_QUERIES = [
    {"outcome": "udskudt", "from": "2017-01-01", "to": "2017-12-31"},
    {"q": "godkendt", "body": "organ-0", "sort": "dato"},
    {"q": "omstilling", "from": "2015-01-01", "to": "2016-12-31"},
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def ms(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 0.5) * 1000:7.1f} ms   "
        f"p95 {percentile(values, 0.95) * 1000:7.1f} ms   (n={len(values)})"
    )


class Browser:
    """A tiny HTTP client with a cookie jar and keep-alive, like one user's browser."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, response

    def login(self, username: str, password: str) -> None:
        _, page, _ = self.request("GET", "/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, "no CSRF token on the login page"
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match[1].decode(),
            }
        )
        status, _, _ = self.request("POST", "/login/", form)
        assert status == 302 and "sessionid" in self.cookies, f"login failed ({status})"

    def timed_get(self, path: str) -> tuple[float, int]:
        start = time.perf_counter()
        status, _, _ = self.request("GET", path)
        return time.perf_counter() - start, status


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db.get("PASSWORD") else user
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def admin_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def prepare_database(name: str, items: int, reuse: bool, copies: int = 1) -> None:
    with admin_connection() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not reuse:
            admin.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    if exists:
        print(f"reusing database {name}")
        return
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    report = build_corpus(items=items)
    total = time.perf_counter() - start
    print(f"corpus of {items:,} items built in {total:.1f} s (search-index triggers included):")
    for table, seconds in report.seconds.items():
        print(f"  {table:28} {seconds:7.2f} s")
    if copies > 1:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX searchdoc_document_rum")
        seconds = replicate_corpus(copies=copies)
        print(f"copied {copies - 1} times to {items * copies:,} items in {seconds:.1f} s")
    with psycopg.connect(database_url(name), autocommit=True) as conn:
        bloated = conn.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('meetings_searchdocument'))"
        ).fetchone()
        start = time.perf_counter()
        # Loading item by item and then section by section rewrites each document once per
        # table; compact it as a long-running database would be after autovacuum.
        conn.execute("VACUUM (FULL, ANALYZE) meetings_searchdocument")
        conn.execute("VACUUM ANALYZE")
        print(
            f"vacuum: {time.perf_counter() - start:.1f} s "
            f"(search documents {bloated[0] if bloated else '?'} before compaction)"
        )
        if copies > 1:
            start = time.perf_counter()
            conn.execute("SET maintenance_work_mem = '512MB'")
            conn.execute(
                "CREATE INDEX searchdoc_document_rum ON meetings_searchdocument "
                "USING rum (document rum_tsvector_ops)"
            )
            seconds = time.perf_counter() - start
            print(f"RUM index of {items * copies:,} documents built in {seconds:.1f} s")


def build_raw_table(url: str, copies: int = 1) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_search")
        start = time.perf_counter()
        row = conn.execute("SELECT max(id) FROM meetings_agendaitem").fetchone()
        originals = int(row[0] if row else 0) // copies
        conn.execute(
            """
            CREATE TABLE bench_raw_search AS
            SELECT i.id, to_tsvector(%s::regconfig,
                                     concat_ws(' ', i.title, c.number, c.title,
                                               referat_search_text(i.id))) AS doc
              FROM meetings_agendaitem i LEFT JOIN meetings_case c ON c.id = i.case_id
             WHERE i.id <= %s
            """,
            [CONFIG, originals],
        )
        # The copies of a copied corpus have the same texts, so the same documents.
        conn.execute(
            "INSERT INTO bench_raw_search SELECT id + k * %s, doc "
            "FROM bench_raw_search, generate_series(1, %s) AS k",
            [originals, copies - 1],
        )
        conn.execute("CREATE INDEX bench_raw_search_gin ON bench_raw_search USING gin (doc)")
        conn.execute("VACUUM ANALYZE bench_raw_search")
        print(f"raw comparison table (same texts, unweighted): {time.perf_counter() - start:.1f} s")
        sizes = conn.execute(
            """SELECT pg_size_pretty(pg_total_relation_size('meetings_searchdocument')),
                      pg_size_pretty(pg_relation_size('searchdoc_document_rum')),
                      (SELECT count(*) FROM meetings_searchterm),
                      pg_size_pretty(pg_total_relation_size('meetings_searchterm'))"""
        ).fetchone() or ("?", "?", "?", "?")
        print(
            f"search index: documents {sizes[0]} (RUM index {sizes[1]}); "
            f"{sizes[2]} title words for near misses ({sizes[3]})"
        )


RAW_SQL = """SELECT id, ts_rank(doc, q) AS rank
               FROM bench_raw_search, websearch_to_tsquery(%s::regconfig, %s) q
              WHERE doc @@ q ORDER BY rank DESC LIMIT 10"""


def timed_raw(conn: psycopg.Connection, query: str) -> float:
    start = time.perf_counter()
    conn.execute(RAW_SQL, [CONFIG, query]).fetchall()
    return time.perf_counter() - start


def worker_rss(master: subprocess.Popen[bytes]) -> int:
    children = psutil.Process(master.pid).children(recursive=True)
    return sum(child.memory_info().rss for child in children)


def start_server(url: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="referat.settings.local",
        DJANGO_DEBUG="0",
        LOG_LEVEL="WARNING",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "referat.wsgi:application", "-b",
         f"127.0.0.1:{port}", "-w", "1", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start within 60 s")


def main() -> None:
    items = int(os.environ.get("BENCH_SEARCH_ITEMS", "100000"))
    copies = int(os.environ.get("BENCH_SEARCH_COPIES", "1"))
    rounds = int(os.environ.get("BENCH_SEARCH_ROUNDS", "7"))
    keep = os.environ.get("BENCH_SEARCH_KEEP") == "1"
    reuse = os.environ.get("BENCH_SEARCH_REUSE") == "1"
    name = f"{settings.DATABASES['default']['NAME']}_bench_search"
    prepare_database(name, items, reuse, copies)
    url = database_url(name)
    build_raw_table(url, copies)
    edit_latency(url)

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT number FROM meetings_case LIMIT 1").fetchone()
        assert row is not None
        case_number = row[0]
    jump_path = f"/search/?{urllib.parse.urlencode({'q': case_number})}"
    server, port = start_server(url)
    try:
        browser = Browser(port)
        browser.login("bench-medarbejder", BENCH_PASSWORD)
        rss_before = worker_rss(server)
        filter_paths = [f"/search/?{urllib.parse.urlencode(f)}" for f in FILTER_QUERIES]
        raw_conn = psycopg.connect(url, autocommit=True)
        for query in TEXT_QUERIES + NEAR_MISS_QUERIES + COMMON_QUERIES:  # warm-up
            timed_raw(raw_conn, query)
            for prefix in ("/search/?", "/api/search/?"):
                _, status = browser.timed_get(prefix + urllib.parse.urlencode({"q": query}))
                assert status == 200, (query, status)
        raw: list[float] = []
        page: list[float] = []
        api: list[float] = []
        near: list[float] = []
        filtered: list[float] = []
        jump: list[float] = []
        common_raw: list[float] = []
        common_page: list[float] = []
        common_api: list[float] = []
        rng = random.Random(7)
        for _ in range(rounds):
            # Each query is timed raw, as a page and through the API back to back, so that all
            # three meet the same load on a shared machine; the order changes every round.
            for query in rng.sample(TEXT_QUERIES, len(TEXT_QUERIES)):
                encoded = urllib.parse.urlencode({"q": query})
                raw.append(timed_raw(raw_conn, query))
                page.append(browser.timed_get(f"/search/?{encoded}")[0])
                api.append(browser.timed_get(f"/api/search/?{encoded}")[0])
            for query in rng.sample(COMMON_QUERIES, len(COMMON_QUERIES)):
                encoded = urllib.parse.urlencode({"q": query})
                common_raw.append(timed_raw(raw_conn, query))
                common_page.append(browser.timed_get(f"/search/?{encoded}")[0])
                common_api.append(browser.timed_get(f"/api/search/?{encoded}")[0])
            for query in NEAR_MISS_QUERIES:
                near.append(
                    browser.timed_get(f"/search/?{urllib.parse.urlencode({'q': query})}")[0]
                )
            for path in filter_paths:
                filtered.append(browser.timed_get(path)[0])
            seconds, status = browser.timed_get(jump_path)
            assert status == 302
            jump.append(seconds)
        raw_conn.close()
        rss_after = worker_rss(server)
    finally:
        server.terminate()
        server.wait(timeout=20)

    print(
        f"\nsearch of {items * copies:,} items, {len(TEXT_QUERIES)} text queries × {rounds} rounds"
    )
    print(f"  raw PostgreSQL (GIN, ts_rank, top 10)   {ms(raw)}")
    print(f"  app HTML page  GET /search/?q=…         {ms(page)}")
    print(f"  app JSON API   GET /api/search/?q=…     {ms(api)}")
    print(f"  common words ({', '.join(COMMON_QUERIES)}):")
    print(f"    raw PostgreSQL (GIN, ts_rank, top 10) {ms(common_raw)}")
    print(f"    app HTML page                         {ms(common_page)}")
    print(f"    app JSON API                          {ms(common_api)}")
    common95 = percentile(common_raw, 0.95)
    print(
        f"    p95 app/raw: page {percentile(common_page, 0.95) / common95:.2f}×, "
        f"API {percentile(common_api, 0.95) / common95:.2f}×"
    )
    print(f"  app near misses (typos, HTML)           {ms(near)}")
    print(f"  app with filters (HTML)                 {ms(filtered)}")
    print(f"  case-number jump (302)                  {ms(jump)}")
    raw95 = percentile(raw, 0.95)
    print(
        f"  p95 app/raw: page {percentile(page, 0.95) / raw95:.2f}×, "
        f"API {percentile(api, 0.95) / raw95:.2f}×"
    )
    searches = (
        len(page) + len(api) + len(near) + len(filtered) + len(jump)
        + len(common_page) + len(common_api)
    )  # fmt: skip
    print(
        f"web worker RSS: {rss_before / 2**20:.0f} MiB after login, "
        f"{rss_after / 2**20:.0f} MiB after {searches} searches"
    )
    if not keep:
        connection.close()
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE "{name}"')


def edit_latency(url: str) -> None:
    """One saved decision on the full corpus: the UPDATE with its index trigger."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT item_id FROM meetings_decision LIMIT 1").fetchone()
        assert row is not None
        item_id = row[0]
        times = []
        for n in range(20):
            start = time.perf_counter()
            conn.execute(
                "UPDATE meetings_decision SET text = %s WHERE item_id = %s",
                [f"<p>Godkendt med ændring nummer {n}.</p>", item_id],
            )
            conn.commit()
            times.append(time.perf_counter() - start)
        median = statistics.median(times) * 1000
        print(f"one decision saved, index included: median {median:.1f} ms")
