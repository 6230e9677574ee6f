"""WebSocket routes served by config.asgi (the Twilio media stream joins them with the media server)."""
from __future__ import annotations

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
