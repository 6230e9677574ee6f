"""Campaign budgets against the ledger: how many more calls the budgets allow now, and the once-a-day
`budget.exhausted` announcement when they allow none."""
from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db.models import Sum

from apps.campaigns.models import Campaign
from apps.core.redis import redis_client
from apps.costs.models import CostEntry
from apps.integrations.webhooks import events

log = logging.getLogger(__name__)


def budget_room(campaign: Campaign, now: dt.datetime, live_calls: int) -> int | None:
    """How many more calls the budgets allow now (None: no budget set).

    Every live call is counted at the per-call cap, which the call itself enforces, and so is every
    new one: however many calls run at once, spending cannot pass a budget by more than one call's cap.
    """
    if campaign.budget_total is None and campaign.budget_daily is None:
        return None
    cap = campaign.budget_per_call or Decimal("0.10")
    entries = CostEntry.objects.filter(campaign=campaign)
    rooms = []
    if campaign.budget_total is not None:
        spent = entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        rooms.append(campaign.budget_total - spent)
    if campaign.budget_daily is not None:
        day_start = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        spent = entries.filter(created_at__gte=day_start).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        rooms.append(campaign.budget_daily - spent)
    return max(0, int((min(rooms) - live_calls * cap) // cap))


def budget_exhausted(campaign: Campaign, now: dt.datetime, live_calls: int = 0) -> bool:
    """True when not one more call (at the per-call cap) fits in the budgets beside the live ones."""
    return budget_room(campaign, now, live_calls) == 0


def announce_budget_exhausted(campaign: Campaign, now: dt.datetime) -> None:
    """budget.exhausted once a day per campaign, not on every tick."""
    key = f"webhooks:budget-exhausted:{campaign.pk}:{now:%Y-%m-%d}"
    if redis_client().set(key, 1, nx=True, ex=2 * 24 * 3600):
        log.warning("campaign %s stopped dialling: budget exhausted", campaign.slug)
        events.budget_exhausted(campaign)
