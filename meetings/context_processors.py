"""What every page's navigation needs to know about the user's roles."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from meetings.access import bodies_editable_by
from meetings.models import Municipality


def roles(request: HttpRequest) -> dict[str, bool]:
    """What the navigation offers: import for the secretaries of a body, and superusers."""
    return {"can_import": bodies_editable_by(request.user).exists()}


def municipality(request: HttpRequest) -> dict[str, Any]:
    """The municipality's name for every page (the header, the public pages), and the
    address of its logo where it has one. Read when a template first uses them, once per
    request: a partial or a feed entry that does not show them costs no query."""

    def current() -> Municipality:
        if not hasattr(request, "_municipality"):
            request._municipality = Municipality.current()  # type: ignore[attr-defined]
        return request._municipality  # type: ignore[attr-defined]

    return {
        "municipality_name": SimpleLazyObject(lambda: current().name),
        "municipality_logo_url": SimpleLazyObject(
            lambda: reverse("meetings:municipality_logo") if current().logo else ""
        ),
    }
