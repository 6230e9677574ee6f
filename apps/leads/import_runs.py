"""Who imports a campaign now: claiming a run, its heartbeat (a Redis key with a TTL), and taking over
runs whose worker stopped mid-import (killed, out of memory, its machine gone).

An import is one database transaction (all or nothing), so the run's row cannot show progress until
it ends: other connections see nothing of it before the commit, and on SQLite a second connection
could not even write while the import holds the lock. The heartbeat therefore lives in Redis, beside
the media workers' slot heartbeats: a running run without one for IMPORT_STALE_SECONDS is dead.
A dead run saved nothing, so starting its import again loses no row and duplicates none.
"""
from __future__ import annotations

import datetime as dt
import logging

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.campaigns.models import Campaign
from apps.core import tasks
from apps.core.redis import redis_client
from apps.leads.models import ImportRun

log = logging.getLogger(__name__)

IMPORT_TASK = "workers.imports.import_sheet"
WORKER_STOPPED = ("The worker stopped mid-import (killed: out of memory, a restart, the hard time limit); "
                  "nothing of this run was saved.")


class ImportBusy(Exception):
    """Another import of the campaign is running (and alive): this one must wait its turn."""

    def __init__(self, running: ImportRun | None):
        self.running = running
        which = f"run #{running.pk}" if running else "another run"
        super().__init__(f"Another import of this campaign ({which}) is running.")


# --- the heartbeat ------------------------------------------------------------------

def _redis() -> redis.Redis:
    return redis_client(socket_timeout=5)


def _alive_key(run_id: int) -> str:
    return f"imports:alive:{run_id}"


def heartbeat(run: ImportRun, rows_seen: int) -> None:
    """The run is alive and has read `rows_seen` rows; said at its claim and after every batch."""
    try:
        _redis().set(_alive_key(run.pk), rows_seen, ex=settings.IMPORT_STALE_SECONDS)
    except redis.RedisError as exc:  # the import goes on; without heartbeats it may be taken over
        log.warning("import run %s: heartbeat not recorded: %s", run.pk, exc)


def rows_read(run_id: int) -> int | None:
    """How many rows a running import has read so far (its last heartbeat), None without a heartbeat."""
    value = _redis().get(_alive_key(run_id))
    return None if value is None else int(value)


def _forget(run_id: int) -> None:
    try:
        _redis().delete(_alive_key(run_id))
    except redis.RedisError:
        pass  # it expires by itself


def is_dead(run: ImportRun) -> bool:
    """A running run whose worker stopped: claimed over IMPORT_STALE_SECONDS ago, and no heartbeat since; or
    claimed longer ago than the task's hard time limit, by which Celery has killed it whatever its last
    heartbeat says (so no run stays `running` past its time limit and a sweep's interval)."""
    if run.status != ImportRun.Status.RUNNING:
        return False
    now = timezone.now()
    if run.started_at is not None and run.started_at < now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT):
        return True
    cutoff = now - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    if run.started_at is not None and run.started_at >= cutoff:
        return False
    try:
        return rows_read(run.pk) is None
    except redis.RedisError as exc:  # cannot tell: never take over an import that may be alive
        log.warning("import run %s: heartbeat not readable: %s", run.pk, exc)
        return False


# --- claiming and taking over ---------------------------------------------------------

def running_import(campaign_id: int) -> ImportRun | None:
    return ImportRun.objects.filter(campaign_id=campaign_id, status=ImportRun.Status.RUNNING).first()


def live_import(campaign_id: int) -> ImportRun | None:
    """The campaign's running import if its worker is alive (a dead one is left for the claim to take over)."""
    running = running_import(campaign_id)
    return running if running is not None and not is_dead(running) else None


def claim(run: ImportRun, task_id: str = "") -> bool:
    """Start `run` (QUEUED → RUNNING), taking over the campaign's running import if its worker stopped.

    False when the run is no longer queued (another delivery took it); raises ImportBusy, leaving it
    queued, while another import of the campaign is alive.
    """
    running = running_import(run.campaign_id)
    if running is not None and running.pk != run.pk:
        if not is_dead(running):
            raise ImportBusy(running)
        abandon(running, replaced_by=run)
    now = timezone.now()
    try:
        with transaction.atomic():
            updated = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(
                status=ImportRun.Status.RUNNING, started_at=now, task_id=task_id)
    except IntegrityError:  # importrun_one_running_per_campaign: another worker claimed the campaign first
        raise ImportBusy(running_import(run.campaign_id)) from None
    if updated != 1:  # another worker got there first
        return False
    run.status, run.started_at, run.task_id = ImportRun.Status.RUNNING, now, task_id
    heartbeat(run, 0)
    return True


