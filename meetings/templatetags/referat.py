from django import template
from django.utils.safestring import SafeString, mark_safe

from meetings.exchange import recommendation_html
from meetings.models import Recommendation

register = template.Library()


@register.simple_tag
def render_recommendation(rec: Recommendation) -> SafeString:
    # Clauses and lead-in are escaped in recommendation_html; the note is sanitised on save.
    return mark_safe(recommendation_html(rec))
