"""Call results back to the campaign's sheet: each finished call queues its results (the outbox), and a
flush writes a campaign's queue in one go — one Sheets values.batchUpdate, or rows added to a results CSV —
at most once per interval per sheet, one flush per sheet at a time (a Redis lock)."""
from __future__ import annotations

import logging
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.calls.models import FINAL_CALL_STATUSES, Appointment, Call
from apps.campaigns.models import DEFAULT_WRITEBACK_COLUMNS, Campaign
from apps.campaigns.services import REHEARSAL_SUFFIX
from apps.core.redis import redis_client
from apps.core.tasks import enqueue
from apps.integrations.sheets.base import SheetError, google_key
from apps.integrations.sheets.files import local_sheet_path
from apps.integrations.sheets.models import SheetWriteback
from apps.leads.models import Lead

log = logging.getLogger(__name__)

KEY_PREFIX = "sheets:writeback:"
SCHEDULED_TTL_SECONDS = 300  # a lost flush message is forgotten after this; beat schedules again
LOCK_TTL_MS = 300_000  # a worker that dies mid-flush holds its sheet this long at most
SUMMARY_MAX_CHARS = 500
# The results tab and file start with these, then the campaign's result columns.
IDENTITY_HEADERS = {"call_id": "Call ID", "name": "Name", "phone": "Phone", "sheet_row": "Sheet Row"}
OUTCOME_WORDS = {
    "no_answer": "No answer", "appointment": "Appointment booked", "callback": "Callback requested",
    "opted_out": "Opted out", "ended_by_lead": "Lead hung up", "ended": "Talked, not qualified",
    "cold": "Not ready yet", "has_agent": "Has an agent", "not_interested": "Not interested",
    "wrong_number": "Wrong number", "needs_human": "Needs a person", "invalid_number": "Invalid number",
    "language_callback": "Callback (another language)",
}


class WritebackError(Exception):
    """The sheet could not be written. `permanent`: trying again cannot help until staff fix something."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Busy(Exception):  # noqa: N818 - a state to wait out, not an error
    """The sheet is being written, its interval is not over, or the minute's quota is spent: wait `wait` s."""

    def __init__(self, wait: float):
        super().__init__(f"try again in {wait:.1f} s")
        self.wait = wait


# --- what targets see -------------------------------------------------------------------

@dataclass
class Pending:
    """One queued call's results, as a target writes them."""

    id: int
    call_id: int
    lead_id: int
    phone: str
    sheet_row: int | None
    row_values: dict
    call_values: dict


@dataclass
class Batch:
    items: list[Pending]
    columns: dict[str, str]  # result → header, in the order of DEFAULT_WRITEBACK_COLUMNS
    phone_header: str
    region: str

    def results_header(self) -> list[str]:
        return [*IDENTITY_HEADERS.values(), *self.columns.values()]

    def results_row(self, item: Pending) -> list:
        return [item.call_values.get(name, "") for name in (*IDENTITY_HEADERS, *self.columns)]


@dataclass
class Outcome:
    status: str  # a SheetWriteback.Status
    sheet_row: int | None = None
    error: str = ""


class WritebackTarget(ABC):
    lock_key: str  # writes are spaced and serialised per spreadsheet or file, whichever campaigns share it
    remote: bool  # counts against Google's quota
    description: str

    @abstractmethod
    def write(self, batch: Batch) -> dict[int, Outcome]:
        """Write the batch; an Outcome per item id. Raises WritebackError when nothing could be written."""


def target_for(campaign: Campaign) -> WritebackTarget | None:
    """Where the campaign's results go; None when it writes nothing back.

    A rehearsal's shadow campaign writes to its campaign's results only (`<file>.rehearsal.results.csv`, or the
    results tab with " (rehearsal)" appended): its persona leads are not rows of the staff's sheet.
    """
    parent = rehearsal_parent(campaign)
    owner = parent or campaign
    if not owner.writeback_enabled or not owner.sheet_source.strip():
        return None
    key = google_key(owner.sheet_source)
    if key:
        from apps.integrations.sheets.google_writeback import GoogleWriteback

        results = owner.results_worksheet.strip()
        if parent is not None:
            if not results:
                return None
            results += " (rehearsal)"
        return GoogleWriteback(key, owner.sheet_worksheet, results, lead_rows=parent is None)
    from apps.integrations.sheets.file_writeback import ResultsFile

    try:
        sheet = local_sheet_path(owner.sheet_source, must_exist=False)
        return ResultsFile(results_path(sheet, rehearsal=parent is not None))
    except SheetError:  # outside the sheets folder, or not a sheet file: nothing is written (its import says why)
        return None


