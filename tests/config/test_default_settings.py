"""Without DJANGO_SETTINGS_MODULE, manage.py, the ASGI app and Celery load production settings, so a server
started unconfigured refuses to start and names what is missing; `make` says local settings explicitly."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.config.conftest import ROOT, bare_environment

MISSING = "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, METRICS_TOKEN must be set"


def run_unconfigured(checkout: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *argv], cwd=checkout, env=bare_environment(checkout.parent),
                          capture_output=True, text=True, timeout=120)


def test_manage_py_unconfigured_refuses_to_start_and_names_what_is_missing(checkout):
    result = run_unconfigured(checkout, "manage.py", "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and MISSING in result.stderr
    assert "config.settings.local" in result.stderr  # and says what a developer machine uses instead
    assert not (checkout / "var" / "secret_key").exists()  # no local key was made: local settings never loaded


def test_the_asgi_app_unconfigured_refuses_to_start(checkout):
    result = run_unconfigured(checkout, "-c", "import config.asgi")
    assert result.returncode != 0 and MISSING in result.stderr


def test_celery_unconfigured_loads_production_settings(checkout):
    result = run_unconfigured(checkout, "-c", "from config.celery_app import app; print(app.conf.broker_url)")
    assert result.returncode != 0 and MISSING in result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_runs_every_manage_py_command_with_local_settings():
    result = subprocess.run(["make", "-n", "demo", "models"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if "manage.py" in line]
    words = {word for line in commands for word in line.split()}
    assert {"migrate", "seed_demo", "run_demo", "install_models"} <= words
    for line in commands:
        assert line.startswith("DJANGO_SETTINGS_MODULE=config.settings.local "), line
