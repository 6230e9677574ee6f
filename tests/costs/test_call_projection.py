"""The cost the agent projects for its call a turn ahead (the per-call cap's wrap-up reads it every turn):
the ledger so far, the minutes the call will have used, and one more turn like the costliest so far."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.calls.models import Call, CallStatus
from apps.costs.models import CostEntry
from apps.costs.services import call_cost, prices_on, projected_call_cost, record_usage, unit_price
from apps.leads.models import LeadStatus
from tests.conftest import make_lead

Kind = CostEntry.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture
def call(campaign) -> Call:
    lead = make_lead(campaign, "+12125550134", status=LeadStatus.IN_CALL, attempts=1)
    return Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.IN_PROGRESS, provider="simulated",
                               answered_at=timezone.now() - dt.timedelta(seconds=30))


def usage(call, **units) -> list[CostEntry]:
    return record_usage(call.pk, units, campaign_id=call.campaign_id, prices=prices_on())


def test_a_turn_ahead_adds_the_minutes_to_come_and_the_costliest_turn_again(call):
    now = timezone.now()
    usage(call, stt=Decimal("2.5"))  # the hello
    usage(call, tts_local=120)  # the greeting
    usage(call, stt=Decimal("6.25"), llm=900)  # a long turn, reworded by the model
    usage(call, tts_premium=80)  # a short reply in the premium voice, still the dearest speech
    entries = list(CostEntry.objects.filter(call=call))
    minutes = 2 * unit_price(Kind.TELEPHONY, prices_on())  # 30 s gone and a turn (60 s) ahead: 2 started minutes
    dearest = {kind: max(e.amount for e in entries if e.kind == kind) for kind in (Kind.STT, Kind.LLM)}
    speech = max(e.amount for e in entries if e.kind in (Kind.TTS_LOCAL, Kind.TTS_PREMIUM))

    projected = projected_call_cost(call, now)

    assert projected == call_cost(call.pk) + minutes + dearest[Kind.STT] + dearest[Kind.LLM] + speech
    assert speech == Decimal("0.008000")  # 80 characters of ElevenLabs at $0.10 per 1,000


def test_once_the_call_has_ended_its_billed_minutes_replace_the_estimate(call):
    usage(call, stt=3, tts_local=200)
    CostEntry.objects.create(campaign=call.campaign, call=call, kind=Kind.TELEPHONY, units=1,
                             unit_price=Decimal("0.018"), amount=Decimal("0.018"))
    entries = list(CostEntry.objects.filter(call=call))
    next_turn = sum(e.amount for e in entries if e.kind in (Kind.STT, Kind.TTS_LOCAL))
    assert projected_call_cost(call, timezone.now() + dt.timedelta(minutes=5)) == call_cost(call.pk) + next_turn


def test_a_turns_usage_is_one_row_a_kind_priced_from_the_days_table(call):
    rows = usage(call, stt=Decimal("1.23456"), tts_local=0, tts_premium=57)
    assert [(e.kind, e.units) for e in rows] == [(Kind.STT, Decimal("1.2346")), (Kind.TTS_PREMIUM, 57)]
    assert all(e.amount == (e.units * e.unit_price).quantize(Decimal("0.000001")) for e in rows)
    assert call_cost(call.pk) == sum(e.amount for e in rows) == Decimal("0.005715")  # STT: $0.0000154; 57 × $0.0001
