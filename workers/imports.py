"""The `imports` queue: read a campaign's sheet into leads (scheduled by beat, or on demand)."""
from __future__ import annotations

from celery import shared_task

from apps.campaigns.models import Campaign
from apps.leads.models import ImportRun
from apps.leads.services import run_import


@shared_task(name="workers.imports.import_sheet", acks_late=True)
def import_sheet(campaign_id: int, run_id: int | None = None) -> dict:
    """Import one campaign's sheet; beat passes only the campaign, staff and the API a queued run."""
    if run_id is None:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None or not campaign.sheet_source:
            return {"skipped": "campaign gone or without a sheet"}
        run = ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source,
                                       trigger=ImportRun.Trigger.SCHEDULE)
    else:
        claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
            status=ImportRun.Status.RUNNING)
        if claimed != 1:  # a redelivered message: another worker got there first
            return {"skipped": f"run {run_id} was already taken"}
        run = ImportRun.objects.select_related("campaign").get(pk=run_id)
    run = run_import(run)
    return {"run": run.pk, "status": run.status, "created": run.rows_created, "rejected": run.rows_rejected}
