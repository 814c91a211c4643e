"""The test suite: a real PostgreSQL server, fast password hashing, mail kept in memory."""

from referat.settings.base import *  # noqa: F403
from referat.settings.base import BASE_DIR
from referat.settings.base import LOGGING as _BASE_LOGGING
from referat.settings.env import env_int, env_str

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests use their own Redis database and a queue named after the test database, so that two
# suites on one machine (or a developer's worker) never take each other's tasks.
_TEST_DB = DATABASES["default"]["NAME"]  # noqa: F405
CELERY_BROKER_URL = env_str("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = f"referat-{_TEST_DB}"
# Tests call the sweep themselves; a worker test about the sweep turns it on in its worker.
DISPATCH_SWEEP_SECONDS = env_int("DISPATCH_SWEEP_SECONDS", 0)

# django-axes logs every login at INFO; the suite logs in hundreds of times.
LOGGING = {**_BASE_LOGGING, "loggers": {"axes": {"level": "WARNING"}}}
