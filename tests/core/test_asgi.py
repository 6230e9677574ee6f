"""The ASGI app daphne serves: HTTP reaches Django, and WebSocket paths without a route are refused."""
from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.db import connection
from django.db.backends.signals import connection_created

from config.asgi import application


def get_healthz(host: bytes = b"localhost") -> dict:
    return async_to_sync(HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", host)]).get_response)()


def test_it_serves_healthz_over_http(transactional_db):
    response = get_healthz()
    assert response["status"] == 200
    assert json.loads(response["body"]) == {"status": "ok", "database": "ok", "redis": "ok", "media_workers": {}}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="closing SQLite's in-memory test database is a no-op")
def test_requests_leave_no_database_connection_open(transactional_db):
    # Each ASGI request gets its own connection; a persistent one would stay open until garbage collection.
    opened = []

    def remember(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(remember)
    try:
        for _ in range(3):
            assert get_healthz()["status"] == 200
    finally:
        connection_created.disconnect(remember)
    assert opened, "the requests never reached the database"
    assert [wrapper.connection for wrapper in opened] == [None] * len(opened)


def test_it_refuses_an_unknown_host_over_http(transactional_db):
    assert get_healthz(host=b"evil.example")["status"] == 400


def test_it_refuses_a_websocket_on_an_unknown_path(transactional_db):
    communicator = WebsocketCommunicator(application, "/ws/no-such-stream/")
    # channels' URLRouter raises rather than closing the handshake; daphne turns that into a refusal.
    with pytest.raises(ValueError, match="No route found"):
        async_to_sync(communicator.connect)()
