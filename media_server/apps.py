from __future__ import annotations

from django.apps import AppConfig


class MediaServerConfig(AppConfig):
    """The live-call media server; an app so its management commands (install_models, media_worker) load."""

    name = "media_server"
    label = "media_server"
