"""Local settings use a secret key of the checkout's own (var/secret_key, made once, readable by its owner only),
so the simulated network's token derived from it is not public; base settings hold no usable key at all."""
from __future__ import annotations

import hashlib
import stat
import subprocess
import sys
from pathlib import Path

from tests.config.conftest import bare_environment, copy_build_context

OLD_PUBLIC_KEY = "insecure-local-only-key-change-me"  # the default every clone shared until now


def load(app: Path, module: str = "config.settings.local", **variables: str) -> subprocess.CompletedProcess:
    code = ("from django.conf import settings; print(settings.SECRET_KEY); "
            "print(settings.SIMULATED_NETWORK_TOKEN)")
    env = bare_environment(app.parent, {"DJANGO_SETTINGS_MODULE": module, **variables})
    return subprocess.run([sys.executable, "-c", code], cwd=app, env=env, capture_output=True, text=True, timeout=60)


def key_and_token(app: Path, **variables: str) -> tuple[str, str]:
    result = load(app, **variables)
    assert result.returncode == 0, result.stderr
    key, token = result.stdout.split()
    return key, token


def test_it_makes_a_secret_key_once_per_checkout_readable_by_its_owner_only(checkout, tmp_path):
    key, _ = key_and_token(checkout)
    stored = checkout / "var" / "secret_key"
    assert stored.read_text().strip() == key and len(key) >= 50
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert key_and_token(checkout)[0] == key  # kept: sessions and signed tokens survive a restart
    other = copy_build_context(tmp_path / "other")
    assert key_and_token(other)[0] != key  # and not shared with any other checkout


def test_the_simulated_network_token_is_not_derived_from_a_public_key(checkout):
    key, token = key_and_token(checkout)
    public = hashlib.sha256(f"simulated-network:{OLD_PUBLIC_KEY}".encode()).hexdigest()
    assert token != public
    assert token == hashlib.sha256(f"simulated-network:{key}".encode()).hexdigest()


def test_djangos_secret_key_from_the_environment_wins(checkout):
    key, _ = key_and_token(checkout, DJANGO_SECRET_KEY="from-the-environment-" + "k" * 40)
    assert key == "from-the-environment-" + "k" * 40
    assert not (checkout / "var" / "secret_key").exists()


def test_base_settings_have_no_usable_secret_key(checkout):
    result = load(checkout, "config.settings.base")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert OLD_PUBLIC_KEY not in result.stdout