def rehearsal_parent(campaign: Campaign) -> Campaign | None:
    """The campaign a shadow `<slug>-rehearsal` campaign rehearses (shadows have no sheet of their own)."""
    if campaign.sheet_source or not campaign.slug.endswith(REHEARSAL_SUFFIX):
        return None
    return Campaign.objects.filter(slug=campaign.slug.removesuffix(REHEARSAL_SUFFIX)).first()


def results_path(source: Path, rehearsal: bool = False) -> Path:
    """`leads.csv` → `leads.results.csv` beside it (the staff's own file is never rewritten)."""
    return source.with_name(f"{source.stem}{'.rehearsal' if rehearsal else ''}.results.csv")


# --- queueing a call's results ----------------------------------------------------------------

def record_call(call_id: int) -> str:
    """Queue a finished call's results for its campaign's sheet. A replay finds the first row and adds nothing."""
    call = Call.objects.select_related("lead", "campaign").filter(pk=call_id).first()
    if call is None or call.status not in FINAL_CALL_STATUSES or call.outcome == "not_placed":
        return "skipped: not a finished call"
    if target_for(call.campaign) is None:
        return "skipped: the campaign writes nothing back"
    row_values, call_values = result_values(call)
    item, created = SheetWriteback.objects.get_or_create(
        call=call, defaults={"campaign": call.campaign, "row_values": row_values, "call_values": call_values})
    if not created:
        return f"already queued as #{item.pk} ({item.status})"
    transaction.on_commit(lambda: schedule_flush(call.campaign_id))
    return f"queued as #{item.pk}"


def result_values(call) -> tuple[dict, dict]:
    """What the lead's row shows after this call (the lead's standing), and the call's own row of results."""
    lead, zone = call.lead, call.lead.time_zone
    booked = Appointment.objects.filter(lead=lead, status=Appointment.Status.BOOKED)
    lead_meeting = booked.order_by("-created_at").first()
    call_meeting = booked.filter(call=call).order_by("starts_at").first()
    ended = call.ended_at or lead.last_called_at
    callback = lead.callback_at if lead.callback_at and (ended is None or lead.callback_at > ended) else None
    outcome = outcome_words(call.disposition or call.outcome or call.status)
    row = {
        "status": lead.get_status_display(),
        "last_called": local_text(ended, zone),
        "outcome": outcome,
        "score": "" if lead.score is None else lead.score,
        "band": lead.score_band.title(),
        "appointment": _meeting_text(lead_meeting, zone),
        "callback": local_text(callback, zone),
        "summary": _latest_summary(call)[:SUMMARY_MAX_CHARS],
    }
    own = {
        "call_id": call.pk, "name": lead.name, "phone": lead.phone, "sheet_row": lead.sheet_row or "",
        "status": call.get_status_display(),
        "last_called": local_text(call.ended_at, zone),
        "outcome": outcome,
        "score": "" if call.score is None else call.score,
        "band": call.score_band.title(),
        "appointment": _meeting_text(call_meeting, zone),
        "callback": local_text(call.callback_at, zone),
        "summary": call.summary[:SUMMARY_MAX_CHARS],
    }
    return row, own


def outcome_words(code: str) -> str:
    return OUTCOME_WORDS.get(code) or code.replace("_", " ").capitalize()


