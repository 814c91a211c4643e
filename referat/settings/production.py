"""Production: every secret comes from the environment, and nothing insecure is accepted."""

from django.core.exceptions import ImproperlyConfigured

from referat.settings.base import *  # noqa: F403
from referat.settings.base import SECRET_KEY, TRUSTED_PROXIES
from referat.settings.env import env_bool, env_int, env_list

DEBUG = False

if (
    SECRET_KEY == "development-only-not-secret"  # noqa: S105
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the site is served on.")

# The HTTPS proxy says so in X-Forwarded-Proto; referat.client_address drops the header from
# any peer that is not in TRUSTED_PROXIES, so a client cannot claim HTTPS for itself.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if SECURE_SSL_REDIRECT and not TRUSTED_PROXIES:
    raise ImproperlyConfigured(
        "TRUSTED_PROXIES must name the HTTPS proxy in front of the app (its address or network): "
        "without it no request counts as HTTPS and every one is redirected again."
    )
# The app's role owns the database but is no superuser (docker/postgres/initdb/): a
# superuser could switch off the triggers that lock approved minutes. `migrate` and
# `check --database default` refuse a superuser (referat/checks.py).
REFUSE_DATABASE_SUPERUSER = True

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
