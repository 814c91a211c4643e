"""What every page's navigation needs to know about the user's roles."""

from django.http import HttpRequest

from meetings.access import bodies_editable_by


def roles(request: HttpRequest) -> dict[str, bool]:
    """What the navigation offers: import for the secretaries of a body, and superusers."""
    return {"can_import": bodies_editable_by(request.user).exists()}