def local_text(moment, zone_name: str) -> str:
    """A time as the lead lives it, e.g. '2026-12-02 10:30 AM EST' (UTC when the lead's zone is unknown)."""
    if moment is None:
        return ""
    try:
        zone = ZoneInfo(zone_name) if zone_name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    hour = local.strftime("%I").lstrip("0")
    return f"{local:%Y-%m-%d} {hour}:{local:%M %p} {local.tzname()}"


def _meeting_text(appointment, zone: str) -> str:
    return local_text(appointment.starts_at, appointment.lead_time_zone or zone) if appointment else ""


def _latest_summary(call) -> str:
    """This call's summary, or the lead's last conversation's: a missed call does not blank what was said."""
    if call.summary:
        return call.summary
    earlier = call.lead.calls.filter(created_at__lt=call.created_at).exclude(summary="")
    return earlier.order_by("-created_at").values_list("summary", flat=True).first() or ""


# --- scheduling flushes -------------------------------------------------------------------------

def _redis() -> redis.Redis:
    return redis_client()


def _scheduled_key(campaign_id: int) -> str:
    return f"{KEY_PREFIX}scheduled:{campaign_id}"


def schedule_flush(campaign_id: int, countdown: float | None = None) -> bool:
    """Queue the campaign's next flush `countdown` s from now (default: the interval, so calls ending
    meanwhile join the same write), unless one is queued already."""
    client = _redis()
    if not client.set(_scheduled_key(campaign_id), 1, nx=True, ex=SCHEDULED_TTL_SECONDS):
        return False
    wait = settings.SHEETS_WRITEBACK_INTERVAL_SECONDS if countdown is None else countdown
    try:
        enqueue("workers.postcall.flush_sheet_writeback", args=[campaign_id], countdown=wait)
    except Exception:  # noqa: BLE001 - the results stay queued in the database: beat schedules them again
        client.delete(_scheduled_key(campaign_id))
        log.exception("could not queue the sheet write-back of campaign %s", campaign_id)
        return False
    return True


def schedule_pending() -> int:
    """Beat's safety net: a flush for every campaign with results still waiting."""
    campaign_ids = (SheetWriteback.objects.filter(status=SheetWriteback.Status.PENDING)
                    .order_by().values_list("campaign_id", flat=True).distinct())
    return sum(schedule_flush(campaign_id, countdown=0) for campaign_id in campaign_ids)


def requeue(queryset) -> int:
    """Staff's 'write again' for failed or skipped rows (after fixing the sheet or its sharing)."""
    campaign_ids = set(queryset.exclude(status=SheetWriteback.Status.PENDING).values_list("campaign_id", flat=True))
    count = queryset.exclude(status=SheetWriteback.Status.PENDING).update(
        status=SheetWriteback.Status.PENDING, last_error="")
    for campaign_id in campaign_ids:
        transaction.on_commit(lambda campaign_id=campaign_id: schedule_flush(campaign_id, countdown=0))
    return count


# --- flushing ---------------------------------------------------------------------------------------------

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_HOLD = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"


class SheetLock:
    """One flush per sheet at a time. After a write the lock is kept for the interval: writes are spaced."""

    def __init__(self, client: redis.Redis, lock_key: str):
        self.client, self.key, self.token = client, f"{KEY_PREFIX}lock:{lock_key}", uuid.uuid4().hex

    def acquire(self) -> bool:
        return bool(self.client.set(self.key, self.token, nx=True, px=LOCK_TTL_MS))

    def wait_seconds(self) -> float:
        return max(self.client.pttl(self.key), 100) / 1000

    def hold_for(self, seconds: float) -> None:
        self.client.eval(_HOLD, 1, self.key, self.token, max(1, int(seconds * 1000)))

    def release(self) -> None:
        self.client.eval(_RELEASE, 1, self.key, self.token)


def take_flush_quota(client: redis.Redis) -> float:
    """0 when one more flush to Google fits in this minute; else the seconds until the next minute."""
    now = time.time()
    key = f"{KEY_PREFIX}quota:{int(now // 60)}"
    used = client.incr(key)
    client.expire(key, 120)
    if used <= settings.SHEETS_WRITEBACK_FLUSHES_PER_MINUTE:
        return 0
    return 60 - now % 60 + 0.5


