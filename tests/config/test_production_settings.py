"""Production settings refuse to start without their secrets, or with weak ones; nothing falls back to a default."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = {
    "DJANGO_SECRET_KEY": "a-real-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "calls.example.com",
    "DATABASE_URL": "postgres://u:p@db:5432/reautomation",
    "REDIS_URL": "redis://redis:6379/0",
    "METRICS_TOKEN": "scraper-0123456789abcdefghijklmnopqrstuvwxyz",
}
TWILIO = {"TELEPHONY_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "secret",
          "TWILIO_FROM_NUMBER": "+15005550006", "PUBLIC_BASE_URL": "https://calls.example.com"}
OURS = {*COMPLETE, *TWILIO, "DJANGO_TRUST_X_FORWARDED_PROTO", "SIMULATED_NETWORK_TOKEN"}
EXAMPLE = ROOT / "config/production.env.example"


def load_production(env: dict[str, str], expression: str = "settings.DEBUG, settings.ALLOWED_HOSTS"):
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings.production")
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60)


def example_env() -> dict[str, str]:
    lines = [line for line in EXAMPLE.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_it_starts_with_every_secret_set():
    result = load_production(COMPLETE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['calls.example.com']"


@pytest.mark.parametrize("missing", sorted(COMPLETE))
def test_it_refuses_to_start_without(missing):
    result = load_production({k: v for k, v in COMPLETE.items() if k != missing})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_it_names_every_missing_variable_at_once():
    result = load_production({})
    assert result.returncode != 0
    missing = "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, METRICS_TOKEN"
    assert f"{missing} must be set" in result.stderr


@pytest.mark.parametrize("key", [
    "insecure-local-only-key-change-me",  # the old public development key
    "django-insecure-" + "k3#v9!pq2@zx8&mw5^rt7*ls1(nb4)hy6-fd0=gj",  # startproject's development key
    "changeme",
    "change-me-" + "0123456789" * 5,  # long, but still the example's placeholder
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM",  # 49 characters
    "x" * 64,
    "abcd" * 16,  # 64 characters, 4 different ones
])
def test_it_refuses_a_weak_secret_key(key):
    result = load_production({**COMPLETE, "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak for production" in result.stderr
    assert "secrets.token_urlsafe(64)" in result.stderr  # and says how to make a good one


@pytest.mark.parametrize("token", ["changeme", "s3cret-scraper", "a" * 40])
def test_it_refuses_a_weak_metrics_token(token):
    result = load_production({**COMPLETE, "METRICS_TOKEN": token})
    assert result.returncode != 0 and "METRICS_TOKEN is too weak for production" in result.stderr


def test_it_accepts_generated_keys():
    from django.core.management.utils import get_random_secret_key

    # Django's generator starts a key with "$" one time in 50: such a key is taken as written, not as the name
    # of another variable (django-environ's proxy syntax).
    dollar = "$" + get_random_secret_key()[1:]
    for key in ("Zx8vQ2mP-4kL9wN7rT1yU5iO3aS6dF0gH2jK8lZ4xC7vB9nM1qW3eR5tY7uI9oP", dollar, get_random_secret_key()):
        result = load_production({**COMPLETE, "DJANGO_SECRET_KEY": key}, "settings.SECRET_KEY")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == key


@pytest.mark.parametrize(("trust", "header"), [(None, "None"), ("false", "None"),
                                                ("true", "('HTTP_X_FORWARDED_PROTO', 'https')")])
def test_it_believes_x_forwarded_proto_only_when_the_operator_says_a_proxy_sets_it(trust, header):
    env = {**COMPLETE, **({"DJANGO_TRUST_X_FORWARDED_PROTO": trust} if trust else {})}
    result = load_production(env, "settings.SECURE_PROXY_SSL_HEADER")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == header


def test_twilio_needs_its_credentials_and_our_public_address():
    result = load_production({**COMPLETE, **TWILIO, "PUBLIC_BASE_URL": ""})
    assert result.returncode != 0 and "PUBLIC_BASE_URL must be set" in result.stderr


def test_the_example_env_lists_every_variable_production_requires():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    given = set(example_env()) | set(compose["x-app"]["environment"])
    result = load_production({"TELEPHONY_PROVIDER": "twilio"})
    required = re.search(r"ImproperlyConfigured: ([A-Z_, ]+) must be set", result.stderr)
    assert required, result.stderr
    assert set(required.group(1).split(", ")) <= given


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "METRICS_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                                  "TWILIO_FROM_NUMBER"])
def test_the_example_envs_placeholders_are_refused(name):
    result = load_production({**COMPLETE, **TWILIO, name: example_env()[name]})
    assert result.returncode != 0 and name in result.stderr


def test_the_example_env_says_how_to_generate_secrets():
    assert 'python -c "import secrets; print(secrets.token_urlsafe(64))"' in EXAMPLE.read_text()