def abandon(dead: ImportRun, replaced_by: ImportRun | None = None) -> ImportRun | None:
    """Fail a run whose worker stopped mid-import. Returns the run that imports in its place: `replaced_by`,
    else a new queued run (its next attempt), or None once IMPORT_MAX_ATTEMPTS have all stopped."""
    with transaction.atomic():
        updated = ImportRun.objects.filter(pk=dead.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=WORKER_STOPPED)
        if updated != 1:  # another worker got there first
            return None
        successor = replaced_by or _next_attempt(dead)
        if successor is None:
            outcome = f"Not restarted: it stopped {dead.attempt} times in a row (is the sheet too big for a worker?)."
        else:
            outcome = f"Restarted as run #{successor.pk}."
        ImportRun.objects.filter(pk=dead.pk).update(error=f"{WORKER_STOPPED} {outcome}")
    _forget(dead.pk)
    log.warning("import run %s of campaign %s: its worker stopped mid-import; %s",
                dead.pk, dead.campaign_id, outcome)
    return successor


def _next_attempt(dead: ImportRun) -> ImportRun | None:
    if dead.attempt >= settings.IMPORT_MAX_ATTEMPTS:
        return None
    return ImportRun.objects.create(campaign_id=dead.campaign_id, source=dead.source, trigger=dead.trigger,
                                    attempt=dead.attempt + 1)


def not_started(run: ImportRun, reason: str) -> None:
    """A queued run that will not run (its campaign was busy and nobody will retry it): say why."""
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=reason)
    run.refresh_from_db()


def finish(run: ImportRun, fields: dict) -> bool:
    """Record a run's outcome, unless it was taken over meanwhile (then its rows were saved all the same)."""
    updated = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(**fields)
    _forget(run.pk)
    if updated != 1:
        log.warning("import run %s was taken over while it ran (no heartbeat for %s s); its rows were saved",
                    run.pk, settings.IMPORT_STALE_SECONDS)
        run.refresh_from_db()
        return False
    for name, value in fields.items():
        setattr(run, name, value)
    return True


# --- the sweeper (beat, every minute) ----------------------------------------------------

def sweep_dead_runs() -> list[int]:
    """Fail every running import whose worker stopped and queue its next attempt; returns the new runs' ids."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    suspects = ImportRun.objects.filter(Q(started_at__lt=cutoff) | Q(started_at__isnull=True),
                                        status=ImportRun.Status.RUNNING)
    restarted = []
    for run in suspects:  # reads first: on SQLite a write would wait for every import in progress
        if not is_dead(run):
            continue
        successor = abandon(run)
        if successor is not None:
            enqueue(successor)
            restarted.append(successor.pk)
    return restarted


def enqueue(run: ImportRun) -> None:
    """Queue a run on the `imports` queue (by task name: domain code never imports workers)."""
    transaction.on_commit(lambda: tasks.enqueue(IMPORT_TASK, args=[run.campaign_id, run.pk]))


# --- which run a delivery of the import task imports -------------------------------------

def run_for_delivery(campaign_id: int, run_id: int | None, task_id: str) -> ImportRun | str:
    """The run this delivery of the import task imports, or why it imports none.

    A task that already has a running run is being delivered again because the earlier delivery died
    mid-import: Celery hands a message back only once its worker is lost, or after the broker's
    visibility timeout, which outlasts the task time limit (leads.W001). That run is abandoned and its
    next attempt imported now.
    """
    earlier = ImportRun.objects.filter(task_id=task_id, status=ImportRun.Status.RUNNING).first() if task_id else None
    if earlier is not None:
        return abandon(earlier) or f"run #{earlier.pk} stopped mid-import and is not restarted here (see its error)"
    if run_id is not None:
        run = ImportRun.objects.filter(pk=run_id).first()
        if run is None or run.status != ImportRun.Status.QUEUED:  # a duplicate message
            return f"run {run_id} was already taken"
        return run
    return _scheduled_run(campaign_id)


def _scheduled_run(campaign_id: int) -> ImportRun | str:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not campaign.sheet_source:
        return "campaign gone or without a sheet"
    if (live := live_import(campaign_id)) is not None:
        return f"run #{live.pk} is importing this campaign"
    return ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source,
                                    trigger=ImportRun.Trigger.SCHEDULE)
