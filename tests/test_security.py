"""Login rate limiting, session expiry, the Content-Security-Policy and no-store caching."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.conftest import People

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


class TestLoginRateLimit:
    def test_too_many_wrong_passwords_lock_the_username_out_in_danish(self, people: People) -> None:
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            response = _login(client, "direktoer", "forkert")
            assert response.status_code == 200
            assert "Brugernavn og adgangskode passer ikke sammen" in response.content.decode()
        response = _login(client, "direktoer", "forkert")
        assert response.status_code == 429
        page = response.content.decode()
        assert "For mange forkerte forsøg" in page
        assert "15 minutter" in page
        assert response["Retry-After"] == str(15 * 60)
        # Even the right password is refused while the lock-out lasts.
        response = _login(client, "direktoer", "test-password")
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_the_lock_out_does_not_touch_other_users(self, people: People) -> None:
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            _login(client, "direktoer", "forkert")
        assert _login(client, "sekretaer", "test-password").status_code == 302

    def test_a_good_login_clears_earlier_failures(self, people: People) -> None:
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            _login(client, "direktoer", "forkert")
        assert _login(client, "direktoer", "test-password").status_code == 302
        client.post("/logout/")
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            assert _login(client, "direktoer", "forkert").status_code == 200


class TestSessions:
    def test_sessions_expire_after_a_working_day_and_when_the_browser_closes(self) -> None:
        assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
        assert settings.SESSION_COOKIE_HTTPONLY is True

    def test_an_expired_session_is_sent_to_the_login_page(self, people: People) -> None:
        client = people.client_for("director")
        assert client.get("/tasks/").status_code == 200
        Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
        response = client.get("/tasks/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


class TestTemplatesUnderThePolicy:
    def test_no_template_has_an_inline_style_script_or_event_handler(self) -> None:
        """The policy refuses them in the browser; this finds them before a user does."""
        offenders = []
        for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
            text = path.read_text(encoding="utf-8")
            if re.search(r"\sstyle=", text) or re.search(r"\son[a-z]+=[\"']", text):
                offenders.append(str(path.relative_to(settings.BASE_DIR)))
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and "nonce=" not in tag:
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {tag}")
        assert offenders == []


class TestContentSecurityPolicy:
    @pytest.mark.parametrize("url", ["/login/", "/", "/tasks/", "/api/docs/"])
    def test_every_page_is_sent_with_a_strict_policy(self, people: People, url: str) -> None:
        client = people.client_for("staff") if url != "/login/" else Client()
        response = client.get(url)
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        # A nonce is added only on pages that use one; none needs it today.
        assert re.search(r"script-src 'self'(?: 'nonce-[^']+')?(;|$)", policy)

    @pytest.mark.parametrize("url", ["/login/", "/", "/tasks/", "/api/docs/"])
    def test_no_page_has_an_inline_script(self, people: People, url: str) -> None:
        client = people.client_for("staff") if url != "/login/" else Client()
        page = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+=", page), "inline event handler"
        assert "<style" not in page
