"""The benchmark's runs on a running stack (apps.rehearsals.benchmarks.stack, or one like run_demo's).

A level: N calls at once of one persona through the real dialer, media worker and agent — a rehearsal
(apps.rehearsals.runner) with N copies of the persona's lead per wave and the campaign's concurrency at N.
A comparison: rounds of one call through our stack, then one through the stock pipecat bot
(apps.rehearsals.benchmarks.stock), interleaved so the machine's noise falls on both. A stock call is placed as
the dialer places one on the simulated network (a Call row, the network's record of it, a dial request on
`simtel:dial`), its dial request naming the bot's WebSocket as the media stream's URL; the simulated lead,
its callbacks to daphne and its measurements are the same as for ours.
"""
from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable

import httpx
from django.utils import timezone

from apps.calls.models import FINAL_CALL_STATUSES, Call, CallStatus
from apps.campaigns.models import Campaign
from apps.campaigns.services import set_active
from apps.core.redis import redis_client
from apps.integrations.telephony.simulated import (
    DIAL_STREAM,
    DIAL_STREAM_MAXLEN,
    KEY_TTL_SECONDS,
    call_record_key,
    call_record_value,
)
from apps.leads.models import Lead, LeadStatus
from apps.rehearsals.benchmarks.figures import CallFigures, Level, comparison
from apps.rehearsals.benchmarks.stack import cpu_snapshot, wait_until
from apps.rehearsals.network.measurements import REPORT_KEY
from apps.rehearsals.personas import Persona
from apps.rehearsals.runner import CallResult, prepare, rehearse

METRICS_WAIT_SECONDS = 15.0  # the media worker saves a call's metrics as its session ends


def _delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: round(after[name] - before.get(name, 0.0), 3) for name in after}


def server_turns(call_ids: list[int]) -> dict[int, list[dict]]:
    """Each call's per-turn metrics, once the media worker has saved them."""
    def saved() -> dict[int, dict]:
        return dict(Call.objects.filter(pk__in=call_ids).values_list("pk", "metrics"))

    wait_until(lambda: all("turns" in (metrics or {}) for metrics in saved().values()), METRICS_WAIT_SECONDS)
    return {pk: (metrics or {}).get("turns", []) for pk, metrics in saved().items()}


def from_rehearsal(results: list[CallResult]) -> list[CallFigures]:
    turns = server_turns([result.call_id for result in results if result.call_id])
    return [CallFigures(call_id=result.call_id, persona=result.persona, outcome=result.outcome, met=result.met,
                        phone_v2v_ms=list(result.v2v_ms), server_turns=turns.get(result.call_id, []),
                        barge_in_ms=[] if result.barge_in_ms is None else [result.barge_in_ms],
                        simulator_cpu_s=result.simulator_cpu_s)
            for result in results]


def run_level(campaign: Campaign, persona: Persona, concurrency: int, waves: int, pids: dict[str, int], *,
              timeout: float, progress: Callable[[str], None]) -> Level:
    """N at once, `waves` × N calls in all (a call ending lets the next wave's call in): the campaign allows N;
    a media worker admitting by load may take fewer, and the dialer then waits."""
    load_before, clock, before, started = os.getloadavg(), time.monotonic(), cpu_snapshot(pids), timezone.now()
    rehearsal = rehearse(campaign, [persona], concurrency=concurrency, copies=concurrency * waves,
                         timeout=timeout, progress=progress)
    cpu = _delta(before, cpu_snapshot(pids))
    seconds, load_after = time.monotonic() - clock, os.getloadavg()
    calls = from_rehearsal(rehearsal.results)
    _timeline(calls, started)
    return Level(concurrency, calls, seconds, cpu, load_before, load_after)


def _timeline(calls: list[CallFigures], started) -> None:
    """Each call's placing and its time in progress, in seconds from the level's start."""
    def since(moment) -> float | None:
        return None if moment is None else (moment - started).total_seconds()

    rows = Call.objects.filter(pk__in=[call.call_id for call in calls if call.call_id]).values(
        "pk", "placed_at", "answered_at", "ended_at")
    by_id = {row["pk"]: row for row in rows}
    for call in calls:
        row = by_id.get(call.call_id)
        if row is None:
            continue
        call.placed_s = since(row["placed_at"])
        if row["answered_at"] and row["ended_at"]:
            call.in_progress_s = (since(row["answered_at"]), since(row["ended_at"]))


# --- the stock pipecat bot ------------------------------------------------------------------------------------

def stock_ready(health_url: str, timeout: float = 120.0) -> bool:
    """The bot has a kit (services and models) built and warm, and is building none: dial now."""
    def ready() -> bool:
        try:
            return httpx.get(health_url, timeout=2).json().get("ready_kits", 0) >= 1
        except (httpx.HTTPError, ValueError):
            return False

    return wait_until(ready, timeout)


