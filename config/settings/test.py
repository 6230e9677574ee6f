"""Settings for the test suite: DATABASE_URL/REDIS_URL from the environment (CI: PostgreSQL)."""
from __future__ import annotations

from config.settings.base import *  # noqa: F403
from config.settings.base import simulated_network_token

# Fixed, so the processes a test starts (web, media worker, simulated network) agree; never served.
SECRET_KEY = "test-settings-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
SIMULATED_NETWORK_TOKEN = simulated_network_token(SECRET_KEY)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile

    # A file, not SQLite's shared in-memory database: Celery worker threads in the tests write
    # while the test reads, and shared-cache memory databases fail at once with "table is locked"
    # instead of waiting (WAL + busy timeout) as a file does.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"reautomation-test-{os.getpid()}.sqlite3")
    }
