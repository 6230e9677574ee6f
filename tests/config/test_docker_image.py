"""The image serves the admin with its hashed static files: its collectstatic step and docker-compose's
migrate and web commands are run as a container runs them (same settings module, same environment), without
a Docker engine, and a request goes over HTTP to daphne as the TLS proxy would send it."""
from __future__ import annotations

import http.client
import json
import re
import shlex
import socket
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.config.conftest import ROOT, bare_environment, copy_build_context, local_argv
from tests.waiting import wait_for

DOCKERFILE = ROOT / "config/docker/Dockerfile"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
# What the operator's .env gives every app service (docker-compose.yml `env_file`), as test values.
OPERATOR_ENV = {
    "DJANGO_SECRET_KEY": "Zx8vQ2mP-4kL9wN7rT1yU5iO3aS6dF0gH2jK8lZ4xC7vB9nM1qW3eR5tY7uI9oP",
    "DJANGO_ALLOWED_HOSTS": "calls.example.com",
    "METRICS_TOKEN": "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8",
}
# What the same-host TLS proxy adds to each request it passes on.
PROXIED = {"Host": "calls.example.com", "X-Forwarded-Proto": "https"}


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    lines = DOCKERFILE.read_text().replace("\\\n", " ").splitlines()
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
            for line in (raw.strip() for raw in lines) if line and not line.startswith("#")]


def image_environment() -> dict[str, str]:
    """Every ENV of the image (what each of its commands runs with)."""
    env: dict[str, str] = {}
    for keyword, arguments in instructions():
        if keyword == "ENV":
            env.update(token.split("=", 1) for token in shlex.split(arguments))
    return env


def build_step(word: str) -> tuple[dict[str, str], list[str]]:
    """The RUN step that runs `word`: the variables it sets for itself, and its command."""
    tokens = shlex.split(next(args for keyword, args in instructions() if keyword == "RUN" and word in args))
    inline = {}
    while re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", tokens[0]):
        name, value = tokens.pop(0).split("=", 1)
        inline[name] = value
    return inline, tokens


def service(name: str) -> dict:
    return COMPOSE["services"][name]


def with_option(argv: list[str], option: str, value: str) -> list[str]:
    argv = list(argv)
    argv[argv.index(option) + 1] = value
    return argv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_listening(server: subprocess.Popen, port: int, log: Path, timeout: float = 60.0) -> None:
    def listening() -> bool:
        if server.poll() is not None:
            pytest.fail(f"the web command exited ({server.returncode}):\n{log.read_text()}")
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_for(listening, timeout, what="the web command to listen", every=0.2)
    except AssertionError:
        pytest.fail(f"the web command did not listen within {timeout:.0f} s:\n{log.read_text()}")


def run(argv: list[str], app: Path, env: dict[str, str]) -> None:
    result = subprocess.run(local_argv(argv), cwd=app, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"{shlex.join(argv)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """The image built (its collectstatic step, with no secret in reach) and started (compose's migrate, then
    web with a free port on 127.0.0.1), on a SQLite file and the test Redis; yields daphne's address."""
    home = tmp_path_factory.mktemp("image")
    app = copy_build_context(home / "app")
    inline, collectstatic = build_step("collectstatic")
    run(collectstatic, app, bare_environment(home, {**image_environment(), **inline}))

    env = bare_environment(home, {**image_environment(), **service("web").get("environment", {}), **OPERATOR_ENV,
                                  "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}", "REDIS_URL": settings.REDIS_URL})
    run(service("migrate")["command"], app, env)
    port = free_port()
    command = with_option(with_option(service("web")["command"], "-b", "127.0.0.1"), "-p", str(port))
    log = home / "web.log"
    with log.open("w") as output:
        server = subprocess.Popen(local_argv(command), cwd=app, env=env, stdout=output,  # noqa: S603
                                  stderr=subprocess.STDOUT)
    try:
        wait_until_listening(server, port, log)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def get(port: int, path: str) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=PROXIED)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_the_image_starts_the_command_compose_runs_as_web():
    cmd = next(args for keyword, args in instructions() if keyword == "CMD")
    assert json.loads(cmd) == service("web")["command"]


def test_the_admin_login_page_is_served_with_its_hashed_stylesheet(web):
    status, _, page = get(web, "/admin/login/")
    assert status == 200, page[:2000]
    stylesheet = re.search(r'<link rel="stylesheet" href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the admin's stylesheet is not a hashed (manifest) file name"
    status, content_type, css = get(web, stylesheet.group(1))
    assert status == 200 and content_type.startswith("text/css") and "body" in css
