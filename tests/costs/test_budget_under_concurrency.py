"""A campaign's budget holds when dial ticks run at once on several workers while calls are live and
spending: the dialer counts every live call at its per-call cap, so however the ticks and the calls
interleave, the campaign never spends past its budget by more than one call's cap."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection  # noqa: F401 - pg_only's condition reads it
from django.db.models import Sum

from apps.calls.dialing import dial_tick
from apps.calls.models import LIVE_CALL_STATUSES, Call, CallStatus
from apps.costs.models import CostEntry
from tests.calls.test_dial_tick import pg_only, run_together
from tests.conftest import WEEKDAY_MORNING_ET as NOW
from tests.conftest import make_lead

CAP = Decimal("0.10")
BUDGET = Decimal("0.55")
WORKERS = 4


def spend(call: Call, amount: Decimal) -> None:
    """The call's usage so far, written as the live pipeline does (today, for the daily budget: NOW)."""
    entry = CostEntry.objects.create(campaign_id=call.campaign_id, call=call, kind=CostEntry.Kind.TTS_LOCAL,
                                     units=1, unit_price=amount, amount=amount)
    CostEntry.objects.filter(pk=entry.pk).update(created_at=NOW)


def spent(campaign) -> Decimal:
    return CostEntry.objects.filter(campaign=campaign).aggregate(total=Sum("amount"))["total"] or Decimal(0)


@pg_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("budget", ["budget_total", "budget_daily"])
def test_ticks_at_once_with_calls_spending_never_pass_the_budget_by_more_than_a_cap(active_campaign, settings,
                                                                                   budget):
    settings.MEDIA_SLOTS_TOTAL = 100
    settings.DIAL_BATCH_MAX = 2  # each tick takes a few: the ticks of one round share the room out
    active_campaign.budget_per_call = CAP
    setattr(active_campaign, budget, BUDGET)
    active_campaign.max_concurrent_calls = 50
    active_campaign.save()
    for n in range(30):
        make_lead(active_campaign, f"+1212555{n:04d}")

    for _ in range(10):  # rounds: ticks on every worker at once, then the live calls spend and some end
        results = run_together(*[lambda: dial_tick(active_campaign.pk, now=NOW)] * WORKERS)
        live = list(Call.objects.filter(campaign=active_campaign, status__in=LIVE_CALL_STATUSES).order_by("id"))
        if not live and not any(result.calls for result in results):
            break
        for index, call in enumerate(live):
            so_far = CostEntry.objects.filter(call=call).aggregate(total=Sum("amount"))["total"] or Decimal(0)
            if index % 2 == 0 or so_far:  # half end now, having spent their whole cap (the worst case) ...
                spend(call, CAP - so_far)
                Call.objects.filter(pk=call.pk).update(status=CallStatus.COMPLETED)
            else:  # ... the others talk on into the next round's ticks, part of their cap spent
                spend(call, Decimal("0.04"))
        assert spent(active_campaign) <= BUDGET + CAP
    else:
        pytest.fail("the dialer never stopped")

    assert spent(active_campaign) <= BUDGET  # calls that keep to their cap never pass the budget at all
    assert spent(active_campaign) > BUDGET - CAP  # and the budget was used, not left idle
    assert Call.objects.filter(campaign=active_campaign).count() == 5
    assert (dial_tick(active_campaign.pk, now=NOW).reason) == "campaign budget exhausted"
