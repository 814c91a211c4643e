"""Search of past decisions: full text in Danish over the index the database keeps
(`SearchDocument`), a case number's jump to its case, near-miss words by trigram similarity.

Every path starts from `AgendaItem.objects.visible_to(user)`: a closed item the user may not see
is filtered out before anything is ranked or counted, and snippets are made only from the rows
of that same queryset. Each visible item is read as far as the reader may read it: an item
whose minutes the reader may not read (an agenda published, minutes not) is found, counted,
ranked and quoted by its agenda alone, never by its decision; internal attachments only by
the body (`minutes_open`, `internal_open` on every row).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryField,
    SearchVectorField,
    TrigramSimilarity,
)
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from meetings.access import bodies_with_access
from meetings.models import AgendaItem, Body, Case, Decision, Meeting, SearchTerm
from meetings.search_config import CONFIG
from meetings.validators import case_url_key, normalise_case_number

if TYPE_CHECKING:
    from meetings.models import AnyUser

PAGE_SIZE = 20
# Matches are counted up to this many; past it, the page says "over 1.000".
COUNT_LIMIT = 1000
# Longer queries are cut here: nobody types more, and a pasted page should not cost a second.
MAX_QUERY_LENGTH = 200
# A query word's lexeme this long or longer also finds the compounds that end in it, up to
# this many, each with at least this many letters before it.
COMPOUND_MIN_LEXEME = 5
COMPOUNDS_PER_WORD = 10
COMPOUND_MIN_PREFIX = 3
# When full text finds fewer hits than this, near-miss title words are tried as well.
FUZZY_BELOW = 3
FUZZY_MIN_WORD_LENGTH = 4
# A title word this similar (trigram similarity, 0–1) to an unknown query word stands in for it.
NEAR_MISS_SIMILARITY = 0.4
NEAR_MISS_ALTERNATIVES = 3
# How many times as many title words are looked at, to find that many the reader may see.
NEAR_MISS_CANDIDATES = 5

# A query that is one case number, in any of the forms the municipality's system writes
# ("17/7870", "sag 17-7870", "sagsnr. EMN-2025-003383"): it leads to the case when it exists.
CASE_NUMBER_QUERY_RE = re.compile(r"^\s*(?:sag\s+|sagsnr\.?:?\s*)?(\S{4,40})\s*$", re.I)
# Characters that cannot be stored in PostgreSQL text (NUL) or mean nothing to a search.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ue000\ue001]")
_WORD_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
# Markers ts_headline puts around a match: private-use characters that never occur in the
# text (they are removed from it), replaced by <mark> after the snippet has been escaped.
_START, _STOP = "\ue000", "\ue001"


class Sort:
    RELEVANCE = "relevans"
    DATE = "dato"


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search: all optional."""

    body: Body | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outcome: str = ""
    case_number: str = ""
    sort: str = Sort.RELEVANCE
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def narrows(self) -> bool:
        return bool(self.body or self.date_from or self.date_to or self.outcome or self.case_number)


@dataclass
class SearchHit:
    item_id: int
    meeting_id: int
    meeting_date: dt.date
    body: str
    item_number: int
    title: str
    case_number: str
    outcome: str
    outcome_label: str
    snippet: SafeString
    url: str
    closed: bool
    near_miss: bool = False

    @property
    def case_url(self) -> str:
        if not self.case_number:
            return ""
        return reverse("meetings:case_detail", args=[case_url_key(self.case_number)])


@dataclass
class SearchPage:
    """One page of results, with what the user should be told about the query."""

    query: str
    filters: SearchFilters
    hits: list[SearchHit] = field(default_factory=list)
    # The number of matches, counted up to COUNT_LIMIT; `count_capped` when there are more.
    count: int = 0
    count_capped: bool = False
    # The case a query consisting of a case number names, when it exists.
    case: Case | None = None
    notices: list[str] = field(default_factory=list)
    searched: bool = False
    near_misses: bool = False

    @property
    def page(self) -> int:
        return self.filters.page

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.filters.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.filters.page_size + 1


