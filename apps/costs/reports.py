"""What campaigns spend, for the staff cost page: per day against budget, per call, per qualified lead
and per appointment, and the most expensive calls. Every figure is a sum of ledger rows."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.calls.models import Appointment, Call
from apps.costs.models import CostEntry

BUCKETS = (Decimal("0.02"), Decimal("0.04"), Decimal("0.06"), Decimal("0.08"), Decimal("0.10"))
QUALIFIED = ("qualified", "appointment")


@dataclass
class CostReport:
    since: dt.date
    total: Decimal
    by_kind: list[tuple[str, Decimal]]
    by_day: list[tuple[dt.date, Decimal]]
    daily_budget: Decimal | None
    calls: int
    per_call: Decimal | None
    per_call_buckets: list[tuple[str, int]]
    qualified: int
    per_qualified: Decimal | None
    appointments: int
    per_appointment: Decimal | None
    priciest: list[tuple[int, str, Decimal]] = field(default_factory=list)  # call id, lead, total


def cost_report(campaign=None, days: int = 14, now: dt.datetime | None = None) -> CostReport:
    now = now or timezone.now()
    since = (now - dt.timedelta(days=days - 1)).astimezone(dt.UTC).date()
    start = dt.datetime.combine(since, dt.time(0), tzinfo=dt.UTC)
    entries = CostEntry.objects.filter(created_at__gte=start)
    calls = Call.objects.filter(created_at__gte=start)
    appointments = Appointment.objects.filter(created_at__gte=start, status=Appointment.Status.BOOKED)
    if campaign is not None:
        entries, calls = entries.filter(campaign=campaign), calls.filter(campaign=campaign)
        appointments = appointments.filter(lead__campaign=campaign)
    total = entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    kinds = dict(CostEntry.Kind.choices)
    by_kind = [(kinds.get(row["kind"], row["kind"]), row["total"])
               for row in entries.values("kind").annotate(total=Sum("amount")).order_by("-total")]
    per_day = {row["day"]: row["total"] for row in
               entries.annotate(day=TruncDate("created_at", tzinfo=dt.UTC)).values("day").annotate(total=Sum("amount"))}
    by_day = [(since + dt.timedelta(days=n), per_day.get(since + dt.timedelta(days=n), Decimal(0)))
              for n in range(days)]
    call_totals = list(calls.filter(costs__isnull=False).annotate(total=Sum("costs__amount"))
                       .values_list("pk", "lead__name", "total").order_by("-total"))
    answered = calls.filter(answered_at__isnull=False).count()
    qualified = calls.filter(Q(disposition__in=QUALIFIED) | Q(score_band__in=("hot", "warm"))).aggregate(
        leads=Count("lead", distinct=True))["leads"]
    booked = appointments.count()
    return CostReport(
        since=since, total=total, by_kind=by_kind, by_day=by_day,
        daily_budget=getattr(campaign, "budget_daily", None),
        calls=answered, per_call=_per(total, answered), per_call_buckets=_buckets([t for _, _, t in call_totals]),
        qualified=qualified, per_qualified=_per(total, qualified),
        appointments=booked, per_appointment=_per(total, booked),
        priciest=[(pk, name or "Lead", amount) for pk, name, amount in call_totals[:10]],
    )


def _per(total: Decimal, count: int) -> Decimal | None:
    return (total / count).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if count else None


def _buckets(totals: list[Decimal]) -> list[tuple[str, int]]:
    labels, low = [], Decimal(0)
    for high in BUCKETS:
        labels.append((f"${low:.2f}–${high:.2f}", sum(1 for t in totals if low <= t < high)))
        low = high
    labels.append((f"${low:.2f} and more", sum(1 for t in totals if t >= low)))
    return labels
