"""WebSocket routes served by config.asgi."""
from __future__ import annotations

from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from apps.calls.consumers import LiveCallsConsumer
from media_server.consumers import TwilioMediaConsumer

websocket_urlpatterns = [
    path("media/stream", TwilioMediaConsumer.as_asgi()),
    # Browsers send Origin; a page from another site must not ride a staff member's session cookie.
    path("ws/live/", AllowedHostsOriginValidator(LiveCallsConsumer.as_asgi())),
]