def place_stock_call(campaign: Campaign, persona: Persona, stream_url: str) -> Call:
    """What the dialer and SimulatedTelephony.place_call do for a call, with the bot as the media stream."""
    shadow, [lead] = prepare(campaign, [persona], 1)
    set_active(shadow, False)  # prepare leaves it active: nothing else may dial it
    now = timezone.now()
    sid = "SIM" + uuid.uuid4().hex
    Lead.objects.filter(pk=lead.lead_id).update(status=LeadStatus.IN_CALL, attempts=1, last_called_at=now)
    call = Call.objects.create(lead_id=lead.lead_id, campaign=shadow, status=CallStatus.DIALING, provider="simulated",
                               provider_call_id=sid, placed_at=now, last_event_at=now)
    client = redis_client(decode=True)
    client.set(call_record_key(sid), call_record_value(sid, call.pk, "queued"), ex=KEY_TTL_SECONDS)
    client.set(f"simtel:by-call:{call.pk}", sid, ex=KEY_TTL_SECONDS)
    client.xadd(DIAL_STREAM, {"call_id": str(call.pk), "sid": sid, "persona": persona.name,
                              "lead_name": persona.lead_name, "to": lead.phone, "requested_at": f"{time.time():.3f}",
                              "stream_url": stream_url}, maxlen=DIAL_STREAM_MAXLEN, approximate=True)
    return call


def wait_for_report(call_id: int, timeout: float) -> dict | None:
    client = redis_client(decode=True)
    key = REPORT_KEY.format(call_id=call_id)
    wait_until(lambda: client.exists(key), timeout, step=0.1)
    raw = client.get(key)
    return json.loads(raw) if raw else None


def stock_call(campaign: Campaign, persona: Persona, stream_url: str, timeout: float,
               on_report: Callable[[], None] = lambda: None) -> CallFigures:
    """One call through the stock bot; `on_report` runs the moment the phone's report is in."""
    call = place_stock_call(campaign, persona, stream_url)
    report = wait_for_report(call.pk, timeout) or {}
    on_report()
    # The callbacks settle the row (and postcall work on the Celery worker) before the next call starts.
    wait_until(lambda: Call.objects.filter(pk=call.pk, status__in=FINAL_CALL_STATUSES).exists(), 15)
    wait_until(lambda: Call.objects.filter(pk=call.pk).exclude(disposition="").exists(), 15)
    call.refresh_from_db()
    barge = report.get("barge_in") or []
    return CallFigures(call_id=call.pk, persona=persona.name,
                       outcome=(call.disposition or call.status) if report else "no report",
                       met=persona.expectation_met(call.disposition, call.status),
                       phone_v2v_ms=report.get("v2v_ms") or [],
                       barge_in_ms=[entry["stop_ms"] for entry in barge],
                       simulator_cpu_s=(report.get("cpu_s") or {}).get("total"))


def compare_stock(campaign: Campaign, persona: Persona, rounds: int, stock_urls: dict[str, str], health_url: str,
                  pids: dict[str, int], *, timeout: float, progress: Callable[[str], None]) -> dict:
    """Rounds of one call on each side — ours, then each stock bot URL in turn — interleaved; each side's serving
    CPU measured over its own calls only."""
    sides: dict[str, list[CallFigures]] = {"ours": [], **{name: [] for name in stock_urls}}
    cpu = dict.fromkeys(sides, 0.0)
    for number in range(1, rounds + 1):
        for side in sides:
            if not stock_ready(health_url):  # a kit being built would take CPU from either side's call
                progress("  the stock bot has no kit ready after 120 s; dialling anyway")
            before = cpu_snapshot(pids)
            if side == "ours":
                rehearsal = rehearse(campaign, [persona], concurrency=1, timeout=timeout)
                spent = _delta(before, cpu_snapshot(pids))
                cpu[side] += spent.get("media", 0.0) + spent.get("web", 0.0)
                [result] = from_rehearsal(rehearsal.results)
            else:
                ended: dict[str, float] = {}  # the bot builds its next kit 2 s after a call: not the call's CPU
                result = stock_call(campaign, persona, stock_urls[side], timeout,
                                    on_report=lambda ended=ended: ended.update(cpu_snapshot(pids)))
                spent = _delta(before, ended or cpu_snapshot(pids))
                cpu[side] += spent.get("stock", 0.0) + spent.get("web", 0.0)
            sides[side].append(result)
            progress(f"  round {number}/{rounds} {side}: {len(result.phone_v2v_ms)} turns, v2v at the phone "
                     f"{result.phone_v2v_ms} ms ({result.outcome})")
    return comparison(sides, cpu) | {"persona": persona.name, "rounds": rounds}
