"""Feed autodiscovery: the <link rel="alternate"> of the feeds and calendars a page belongs
to, so that browsers and feed readers find them from the page itself."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from meetings.models import Body, Case, Meeting

register = template.Library()

ATOM = "application/atom+xml"
ICALENDAR = "text/calendar"


def _body_links(body: Body) -> list[dict[str, str]]:
    return [
        {
            "type": ATOM,
            "title": _("%(body)s: dagsordener og referater") % {"body": body.name},
            "href": reverse("meetings:body_feed", args=[body.slug]),
        },
        {
            "type": ICALENDAR,
            "title": _("Møder i %(body)s (kalender)") % {"body": body.name},
            "href": reverse("meetings:body_calendar", args=[body.slug]),
        },
    ]


@register.inclusion_tag("meetings/public/_alternate_links.html", takes_context=True)
def alternate_links(context: template.Context) -> dict[str, Any]:
    """The feeds of the page's public bodies (the front page's `alternate_bodies`, a body
    page's `body`, a meeting page's `meeting`) and of its case (`case`). Internal bodies'
    feeds are not announced: a feed reader comes without the reader's login."""
    bodies: list[Body] = list(context.get("alternate_bodies") or [])
    for candidate in (context.get("body"), getattr(context.get("meeting"), "body", None)):
        if isinstance(candidate, Body) and candidate not in bodies:
            bodies.append(candidate)
    if isinstance(context.get("meeting"), Meeting) and not bodies:
        bodies.append(context["meeting"].body)
    links = [link for body in bodies if body.public for link in _body_links(body)]
    case = context.get("case")
    if isinstance(case, Case):
        links.append(
            {
                "type": ATOM,
                "title": _("Sag %(number)s: beslutninger") % {"number": case.number},
                "href": reverse("meetings:case_feed", args=[case.url_key]),
            }
        )
    return {"links": links}
