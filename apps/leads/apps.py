from __future__ import annotations

from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "apps.leads"
    label = "leads"

    def ready(self) -> None:
        from apps.leads import checks  # noqa: F401 (registers the system checks)
