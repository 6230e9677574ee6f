"""/healthz: 200 while the database and Redis answer, 503 naming what failed otherwise."""
from __future__ import annotations

import socket

import pytest


@pytest.fixture
def closed_port():
    """A local port that refuses connections: bound (so nothing else takes it) but never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_it_reports_healthy_when_database_and_redis_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "media_workers": {}}


def test_it_shows_the_media_workers_heartbeats(client, db):
    from apps.calls.slots import SlotRegistry

    registry = SlotRegistry()
    registry.register("gpu-box-1", slots=4, device="cuda:0", channel="media:in:gpu-box-1")
    body = client.get("/healthz").json()
    assert body["media_workers"]["gpu-box-1"]["free"] == 4
    assert body["media_workers"]["gpu-box-1"]["device"] == "cuda:0"


def test_it_answers_503_when_redis_is_down(client, db, settings, closed_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"]) == ("degraded", "ok")
    assert body["redis"].startswith("error")

