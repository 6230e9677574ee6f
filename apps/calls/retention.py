"""Retention: a call's recording and transcript are deleted once its campaign's `retention_days` have passed since
it ended (`purge_expired`, daily by beat), or at once when its lead's personal data is erased (`purge_call`).

What goes: the recording file and its field, the Turn rows, what the agent heard and said in each AgentStep, and
the lead's quoted words beside each fact (on the call, and on the lead where they came from this call). What stays:
the Call row (status, outcome, disposition, score, timestamps, summary: built from fact values, never from the
lead's words), its AgentTransition rows, its cost entries and its dial evidence. The call is marked `purged_at`.

Safe to repeat and to run twice at once: the file is deleted first (deleting a missing file is no error), then the
rows in one transaction, so a purge stopped half-way (a crash, a time limit) holds nothing and leaves the call
unmarked for the next run.
"""
from __future__ import annotations

import datetime as dt
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from apps.calls.models import AgentStep, Call, Turn
from apps.campaigns.models import Campaign
from apps.leads.models import Lead

log = logging.getLogger(__name__)

BATCH_SIZE = 200  # calls read at a time
MAX_CALLS_PER_RUN = 5000  # a run stops here (well inside the task's time limit); the task then queues the next


def purge_expired(now: dt.datetime | None = None, *, limit: int = MAX_CALLS_PER_RUN) -> dict:
    """Purge the ended calls of every campaign with `retention_days` whose time is up, at most `limit` of them.
    `more`: it stopped at the limit having purged some, so there may be more to do now."""
    now = now or timezone.now()
    counts = {"calls": 0, "recordings": 0, "turns": 0, "failed": 0}
    failed: set[int] = set()
    for campaign_id, days in Campaign.objects.filter(retention_days__isnull=False).values_list("pk", "retention_days"):
        due = Call.objects.filter(campaign_id=campaign_id, purged_at__isnull=True,
                                  ended_at__lt=now - dt.timedelta(days=days)).order_by("ended_at", "pk")
        while (room := limit - counts["calls"] - counts["failed"]) > 0:
            batch = list(due.exclude(pk__in=failed).values_list("pk", flat=True)[:min(BATCH_SIZE, room)])
            if not batch:
                break
            for call_id in batch:
                try:
                    purged = purge_call(call_id, now)
                except SoftTimeLimitExceeded:
                    raise  # the task's time is up: what is left stays for the next run
                except Exception:  # noqa: BLE001 - one call (a storage error) must not keep the others' data
                    log.exception("call %s: could not purge its recording and transcript", call_id)
                    failed.add(call_id)
                    counts["failed"] += 1
                    continue
                counts["calls"] += 1
                counts["recordings"] += purged["recordings"]
                counts["turns"] += purged["turns"]
    more = counts["calls"] + counts["failed"] >= limit and counts["calls"] > 0
    if counts["calls"] or counts["failed"]:
        log.info("retention: purged %(calls)s calls (%(recordings)s recordings, %(turns)s turns), %(failed)s failed",
                 counts)
    return {**counts, "more": more}


def purge_call(call_id: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete one call's recording file and transcript and mark it purged; repeating it changes nothing."""
    now = now or timezone.now()
    call = Call.objects.only("pk", "lead_id", "recording", "facts").get(pk=call_id)
    recording = call.recording.name
    if recording:  # first: a failure below leaves the row unmarked, and the next run finds it again
        call.recording.storage.delete(recording)
    with transaction.atomic():
        turns, _ = Turn.objects.filter(call_id=call_id).delete()
        AgentStep.objects.filter(call_id=call_id).update(lead_text="", dtmf="", reply="", new_facts={})
        Call.objects.filter(pk=call_id).update(recording="", facts=without_words(call.facts), purged_at=now)
        _forget_quotes_on_lead(call.lead_id, call.facts or {})
    return {"recordings": int(bool(recording)), "turns": turns}


def without_words(facts: dict | None) -> dict:
    """The facts with their values, without the lead's words they were heard in."""
    return {name: ({k: v for k, v in fact.items() if k != "words"} if isinstance(fact, dict) else fact)
            for name, fact in (facts or {}).items()}


def _forget_quotes_on_lead(lead_id: int, call_facts: dict) -> None:
    """The lead keeps the facts carried over from its calls; the words this call heard go (another call's stay)."""
    quoted = {name: fact["words"] for name, fact in call_facts.items() if isinstance(fact, dict) and fact.get("words")}
    if not quoted:
        return
    lead = Lead.objects.select_for_update().only("pk", "facts").get(pk=lead_id)
    facts = dict(lead.facts or {})
    for name, words in quoted.items():
        fact = facts.get(name)
        if isinstance(fact, dict) and fact.get("words") == words:
            facts[name] = {k: v for k, v in fact.items() if k != "words"}
    if facts != lead.facts:
        Lead.objects.filter(pk=lead_id).update(facts=facts)
