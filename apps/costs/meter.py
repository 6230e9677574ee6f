"""A live call's meter: the pipeline's stages count usage as it happens (audio seconds transcribed,
characters spoken per voice tier) and the meter writes it to the ledger a turn at a time, through the
database runner its owner hands it (the media worker's database thread, apps.core.dbthread.run_db),
never on the event loop and never awaited by the audio.

That thread runs jobs one at a time in the order given, so a turn's rows are in the ledger before the
agent's next decision (queued after them) projects the call's cost from it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from apps.calls.models import Call
from apps.costs.models import PriceTable
from apps.costs.services import prices_on, record_usage

log = logging.getLogger(__name__)

# run_db(fn, *args): runs the synchronous `fn(*args)` where the ORM may run, in the order given, and awaits it.
DatabaseRunner = Callable[..., Awaitable[Any]]


class CallMeter:
    def __init__(self, call_id: int, run_db: DatabaseRunner):
        self.call_id = call_id
        self._run_db = run_db
        self._pending: dict[str, Decimal] = defaultdict(Decimal)
        self._writes: set[asyncio.Task] = set()
        # Kept by the database thread's jobs (one at a time): the call's campaign, the day's prices
        # (looked up once a day per call: a price row added mid-call applies from the next call).
        self._campaign_id: int | None = None
        self._prices: tuple[dt.date, PriceTable] | None = None

    def add(self, kind: str, units: float | int | Decimal) -> None:
        if units > 0:
            self._pending[kind] += Decimal(str(units))

    def flush(self) -> None:
        """Write what was counted since the last flush (one job, one insert), without waiting for it."""
        if not self._pending:
            return
        usage, self._pending = dict(self._pending), defaultdict(Decimal)
        task = asyncio.ensure_future(self._write(usage))  # not the pipeline's to cancel: spending happened
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def close(self) -> None:
        """The call is over: what is still counted is written, and every write has finished."""
        self.flush()
        if self._writes:
            await asyncio.wait(set(self._writes))

    async def _write(self, usage: dict[str, Decimal]) -> None:
        try:
            await self._run_db(self._record, usage)
        except Exception:  # noqa: BLE001 - a lost ledger row must not end the call
            log.exception("call %s: could not write its usage %s to the ledger", self.call_id,
                          {kind: str(units) for kind, units in usage.items()})

    def _record(self, usage: dict[str, Decimal]) -> None:
        if self._campaign_id is None:
            self._campaign_id = Call.objects.values_list("campaign_id", flat=True).get(pk=self.call_id)
        today = timezone.now().date()
        if self._prices is None or self._prices[0] != today:
            self._prices = (today, prices_on(today))
        record_usage(self.call_id, usage, campaign_id=self._campaign_id, prices=self._prices[1])
