"""Cross-cutting pieces: health endpoint, API conventions, staff groups, configuration checks."""
from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        from apps.core import checks  # noqa: F401 (registers the system checks)
        from apps.core.groups import sync_staff_groups

        post_migrate.connect(sync_staff_groups, sender=self, dispatch_uid="core.sync_staff_groups")
