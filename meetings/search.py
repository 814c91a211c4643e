"""Search of past decisions: full text in Danish over the index the database keeps
(`SearchDocument`), a case number's jump to its case, near-miss words by trigram similarity.

Every path starts from `AgendaItem.objects.visible_to(user)`: a closed item the user may not see
is filtered out before anything is ranked or counted, and snippets are made only from the rows
of that same queryset.
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
    TrigramWordSimilarity,
)
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from meetings.models import AgendaItem, Body, Case, Decision
from meetings.validators import normalise_case_number

if TYPE_CHECKING:
    from meetings.models import AnyUser

CONFIG = "danish"
PAGE_SIZE = 20
# Longer queries are cut here: nobody types more, and a pasted page should not cost a second.
MAX_QUERY_LENGTH = 200
# When full text finds fewer hits than this, near-miss title words are tried as well.
FUZZY_BELOW = 3
FUZZY_LIMIT = 50
FUZZY_MIN_WORD_LENGTH = 4

CASE_NUMBER_QUERY_RE = re.compile(r"^\s*(?:sag\s+|sagsnr\.?\s*)?(\d{2}[/-]\d{1,6})\s*$", re.I)
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
        return reverse("meetings:case_detail", args=[self.case_number.replace("/", "-")])


@dataclass
class SearchPage:
    """One page of results, with what the user should be told about the query."""

    query: str
    filters: SearchFilters
    hits: list[SearchHit] = field(default_factory=list)
    count: int = 0
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


def _filtered(user: AnyUser, filters: SearchFilters) -> QuerySet[AgendaItem]:
    qs = AgendaItem.objects.visible_to(user)
    if filters.body is not None:
        qs = qs.filter(meeting__body=filters.body)
    if filters.date_from is not None:
        qs = qs.filter(meeting__starts_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        qs = qs.filter(meeting__starts_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.outcome:
        qs = qs.filter(decision__outcome=filters.outcome)
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
    text finds fewer than `FUZZY_BELOW` items, titles with near-miss words are added after them.
    """
    filters = filters or SearchFilters()
    query, notices = clean_query(query)
    page = SearchPage(query=query, filters=filters, notices=notices)
    base = _filtered(user, filters)

    case = case_in_query(query) if query else None
    if case is not None:
        page.case = case
        page.searched = True
        _fill_page(page, base.filter(case=case), text_query=None)
        return page

    if not query:
        if filters.narrows:
            page.searched = True
            _fill_page(page, base, text_query=None)
        return page

    page.searched = True
    words_present = _has_lexemes(query)
    if not words_present:
        page.notices.append(
            _(
                "Søgningen indeholder kun almindelige småord eller tegn, som der ikke søges på. "
                "Prøv med et mere sigende ord."
            )
        )
    tsquery = _tsquery(query)
    if words_present:
        _fill_page(page, base, text_query=query)

    if page.count < FUZZY_BELOW:
        _add_near_misses(page, base, query, tsquery if words_present else None)
    return page


def _fill_page(page: SearchPage, qs: QuerySet[AgendaItem], *, text_query: str | None) -> None:
    """Rank (when there is a text query), count and cut out one page in one round trip.

    The matches are gathered narrow (id, date, number, rank) before they are counted and
    sorted, so the documents themselves are read once, as in a plain full-text query.
    `qs` is the user's visible, filtered items: nothing else can be ranked or counted.
    """
    size = page.filters.page_size
    offset = (page.filters.page - 1) * size
    inner_sql, inner_params = (
        qs.order_by().values_list("pk", "meeting__starts_at", "number").query.sql_with_params()
    )
    params: list[Any] = list(inner_params)
    # Only the ORM's own parameterised SQL and fixed fragments are put together here; every
    # value the user typed travels as a parameter.
    if text_query is not None:
        source = f"""
            SELECT v.id, v.starts_at, v.number, ts_rank(sd.document, q.tsq, 1) AS rank
              FROM ({inner_sql}) AS v(id, starts_at, number)
              JOIN meetings_searchdocument sd ON sd.item_id = v.id
             CROSS JOIN websearch_to_tsquery(%s::regconfig, %s) AS q(tsq)
             WHERE sd.document @@ q.tsq"""  # noqa: S608
        params += [CONFIG, text_query]
    else:
        source = f"""
            SELECT v.id, v.starts_at, v.number, 0 AS rank
              FROM ({inner_sql}) AS v(id, starts_at, number)"""  # noqa: S608
    if text_query is not None and page.filters.sort == Sort.RELEVANCE:
        order = "rank DESC, starts_at DESC, number"
    else:
        order = "starts_at DESC, number"
    sql = f"""
        WITH matches AS MATERIALIZED ({source})
        SELECT (SELECT count(*) FROM matches),
               ARRAY(SELECT id FROM matches ORDER BY {order} LIMIT %s OFFSET %s)"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, size, offset])
        count, ids = cursor.fetchone()
    page.count = count
    tsquery = _tsquery(text_query) if text_query is not None else None
    page.hits = _hits(list(ids), tsquery, near_miss=False, base=qs)


def _add_near_misses(
    page: SearchPage, base: QuerySet[AgendaItem], query: str, tsquery: SearchQuery | None
) -> None:
    """Titles holding a word close to a query word that itself finds nothing (a typo, or a
    compound spelled another way: "friluftsstrategi" finds "Friluftstrategi")."""
    words = [
        word
        for word in _positive_words(query)
        if not base.filter(
            search_document__document=SearchQuery(word, config=CONFIG, search_type="plain")
        ).exists()
    ]
    if not words:
        return
    found_ids = [hit.item_id for hit in page.hits]
    near = Q()
    best: Any = None
    for word in words:
        # `%>` uses the trigram index; its threshold is pg_trgm.word_similarity_threshold (0.6).
        near |= Q(search_document__trigram_text__trigram_word_similar=word)
        similarity = TrigramWordSimilarity(word, "search_document__trigram_text")
        best = similarity if best is None else Func(best, similarity, function="GREATEST")
    rows = list(
        base.filter(near)
        .exclude(pk__in=found_ids)
        .annotate(similarity=best)
        .order_by("-similarity", "-meeting__starts_at", "number")
        .values_list("pk", flat=True)[:FUZZY_LIMIT]
    )
    if not rows:
        return
    exact_count = page.count
    page.near_misses = True
    page.count = exact_count + len(rows)
    size = page.filters.page_size
    start = max(0, (page.filters.page - 1) * size - exact_count)
    room = size - len(page.hits)
    chosen = rows[start : start + room] if room > 0 else []
    page.hits.extend(_hits(chosen, tsquery, near_miss=True, base=base))


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
    tsquery: SearchQuery | None,
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
        .values(*_ROW_FIELDS, "snippet")
    }
    outcome_labels = dict(Decision.Outcome.choices)
    hits = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        outcome = row["decision__outcome"] or ""
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


def _snippet_expression(tsquery: SearchQuery | None) -> Func:
    """The item's readable text with the query's words marked, or its opening words."""
    text = Func(
        Func(F("pk"), function="referat_search_text", output_field=TextField()),
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
