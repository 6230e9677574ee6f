"""The agent asks, each turn, who answered and whether the cost cap is reached (DjangoCallDomain.call_now):
machine detection's verdict is read from the database until there is one, then kept (it is written once); the
cost ledger is read every turn."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.calls.conversation import DjangoCallDomain
from apps.calls.models import Call
from apps.costs.models import CostEntry
from tests.conftest import make_lead
from tests.media_server.agent.conversation import NOW, start_call


def test_a_verdict_that_comes_late_is_heard_and_then_kept_without_asking_again(campaign, django_assert_num_queries):
    call = start_call(make_lead(campaign, "+13125550171"))
    domain = DjangoCallDomain()
    now = NOW + dt.timedelta(seconds=20)  # (the call was answered at NOW)
    assert domain.call_now(call.pk, now) == ("", False)  # no verdict yet
    Call.objects.filter(pk=call.pk).update(answered_by="machine_end_beep")  # Twilio's AMD callback, mid-call
    assert domain.call_now(call.pk, now) == ("machine_end_beep", False)
    with django_assert_num_queries(2):  # the cost ledger and the day's prices, nothing of the call
        assert domain.call_now(call.pk, now) == ("machine_end_beep", False)


def test_the_cost_cap_is_still_checked_every_turn_once_the_verdict_is_kept(campaign):
    campaign.budget_per_call = Decimal("0.50")
    campaign.save(update_fields=["budget_per_call"])
    call = start_call(make_lead(campaign, "+13125550172"))
    Call.objects.filter(pk=call.pk).update(answered_by="human", answered_at=timezone.now())
    domain = DjangoCallDomain()
    now = timezone.now()
    assert domain.call_now(call.pk, now) == ("human", False)
    CostEntry.objects.create(campaign=campaign, call=call, kind=CostEntry.Kind.LLM, units=1, unit_price=Decimal("0.60"),
                             amount=Decimal("0.60"))
    assert domain.call_now(call.pk, now + dt.timedelta(seconds=5)) == ("human", True)  # the ledger is read anew