def clean_query(raw: str) -> tuple[str, list[str]]:
    """The query as it will be searched, and notices (Danish) about what was changed."""
    notices: list[str] = []
    query = _CONTROL_RE.sub(" ", raw or "")
    query = " ".join(query.split())
    if len(query) > MAX_QUERY_LENGTH:
        query = query[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or query[:MAX_QUERY_LENGTH]
        notices.append(
            _("Søgningen var for lang og er forkortet til de første %(n)d tegn.")
            % {"n": MAX_QUERY_LENGTH}
        )
    return query, notices


def case_in_query(query: str) -> Case | None:
    """The case a query names when the query is a case number ("17/7870", "sag 17-7870")."""
    match = CASE_NUMBER_QUERY_RE.match(query)
    if not match:
        return None
    try:
        number = normalise_case_number(match.group(1))
    except ValidationError:
        return None
    return Case.objects.filter(number=number).first()


def _reading_rights(user: AnyUser) -> dict[str, ExpressionWrapper | Value]:
    """How far the user reads each visible item: its minutes (decision) where the meeting's
    minutes are visible to them, its internal attachments where it is their body's."""
    minutes = Q(meeting__in=Meeting.objects.minutes_visible_to(user))
    if user.is_authenticated and user.is_active:
        internal: ExpressionWrapper | Value = ExpressionWrapper(
            Q(meeting__body__in=bodies_with_access(user)), output_field=BooleanField()
        )
    else:
        internal = Value(False)
    return {
        "minutes_open": ExpressionWrapper(minutes, output_field=BooleanField()),
        "internal_open": internal,
    }


def _filtered(user: AnyUser, filters: SearchFilters) -> QuerySet[AgendaItem]:
    qs = AgendaItem.objects.visible_to(user).annotate(**_reading_rights(user))
    if filters.body is not None:
        qs = qs.filter(meeting__body=filters.body)
    if filters.date_from is not None:
        qs = qs.filter(meeting__starts_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        qs = qs.filter(meeting__starts_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.outcome:
        # An outcome is a decision's: only where the reader may read the minutes.
        qs = qs.filter(decision__outcome=filters.outcome, minutes_open=True)  # type: ignore[misc]
    if filters.case_number:
        qs = qs.filter(case__number=filters.case_number)
    return qs


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _tsquery(query: str) -> SearchQuery:
    return SearchQuery(query, config=CONFIG, search_type="websearch")


def _has_lexemes(query: str) -> bool:
    """False when the query holds only stop words or signs ("og i at", "&&", "!!")."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [CONFIG, query])
        row = cursor.fetchone()
    return bool(row and row[0])


_ROW_FIELDS = (
    "pk",
    "meeting_id",
    "meeting__starts_at",
    "meeting__body__name",
    "number",
    "title",
    "case__number",
    "decision__outcome",
    "closed",
)


def search_items(user: AnyUser, query: str, filters: SearchFilters | None = None) -> SearchPage:
    """One page of the items the user may see that match the query and the filters.

    An empty query with filters lists everything the filters let through, newest first; an
    empty query without filters searches nothing. A query that is a case number sets
    `page.case` (the view goes straight to the case) and lists that case's items. When full
    text finds fewer than `FUZZY_BELOW` items and a word of the query finds nothing, the title
    words closest to it are searched instead, and those results follow the exact ones.
    """
    filters = filters or SearchFilters()
    query, notices = clean_query(query)
    page = SearchPage(query=query, filters=filters, notices=notices)
    base = _filtered(user, filters)
    size = filters.page_size
    offset = (filters.page - 1) * size

    case = case_in_query(query) if query else None
    if case is not None:
        page.case = case
        page.searched = True
        page.count, page.count_capped, ids = _page_ids(
            base.filter(case=case), None, Sort.DATE, offset, size
        )
        page.hits = _hits(ids, None, near_miss=False, base=base)
        return page

    if not query:
        if filters.narrows:
            page.searched = True
            page.count, page.count_capped, ids = _page_ids(base, None, Sort.DATE, offset, size)
            page.hits = _hits(ids, None, near_miss=False, base=base)
        return page

    page.searched = True
    if not _has_lexemes(query):
        page.notices.append(
            _(
                "Søgningen indeholder kun almindelige småord eller tegn, som der ikke søges på. "
                "Prøv med et mere sigende ord."
            )
        )
    else:
        tsquery = _with_compounds(_tsquery(query), query, base)
        page.count, page.count_capped, ids = _page_ids(base, tsquery, filters.sort, offset, size)
        page.hits = _hits(ids, tsquery, near_miss=False, base=base)

    if page.count < FUZZY_BELOW:
        _add_near_misses(page, base, query)
    return page


def _with_compounds(
    tsquery: SearchQuery | Func, query: str, base: QuerySet[AgendaItem]
) -> SearchQuery | Func:
    """The query with each word also standing for the compounds that end in it: a Danish
    compound names its kind last, so "tandplejen" also finds "Ungetandplejen" and
    "budgettet" "Anlægsbudgettet". The compounds are the title words (`SearchTerm`) whose
    lexeme ends in the word's and that a title the reader may see holds — the table has the
    words of hidden titles too, and those neither join the query nor take a place among the
    first `COMPOUNDS_PER_WORD`. A phrase in quotes is meant exactly as written."""
    if '"' in query:
        return tsquery
    words = _positive_words(query)
    if not words:
        return tsquery
    with connection.cursor() as cursor:
        # Each lexeme of the query, with what the Snowball stemmer alone makes of it: a
        # compound Hunspell does not know ends in that ("anlægsbudget" → anlægsbudg, as the
        # lexeme "budget" → budg).
        cursor.execute(
            "SELECT DISTINCT x.lexeme, coalesce((ts_lexize('danish_stem', x.lexeme))[1], '') "
            "FROM unnest(%s::text[]) AS w(word), "
            "unnest(to_tsvector(%s::regconfig, w.word)) AS x ORDER BY 1, 2",
            [words, CONFIG],
        )
        tails: dict[str, set[str]] = {}
        for lexeme, stem in cursor.fetchall():
            tails.setdefault(lexeme, set()).add(stem)
        for lexeme, stems in tails.items():
            if len(lexeme) < COMPOUND_MIN_LEXEME:
                continue
            ends = {lexeme} | {stem for stem in stems if len(stem) >= COMPOUND_MIN_LEXEME - 1}
            # The words are found through the trigram index on the title words; their
            # lexemes are compared after, so "tandplejeklinik" (a kind of clinic) is left out.
            contains = " OR ".join(["t.word LIKE %s"] * len(ends))
            ends_in = " OR ".join(["x.lexeme LIKE %s"] * len(ends))
            cursor.execute(
                "SELECT t.word, x.lexeme FROM meetings_searchterm t, "  # noqa: S608
                "unnest(to_tsvector(%s::regconfig, t.word)) AS x "
                f"WHERE ({contains}) AND ({ends_in}) "
                "AND length(x.lexeme) >= %s ORDER BY t.word",
                [
                    CONFIG,
                    *(f"%{end}%" for end in sorted(ends)),
                    *(f"%{end}" for end in sorted(ends)),
                    min(len(end) for end in ends) + COMPOUND_MIN_PREFIX,
                ],
            )
            compounds: list[str] = []
            for word, compound in cursor.fetchall():
                if compound in compounds or compound in ends:
                    continue
                if not base.filter(title__icontains=word).exists():
                    continue
                compounds.append(compound)
                if len(compounds) == COMPOUNDS_PER_WORD:
                    break
            if compounds:
                alternatives = " | ".join(_tsquery_literal(x) for x in [lexeme, *compounds])
                tsquery = Func(
                    tsquery,
                    Cast(Value(_tsquery_literal(lexeme)), SearchQueryField()),
                    Cast(Value(alternatives), SearchQueryField()),
                    function="ts_rewrite",
                    output_field=SearchQueryField(),
                )
    return tsquery


def _tsquery_literal(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''") + "'"


def _page_ids(
    qs: QuerySet[AgendaItem],
    tsquery: SearchQuery | Func | None,
    sort: str,
    offset: int,
    limit: int,
) -> tuple[int, bool, list[int]]:
    """Count (up to `COUNT_LIMIT`) and cut out one page: the number of matches, whether there
    are more than that, and the ids of the page, in order.

    `qs` is the user's visible, filtered items: nothing else is counted or paged. Neither
    statement reads every match when there are many: the count stops at the first
    `COUNT_LIMIT + 1` visible matches, and a page by relevance is read from the RUM index in
    order of rank, each candidate checked against `qs` by its primary key until the page is
    full, so no other document is ranked or read. A page by date reads the matches' dates
    from the items, not their documents.
    """
    inner_sql, inner_params = (
        qs.order_by()
        .values_list(  # type: ignore[misc]  # the reading rights are annotations of _filtered
            "pk", "meeting__starts_at", "number", "minutes_open", "internal_open"
        )
        .query.sql_with_params()
    )
    visible = f"({inner_sql}) AS v(id, starts_at, number, minutes_open, internal_open)"
    # Only SQL compiled by the ORM (values as parameters) and fixed fragments are put
    # together here; every value the user typed travels as a parameter.
    extra_sql: str | None = None
    extra_params: list[Any] = []
    if tsquery is None:
        count_sql = f"SELECT 1 FROM {visible}"  # noqa: S608
        count_params = list(inner_params)
        page_sql = f"SELECT v.id FROM {visible} ORDER BY v.starts_at DESC, v.number"  # noqa: S608
        page_params = list(inner_params)
    else:
        tsq_sql, tsq_params = _compile(tsquery, qs)
        joined = f"meetings_searchdocument sd JOIN {visible} ON v.id = sd.item_id"
        # Three disjoint sets of matches. The published minutes' (most of them): the whole
        # document matches, through the RUM index. An agenda's whose minutes the reader may
        # not read: its agenda's parts match, never its decision. And the body's own
        # internal attachments, where nothing else of the item matched.
        agenda = f"(sd.item_part || sd.recommendation_part || sd.attachment_part) @@ {tsq_sql}"
        by_minutes = f"v.minutes_open AND sd.document @@ {tsq_sql}"
        by_agenda = f"NOT v.minutes_open AND {agenda}"
        by_internal = (
            f"v.internal_open AND sd.internal_attachment_part @@ {tsq_sql} AND NOT "
            f"(CASE WHEN v.minutes_open THEN sd.document @@ {tsq_sql} ELSE {agenda} END)"
        )
        minutes_params = [*inner_params, *tsq_params]
        agenda_params = [*inner_params, *tsq_params]
        internal_params = [*inner_params, *tsq_params, *tsq_params, *tsq_params]
        count_sql = f"""
            SELECT 1 FROM {joined} WHERE {by_minutes}
            UNION ALL SELECT 1 FROM {joined} WHERE {by_agenda}
            UNION ALL SELECT 1 FROM {joined} WHERE {by_internal}"""  # noqa: S608
        count_params = [*minutes_params, *agenda_params, *internal_params]
        if sort == Sort.RELEVANCE:
            # `<=>` is the RUM index's distance (the inverse of its rank, from the positions
            # and weights it stores), so the published minutes' matches come out of the
            # index best first.
            page_sql = f"""
                SELECT r.item_id, r.distance, v.starts_at, v.number
                  FROM (SELECT sd.item_id, sd.document <=> {tsq_sql} AS distance
                          FROM meetings_searchdocument sd
                         WHERE sd.document @@ {tsq_sql}
                         ORDER BY sd.document <=> {tsq_sql}) AS r
                  JOIN {visible} ON v.id = r.item_id
                 WHERE v.minutes_open
                 ORDER BY r.distance, v.starts_at DESC, v.number"""  # noqa: S608
            page_params = [*tsq_params, *tsq_params, *tsq_params, *inner_params]
            # The others, few (coming agendas, a body's internal attachments), are ranked by
            # the same distance over what the reader may read of them.
            readable = (
                "(CASE WHEN v.minutes_open THEN sd.document ELSE sd.item_part || "
                "sd.recommendation_part || sd.attachment_part END || CASE WHEN "
                "v.internal_open THEN sd.internal_attachment_part ELSE ''::tsvector END)"
            )
            extra_sql = f"""
                SELECT v.id, {readable} <=> {tsq_sql} AS distance, v.starts_at, v.number
                  FROM {joined} WHERE ({by_agenda}) OR ({by_internal})
                 ORDER BY 2, v.starts_at DESC, v.number"""  # noqa: S608
            extra_params = [
                *tsq_params,
                *inner_params,
                *tsq_params,
                *tsq_params,
                *tsq_params,
                *tsq_params,
            ]
        else:
            page_sql = f"""
                SELECT id FROM (
                    SELECT v.id, v.starts_at, v.number FROM {joined} WHERE {by_minutes}
                    UNION ALL
                    SELECT v.id, v.starts_at, v.number FROM {joined} WHERE {by_agenda}
                    UNION ALL
                    SELECT v.id, v.starts_at, v.number FROM {joined} WHERE {by_internal}
                ) AS m ORDER BY m.starts_at DESC, m.number"""  # noqa: S608
            page_params = [*minutes_params, *agenda_params, *internal_params]
    with transaction.atomic(using=qs.db), connections[qs.db].cursor() as cursor:
        # Compiling these short queries to machine code costs more than it saves.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"SELECT count(*) FROM ({count_sql} LIMIT %s) AS c",  # noqa: S608
            [*count_params, COUNT_LIMIT + 1],
        )
        row = cursor.fetchone()
        counted = int(row[0]) if row else 0
        if extra_sql is not None:
            cursor.execute(f"{extra_sql} LIMIT %s", [*extra_params, offset + limit])
            extra = cursor.fetchall()
            # The planner prices the RUM index's ordered scan as if it read every match, and
            # would read and sort them all instead; the ordered scan stops with the page.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"{page_sql} LIMIT %s", [*page_params, offset + limit])
            ranked = sorted(
                [*cursor.fetchall(), *extra],
                key=lambda r: (r[1], -r[2].timestamp(), r[3]),
            )
            ids = [r[0] for r in ranked[offset : offset + limit]]
        else:
            cursor.execute(f"{page_sql} LIMIT %s OFFSET %s", [*page_params, limit, offset])
            ids = [row[0] for row in cursor.fetchall()]
    return min(counted, COUNT_LIMIT), counted > COUNT_LIMIT, ids


def _compile(expression: Any, qs: QuerySet[AgendaItem]) -> tuple[str, Any]:
    query = qs.query
    compiler = query.get_compiler(using=qs.db)
    return compiler.compile(expression.resolve_expression(query))


def _readable_near_misses(word: str, base: QuerySet[AgendaItem]) -> list[str]:
    """The title words most like `word` that occur in a title the reader may see (`base`):
    the table of title words holds the words of every title, closed and draft ones too, and
    a hidden word must neither take a place among the alternatives nor give itself away."""
    candidates = (
        SearchTerm.objects.filter(word__trigram_similar=word)
        .exclude(word=word)
        .annotate(similarity=TrigramSimilarity("word", word))
        .filter(similarity__gte=NEAR_MISS_SIMILARITY)
        .order_by("-similarity", "word")
        .values_list("word", flat=True)[: NEAR_MISS_ALTERNATIVES * NEAR_MISS_CANDIDATES]
    )
    readable: list[str] = []
    for candidate in candidates:
        if base.filter(title__icontains=candidate).exists():
            readable.append(candidate)
            if len(readable) == NEAR_MISS_ALTERNATIVES:
                break
    return readable


def _add_near_misses(page: SearchPage, base: QuerySet[AgendaItem], query: str) -> None:
    """Search again with each query word that finds nothing replaced by the title words most
    like it (a typo, or a compound spelled another way: "friluftsstrategi" finds
    "Friluftstrategi"). The results follow the exact ones, marked as near misses."""
    if '"' in query:
        return  # a phrase in quotes is meant exactly as written
    words = _positive_words(query)
    unknown = [word for word in words if not _finds_anything(word, base)]
    if not unknown:
        return
    corrected: SearchQuery | None = None
    for word in unknown:
        similar = _readable_near_misses(word, base)
        if not similar:
            return
        alternatives = SearchQuery(similar[0], config=CONFIG, search_type="plain")
        for other in similar[1:]:
            alternatives |= SearchQuery(other, config=CONFIG, search_type="plain")
        corrected = alternatives if corrected is None else corrected & alternatives
    rest = " ".join(token for token in query.split() if not _is_unknown(token, unknown))
    assert corrected is not None
    if rest and _has_lexemes(rest):
        rest_query = SearchQuery(rest, config=CONFIG, search_type="websearch")
        either = "or" in (token.lower() for token in query.split())
        corrected = (rest_query | corrected) if either else (rest_query & corrected)
    exact_count = page.count
    size = page.filters.page_size
    start = max(0, (page.filters.page - 1) * size - exact_count)
    room = size - len(page.hits)
    found = [hit.item_id for hit in page.hits]
    near_count, near_capped, ids = _page_ids(
        base.exclude(pk__in=found), corrected, page.filters.sort, start, max(room, 0)
    )
    if not near_count:
        return
    page.near_misses = True
    page.count = exact_count + near_count
    page.count_capped = near_capped
    page.hits.extend(_hits(ids, corrected, near_miss=True, base=base))


def _finds_anything(word: str, base: QuerySet[AgendaItem]) -> bool:
    """Whether the word alone, with its compounds, finds an item the reader may see."""
    tsquery = _with_compounds(SearchQuery(word, config=CONFIG, search_type="plain"), word, base)

    def matches(vector: Any) -> Func:
        return Func(
            vector,
            tsquery,
            arg_joiner=" @@ ",
            template="(%(expressions)s)",
            output_field=BooleanField(),
        )

    agenda = Func(
        F("search_document__item_part"),
        F("search_document__recommendation_part"),
        F("search_document__attachment_part"),
        arg_joiner=" || ",
        template="(%(expressions)s)",
        output_field=SearchVectorField(),
    )
    return (
        base.alias(
            by_minutes=matches(F("search_document__document")),
            by_agenda=matches(agenda),
            by_internal=matches(F("search_document__internal_attachment_part")),
        )
        .filter(
            Q(minutes_open=True, by_minutes=True)
            | Q(minutes_open=False, by_agenda=True)
            | Q(internal_open=True, by_internal=True)
        )
        .exists()
    )


def _is_unknown(token: str, unknown: list[str]) -> bool:
    return any(word.lower() in unknown for word in _WORD_RE.findall(token))


def _positive_words(query: str) -> list[str]:
    """The plain words of a query, without excluded (-word) ones and operators."""
    words = []
    for token in query.split():
        if token.startswith("-"):
            continue
        for word in _WORD_RE.findall(token):
            if len(word) >= FUZZY_MIN_WORD_LENGTH and word.lower() != "or":
                words.append(word.lower())
    return list(dict.fromkeys(words))[:8]


def _hits(
    ids: list[int],
    tsquery: SearchQuery | Func | None,
    *,
    near_miss: bool,
    base: QuerySet[AgendaItem],
) -> list[SearchHit]:
    """The results for the given ids, in their order, with snippets: read from the rows of
    `base` (the user's visible items) only, so a closed item's text can never reach a result
    or a snippet by its id."""
    if not ids:
        return []
    rows = {
        row["pk"]: row
        for row in base.filter(pk__in=ids)
        .annotate(snippet=_snippet_expression(tsquery))
        .values(*_ROW_FIELDS, "minutes_open", "snippet")
    }
    outcome_labels = dict(Decision.Outcome.choices)
    hits = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        # An agenda's drafted outcome is the body's until the minutes are out.
        outcome = (row["decision__outcome"] or "") if row["minutes_open"] else ""
        raw_snippet = row["snippet"] or ""
        hits.append(
            SearchHit(
                item_id=pk,
                meeting_id=row["meeting_id"],
                meeting_date=timezone.localtime(row["meeting__starts_at"]).date(),
                body=row["meeting__body__name"],
                item_number=row["number"],
                title=row["title"],
                case_number=row["case__number"] or "",
                outcome=outcome,
                outcome_label=str(outcome_labels.get(outcome, "")),
                snippet=_render_snippet(
                    raw_snippet if tsquery is not None else _leading_words(raw_snippet)
                ),
                url=AgendaItem(
                    meeting_id=row["meeting_id"], number=row["number"]
                ).get_absolute_url(),
                closed=row["closed"],
                near_miss=near_miss,
            )
        )
    return hits


def _snippet_expression(tsquery: SearchQuery | Func | None) -> Func:
    """The item's text as the reader may read it (the decision with the minutes, internal
    attachments for the body), with the query's words marked, or its opening words."""
    readable = Func(
        F("pk"),
        F("minutes_open"),
        F("internal_open"),
        function="referat_search_text",
        output_field=TextField(),
    )
    text = Func(
        readable,
        Value(_START + _STOP),
        Value(""),
        function="translate",
        output_field=TextField(),
    )
    if tsquery is None:
        return Func(text, Value(1), Value(600), function="substr", output_field=TextField())
    return SearchHeadline(
        text,
        tsquery,
        config=CONFIG,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def _leading_words(text: str, words: int = 30) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _render_snippet(raw: str) -> SafeString:
    """Escape the snippet's text and turn the headline markers into <mark> elements."""
    text = " ".join(raw.split()).strip(" …")
    escaped = str(escape(text))
    escaped = escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")
    # Every character of the text was escaped above; only our own <mark> tags are markup.
    return mark_safe(escaped)
