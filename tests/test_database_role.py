"""The app migrates its database as a role that owns it but is no superuser, set up by the
same init script the db container runs (docker/postgres/initdb/)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg import sql

from tests.scratch_database import scratch_role_and_database

ROOT = Path(__file__).resolve().parent.parent
INIT_SCRIPT = ROOT / "docker" / "postgres" / "initdb" / "10-referat-app-role.sh"

pytestmark = pytest.mark.scratch_database


class TestMigrateAsTheAppRole:
    def test_the_init_script_lets_a_non_superuser_owner_run_every_migration(self) -> None:
        with scratch_role_and_database("role") as (server, database, role, password):
            # What the postgres image does on first start, as the superuser.
            init = subprocess.run(
                ["sh", str(INIT_SCRIPT)],
                env={
                    **os.environ,
                    **server.libpq_env(),
                    "POSTGRES_USER": server.superuser,
                    "POSTGRES_DB": database,
                    "REFERAT_DB_USER": role,
                    "REFERAT_DB_PASSWORD": password,
                },
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert init.returncode == 0, init.stderr

            with server.connect(database) as connection:
                flags = connection.execute(
                    "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
                    [role],
                ).fetchone()
                assert flags == (False, False, False)

            # The app's own migrate, connected as the role; the test settings differ from
            # production only in what a migration never reads.
            env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
            migrate = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput"],
                cwd=ROOT,
                env={
                    **env,
                    "DJANGO_SETTINGS_MODULE": "referat.settings.test",
                    "DATABASE_URL": server.url(database, role, password),
                },
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert migrate.returncode == 0, migrate.stderr + migrate.stdout

            with server.connect(database) as connection:
                not_owned = connection.execute(
                    sql.SQL(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                        "AND tableowner <> {}"
                    ).format(sql.Literal(role))
                ).fetchone()
                migrated = connection.execute(
                    "SELECT count(*) FROM django_migrations WHERE app = 'meetings'"
                ).fetchone()
                trgm = connection.execute(
                    "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"
                ).fetchone()
            assert not_owned == (0,)
            assert migrated is not None and migrated[0] > 0
            assert trgm == (1,)
