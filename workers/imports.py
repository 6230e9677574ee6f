"""The `imports` queue: read a campaign's sheet into leads (scheduled by beat, or on demand), sweep imports whose
worker stopped mid-import, and import an uploaded copy of the national Do Not Call registry."""
from __future__ import annotations

from celery import shared_task

from apps.compliance import registry_import
from apps.leads import import_runs
from apps.leads.importing import run_import

BUSY_RETRY_SECONDS = 30  # another import of the campaign is running: ask again this much later


@shared_task(name="workers.imports.import_sheet", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=None)
def import_sheet(self, campaign_id: int, run_id: int | None = None) -> dict:
    """Import one campaign's sheet; beat passes only the campaign, staff and the API a queued run.

    A worker process killed mid-import hands its message back (reject_on_worker_lost); the redelivery
    finds the run its task left running, abandons it and imports the next attempt.
    """
    task_id = self.request.id or ""
    run = import_runs.run_for_delivery(campaign_id, run_id, task_id)
    if isinstance(run, str):
        return {"skipped": run}
    try:
        run = run_import(run, task_id=task_id)
    except import_runs.ImportBusy as busy:  # the run stays queued; its retry names it
        raise self.retry(args=[campaign_id, run.pk], countdown=BUSY_RETRY_SECONDS, exc=busy) from busy
    return {"run": run.pk, "status": run.status, "created": run.rows_created, "rejected": run.rows_rejected}


@shared_task(name="workers.imports.sweep_stale_imports", acks_late=True)
def sweep_stale_imports() -> dict:
    """Beat, every minute: imports without a heartbeat for IMPORT_STALE_SECONDS fail and start again."""
    return {"restarted": import_runs.sweep_dead_runs()}


# About 200,000–300,000 numbers a second (README, Benchmarks): an hour covers a file far larger than a state's.
@shared_task(name="workers.imports.import_dnc_registry", acks_late=True, soft_time_limit=3600, time_limit=3660)
def import_dnc_registry(copy_id: int) -> dict:
    """Import a registry copy staff uploaded in the admin; the copy row records the outcome (a time limit too)."""
    copy = registry_import.import_copy(copy_id)
    return {"copy": copy.pk, "status": copy.status, "numbers": copy.numbers_stored, "rejected": copy.lines_rejected}
