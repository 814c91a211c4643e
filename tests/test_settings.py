"""Production settings: check --deploy passes with real values and refuses without them."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "x7!Kq2#pV9mZ$wL4tR8@nB6cY1&hJ3fD5sG0aE-uI_oP+eT=rW"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE belongs to the browser tests' process (tests/conftest.py), never
    # to a deployment, and `check --deploy` rightly refuses it.
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "TRUSTED_PROXIES", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in unset}
    full_env.update(env)
    full_env["DJANGO_SETTINGS_MODULE"] = "referat.settings.production"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestProductionSettings:
    def test_check_deploy_passes_without_warnings(self) -> None:
        result = _manage(
            "check", "--deploy", "--fail-level", "WARNING",
            SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="referat.kommune.dk", TRUSTED_PROXIES="172.28.0.1",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr + result.stdout
        assert "no issues" in result.stdout

    def test_it_refuses_to_start_without_a_trusted_proxy_while_it_redirects_to_https(self) -> None:
        result = _manage("check", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="referat.kommune.dk")
        assert result.returncode != 0
        assert "TRUSTED_PROXIES" in result.stderr
        result = _manage(
            "check", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.dk", SECURE_SSL_REDIRECT="false"
        )
        assert result.returncode == 0, result.stderr

    def test_it_refuses_a_trusted_proxy_that_is_not_an_address(self) -> None:
        result = _manage(
            "check", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.dk", TRUSTED_PROXIES="10.0.0.1, proxy"
        )
        assert result.returncode != 0
        assert "TRUSTED_PROXIES must list IP addresses or networks (CIDR), not 'proxy'" in (
            result.stderr
        )

    def test_it_refuses_to_start_without_a_real_secret_key(self) -> None:
        result = _manage("check", ALLOWED_HOSTS="referat.kommune.dk")
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr

    def test_it_refuses_a_malformed_boolean(self) -> None:
        result = _manage(
            "check", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.dk", TRUSTED_PROXIES="10.0.0.1",
            DJANGO_DEBUG="måske",
        )  # fmt: skip
        assert result.returncode != 0
        assert "DJANGO_DEBUG" in result.stderr


class TestLanguage:
    def test_danish_is_the_default_and_english_is_available(self) -> None:
        from django.conf import settings

        assert settings.LANGUAGE_CODE == "da"
        assert settings.TIME_ZONE == "Europe/Copenhagen"
        assert "en" in dict(settings.LANGUAGES)


class TestLanguageOfPages:
    def test_an_english_browser_still_gets_danish_dates(self, client, people) -> None:
        import datetime as dt

        from django.utils import timezone

        from tests.factories import MeetingFactory

        meeting = MeetingFactory(
            body=people.body, starts_at=timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30))
        )
        client.force_login(people.staff)
        page = client.get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert "Mandag d. 23. april 2018 kl. 12:30" in page.content.decode()

    def test_the_language_choice_names_each_language_in_itself(self, client, people) -> None:
        client.force_login(people.staff)
        page = client.get("/").content.decode()
        assert '<option value="da" lang="da" selected>Dansk</option>' in page
        assert '<option value="en" lang="en">English</option>' in page
        assert "engelsk" not in page

    def test_a_user_who_chooses_english_gets_it(self, client, people) -> None:
        client.force_login(people.staff)
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        response = client.get("/")
        assert response["Content-Language"] == "en"


class TestDockerCompose:
    """docker-compose.yml runs what the settings expect, under the names they read."""

    def _compose(self) -> dict:
        import yaml  # drf-spectacular's dependency

        return yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    def test_web_migrates_then_serves_and_a_worker_and_one_beat_run_beside_it(self) -> None:
        services = self._compose()["services"]
        assert {"db", "redis", "web", "worker", "beat"} <= set(services)
        web = " ".join(services["web"]["command"])
        assert web.index("manage.py migrate") < web.index("gunicorn")
        assert "worker" in services["worker"]["command"]
        assert "beat" in services["beat"]["command"]

    def test_every_variable_it_sets_is_read_by_the_settings_and_mail_is_complete(self) -> None:
        settings_source = "".join(
            p.read_text() for p in (ROOT / "referat" / "settings").glob("*.py")
        )
        for name, service in self._compose()["services"].items():
            if name in {"db", "redis"}:
                continue
            env = service["environment"]
            assert env["DJANGO_SETTINGS_MODULE"] == "referat.settings.production"
            for variable in set(env) - {"DJANGO_SETTINGS_MODULE"}:
                assert f'"{variable}"' in settings_source, variable
            mail = {"EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"}
            assert mail <= set(env), mail - set(env)

    def test_the_image_leaves_the_hosts_packages_and_files_out(self) -> None:
        ignored = (ROOT / ".dockerignore").read_text().split()
        assert {".venv", "node_modules", "media", ".git"} <= set(ignored)

    def test_the_web_port_is_published_on_the_loopback_address_alone(self) -> None:
        services = self._compose()["services"]
        assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
        assert [name for name, service in services.items() if "ports" in service] == ["web"]

    def test_forwarded_headers_are_believed_from_the_proxy_alone(self) -> None:
        compose = self._compose()
        web = compose["services"]["web"]
        command = " ".join(web["command"])
        # $$ is compose's escape: the shell in the container expands the variable.
        assert '--forwarded-allow-ips "$$TRUSTED_PROXIES"' in command
        assert "TRUSTED_PROXIES" in web["environment"]
        gateway = compose["networks"]["default"]["ipam"]["config"][0]["gateway"]
        assert web["environment"]["TRUSTED_PROXIES"] == f"${{TRUSTED_PROXIES:-{gateway}}}"
        dockerfile = (ROOT / "Dockerfile").read_text()
        assert '--forwarded-allow-ips \\"$TRUSTED_PROXIES\\"' in dockerfile

    def test_no_password_has_a_default_and_compose_refuses_to_start_without_one(self) -> None:
        text = (ROOT / "docker-compose.yml").read_text()
        assert re.search(r"(POSTGRES|REFERAT_DB)_PASSWORD:-", text) is None
        db = self._compose()["services"]["db"]["environment"]
        assert db["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
        assert db["REFERAT_DB_PASSWORD"].startswith("${REFERAT_DB_PASSWORD:?")

    def test_the_app_connects_as_its_own_role_and_the_superuser_stays_with_the_db(self) -> None:
        services = self._compose()["services"]
        db = services["db"]
        superuser = db["environment"]["POSTGRES_USER"]
        assert "./docker/postgres/initdb:/docker-entrypoint-initdb.d:ro" in db["volumes"]
        for name in ("web", "worker", "beat"):
            env = services[name]["environment"]
            url = urlsplit(_interpolated(env["DATABASE_URL"], REFERAT_DB_PASSWORD="s3cret"))
            assert url.username == "referat_app", name
            assert url.username != superuser
            assert "POSTGRES_PASSWORD" not in str(env), name
            assert "${REFERAT_DB_PASSWORD:?" in env["DATABASE_URL"]

    def test_the_init_script_makes_a_non_superuser_owner_and_every_extension_needed(self) -> None:
        script = (ROOT / "docker/postgres/initdb/10-referat-app-role.sh").read_text()
        assert 'app_user="${REFERAT_DB_USER:-referat_app}"' in script
        assert re.search(
            r"CREATE ROLE :\"app_user\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", script
        )
        assert 'ALTER DATABASE :"db" OWNER TO :"app_user"' in script
        created = set(re.findall(r"CREATE EXTENSION IF NOT EXISTS (\w+)", script))
        assert migration_extensions() <= created, migration_extensions() - created


def _interpolated(value: str, **variables: str) -> str:
    """A compose value with its ${NAME:?…} and ${NAME:-…} filled in as compose would."""

    def substitute(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        if name in variables:
            return variables[name]
        assert kind == ":-", f"compose would refuse to start without {name}"
        return rest

    return re.sub(r"\$\{(\w+)(:[?-])([^}]*)\}", substitute, value)


def migration_extensions() -> set[str]:
    """The extensions any migration creates (django.contrib.postgres CreateExtension)."""
    from django.contrib.postgres.operations import CreateExtension
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        operation.name
        for migration in loader.disk_migrations.values()
        for operation in migration.operations
        if isinstance(operation, CreateExtension)
    }
