"""Template filters of the core's pages."""

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString, mark_safe
from js_asset.media import Media

from meetings.models import Recommendation
from meetings.selectors.items import recommendation_html

register = template.Library()


@register.simple_tag
def render_recommendation(rec: Recommendation) -> SafeString:
    # Clauses and lead-in are escaped in recommendation_html; the note is sanitised on save.
    return mark_safe(recommendation_html(rec))


@register.simple_tag(takes_context=True)
def media_with_nonce(context: dict[str, Any], media: forms.Media) -> SafeString:
    """A form's media with the request's CSP nonce on its tags: the rich-text editor's import
    map is an inline script, which the Content-Security-Policy runs only with the nonce."""
    request = context.get("request")
    # Not `or ""`: django-csp's lazy nonce is falsy until it is read, and reading it is what
    # puts the nonce into the response's policy.
    nonce = getattr(request, "csp_nonce", None)
    nonce = "" if nonce is None else str(nonce)
    return mark_safe(str(Media.from_media(media, nonce=nonce)))
