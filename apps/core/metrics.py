"""Prometheus metrics at /metrics, read at scrape time from the database and Redis (so they cover every
process: web, Celery, media workers): calls by outcome, live calls, media slots, latency histograms of
the live pipeline's stages, queue lengths, and cost per call."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Avg, Count, Sum
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from apps.calls.models import LIVE_CALL_STATUSES, AgentStep, Call
from apps.calls.slots import SlotRegistry
from apps.core.redis import redis_client
from apps.costs.models import CostEntry

LATENCY_BUCKETS_MS = (100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000)
STAGE_BUCKETS_MS = (5, 10, 20, 50, 100, 250, 500, 1000, 2000)
WINDOW = dt.timedelta(hours=24)  # latency histograms: the calls of the last day
QUEUES = ("imports", "dialer", "postcall")


def _histogram(name: str, documentation: str, values: list[float], buckets) -> HistogramMetricFamily:
    counts = [sum(1 for v in values if v <= bound) for bound in buckets]
    return HistogramMetricFamily(
        name, documentation,
        buckets=[(str(bound), count) for bound, count in zip(buckets, counts, strict=True)] + [("+Inf", len(values))],
        sum_value=sum(values))


class ReautomationCollector(Collector):
    def collect(self):
        outcomes = CounterMetricFamily("reautomation_calls", "Calls ended, by campaign and outcome",
                                       labels=["campaign", "outcome"])
        for row in (Call.objects.exclude(status__in=LIVE_CALL_STATUSES).values("campaign__slug", "outcome")
                    .annotate(n=Count("id"))):
            outcomes.add_metric([row["campaign__slug"], row["outcome"] or "unknown"], row["n"])
        yield outcomes

        live = GaugeMetricFamily("reautomation_live_calls", "Calls dialling, ringing or in progress",
                                 labels=["campaign"])
        for row in Call.objects.filter(status__in=LIVE_CALL_STATUSES).values("campaign__slug").annotate(n=Count("id")):
            live.add_metric([row["campaign__slug"]], row["n"])
        yield live

        workers = SlotRegistry().live_workers()
        slots = GaugeMetricFamily("reautomation_media_slots", "Media-worker call slots", labels=["state"])
        total = sum(int(info.get("slots", 0) or 0) for info in workers.values())
        slots.add_metric(["free"], sum(info["free"] for info in workers.values()))  # takeable now, load allowing
        slots.add_metric(["used"], sum(info["holds"] for info in workers.values()))
        slots.add_metric(["total"], total)
        yield slots
        load = GaugeMetricFamily("reautomation_media_worker_load", "The machine's CPU in use (0-1), by media worker",
                                 labels=["worker"])
        for worker_id, info in sorted(workers.items()):
            if info.get("load"):
                load.add_metric([worker_id], float(info["load"]))
        yield load
        yield GaugeMetricFamily("reautomation_media_workers", "Media workers with a live heartbeat",
                                value=len(workers))

        since = timezone.now() - WINDOW
        turns = [turn for metrics in Call.objects.filter(created_at__gte=since).values_list("metrics", flat=True)
                 for turn in (metrics or {}).get("turns", [])]
        yield _histogram("reautomation_voice_to_voice_ms", "End of the lead's speech to the agent's first audio",
                         [t["voice_to_voice_ms"] for t in turns if "voice_to_voice_ms" in t], LATENCY_BUCKETS_MS)
        for key, documentation in (("endpoint_ms", "Silence waited out before a lead turn was called over"),
                                   ("stt_ms", "Speech to text per lead turn (what was left of it once the turn ended)"),
                                   ("tts_ms", "A reply's first sentence to its first audio")):
            yield _histogram(f"reautomation_{key}", documentation, [t[key] for t in turns if key in t],
                             STAGE_BUCKETS_MS)
        yield _histogram("reautomation_agent_decide_ms", "The agent's decision per lead turn",
                         list(AgentStep.objects.filter(created_at__gte=since).values_list("decide_ms", flat=True)),
                         STAGE_BUCKETS_MS)

        queues = GaugeMetricFamily("reautomation_queue_length", "Messages waiting in a Celery queue",
                                   labels=["queue"])
        broker = redis_client(url=settings.CELERY_BROKER_URL, socket_timeout=1)
        for queue in QUEUES:
            queues.add_metric([queue], broker.llen(queue))
        yield queues

        per_call = (CostEntry.objects.filter(call__isnull=False).values("call").annotate(total=Sum("amount"))
                    .aggregate(avg=Avg("total"))["avg"])
        yield GaugeMetricFamily("reautomation_cost_per_call_usd", "Average ledger total per call",
                                value=float(per_call or 0))
