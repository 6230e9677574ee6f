"""Production settings: secrets and hosts must come from the environment, or startup fails."""
from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, env, secret, simulated_network_token
from config.settings.build import STORAGES  # noqa: F401 (the image's static files were collected with it)

GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(64))"'
# Found in example and development keys (compared lowercased, letters and digits only).
PLACEHOLDERS = ("insecure", "changeme", "replaceme", "placeholder", "example", "dummy", "secretkey",
                "yoursecret", "password")


def _required(name: str) -> str:
    value = secret(name)  # as set: a value starting with "$" is not the name of another variable
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production")
    return value


def _require_all(names: list[str]) -> None:
    """Refuse to start, naming every variable that is missing (not only the first)."""
    missing = [name for name in names if not secret(name)]
    if missing:
        raise ImproperlyConfigured(
            f"{', '.join(missing)} must be set in the environment for production (config.settings.production is "
            "the default settings module; a developer machine uses DJANGO_SETTINGS_MODULE=config.settings.local)")


def _weakness(value: str, min_length: int) -> str:
    """Why `value` cannot be a generated secret ('' when nothing gives it away)."""
    letters = "".join(ch for ch in value.lower() if ch.isalnum())
    if word := next((word for word in PLACEHOLDERS if word in letters), ""):
        return f"it is an example or development value (it contains {word!r})"
    if len(value) < min_length:
        return f"it is shorter than {min_length} characters"
    if len(set(value)) < 5:
        return "it has fewer than 5 different characters"
    return ""


def _strong_secret(name: str, min_length: int) -> str:
    value = _required(name)
    if problem := _weakness(value, min_length):
        raise ImproperlyConfigured(f"{name} is too weak for production: {problem}. Generate one with: {GENERATE}")
    return value


REQUIRED = ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "METRICS_TOKEN"]
REQUIRED_WITH_TWILIO = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER", "PUBLIC_BASE_URL"]
_require_all(REQUIRED + (REQUIRED_WITH_TWILIO if TELEPHONY_PROVIDER == "twilio" else []))  # noqa: F405

DEBUG = False
SECRET_KEY = _strong_secret("DJANGO_SECRET_KEY", min_length=50)  # Django's own check (security.W009): 50, 5 distinct
SIMULATED_NETWORK_TOKEN = simulated_network_token(SECRET_KEY)
METRICS_TOKEN = _strong_secret("METRICS_TOKEN", min_length=32)  # /metrics is never open in production
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# X-Forwarded-Proto is believed only when the operator says a proxy of theirs sets it (any client can send
# it): docker-compose does, since it publishes web on 127.0.0.1 only, behind the same-host TLS proxy.
if env.bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Campaigns may read local sheets from this folder only (and write their results CSV beside them): one that
# holds sheets and nothing else, not the code.
SHEETS_LOCAL_DIR = Path(env("SHEETS_LOCAL_DIR", default=str(VAR_DIR / "sheets")))
WEBHOOK_REQUIRE_HTTPS = True  # deliveries carry lead data: never to a plain http:// endpoint
