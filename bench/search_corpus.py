"""A realistic corpus of minutes for the search benchmark, built from the sample minutes.

Titles, decisions, recommendations and case texts are drawn from the real paragraphs of
exchange/demo_minutes/*.txt, mixed with made-up Danish-looking compound words so that the
vocabulary has the long tail of real minutes (rare words, names of places and projects).
Rows go in with bulk_create, so every search-index trigger runs as it would for an import.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attachment,
    Body,
    Case,
    Decision,
    Meeting,
    Membership,
    Recommendation,
    RecommendationClause,
)

SAMPLES = Path(settings.BASE_DIR) / "exchange" / "demo_minutes"
BENCH_PASSWORD = "bench-search-password"
ITEMS_PER_MEETING = 12
BODIES = [
    "Direktionen",
    "Økonomiudvalget",
    "Byrådet",
    "Socialudvalget",
    "Teknik- og Miljøudvalget",
    "Børne- og Skoleudvalget",
    "Kultur- og Fritidsudvalget",
    "Beskæftigelsesudvalget",
    "Sundheds- og Ældreudvalget",
    "Plan- og Klimaudvalget",
]
OUTCOMES = [
    (Decision.Outcome.APPROVED, "Godkendt."),
    (Decision.Outcome.NOTED, "Taget til efterretning."),
    (Decision.Outcome.DISCUSSED, "Drøftet."),
    (Decision.Outcome.POSTPONED, "Udskudt."),
    (Decision.Outcome.REJECTED, "Afvist."),
]
SYLLABLES = [
    "sko",
    "le",
    "vej",
    "park",
    "hus",
    "by",
    "mark",
    "skov",
    "strand",
    "gård",
    "bro",
    "holm",
    "sø",
    "lund",
    "høj",
    "dal",
    "torv",
    "plan",
    "ung",
    "dom",
    "kul",
    "tur",
    "idræt",
    "fri",
    "lufts",
    "net",
    "værk",
    "sund",
    "hed",
    "pleje",
    "cen",
    "ter",
    "bo",
    "lig",
    "fjern",
    "varme",
    "cykel",
    "sti",
    "trafik",
    "klima",
    "vand",
    "spilde",
    "affald",
    "miljø",
    "natur",
    "havn",
    "bane",
    "station",
]


@dataclass
class SampleText:
    titles: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


def read_samples() -> SampleText:
    text = SampleText()
    section = ""
    for path in sorted(SAMPLES.glob("*.txt")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line:
                continue
            item = re.match(r"^Punkt \d+: (.+)$", line)
            if item:
                if item[1] != "Lukket":
                    text.titles.append(item[1])
                section = ""
            elif line.startswith("Beslutning "):
                section = "decision"
            elif line in {"Baggrund", "Sagsfremstilling", "Økonomi"}:
                section = "text"
            elif line == "Indstilling":
                section = "recommendation"
            elif line == "Bilag":
                section = "attachments"
            elif section == "decision":
                text.decisions.append(line)
            elif section == "recommendation" and re.match(r"^(\d+\.|-|at )", line):
                text.clauses.append(re.sub(r"^(\d+\.\s*|-\s*)", "", line))
            elif section == "attachments":
                text.attachments.append(line)
            elif len(line) > 40:
                text.paragraphs.append(line)
    return text


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


@dataclass
class CorpusReport:
    items: int
    seconds: dict[str, float]
    staff_username: str
    member_username: str


def build_corpus(*, items: int, seed: int = 20170320) -> CorpusReport:
    """Fill an empty, migrated database with `items` agenda items and everything around
    them. Returns how long each table took, triggers included."""
    rng = random.Random(seed)
    samples = read_samples()
    seconds: dict[str, float] = {}

    def timed(name: str, start: float) -> None:
        seconds[name] = round(time.perf_counter() - start, 2)

    with transaction.atomic():
        start = time.perf_counter()
        bodies = Body.objects.bulk_create(
            Body(name=name, slug=f"organ-{i}") for i, name in enumerate(BODIES)
        )
        password = make_password(BENCH_PASSWORD)
        staff = User.objects.create(username="bench-medarbejder", password=password)
        member = User.objects.create(username="bench-direktoer", password=password)
        Membership.objects.create(user=member, body=bodies[0], role=Membership.Role.MEMBER)
        n_meetings = -(-items // ITEMS_PER_MEETING)
        first = timezone.make_aware(dt.datetime(2009, 1, 5, 10, 0))
        meetings = Meeting.objects.bulk_create(
            (
                Meeting(
                    body=bodies[m % len(bodies)],
                    starts_at=first + dt.timedelta(days=7 * (m // len(bodies))),
                    location=f"Mødelokale B{100 + m % 40}",
                    status=Meeting.Status.PUBLISHED,
                )
                for m in range(n_meetings)
            ),
            batch_size=5000,
        )
        n_cases = max(1, items // 4)
        cases = Case.objects.bulk_create(
            (
                Case(number=f"{9 + c % 17:02d}/{1000 + c}", title=rng.choice(samples.titles))
                for c in range(n_cases)
            ),
            batch_size=5000,
        )
        timed("bodies, meetings, cases", start)

        start = time.perf_counter()
        new_items = []
        for i in range(items):
            meeting = meetings[i // ITEMS_PER_MEETING]
            title = rng.choice(samples.titles)
            if rng.random() < 0.5:
                title = f"{title} – {made_up_word(rng)}"
            paragraphs = rng.sample(samples.paragraphs, 4)
            new_items.append(
                AgendaItem(
                    meeting=meeting,
                    number=i % ITEMS_PER_MEETING + 1,
                    title=title[:500],
                    case=rng.choice(cases),
                    closed=rng.random() < 0.03,
                    background=f"<p>{paragraphs[0]} {made_up_word(rng)}</p>",
                    presentation="".join(f"<p>{p}</p>" for p in paragraphs[1:3])
                    + f"<p>Projektet {made_up_word(rng)} i {made_up_word(rng)}.</p>",
                    economy=f"<p>{paragraphs[3]}</p>" if rng.random() < 0.5 else "",
                )
            )
        created = AgendaItem.objects.bulk_create(new_items, batch_size=2000)
        timed("agenda items", start)

        start = time.perf_counter()
        recommendations = Recommendation.objects.bulk_create(
            (
                Recommendation(item=item, unit="ØDC", lead_in="Det indstilles,")
                for item in created
                if rng.random() < 0.8
            ),
            batch_size=5000,
        )
        timed("recommendations", start)
        start = time.perf_counter()
        RecommendationClause.objects.bulk_create(
            (
                RecommendationClause(
                    recommendation=rec, position=p, text=rng.choice(samples.clauses)
                )
                for rec in recommendations
                for p in range(1, rng.randint(1, 3) + 1)
            ),
            batch_size=5000,
        )
        timed("recommendation clauses", start)
        start = time.perf_counter()
        decisions = []
        for item in created:
            outcome, word = rng.choice(OUTCOMES)
            decisions.append(
                Decision(
                    item=item,
                    text=f"<p>{word} {rng.choice(samples.decisions)}</p>",
                    outcome=outcome,
                    decided_on=item.meeting.starts_at.date(),
                )
            )
        Decision.objects.bulk_create(decisions, batch_size=5000)
        timed("decisions", start)
        start = time.perf_counter()
        Attachment.objects.bulk_create(
            (
                Attachment(item=item, title=rng.choice(samples.attachments), position=1)
                for item in created
                if rng.random() < 0.6
            ),
            batch_size=5000,
        )
        timed("attachments", start)
    return CorpusReport(
        items=items,
        seconds=seconds,
        staff_username=staff.username,
        member_username=member.username,
    )


# What each copy of the corpus changes, table by table: the new row's id, and the columns that
# point at copied rows (`{k}` is the copy's number, `{M}`, `{I}` … the originals' largest ids).
_COPIED_TABLES = [
    ("meetings_meeting", "M", {"starts_at": "starts_at + {k} * interval '1 hour'"}),
    ("meetings_agendaitem", "I", {
        "meeting_id": "meeting_id + {k} * {M}",
        "postponed_from_id": "postponed_from_id + {k} * {I}",
    }),
    ("meetings_recommendation", "R", {"item_id": "item_id + {k} * {I}"}),
    ("meetings_recommendationclause", "C", {"recommendation_id": "recommendation_id + {k} * {R}"}),
    ("meetings_decision", "D", {"item_id": "item_id + {k} * {I}"}),
    ("meetings_attachment", "A", {"item_id": "item_id + {k} * {I}"}),
]  # fmt: skip


def replicate_corpus(*, copies: int) -> float:
    """Make the corpus `copies` times as large, as a shared archive of that many
    municipalities would be: every meeting, item, section and search document is copied with
    new ids (meetings an hour apart). Rows go in with INSERT … SELECT and the triggers off,
    as a COPY would put them, and the documents are copied rather than recomputed (their
    texts are the same); the caller rebuilds the indexes. Returns the seconds it took."""
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        largest: dict[str, int] = {}
        for table, key, _ in _COPIED_TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
            largest[key] = int(cursor.fetchone()[0])
        for table, key, changed in [
            *_COPIED_TABLES,
            ("meetings_searchdocument", "I", {"item_id": "item_id + {k} * {I}"}),
        ]:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s ORDER BY ordinal_position",
                [table],
            )
            columns = [row[0] for row in cursor.fetchall()]
            values = {"id": "id + {k} * {" + key + "}", **changed}
            select = ", ".join(
                values[column].format(k="k", **largest) if column in values else column
                for column in columns
            )
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                f"SELECT {select} FROM {table}, generate_series(1, %s) AS k "
                f"WHERE {'item_id' if table == 'meetings_searchdocument' else 'id'} <= %s",
                [copies - 1, largest[key]],
            )
        for table, _, _ in _COPIED_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"  # noqa: S608
            )
    return time.perf_counter() - start
