"""What every page's navigation needs to know about the user's roles."""

from django.http import HttpRequest
from django.urls import reverse

from meetings.access import bodies_editable_by
from meetings.models import Municipality


def roles(request: HttpRequest) -> dict[str, bool]:
    """What the navigation offers: import for the secretaries of a body, and superusers."""
    return {"can_import": bodies_editable_by(request.user).exists()}


def municipality(request: HttpRequest) -> dict[str, str]:
    """The municipality's name for every page (the header, the public pages), and the
    address of its logo where it has one."""
    current = Municipality.current()
    return {
        "municipality_name": current.name,
        "municipality_logo_url": reverse("meetings:municipality_logo") if current.logo else "",
    }
