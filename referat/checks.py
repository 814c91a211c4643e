"""System checks of the site itself.

In production the app must not connect to PostgreSQL as a superuser: a superuser may switch
the lock triggers off (or anything else), so approved minutes would stand unguarded. The role
it should use (referat_app: owner of the database, no superuser) is made by
docker/postgres/initdb/10-referat-app-role.sh. Development and test connect as the local
superuser and are not checked (REFUSE_DATABASE_SUPERUSER is False there).

A database check: `manage.py migrate` runs it, as does `manage.py check --database default`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import connections

SUPERUSER_REFUSED = "referat.E001"


@register(Tags.database)
def database_role_is_no_superuser(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Iterable[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """An error for every database the app reaches as a superuser, where that is refused."""
    if not settings.REFUSE_DATABASE_SUPERUSER or databases is None:
        return []
    errors: list[CheckMessage] = []
    for alias in databases:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT current_user, current_setting('is_superuser') = 'on'")
            role, superuser = cursor.fetchone()
        if superuser:
            errors.append(
                Error(
                    f"The database '{alias}' is reached as the PostgreSQL superuser "
                    f"'{role}'. Production connects as a role that owns the database but is "
                    "no superuser: a superuser may switch off the triggers that lock "
                    "approved minutes.",
                    hint=(
                        "Create the role with docker/postgres/initdb/10-referat-app-role.sh "
                        "(as the superuser: POSTGRES_USER=postgres POSTGRES_DB=referat "
                        "REFERAT_DB_PASSWORD=… sh 10-referat-app-role.sh) and put it in "
                        "DATABASE_URL (postgres://referat_app:…@host:5432/referat)."
                    ),
                    id=SUPERUSER_REFUSED,
                )
            )
    return errors
