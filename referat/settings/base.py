"""Settings shared by every environment. Values come from the environment (see env.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from referat.settings.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_patterns,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "development-only-not-secret")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_prose_editor",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "axes",
    "csp",
    "meetings",
    "pdf",
    "budget",
    "exchange",
    # The site itself: its one model is the login lock-out (referat/models.py).
    "referat",
]

MIDDLEWARE = [
    # First: X-Forwarded-* from anyone but a trusted proxy are dropped before they are read.
    "referat.client_address.UntrustedForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "referat.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "referat.middleware.NoStoreByDefaultMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Every change made through a request is recorded with the user who made it.
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes requires: refuses logins after too many failed attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "referat.urls"
WSGI_APPLICATION = "referat.wsgi.application"
ASGI_APPLICATION = "referat.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "meetings.context_processors.roles",
                "meetings.context_processors.municipality",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/referat")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Whether connecting as a PostgreSQL superuser is an error (referat/checks.py): in production
# it is; a development machine's local superuser is fine.
REFUSE_DATABASE_SUPERUSER = False

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "meetings:meeting_list"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire: a shared municipal PC must not stay logged in for weeks.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less header we render

# The addresses (or CIDR networks) of the HTTPS proxies in front of the app. Only a request
# that comes straight from one of them has its X-Forwarded-For / -Proto believed; from anyone
# else those headers are dropped (referat.client_address). Empty: no proxy is trusted.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", [])

# Login lock-outs (referat/lockout.py): AXES_FAILURE_LIMIT wrong passwords for one username
# from one address lock that pair out, AXES_ADDRESS_FAILURE_LIMIT from one address lock the
# address out; never a username alone, so nobody elsewhere can lock a user out. The first
# lock-out lasts AXES_COOLOFF_MINUTES, each further one in a day twice as long, up to
# AXES_COOLOFF_MAX_MINUTES. The refusal is a Danish page with HTTP 429.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_BASE = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 2))
AXES_COOLOFF_MAX = dt.timedelta(minutes=env_int("AXES_COOLOFF_MAX_MINUTES", 24 * 60))
if AXES_FAILURE_LIMIT < 1 or AXES_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "AXES_FAILURE_LIMIT must be at least 1 and AXES_ADDRESS_FAILURE_LIMIT at least as high."
    )
if dt.timedelta(0) >= AXES_COOLOFF_BASE or AXES_COOLOFF_MAX < AXES_COOLOFF_BASE:
    raise ImproperlyConfigured(
        "AXES_COOLOFF_MINUTES must be positive and AXES_COOLOFF_MAX_MINUTES at least as long."
    )
AXES_COOLOFF_TIME = "referat.lockout.cooloff_time"
AXES_HANDLER = "referat.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_CLIENT_IP_CALLABLE = "referat.client_address.axes_client_ip"
# Wrong passwords during a lock-out neither count nor lengthen it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "referat.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# Content-Security-Policy: every script, style and font comes from this site; inline scripts
# only with the request's nonce. Bootstrap's form icons are data: images. The rich-text editor
# (Tiptap, inside django-prose-editor) injects one fixed <style> element with its base CSS: it
# is allowed by its hash, and no other inline style is (a new editor version changes the hash;
# the browser tests then report the refusal).
EDITOR_STYLE_HASHES = ["'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, *EDITOR_STYLE_HASHES],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# History (django-pghistory): requests that may write attach the user to every change; reads
# are left alone so that a page view costs no extra SQL.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# The time of each change itself, not of its transaction's start: a service that changes
# several rows leaves them in the order they happened.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from the npm registry (package-lock.json) and are served by us.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: JSON only, acknowledge after the work is done, one task at a time per child.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
# WeasyPrint can grow large on a big agenda package; recycle the child past this (KiB).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 1_000_000)
# The visibility timeout must exceed the hard time limit, or Redis redelivers running tasks.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The sweep (pdf.services.dispatch_pending) sends again the work recorded in our tables that
# the broker never got (it was down) or lost: PDF jobs, pool reports, attachment texts. Every
# worker sends it to itself on start-up and every DISPATCH_SWEEP_SECONDS (0 = never; see
# referat/celery.py), so it runs without a beat; beat, where one runs, sends it too.
DISPATCH_SWEEP_SECONDS = env_int("DISPATCH_SWEEP_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "dispatch-pending": {"task": "pdf.dispatch_pending", "schedule": 60.0},
}
# A job marked running whose worker holds no lock this long after it started has lost its
# worker (killed mid-job): the sweep runs it again once, and fails it the second time.
WORKER_LOST_GRACE_SECONDS = env_int("WORKER_LOST_GRACE_SECONDS", 30)
# PDF jobs may go to a queue of their own, for a worker sized for WeasyPrint; "" = default.
PDF_TASK_QUEUE = env_str("PDF_TASK_QUEUE", "")

# The address of the site as users reach it, for links in e-mails sent outside a request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Called (dotted path, with the meeting) inside the transaction that publishes minutes: it
# queues the council's public PDF, sent to the worker after commit (never rendered in the
# request).
PUBLIC_MINUTES_RENDERER = "pdf.services.pdf_render_public_on_publish"
# The same for an agenda when it (or a tillægsdagsorden) is published.
PUBLIC_AGENDA_RENDERER = "pdf.services.pdf_render_public_agenda"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "referat@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (the review e-mails).
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

# Attachments: the limit a secretary is told about when an upload is refused.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
# Text of attachments up to this size is read during the upload; larger files by a task.
ATTACHMENT_INLINE_EXTRACT_BYTES = env_int("ATTACHMENT_INLINE_EXTRACT_BYTES", 2 * 1024 * 1024)
# How long an editor's heartbeat counts as "has the item open" (seconds).
PRESENCE_TTL_SECONDS = env_int("PRESENCE_TTL_SECONDS", 45)
# The case numbers of the municipality's systems, as regular expressions (";" between them):
# each is matched against the whole number as printed. The defaults are the forms Danish ESDH
# systems write: 17/22360 (YY/serial), EMN-2025-003383 (prefix-year-serial), 2012-28504
# (year-serial), 00.30.10-Ø00-4-16 (KLE number, facet, serial, year) and 123456 (a serial).
REFERAT_CASE_NUMBER_PATTERNS = env_patterns(
    "REFERAT_CASE_NUMBER_PATTERNS",
    [
        r"\d{2}/\d{1,6}",
        r"[A-ZÆØÅ]{2,5}-\d{4}-\d{1,8}",
        r"(19|20)\d{2}-\d{1,8}",
        r"\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ]\d{2}-\d{1,6}-\d{2}",
        r"\d{6}",
    ],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes announces its configuration at every start; lockouts are still WARNINGs.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}

# The JSON API: session auth (with CSRF) for the browser, tokens for integrations.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Referat API",
    "DESCRIPTION": "Møder, dagsordenspunkter, beslutninger og referater.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI is served from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
