"""`run_demo` tells every process it starts which settings module to load: unsaid, they would load production."""
from __future__ import annotations

from django.conf import settings

from apps.core.management.commands.run_demo import child_environment, with_outside


def test_each_child_is_told_the_demos_settings_module(monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    env = child_environment(web_port=8000, redis_port=6390)
    assert env["DJANGO_SETTINGS_MODULE"] == settings.SETTINGS_MODULE == "config.settings.test"
    assert env["REDIS_URL"] == "redis://127.0.0.1:6390/0"
    assert env["SIMULATED_NETWORK_WEB_URL"] == "http://127.0.0.1:8000"


def test_the_media_worker_admits_by_load_and_leaves_the_simulated_network_out_of_it(monkeypatch):
    """The demo's media worker takes the calls its measured load allows (not a fixed count), and the simulated phone
    network, started before it on the same machine, stands for the callers outside: its CPU is not the worker's
    load."""
    monkeypatch.delenv("MEDIA_ADMISSION", raising=False)
    env = child_environment(web_port=8000, redis_port=6390)
    phones = type("Started", (), {"pid": 4242})()
    assert "MEDIA_ADMISSION" not in env and settings.MEDIA_ADMISSION == "load"
    assert with_outside(env, "media", {"phones": phones})["MEDIA_LOAD_IGNORE_PIDS"] == "4242"
    assert "MEDIA_LOAD_IGNORE_PIDS" not in with_outside(env, "web", {"phones": phones})
