"""`manage.py rehearse <campaign-slug>`: call persona leads on the simulated network with the real stack.

Needs the whole stack running (web, a Celery worker for dialer and postcall, a media worker and
`manage.py simulated_network`). Prints one row per call and the totals; exits non-zero when a
persona did not reach the outcome it expects.
"""
from __future__ import annotations

import json
import logging
import time

from django.core.management.base import BaseCommand, CommandError

from apps.campaigns.services import campaign_for_command
from apps.leads.timezones import STATE_TIME_ZONES
from apps.rehearsals.probing import missing_services
from apps.rehearsals.runner import RehearsalError, choose_personas, rehearse

COLUMNS = (("persona", 20), ("outcome", 17), ("score", 9), ("appointment / callback", 30), ("objections", 18),
           ("turns", 5), ("secs", 5), ("cost", 7), ("v2v p50/p95", 11), ("barge", 6), ("ok", 2))


class Command(BaseCommand):
    help = "Rehearse a campaign: the real dialer and agent call persona leads on the simulated network."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="campaign slug")
        parser.add_argument("--personas", help="comma-separated persona names (default: all)")
        parser.add_argument("--concurrency", type=int, default=2, help="calls at once (default 2)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--timeout", type=float, default=600, help="give up after this many seconds")
        parser.add_argument("--state", default="DC", help="two-letter state the leads live in, whose calling and "
                            "recording rules apply (default DC: none above the federal floor)")
        parser.add_argument("--copies", type=int, default=1, help="call each persona this many times (distinct "
                            "leads), for figures over many calls (default 1)")
        parser.add_argument("--wait-for-stack", type=float, default=0, metavar="SECONDS",
                            help="wait this long for the stack to come up (make demo starts it alongside)")

    def handle(self, *args, campaign: str, personas: str | None, concurrency: int, json: bool, timeout: float,
               wait_for_stack: float, state: str, copies: int, **options):
        logging.getLogger("httpx").setLevel(logging.WARNING)  # its health checks are not the report
        found = campaign_for_command(campaign)
        if concurrency < 1:
            raise CommandError("--concurrency must be at least 1")
        state = state.upper()
        if state not in STATE_TIME_ZONES:
            raise CommandError(f"--state {state!r} is not a US state's two-letter code")
        try:
            chosen = choose_personas(personas)
            missing = missing_services()
            deadline = time.monotonic() + wait_for_stack
            while missing and time.monotonic() < deadline:
                time.sleep(1)
                missing = missing_services()
            if missing:
                raise RehearsalError("The rehearsal needs the whole stack running. Missing:\n  - "
                                     + "\n  - ".join(missing))
            progress = (lambda line: None) if json else self.stdout.write
            result = rehearse(found, chosen, concurrency=concurrency, timeout=timeout, progress=progress, state=state,
                              copies=copies)
        except RehearsalError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_json(result.as_dict()))
        else:
            self._table(result)
        if not result.all_met:
            raise CommandError(f"{sum(not r.met for r in result.results)} of {len(result.results)} persona(s) "
                               "did not reach their expected outcome" + (" (timed out)" if result.timed_out else ""))

    def _table(self, result) -> None:
        line = "  ".join(f"{title:<{width}}" for title, width in COLUMNS)
        self.stdout.write(self.style.MIGRATE_HEADING(line))
        for row in result.results:
            when = row.appointment_at or (f"callback {row.callback_at}" if row.callback_at else "")
            cells = (row.persona, row.outcome, f"{row.score} {row.band}" if row.score is not None else "",
                     when, ", ".join(row.objections) or "", str(row.turns), f"{row.duration_s:.0f}",
                     f"${float(row.cost):.3f}", _pair(row.v2v_p50_ms, row.v2v_p95_ms),
                     "" if row.barge_in_ms is None else f"{row.barge_in_ms}", "✓" if row.met else "✗")
            text = "  ".join(f"{str(cell)[:width]:<{width}}" for cell, (_, width) in zip(cells, COLUMNS, strict=True))
            self.stdout.write(text if row.met else self.style.ERROR(text))
            if row.transfer:
                self.stdout.write(f"    live transfer: {_transfer_line(row.transfer)}")
            if not row.met:
                self.stdout.write(f"    expected {row.expected}; summary: {row.summary or '—'}")
        totals = result.totals()
        self.stdout.write(self.style.MIGRATE_HEADING(
            f"{totals['met']}/{totals['calls']} as expected in {totals['seconds']:.0f} s; "
            f"cost ${totals['cost']} (${totals['cost_per_call']} a call); "
            f"voice-to-voice at the phone p50 {totals['v2v_p50_ms']} ms, p95 {totals['v2v_p95_ms']} ms; "
            f"barge-in stop {totals['barge_in_ms'] or '—'} ms; simulator CPU "
            f"{totals['simulator_cpu_s_per_call']} s per call"))
        if transfer := totals.get("transfer"):
            self.stdout.write(self.style.MIGRATE_HEADING(
                f"live transfers: {transfer['connected']} put through, 'yes' to the human's first word p50 "
                f"{_seconds(transfer['connect_p50_ms'])}, p95 {_seconds(transfer['connect_p95_ms'])}; "
                f"{transfer['returned']} came back to the agent after a hold of p50 "
                f"{_seconds(transfer['returned_hold_p50_ms'])}, p95 {_seconds(transfer['returned_hold_p95_ms'])}"))


def _transfer_line(transfer: dict) -> str:
    outcome = {"connected": f"put through to {transfer['human']}", "returned": "nobody took it, the agent came back",
               "lead_left": "the lead hung up on hold"}.get(transfer["outcome"], transfer["outcome"])
    parts = [outcome, f"{transfer['humans_rung']} rung"]
    if transfer.get("hold_ms") is not None:
        parts.append(f"held {transfer['hold_ms'] / 1000:.1f} s")
    if transfer.get("connect_ms") is not None:
        parts.append(f"'yes' to the human's first word {transfer['connect_ms'] / 1000:.1f} s")
    return ", ".join(parts)


def _seconds(ms) -> str:
    return "—" if ms is None else f"{ms / 1000:.1f} s"


def _pair(p50, p95) -> str:
    return "" if p50 is None else f"{p50:.0f}/{p95:.0f}"


def _json(data: dict) -> str:
    return json.dumps(data, indent=2, default=str, ensure_ascii=False)
