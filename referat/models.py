"""Login lock-outs: how long each one lasts, and the history that makes the next one longer."""

from __future__ import annotations

from django.db import models


class LoginLockout(models.Model):
    """One lock-out of a username from an address, or of an address for every username.

    django-axes counts the wrong passwords; once a limit is reached the lock-out is a row
    here with its own end, so that its length can grow with the client's earlier lock-outs
    and the page can say exactly how long is left.
    """

    class Scope(models.TextChoices):
        USERNAME_AND_ADDRESS = "username_address", "brugernavn fra adresse"
        ADDRESS = "address", "adresse"

    scope = models.CharField(max_length=20, choices=Scope.choices)
    # Empty for a lock-out of the whole address.
    username = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField()
    started_at = models.DateTimeField()
    until = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["ip_address", "until"], name="loginlockout_address_until")]

    def __str__(self) -> str:
        who = f"{self.username} fra {self.ip_address}" if self.username else self.ip_address
        return f"{who} til {self.until:%Y-%m-%d %H:%M}"
