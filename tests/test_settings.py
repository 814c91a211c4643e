"""Production settings: check --deploy passes with real values and refuses without them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "x7!Kq2#pV9mZ$wL4tR8@nB6cY1&hJ3fD5sG0aE-uI_oP+eT=rW"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE belongs to the browser tests' process (tests/conftest.py), never
    # to a deployment, and `check --deploy` rightly refuses it.
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
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
            SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="referat.kommune.dk",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr + result.stdout
        assert "no issues" in result.stdout

    def test_it_refuses_to_start_without_a_real_secret_key(self) -> None:
        result = _manage("check", ALLOWED_HOSTS="referat.kommune.dk")
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr

    def test_it_refuses_a_malformed_boolean(self) -> None:
        result = _manage("check", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.dk", DJANGO_DEBUG="måske")
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
        web = services["web"]["command"]
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
