"""Settings for a developer machine and `make demo`: SQLite under var/, debug on, this checkout's own secret key."""
from __future__ import annotations

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, checkout_secret_key, env, secret, simulated_network_token

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Never a key shared by every clone: the simulated network's token, sessions and stream tokens derive from it.
SECRET_KEY = secret("DJANGO_SECRET_KEY") or checkout_secret_key(VAR_DIR / "secret_key")
SIMULATED_NETWORK_TOKEN = simulated_network_token(SECRET_KEY)
WHITENOISE_USE_FINDERS = True  # admin CSS/JS straight from the apps, no collectstatic needed