def flush_campaign(campaign_id: int) -> str:
    """Write the campaign's pending results in one go. Raises Busy (try later), or WritebackError when nothing
    could be written: `permanent` ones mark the results failed, the others (429, 5xx, network) leave them pending."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return "campaign gone"
    pending = SheetWriteback.objects.filter(campaign=campaign, status=SheetWriteback.Status.PENDING)
    target = target_for(campaign)
    if target is None:
        skipped = pending.update(status=SheetWriteback.Status.SKIPPED, last_error="The campaign writes nothing back "
                                 "now (write-back off, or no sheet).")
        return f"nothing written: the campaign writes nothing back ({skipped} skipped)"
    client = _redis()
    lock = SheetLock(client, target.lock_key)
    if not lock.acquire():
        raise Busy(lock.wait_seconds())
    wrote = False
    try:
        client.delete(_scheduled_key(campaign_id))  # results queued from now on schedule the next flush
        items = list(pending.select_related("call__lead").order_by("id")[:settings.SHEETS_WRITEBACK_BATCH_MAX])
        if not items:
            return "nothing to write"
        if target.remote and (wait := take_flush_quota(client)):
            raise Busy(wait)
        outcomes = _write(target, campaign, items)
        wrote = True
    finally:
        if wrote and settings.SHEETS_WRITEBACK_INTERVAL_SECONDS > 0:
            lock.hold_for(settings.SHEETS_WRITEBACK_INTERVAL_SECONDS)
        else:  # nothing written, a failure (its retry keeps its own backoff), or writes not spaced at all
            lock.release()
    if pending.exists():
        schedule_flush(campaign_id)
    counts = {status.value: sum(o.status == status for o in outcomes.values()) for status in SheetWriteback.Status}
    log.info("sheet write-back for campaign %s to %s: %s", campaign_id, target.description, counts)
    return ", ".join(f"{n} {status}" for status, n in counts.items() if n)


def _write(target: WritebackTarget, campaign: Campaign, items: list[SheetWriteback]) -> dict[int, Outcome]:
    owner = rehearsal_parent(campaign) or campaign
    columns = owner.writeback_columns or {}
    batch = Batch(items=[_pending(item) for item in items],
                  columns={name: columns[name].strip() for name in DEFAULT_WRITEBACK_COLUMNS if name in columns},
                  phone_header=(owner.column_mapping or {}).get("phone", ""), region=owner.default_region)
    try:
        outcomes = target.write(batch)
    except WritebackError as exc:
        _settle(items, {item.pk: Outcome(SheetWriteback.Status.FAILED if exc.permanent
                                         else SheetWriteback.Status.PENDING, error=str(exc)) for item in items})
        log.warning("sheet write-back for campaign %s failed%s: %s", campaign.pk,
                    "" if exc.permanent else " (will retry)", exc)
        raise
    _settle(items, outcomes)
    return outcomes


def _pending(item: SheetWriteback) -> Pending:
    lead = item.call.lead
    return Pending(id=item.pk, call_id=item.call_id, lead_id=lead.pk, phone=lead.phone, sheet_row=lead.sheet_row,
                   row_values=item.row_values, call_values=item.call_values)


def _settle(items: list[SheetWriteback], outcomes: dict[int, Outcome]) -> None:
    """Record each item's outcome; done only when the sheet has it. A lead found on another row keeps it."""
    now = timezone.now()
    for item in items:
        outcome = outcomes.get(item.pk) or Outcome(SheetWriteback.Status.PENDING, error="not written (no outcome)")
        item.status, item.last_error, item.attempts = outcome.status, outcome.error, item.attempts + 1
        if outcome.status == SheetWriteback.Status.DONE:
            item.written_at, item.sheet_row = now, outcome.sheet_row
            if outcome.sheet_row and outcome.sheet_row != item.call.lead.sheet_row:
                Lead.objects.filter(pk=item.call.lead_id).update(sheet_row=outcome.sheet_row)
    SheetWriteback.objects.bulk_update(items, ["status", "last_error", "attempts", "written_at", "sheet_row"])
