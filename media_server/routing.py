"""WebSocket routes served by config.asgi."""
from __future__ import annotations

from django.urls import path

from media_server.consumers import TwilioMediaConsumer

websocket_urlpatterns = [
    path("media/stream", TwilioMediaConsumer.as_asgi()),
]
