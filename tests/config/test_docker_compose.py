"""docker-compose.yml runs only things that exist in the project, with env files the README documents."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def app_services() -> dict[str, dict]:
    return {name: svc for name, svc in COMPOSE["services"].items() if "build" in svc}


def check_command(command: list[str]) -> None:
    program = command[0]
    if program == "python" and command[1] == "manage.py":
        assert command[2] in get_commands(), f"no management command {command[2]!r}"
    elif program == "celery":
        module, _, attribute = command[command.index("-A") + 1].partition(":")
        app = getattr(importlib.import_module(module), attribute or "app")
        assert app.main == "reautomation"
        assert command[command.index("-A") + 2] in {"worker", "beat", "flower"}
        if "-Q" in command:
            from django.conf import settings

            known = {queue.name for queue in settings.CELERY_TASK_QUEUES}
            assert set(command[command.index("-Q") + 1].split(",")) <= known
    elif program == "daphne":
        module, _, attribute = command[-1].partition(":")
        assert callable(getattr(importlib.import_module(module), attribute))
    else:
        pytest.fail(f"unexpected program {program!r}")


@pytest.mark.parametrize("service", sorted(app_services()))
def test_every_service_runs_something_that_exists(service):
    check_command(app_services()[service]["command"])


def test_the_image_and_env_files_it_names_exist_and_are_documented():
    readme = (ROOT / "README.md").read_text()
    dockerfile = COMPOSE["x-app"]["build"]["dockerfile"]
    assert (ROOT / dockerfile).is_file()
    env_files = {svc["env_file"] for svc in app_services().values()}
    assert env_files == {".env"}
    assert ".env" in readme and "config/production.env.example" in readme
    example = (ROOT / "config/production.env.example").read_text()
    for line in example.splitlines():
        if line and not line.startswith("#"):
            assert line.split("=")[0] in readme, f"{line.split('=')[0]} is not documented in the README"


def test_the_media_worker_reserves_a_gpu():
    devices = COMPOSE["services"]["media-worker"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]


@pytest.mark.parametrize("service", sorted(name for name, svc in COMPOSE["services"].items() if "ports" in svc))
def test_ports_are_published_on_loopback_only(service):
    # web is reached through the TLS proxy on the same host, Flower from the host itself: nothing faces the network.
    for port in COMPOSE["services"][service]["ports"]:
        assert str(port).startswith("127.0.0.1:"), f"{service} publishes {port} on every interface"


def test_web_believes_x_forwarded_proto_because_only_the_proxy_reaches_it():
    assert COMPOSE["x-app"]["environment"]["DJANGO_TRUST_X_FORWARDED_PROTO"] == "true"
    assert all(str(port).startswith("127.0.0.1:") for port in COMPOSE["services"]["web"]["ports"])
    # daphne takes no client address or scheme from headers (--proxy-headers): Django decides alone.
    assert "--proxy-headers" not in COMPOSE["services"]["web"]["command"]
