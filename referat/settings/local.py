"""Development on one machine: PostgreSQL and Redis on localhost, debug on."""

from referat.settings.base import *  # noqa: F403
from referat.settings.env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
