"""Campaign verbs: keep the campaign's beat schedules (import, dial) in step with its settings."""
from __future__ import annotations

import json

from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apps.campaigns.models import Campaign

IMPORT_TASK = "workers.imports.import_sheet"
DIAL_TASK = "workers.dialer.dial_tick"
# A rehearsal's shadow campaign is `<slug>-rehearsal` (apps.rehearsals makes it; the sheet writeback knows it by this).
REHEARSAL_SUFFIX = "-rehearsal"


def schedule_name(campaign_id: int, kind: str) -> str:
    return f"campaign {campaign_id}: {kind}"


def _interval(every: int, period: str) -> IntervalSchedule:
    schedule, _ = IntervalSchedule.objects.get_or_create(every=max(every, 1), period=period)
    return schedule


def sync_schedules(campaign: Campaign) -> None:
    """Create or update the campaign's PeriodicTask rows; beat (DatabaseScheduler) picks them up.

    Imports run while the campaign has a sheet, paused or not, so staff see leads before
    they activate it; dialing runs only while the campaign is active.
    """
    wanted = {
        "import": (IMPORT_TASK, _interval(campaign.import_every_minutes, IntervalSchedule.MINUTES),
                   bool(campaign.sheet_source), "imports"),
        "dial": (DIAL_TASK, _interval(campaign.dial_every_seconds, IntervalSchedule.SECONDS),
                 campaign.is_active, "dialer"),
    }
    with transaction.atomic():
        for kind, (task, interval, enabled, queue) in wanted.items():
            PeriodicTask.objects.update_or_create(
                name=schedule_name(campaign.pk, kind),
                defaults={
                    "task": task,
                    "interval": interval,
                    "crontab": None,
                    "args": json.dumps([campaign.pk]),
                    "queue": queue,
                    "enabled": enabled,
                    "description": f"{kind.capitalize()} for campaign {campaign.slug!r}; "
                                   "edit the campaign, not this row.",
                },
            )


def delete_schedules(campaign_id: int) -> None:
    PeriodicTask.objects.filter(name__in=[schedule_name(campaign_id, k) for k in ("import", "dial")]).delete()


def set_active(campaign: Campaign, active: bool) -> None:
    campaign.is_active = active
    campaign.save(update_fields=["is_active", "updated_at"])


def campaign_for_command(slug: str) -> Campaign:
    """The campaign a slug on a management command's line names, or a CommandError listing the known ones."""
    from django.core.management.base import CommandError

    found = Campaign.objects.filter(slug=slug).first()
    if found is None:
        known = ", ".join(Campaign.objects.values_list("slug", flat=True)[:10]) or "none yet"
        raise CommandError(f"No campaign with slug {slug!r} (campaigns: {known})")
    return found
