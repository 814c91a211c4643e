"""The exchange format referat/1 (docs/exchange-format.md): its name, its JSON Schema
(schema.json beside this file, with the budget tables' own schema in budget_tables.py), the
status names it uses, and the one validation of data from outside."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError

from exchange.budget_tables import schema_problem
from exchange.budget_tables import validate_exchange as validate_budget_tables
from meetings.errors import ExchangeError
from meetings.models import Meeting
from meetings.validators import normalise_case_number

FORMAT = "referat/1"


SCHEMA_PATH = Path(__file__).resolve().parent / "schema.json"


STATUS_TO_MODEL = {
    "draft": Meeting.Status.DRAFT,
    "in_review": Meeting.Status.IN_REVIEW,
    "approved": Meeting.Status.APPROVED,
    "published": Meeting.Status.PUBLISHED,
    "reopened": Meeting.Status.REOPENED,
}


STATUS_FROM_MODEL = {value: key for key, value in STATUS_TO_MODEL.items()}


@cache
def exchange_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def validate_exchange(data: Any) -> None:
    """Raise ExchangeError (Danish, with the JSON path) if data is not valid referat/1."""
    validator = jsonschema.Draft202012Validator(
        exchange_schema(), format_checker=jsonschema.FormatChecker()
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(roden)"
        raise ExchangeError(f"Filen følger ikke udvekslingsformatet referat/1 ved {where}: "
                            f"{schema_problem(first)}")  # fmt: skip
    # Budget tables have a schema of their own, and case numbers the municipality's forms
    # (REFERAT_CASE_NUMBER_PATTERNS); checked here, once, for data from outside.
    for m, meeting in enumerate(data["meetings"]):
        for i, item in enumerate(meeting["items"]):
            if item.get("case_number"):
                try:
                    normalise_case_number(item["case_number"])
                except ValidationError as exc:
                    raise ExchangeError(
                        f"Filen følger ikke udvekslingsformatet referat/1 ved "
                        f"meetings/{m}/items/{i}/case_number: {exc.messages[0]}"
                    ) from exc
            if item.get("budget_tables"):
                try:
                    validate_budget_tables(item["budget_tables"])
                except ExchangeError as exc:
                    raise ExchangeError(
                        f"Filen følger ikke udvekslingsformatet referat/1 ved "
                        f"meetings/{m}/items/{i}/{exc}"
                    ) from exc
