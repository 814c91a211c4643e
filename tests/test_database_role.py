"""The app migrates its database as a role that owns it but is no superuser, set up by the
same init script the db container runs (docker/postgres/initdb/); production refuses to reach
its database as a superuser, development and test do not mind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg import sql

from tests.scratch_database import Server, local_server, scratch_role_and_database

ROOT = Path(__file__).resolve().parent.parent
INIT_SCRIPT = ROOT / "docker" / "postgres" / "initdb" / "10-referat-app-role.sh"
GOOD_KEY = "x7!Kq2#pV9mZ$wL4tR8@nB6cY1&hJ3fD5sG0aE-uI_oP+eT=rW"


def _init_role(server: Server, database: str, role: str, password: str) -> None:
    """What the postgres image does on first start, as the superuser."""
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


def _check_database(settings_module: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check --database default` with these settings, on this database."""
    unset = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "ALLOWED_HOSTS"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DATABASE_URL=database_url,
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="referat.kommune.dk",
        TRUSTED_PROXIES="172.28.0.1",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


pytestmark = pytest.mark.scratch_database


class TestMigrateAsTheAppRole:
    def test_the_init_script_lets_a_non_superuser_owner_run_every_migration(self) -> None:
        with scratch_role_and_database("role") as (server, database, role, password):
            _init_role(server, database, role, password)

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


class TestProductionRefusesASuperuser:
    def test_the_check_refuses_the_superuser_and_passes_the_app_role(self) -> None:
        with scratch_role_and_database("check") as (server, database, role, password):
            _init_role(server, database, role, password)
            production = "referat.settings.production"

            as_superuser = _check_database(production, server.url(database))
            assert as_superuser.returncode != 0
            assert "referat.E001" in as_superuser.stderr
            assert f"PostgreSQL superuser '{server.superuser}'" in as_superuser.stderr
            assert "10-referat-app-role.sh" in as_superuser.stderr

            as_app_role = _check_database(production, server.url(database, role, password))
            assert as_app_role.returncode == 0, as_app_role.stderr + as_app_role.stdout
            assert "no issues" in as_app_role.stdout

    @pytest.mark.parametrize("settings_module", ["referat.settings.local", "referat.settings.test"])
    def test_development_and_test_keep_the_local_superuser_without_a_word(
        self, settings_module: str
    ) -> None:
        from django.conf import settings

        url = local_server().url(str(settings.DATABASES["default"]["NAME"]))
        result = _check_database(settings_module, url)
        assert result.returncode == 0, result.stderr
        assert "referat.E001" not in result.stdout + result.stderr
