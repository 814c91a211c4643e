"""Login lock-outs that stop a guesser without locking the real user out.

django-axes counts the wrong passwords (AccessAttempt rows, per username, address and browser)
at the client's real address (referat.client_address). Two limits apply, never one on the
username alone, so nobody elsewhere can lock a user out:

- AXES_FAILURE_LIMIT wrong passwords for one username from one address lock that username out
  from that address;
- AXES_ADDRESS_FAILURE_LIMIT (higher: a town hall's staff may share one address) wrong
  passwords from one address, whatever the usernames, lock that address out.

A lock-out is a LoginLockout row with its own end. It lasts AXES_COOLOFF_BASE the first time
and twice as long for each earlier lock-out of the same kind in the last day, up to
AXES_COOLOFF_MAX: a user who mistypes five times waits a couple of minutes, a guesser soon
waits hours. Wrong passwords during a lock-out neither count nor lengthen it.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from referat.client_address import client_address
from referat.models import LoginLockout

Scope = LoginLockout.Scope

# Earlier lock-outs make the next one longer for this long after they began.
LOCKOUT_MEMORY = dt.timedelta(days=1)


def _address(request: HttpRequest) -> str | None:
    return getattr(request, "axes_ip_address", None) or client_address(request)


def _username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    return get_client_username(request, credentials) or ""


def active_lockout(
    address: str | None, username: str, *, now: dt.datetime | None = None
) -> LoginLockout | None:
    """The lock-out that refuses this username from this address now, the longest first."""
    if not address:
        return None
    now = now or timezone.now()
    applying = Q(scope=Scope.ADDRESS) | Q(scope=Scope.USERNAME_AND_ADDRESS, username=username)
    return (
        LoginLockout.objects.filter(applying, ip_address=address, until__gt=now)
        .order_by("-until")
        .first()
    )


def lockout_length(scope: str, address: str, username: str, *, now: dt.datetime) -> dt.timedelta:
    """How long the next lock-out of this kind lasts: doubled for each earlier one in a day."""
    earlier = LoginLockout.objects.filter(
        scope=scope, ip_address=address, started_at__gte=now - LOCKOUT_MEMORY
    )
    if scope == Scope.USERNAME_AND_ADDRESS:
        earlier = earlier.filter(username=username)
    doublings = min(earlier.count(), 20)
    return min(settings.AXES_COOLOFF_BASE * 2**doublings, settings.AXES_COOLOFF_MAX)


def cooloff_time(request: HttpRequest | None = None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: the length of this client's lock-out, or of its next one.

    django-axes also counts a client's wrong passwords for this long after the last one, so a
    client that has been locked out before is remembered longer.
    """
    if request is None:
        return settings.AXES_COOLOFF_BASE
    address = _address(request)
    if not address:
        return settings.AXES_COOLOFF_BASE
    now = timezone.now()
    username = _username(request)
    lockout = active_lockout(address, username, now=now)
    if lockout is not None:
        return lockout.until - lockout.started_at
    return max(
        lockout_length(Scope.USERNAME_AND_ADDRESS, address, username, now=now),
        lockout_length(Scope.ADDRESS, address, username, now=now),
    )


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with the two limits and the growing lock-outs above."""

    def _recent_attempts(self, request: HttpRequest) -> QuerySet[AccessAttempt]:
        return AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
            attempt_time__gte=get_cool_off_threshold(request),
        )

    def _failures(self, request: HttpRequest, credentials: dict[str, Any] | None) -> dict[str, int]:
        attempts = self._recent_attempts(request)
        username = _username(request, credentials)

        def total(queryset: QuerySet[AccessAttempt]) -> int:
            return queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0

        return {
            Scope.USERNAME_AND_ADDRESS: total(attempts.filter(username=username)),
            Scope.ADDRESS: total(attempts),
        }

    def _exhausted(self, failures: dict[str, int]) -> list[str]:
        limits = {
            Scope.USERNAME_AND_ADDRESS: settings.AXES_FAILURE_LIMIT,
            Scope.ADDRESS: settings.AXES_ADDRESS_FAILURE_LIMIT,
        }
        return [scope for scope, limit in limits.items() if failures[scope] >= limit]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures measured against AXES_FAILURE_LIMIT, which is what django-axes compares:
        the username's failures from this address, or the whole limit once the address alone
        has reached AXES_ADDRESS_FAILURE_LIMIT."""
        failures = self._failures(request, credentials)
        if Scope.ADDRESS in self._exhausted(failures):
            return max(failures[Scope.USERNAME_AND_ADDRESS], settings.AXES_FAILURE_LIMIT)
        return failures[Scope.USERNAME_AND_ADDRESS]

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return active_lockout(_address(request), _username(request, credentials)) is not None

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        refused_already = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not refused_already and request.axes_locked_out:  # type: ignore[attr-defined]
            self._lock_out(request, credentials)

    @transaction.atomic
    def _lock_out(self, request: HttpRequest, credentials: dict[str, Any]) -> None:
        """Record the lock-out(s) this failure earned, and start the count afresh, so that
        after waiting the client has its attempts back and the next lock-out is longer."""
        address = request.axes_ip_address  # type: ignore[attr-defined]
        username = _username(request, credentials)
        now = timezone.now()
        for scope in self._exhausted(self._failures(request, credentials)):
            same = LoginLockout.objects.filter(scope=scope, ip_address=address, until__gt=now)
            if scope == Scope.USERNAME_AND_ADDRESS:
                same = same.filter(username=username)
            if not same.exists():
                LoginLockout.objects.create(
                    scope=scope,
                    username=username if scope == Scope.USERNAME_AND_ADDRESS else "",
                    ip_address=address,
                    started_at=now,
                    until=now + lockout_length(scope, address, username, now=now),
                )
            counted = AccessAttempt.objects.filter(ip_address=address)
            if scope == Scope.USERNAME_AND_ADDRESS:
                counted = counted.filter(username=username)
            counted.delete()

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a good login, forget this username's failures from this address only: the
        address's count must not be wiped by anyone who knows one password."""
        count, _ = AccessAttempt.objects.filter(
            username=_username(request, credentials),
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        ).delete()
        return count

    def clean_expired_user_attempts(
        self, request: HttpRequest | None = None, credentials: dict[str, Any] | None = None
    ) -> int:
        """django-axes would delete every client's failures older than *this* client's
        cool-off; each client has its own, so keep them for the longest one there is."""
        now = timezone.now()
        count, _ = AccessAttempt.objects.filter(
            attempt_time__lte=now - settings.AXES_COOLOFF_MAX
        ).delete()
        LoginLockout.objects.filter(until__lte=now - LOCKOUT_MEMORY).delete()
        return count


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """A Danish page with HTTP 429 saying how many minutes are left of the lock-out."""
    now = timezone.now()
    lockout = active_lockout(_address(request), _username(request, credentials), now=now)
    remaining = lockout.until - now if lockout is not None else cooloff_time(request)
    seconds = max(1, math.ceil(remaining.total_seconds()))
    response = render(
        request,
        "registration/lockout.html",
        {
            "cooloff_minutes": math.ceil(seconds / 60),
            "whole_address": lockout is not None and lockout.scope == Scope.ADDRESS,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response
