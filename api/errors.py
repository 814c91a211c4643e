"""The one mapping of errors to HTTP answers, for every endpoint of the API.

Services raise the domain's kinds (meetings/errors.py, each with its status); views let them
through, and DRF hands them here (settings REST_FRAMEWORK["EXCEPTION_HANDLER"]). Every answer
is JSON with a Danish `detail`, or, for field errors, a message list per field:

| what | status |
|---|---|
| InvalidInput (ExchangeError too), django ValidationError, unreadable JSON | 400 |
| NotAllowed, django PermissionDenied: the user may see the thing, not do this | 403 |
| not found, or not for this user to know of (meetings/access.py) | 404 |
| StaleVersion, with `current` (the item as it is now, or the table's `current_version`) | 409 |
| DomainError: a move refused in the current state (StaleContent too) | 409 |
| MeetingLocked, DecisionLocked: approved content, until a reopen | 423 |
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.http import not_found_message
from exchange.export import item_to_exchange
from meetings.errors import DomainError, StaleVersion, http_status
from meetings.models import AgendaItem


def _domain_body(exc: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": str(exc)}
    if isinstance(exc, StaleVersion):
        if isinstance(exc.current, AgendaItem):
            body["current"] = item_to_exchange(exc.current, include_ids=True)
        current_version = getattr(exc, "current_version", None)
        if current_version is not None:
            body["current_version"] = current_version
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain errors of the services and Django's own as HTTP answers with Danish messages."""
    if isinstance(exc, DomainError):
        return Response(_domain_body(exc), status=http_status(exc))
    if isinstance(exc, DjangoValidationError):
        body = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        message = str(exc) or _("Du har ikke adgang til at gøre dette.")
        return Response({"detail": message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(
            not_found_message(exc) or _("Findes ikke, eller du har ikke adgang til det.")
        )
    if isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_("Forespørgslen kunne ikke læses: send gyldig JSON."))
    return drf_exception_handler(exc, context)
