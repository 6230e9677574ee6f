from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "apps.campaigns"
    label = "campaigns"

    def ready(self) -> None:
        from apps.campaigns import signals  # noqa: F401
