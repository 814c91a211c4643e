"""Login rate limiting, session expiry, the Content-Security-Policy and no-store caching."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from referat.models import LoginLockout
from tests.conftest import People

pytestmark = pytest.mark.django_db


ATTACKER = "203.0.113.66"
USER_ADDRESS = "198.51.100.7"
PROXY = "10.0.0.2"


def _login(client: Client, username: str, password: str, address: str = ATTACKER, **headers):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def _fail_until_locked(client: Client, username: str, address: str = ATTACKER, **headers):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, username, "forkert", address, **headers)
        assert response.status_code == 200
        assert "Brugernavn og adgangskode passer ikke sammen" in response.content.decode()
    response = _login(client, username, "forkert", address, **headers)
    assert response.status_code == 429
    return response


def _lockouts_have_ended() -> None:
    """As if the lock-outs had run out: they stay in the history that lengthens the next."""
    LoginLockout.objects.update(until=timezone.now() - dt.timedelta(seconds=1))


class TestLoginRateLimit:
    def test_too_many_wrong_passwords_lock_the_username_out_in_danish(self, people: People) -> None:
        client = Client()
        response = _fail_until_locked(client, "direktoer")
        page = response.content.decode()
        assert "For mange forkerte forsøg" in page
        assert "med dette brugernavn fra denne computer i 2 minutter" in page
        assert response["Retry-After"] == "120"
        # Even the right password is refused while the lock-out lasts, and does not lengthen it.
        response = _login(client, "direktoer", "test-password")
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        assert LoginLockout.objects.count() == 1

    def test_an_attacker_elsewhere_does_not_stop_the_user_logging_in(self, people: People) -> None:
        _fail_until_locked(Client(), "direktoer", ATTACKER)
        assert _login(Client(), "direktoer", "forkert", ATTACKER).status_code == 429
        assert _login(Client(), "direktoer", "test-password", USER_ADDRESS).status_code == 302

    def test_an_address_guessing_many_usernames_is_locked_out_but_no_one_else(
        self, people: People
    ) -> None:
        client = Client()
        for attempt in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
            response = _login(client, f"gaet{attempt}", "forkert")
            assert response.status_code == 200
        response = _login(client, "gaet-igen", "forkert")
        assert response.status_code == 429
        assert "fra denne netværksadresse" in response.content.decode()
        assert _login(client, "direktoer", "test-password", ATTACKER).status_code == 429
        assert _login(client, "direktoer", "test-password", USER_ADDRESS).status_code == 302

    def test_a_forwarded_for_from_an_untrusted_client_is_ignored(
        self, people: People, settings
    ) -> None:
        settings.TRUSTED_PROXIES = [PROXY]
        client = Client()
        # The attacker claims a new address each time; the claim is not believed.
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            response = _login(
                client, "direktoer", "forkert", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}"
            )
        assert response.status_code == 429
        response = _login(
            client, "direktoer", "test-password", ATTACKER, HTTP_X_FORWARDED_FOR=USER_ADDRESS
        )
        assert response.status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) <= {ATTACKER}
        assert LoginLockout.objects.get().ip_address == ATTACKER
        # Nor can the attacker pin the lock-out on the user's address.
        assert _login(Client(), "direktoer", "test-password", USER_ADDRESS).status_code == 302

    def test_behind_a_trusted_proxy_two_clients_are_told_apart(
        self, people: People, settings
    ) -> None:
        settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
        _fail_until_locked(Client(), "direktoer", PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
        assert LoginLockout.objects.get().ip_address == ATTACKER
        # Whatever the attacker writes at the left, the proxy appends the address it saw.
        spoofed = f"{USER_ADDRESS}, {ATTACKER}"
        response = _login(
            Client(), "direktoer", "test-password", PROXY, HTTP_X_FORWARDED_FOR=spoofed
        )
        assert response.status_code == 429
        # The user behind the same proxy logs in.
        response = _login(
            Client(), "direktoer", "test-password", PROXY, HTTP_X_FORWARDED_FOR=USER_ADDRESS
        )
        assert response.status_code == 302

    def test_the_lock_out_grows_with_each_repeated_one(self, people: People) -> None:
        client = Client()
        assert _fail_until_locked(client, "direktoer")["Retry-After"] == "120"
        _lockouts_have_ended()
        response = _fail_until_locked(client, "direktoer")
        assert "i 4 minutter" in response.content.decode()
        assert response["Retry-After"] == "240"
        _lockouts_have_ended()
        response = _fail_until_locked(client, "direktoer")
        assert "i 8 minutter" in response.content.decode()
        # The user elsewhere still starts from the shortest.
        assert _fail_until_locked(Client(), "direktoer", USER_ADDRESS)["Retry-After"] == "120"

    def test_the_lock_out_never_grows_beyond_the_longest(self, people: People, settings) -> None:
        settings.AXES_COOLOFF_MAX = dt.timedelta(minutes=5)
        for _lockout in range(3):
            response = _fail_until_locked(Client(), "direktoer")
            _lockouts_have_ended()
        assert "i 5 minutter" in response.content.decode()

    def test_the_lock_out_does_not_touch_other_users(self, people: People) -> None:
        _fail_until_locked(Client(), "direktoer")
        assert _login(Client(), "sekretaer", "test-password").status_code == 302

    def test_a_good_login_clears_earlier_failures(self, people: People) -> None:
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            _login(client, "direktoer", "forkert")
        assert _login(client, "direktoer", "test-password").status_code == 302
        client.post("/logout/")
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            assert _login(client, "direktoer", "forkert").status_code == 200


class TestForwardedHeaders:
    def test_https_is_believed_from_a_trusted_proxy_only(self, settings) -> None:
        settings.TRUSTED_PROXIES = [PROXY]
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.SECURE_SSL_REDIRECT = True
        client = Client()
        direct = client.get("/login/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_PROTO="https")
        assert direct.status_code == 301
        assert direct["Location"].startswith("https://")
        proxied = client.get("/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
        assert proxied.status_code == 200


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
