"""The ASGI app daphne serves: HTTP reaches Django, and WebSocket paths without a route are refused."""
from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator, WebsocketCommunicator

from config.asgi import application


def test_it_serves_healthz_over_http(transactional_db):
    communicator = HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", b"localhost")])
    response = async_to_sync(communicator.get_response)()
    assert response["status"] == 200
    assert json.loads(response["body"]) == {"status": "ok", "database": "ok", "redis": "ok"}


def test_it_refuses_an_unknown_host_over_http(transactional_db):
    communicator = HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", b"evil.example")])
    response = async_to_sync(communicator.get_response)()
    assert response["status"] == 400


def test_it_refuses_a_websocket_on_an_unknown_path(transactional_db):
    communicator = WebsocketCommunicator(application, "/ws/no-such-stream/")
    # channels' URLRouter raises rather than closing the handshake; daphne turns that into a refusal.
    with pytest.raises(ValueError, match="No route found"):
        async_to_sync(communicator.connect)()
