"""`run_demo` tells every process it starts which settings module to load: unsaid, they would load production."""
from __future__ import annotations

from django.conf import settings

from apps.core.management.commands.run_demo import child_environment


def test_each_child_is_told_the_demos_settings_module(monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    env = child_environment(web_port=8000, redis_port=6390)
    assert env["DJANGO_SETTINGS_MODULE"] == settings.SETTINGS_MODULE == "config.settings.test"
    assert env["REDIS_URL"] == "redis://127.0.0.1:6390/0"
    assert env["SIMULATED_NETWORK_WEB_URL"] == "http://127.0.0.1:8000"
