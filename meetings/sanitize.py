"""HTML sanitising of rich-text sections: what the editor can make survives, nothing else.

Every section is cleaned on save (services and import), so templates and the PDF renderer can
trust stored HTML. Scripts, event handlers, styles and foreign URL schemes never survive.
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "hr",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "col": {"span"},
}
URL_SCHEMES = {"http", "https", "mailto"}


# Built once: nh3.clean would build the same configuration again on every call, which costs
# more than cleaning a short section (an import cleans tens of thousands).
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html: str | None) -> str:
    """Return the HTML with only the editor's tags and attributes; links get rel=noopener."""
    if not html:
        return ""
    return _CLEANER.clean(html).strip()
