"""Scratch databases and roles on the local server, for the tests of deployment scripts.

Each gets a name of its own (the test database's name, a purpose and a random suffix), so
two suites on one server never meet, and is dropped afterwards whatever happened.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from django.conf import settings
from psycopg import sql


@dataclass(frozen=True)
class Server:
    host: str
    port: str
    superuser: str

    def url(self, database: str, user: str | None = None, password: str = "") -> str:
        credentials = f"{user or self.superuser}:{password}" if password else user or self.superuser
        return f"postgres://{credentials}@{self.host}:{self.port}/{database}"

    def libpq_env(self) -> dict[str, str]:
        """The environment psql, pg_dump and pg_restore read to reach this server."""
        return {"PGHOST": self.host, "PGPORT": self.port, "PGUSER": self.superuser}

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host=self.host, port=self.port, user=self.superuser, dbname=database, autocommit=True
        )


def local_server() -> Server:
    database = settings.DATABASES["default"]
    return Server(
        host=str(database["HOST"] or "127.0.0.1"),
        port=str(database["PORT"] or "5432"),
        superuser=str(database["USER"] or "postgres"),
    )


def scratch_name(purpose: str) -> str:
    base = str(settings.DATABASES["default"]["NAME"]).removeprefix("test_")
    return f"scratch_{base}_{purpose}_{os.getpid()}_{secrets.token_hex(3)}"


def drop_database(server: Server, name: str) -> None:
    with server.connect() as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def scratch_role_and_database(purpose: str) -> Iterator[tuple[Server, str, str, str]]:
    """(server, database, role, password): an empty database and a role name, both dropped
    afterwards; the database exists, the role is for the caller to create."""
    server = local_server()
    database = scratch_name(purpose)
    role = f"{database}_app"
    password = secrets.token_hex(16)
    with server.connect() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        yield server, database, role, password
    finally:
        drop_database(server, database)
        with server.connect() as connection:
            connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
