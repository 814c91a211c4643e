"""The public portal: the front page an anonymous visitor gets at "/", the public bodies' Atom
feeds of published agendas and minutes and their meeting calendars (iCalendar), a case's feed
of decisions, and the accessibility statement.

Every read goes through meetings/selectors/public.py, which starts from the one access rule;
every response goes through `public_cache`, so an anonymous visitor's answer may be kept by a
cache and a logged-in reader's never.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from common.http import public_cache
from meetings.access import case_title, get_case_for_user, get_followed_body
from meetings.calendar import calendar_of
from meetings.forms.search import SearchForm
from meetings.models import AgendaItem, Body, Case, MeetingTransition, Municipality
from meetings.selectors.public import (
    body_calendar_meetings,
    body_publications,
    case_decisions,
    front_page_modified,
    front_page_overview,
)

# How long a cache may serve a public answer before it asks again: short enough that a
# newly published agenda shows within minutes, long enough to absorb a rush of readers.
PAGE_MAX_AGE = 60
FEED_MAX_AGE = 300


def _front_page_modified(request: HttpRequest) -> dt.datetime | None:
    return front_page_modified(request.user)


@public_cache(max_age=PAGE_MAX_AGE, last_modified=_front_page_modified)
def front_page(request: HttpRequest) -> HttpResponse:
    """The public front page: per public body its coming meetings (agendas out) and latest
    minutes, a search box, and the feeds and calendars to follow them by."""
    overview = front_page_overview(request.user)
    return render(
        request,
        "meetings/public/front_page.html",
        {
            "overview": overview,
            "search_form": SearchForm(user=request.user),
            "alternate_bodies": [entry.body for entry in overview],
        },
    )


@public_cache(max_age=3600)
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Tilgængelighedserklæring: required of a public authority's website (lov nr. 692 af
    08/06/2018, the web accessibility directive)."""
    return render(
        request,
        "meetings/public/accessibility.html",
    )


# --- feeds ------------------------------------------------------------------------------------


class _AtomFeed(Feed):
    feed_type = Atom1Feed

    def author_name(self) -> str:
        return Municipality.current().name or "Referat"


class BodyPublicationsFeed(_AtomFeed):
    """A body's published agendas, supplements and minutes, one entry each, from the
    transitions that recorded them."""

    description_template = "meetings/public/feed_publication.html"

    def get_object(self, request: HttpRequest, slug: str) -> tuple[Body, list[MeetingTransition]]:
        body = get_followed_body(request.user, slug)
        return body, body_publications(request.user, body)

    def title(self, obj: tuple[Body, list[MeetingTransition]]) -> str:
        return _("%(body)s: dagsordener og referater") % {"body": obj[0].name}

    def subtitle(self, obj: tuple[Body, list[MeetingTransition]]) -> str:
        return _("Nye dagsordener, tillægsdagsordener og referater fra %(body)s.") % {
            "body": obj[0].name
        }

    def link(self, obj: tuple[Body, list[MeetingTransition]]) -> str:
        return reverse("meetings:meeting_list") + f"#organ-{obj[0].slug}"

    def feed_url(self, obj: tuple[Body, list[MeetingTransition]]) -> str:
        return reverse("meetings:body_feed", args=[obj[0].slug])

    def items(self, obj: tuple[Body, list[MeetingTransition]]) -> list[MeetingTransition]:
        return obj[1]

    def item_title(self, item: MeetingTransition) -> str:
        labels = {
            MeetingTransition.Action.PUBLISH_AGENDA: _("Dagsorden"),
            MeetingTransition.Action.PUBLISH_SUPPLEMENT: _("Tillægsdagsorden"),
            MeetingTransition.Action.PUBLISH: _("Referat"),
        }
        return _("%(kind)s: %(body)s %(date)s") % {
            "kind": labels.get(MeetingTransition.Action(item.action), ""),
            "body": item.meeting.body.name,
            "date": timezone.localtime(item.meeting.starts_at).strftime("%d-%m-%Y"),
        }

    def item_link(self, item: MeetingTransition) -> str:
        return item.meeting.get_absolute_url()

    def item_guid(self, item: MeetingTransition) -> str:
        # An agenda and the minutes of one meeting are two entries with one link.
        return f"{item.meeting.get_absolute_url()}#offentliggjort-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: MeetingTransition) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: MeetingTransition) -> dt.datetime:
        return item.created_at


class CaseDecisionsFeed(_AtomFeed):
    """A case's decisions the reader may read; a closed item as "Lukket" with its public
    decision."""

    description_template = "meetings/public/feed_decision.html"

    def get_object(self, request: HttpRequest, key: str) -> tuple[Case, str, list[AgendaItem]]:
        case = get_case_for_user(request.user, key)
        items = case_decisions(request.user, case)
        return case, case_title(case, items), items

    def title(self, obj: tuple[Case, str, list[AgendaItem]]) -> str:
        case, title, _items = obj
        if title:
            return _("Sag %(number)s: %(title)s") % {"number": case.number, "title": title}
        return _("Sag %(number)s") % {"number": case.number}

    def subtitle(self, obj: tuple[Case, str, list[AgendaItem]]) -> str:
        return _("Beslutninger i sag %(number)s.") % {"number": obj[0].number}

    def link(self, obj: tuple[Case, str, list[AgendaItem]]) -> str:
        return obj[0].get_absolute_url()

    def feed_url(self, obj: tuple[Case, str, list[AgendaItem]]) -> str:
        return reverse("meetings:case_feed", args=[obj[0].url_key])

    def items(self, obj: tuple[Case, str, list[AgendaItem]]) -> list[AgendaItem]:
        return obj[2]

    def item_title(self, item: AgendaItem) -> str:
        visible = getattr(item, "content_visible", False)
        return _("%(body)s %(date)s, punkt %(number)s: %(title)s") % {
            "body": item.meeting.body.name,
            "date": timezone.localtime(item.meeting.starts_at).strftime("%d-%m-%Y"),
            "number": item.number,
            "title": item.title if visible else _("Lukket"),
        }

    def item_link(self, item: AgendaItem) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: AgendaItem) -> dt.datetime:
        return item.meeting.starts_at

    def item_updateddate(self, item: AgendaItem) -> dt.datetime:
        return item.meeting.starts_at


body_feed = public_cache(max_age=FEED_MAX_AGE)(BodyPublicationsFeed())
case_feed = public_cache(max_age=FEED_MAX_AGE)(CaseDecisionsFeed())


# --- calendars --------------------------------------------------------------------------------


@public_cache(max_age=FEED_MAX_AGE)
def body_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The body's meetings as an iCalendar file a calendar program subscribes to: each
    meeting the reader may open, with a link back to its page."""
    body = get_followed_body(request.user, slug)
    meetings = body_calendar_meetings(request.user, body)
    content = calendar_of(meetings, name=_("Møder i %(body)s") % {"body": body.name})
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{body.slug}.ics"'
    return response
