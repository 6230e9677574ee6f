"""System checks for the import settings that imports' recovery after a worker dies relies on."""
from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def visibility_outlasts_time_limit(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A redelivered import takes over the run its task left running, sure that the earlier delivery is
    dead: true only if the broker waits longer than any task may run before delivering a message again."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    visibility = options.get("visibility_timeout", 3600)  # kombu's Redis default
    if visibility > settings.CELERY_TASK_TIME_LIMIT:
        return []
    return [checks.Warning(
        f"The broker's visibility_timeout ({visibility} s) is not longer than CELERY_TASK_TIME_LIMIT "
        f"({settings.CELERY_TASK_TIME_LIMIT} s): a running import would be delivered again and taken over.",
        hint="Raise CELERY_VISIBILITY_TIMEOUT above the time limit plus the longest countdown tasks are sent with.",
        id="leads.W001")]
