"""One mapping of errors to HTTP for every endpoint (api/errors.py): each kind of the domain's
errors answers the same status wherever it is raised, with its Danish message as `detail`."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from api.errors import exception_handler
from budget.services import VersionConflict
from meetings.errors import (
    DecisionLocked,
    DomainError,
    ExchangeError,
    InvalidInput,
    MeetingLocked,
    NotAllowed,
    StaleContent,
    StaleVersion,
)
from pdf.services import PdfAccessDenied
from tests.factories import AgendaItemFactory


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput("Skriv en begrundelse."), 400),
        (ExchangeError("Filen følger ikke formatet."), 400),
        (NotAllowed("Kun organets sekretær kan ændre punktets økonomi."), 403),
        (PdfAccessDenied("Kun organets medlemmer kan få den interne udgave."), 403),
        (DomainError("Referatet har status “Godkendt” og kan ikke sendes."), 409),
        (StaleContent("Punktet er ændret, siden du læste det."), 409),
        (VersionConflict("Tabellen er ændret af en anden.", current_version=4), 409),
        (MeetingLocked("Mødet er godkendt."), 423),
        (DecisionLocked("Beslutningen er godkendt og låst."), 423),
    ],
)
def test_each_kind_has_one_status_and_its_danish_message(error: Exception, status: int) -> None:
    response = exception_handler(error, {})
    assert response is not None
    assert response.status_code == status
    assert response.data["detail"] == str(error)


def test_a_stale_table_tells_the_current_version() -> None:
    response = exception_handler(VersionConflict("Ændret.", current_version=4), {})
    assert response is not None
    assert response.data["current_version"] == 4


@pytest.mark.django_db
def test_a_stale_item_comes_back_as_it_is_now() -> None:
    item = AgendaItemFactory(title="Cykelstier langs Hovedgaden")
    response = exception_handler(StaleVersion("Gemt af en anden.", current=item), {})
    assert response is not None
    assert response.status_code == 409
    assert response.data["current"]["title"] == "Cykelstier langs Hovedgaden"
    assert response.data["current"]["version"] == item.version


def test_django_errors_answer_in_danish_too() -> None:
    refused = exception_handler(PermissionDenied(), {})
    assert refused is not None and refused.status_code == 403
    assert refused.data["detail"] == "Du har ikke adgang til at gøre dette."
    fields = exception_handler(ValidationError({"title": ["Angiv en titel."]}), {})
    assert fields is not None and fields.status_code == 400
    assert fields.data == {"title": ["Angiv en titel."]}
    missing = exception_handler(Http404(), {})
    assert missing is not None and missing.status_code == 404
    assert "Findes ikke" in str(missing.data["detail"])
