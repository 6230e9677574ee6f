"""A run left `running` by a worker that stopped (no heartbeat for IMPORT_STALE_SECONDS) is failed, saying why, by
the sweep beat sends every minute or by the campaign's next scheduled import, and the import runs again; a run
that still heartbeats is left alone, and one whose worker keeps dying is not restarted forever."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.leads import import_runs
from apps.leads.models import ImportRun, Lead
from tests.conftest import write_csv
from tests.waiting import wait_for
from workers.imports import import_sheet, sweep_stale_imports

ROWS = [["Maria Gonzalez", "(212) 555-0134", "", "", "", "Website", "2026-09-14"]]


@pytest.fixture
def sheet(campaign, sheet_path):
    return write_csv(sheet_path, ROWS)


def left_running(campaign, *, attempt: int = 1) -> ImportRun:
    """What a worker killed ten minutes ago mid-import leaves behind."""
    return ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source, trigger=ImportRun.Trigger.STAFF,
                                    status=ImportRun.Status.RUNNING, task_id="a-task-whose-worker-died",
                                    started_at=timezone.now() - dt.timedelta(minutes=10), attempt=attempt)


def succeeded(campaign) -> ImportRun:
    return wait_for(lambda: ImportRun.objects.filter(campaign=campaign, status=ImportRun.Status.SUCCEEDED).first())


def test_the_sweep_fails_an_import_whose_worker_stopped_and_starts_it_again(celery_worker, campaign, sheet):
    stuck = left_running(campaign)
    sweep_stale_imports.apply_async()  # what beat sends every minute
    successor = succeeded(campaign)
    stuck.refresh_from_db()
    assert stuck.status == ImportRun.Status.FAILED and stuck.finished_at is not None
    assert stuck.error == (f"{import_runs.WORKER_STOPPED} Restarted as run #{successor.pk}.")
    assert (successor.trigger, successor.attempt, successor.rows_created) == (ImportRun.Trigger.STAFF, 2, 1)
    assert Lead.objects.filter(campaign=campaign).count() == 1


def test_the_next_scheduled_import_takes_over_an_import_whose_worker_stopped(celery_worker, campaign, sheet):
    stuck = left_running(campaign)
    import_sheet.apply_async(args=[campaign.pk])  # the campaign's import schedule
    run = succeeded(campaign)
    stuck.refresh_from_db()
    assert stuck.status == ImportRun.Status.FAILED and f"Restarted as run #{run.pk}." in stuck.error
    assert (run.trigger, run.rows_created) == (ImportRun.Trigger.SCHEDULE, 1)


def test_an_import_older_than_the_task_time_limit_is_failed_whatever_its_last_heartbeat(campaign, sheet, settings):
    """Celery's hard limit has killed it; a heartbeat said just before still stands in Redis."""
    settings.CELERY_TASK_TIME_LIMIT = 540  # the run was claimed ten minutes ago
    killed = left_running(campaign)
    import_runs.heartbeat(killed, 50_000)
    [successor] = import_runs.sweep_dead_runs()
    killed.refresh_from_db()
    assert killed.status == ImportRun.Status.FAILED and f"Restarted as run #{successor}." in killed.error


def test_an_import_that_still_heartbeats_is_left_alone(campaign, sheet):
    alive = left_running(campaign)
    import_runs.heartbeat(alive, 50_000)  # ten minutes in, and still reading rows
    assert import_runs.sweep_dead_runs() == []
    assert import_sheet.apply(args=[campaign.pk]).get() == {"skipped": f"run #{alive.pk} is importing this campaign"}
    alive.refresh_from_db()
    assert alive.status == ImportRun.Status.RUNNING
    assert list(ImportRun.objects.filter(campaign=campaign)) == [alive]


def test_an_import_whose_worker_keeps_dying_is_not_restarted_forever(campaign, sheet, settings):
    settings.IMPORT_MAX_ATTEMPTS = 3
    third = left_running(campaign, attempt=3)
    assert import_runs.sweep_dead_runs() == []
    third.refresh_from_db()
    assert third.status == ImportRun.Status.FAILED and "Not restarted: it stopped 3 times in a row" in third.error
    assert list(ImportRun.objects.filter(campaign=campaign)) == [third]
