"""An import whose worker is SIGKILLed mid-import (the OOM killer, a redeploy, a lost machine) is not lost: its run
ends `failed` saying why, and the next attempt imports every row of the sheet exactly once."""
from __future__ import annotations

import os
import signal

import pytest

from apps.leads import import_runs
from apps.leads.importing import start_import
from apps.leads.models import ImportRun, Lead
from tests.waiting import wait_for
from tests.workers.worker_process import pool_process, worker_process, write_big_sheet
from workers.imports import sweep_stale_imports

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]
ROWS = 4000


def slow_import(sheet_path, **more: str) -> dict[str, str]:
    """The worker's settings: batches this small make the import last seconds, long enough to be killed in."""
    return {"SHEETS_IMPORT_BATCH_SIZE": "10", "SHEETS_LOCAL_DIR": str(sheet_path.parent), **more}


def under_way(run: ImportRun) -> bool:
    return (import_runs.rows_read(run.pk) or 0) >= 200


def imported(campaign) -> ImportRun:
    return wait_for(lambda: ImportRun.objects.filter(campaign=campaign, status=ImportRun.Status.SUCCEEDED).first(),
                    timeout=60, what="the import to be done")


def assert_every_row_once(campaign) -> None:
    phones = list(Lead.objects.filter(campaign=campaign).values_list("phone", flat=True))
    assert len(phones) == len(set(phones)) == ROWS


def test_a_killed_pool_process_hands_its_import_back_and_the_redelivery_takes_over(campaign, sheet_path, tmp_path):
    write_big_sheet(sheet_path, ROWS)
    with worker_process(tmp_path, **slow_import(sheet_path)) as worker:
        run = start_import(campaign, ImportRun.Trigger.STAFF)
        wait_for(lambda: under_way(run), what="the import to be under way")
        os.kill(pool_process(worker), signal.SIGKILL)
        successor = imported(campaign)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "worker stopped mid-import" in run.error and f"Restarted as run #{successor.pk}" in run.error
    assert (successor.attempt, successor.trigger, successor.rows_created) == (2, ImportRun.Trigger.STAFF, ROWS)
    assert_every_row_once(campaign)


def test_a_killed_worker_s_import_is_failed_by_the_sweep_and_done_by_the_next_worker(
        campaign, sheet_path, tmp_path, settings):
    settings.IMPORT_STALE_SECONDS = 2
    stale_soon = slow_import(sheet_path, IMPORT_STALE_SECONDS="2")
    write_big_sheet(sheet_path, ROWS)
    with worker_process(tmp_path, **stale_soon) as worker:
        run = start_import(campaign, ImportRun.Trigger.STAFF)
        wait_for(lambda: under_way(run), what="the import to be under way")
        os.killpg(worker.pid, signal.SIGKILL)  # the whole worker: its message waits out the broker's visibility
        worker.wait()
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.RUNNING  # what a dead worker leaves
    assert not Lead.objects.filter(campaign=campaign).exists()  # all or nothing: the import was rolled back
    wait_for(lambda: import_runs.is_dead(ImportRun.objects.get(pk=run.pk)), what="its heartbeat to expire")

    with worker_process(tmp_path, **stale_soon):
        sweep_stale_imports.apply_async()  # what beat sends every minute
        successor = imported(campaign)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and f"Restarted as run #{successor.pk}" in run.error
    assert (successor.attempt, successor.rows_created) == (2, ROWS)
    assert_every_row_once(campaign)
