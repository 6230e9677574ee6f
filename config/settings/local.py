"""Settings for a developer machine and `make demo`: SQLite under var/, debug on."""
from __future__ import annotations

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
WHITENOISE_USE_FINDERS = True  # admin CSS/JS straight from the apps, no collectstatic needed
