"""Production settings refuse to start without their secrets; nothing falls back to a default."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = {
    "DJANGO_SECRET_KEY": "a-real-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "calls.example.com",
    "DATABASE_URL": "postgres://u:p@db:5432/reautomation",
    "REDIS_URL": "redis://redis:6379/0",
}


def load_production(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in COMPLETE}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings.production")
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG, settings.ALLOWED_HOSTS)")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60)


def test_it_starts_with_every_secret_set():
    result = load_production(COMPLETE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['calls.example.com']"


@pytest.mark.parametrize("missing", sorted(COMPLETE))
def test_it_refuses_to_start_without(missing):
    result = load_production({k: v for k, v in COMPLETE.items() if k != missing})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_it_refuses_the_development_secret_key():
    result = load_production({**COMPLETE, "DJANGO_SECRET_KEY": "insecure-local-only-key-change-me"})
    assert result.returncode != 0 and "insecure development key" in result.stderr


def test_twilio_needs_its_credentials_and_our_public_address():
    result = load_production({**COMPLETE, "TELEPHONY_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": "AC123",
                              "TWILIO_AUTH_TOKEN": "secret", "TWILIO_FROM_NUMBER": "+15005550006"})
    assert result.returncode != 0 and "PUBLIC_BASE_URL must be set" in result.stderr
