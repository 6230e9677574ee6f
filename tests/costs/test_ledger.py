"""The cost ledger: priced from the price table as usage happens, totals that reconcile, Twilio's billed price."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.calls.dialing import place_call
from apps.calls.lifecycle import finish_call
from apps.calls.models import Call, CallStatus
from apps.costs.models import CostEntry, PriceTable
from apps.costs.services import call_cost, prices_on, record_cost, unit_price
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.integrations.test_twilio_telephony import twilio  # noqa: F401 (the fake Twilio fixture)
from workers.postcall import reconcile_call_price

Kind = CostEntry.Kind
pytestmark = pytest.mark.django_db


def answered_call(campaign, phone="+12125550134", provider="simulated", seconds=61) -> Call:
    lead = make_lead(campaign, phone, status=LeadStatus.IN_CALL, attempts=1)
    answered = timezone.now() - dt.timedelta(seconds=seconds)
    return Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.IN_PROGRESS, provider=provider,
                               answered_at=answered)


def test_the_default_prices_are_in_the_table_from_the_start():
    prices = prices_on(dt.date(2026, 11, 25))
    assert prices.pk is not None and prices.telephony_per_minute == Decimal("0.0140")


def test_a_newer_price_row_applies_from_its_date_on():
    PriceTable.objects.create(effective_from=dt.date(2026, 12, 1), telephony_per_minute=Decimal("0.0200"))
    assert prices_on(dt.date(2026, 11, 30)).telephony_per_minute == Decimal("0.0140")
    assert prices_on(dt.date(2026, 12, 1)).telephony_per_minute == Decimal("0.0200")


def test_local_model_prices_come_from_compute_price_and_throughput():
    prices = PriceTable(effective_from=dt.date(2026, 1, 1), compute_per_hour=Decimal("3.60"),
                        stt_compute_seconds_per_audio_second=Decimal("0.05"))
    assert unit_price(Kind.STT, prices) == Decimal("0.00005")  # $3.60/h = $0.001/s, × 0.05 s per audio second


def test_an_ended_call_is_charged_per_started_minute_once(campaign):
    call = answered_call(campaign, seconds=61)
    finish_call(call.pk, CallStatus.COMPLETED, duration=61)
    finish_call(call.pk, CallStatus.COMPLETED, duration=61)  # a replayed end
    [entry] = CostEntry.objects.filter(call=call)
    assert (entry.kind, entry.units, entry.is_estimate) == (Kind.TELEPHONY, 2, True)
    assert entry.amount == Decimal("0.036000")  # 2 × ($0.014 + $0.004 for the media stream)


def test_a_call_that_never_connected_costs_nothing(campaign):
    lead = make_lead(campaign, "+12125550135", status=LeadStatus.IN_CALL, attempts=1)
    call = Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.RINGING, provider="simulated")
    finish_call(call.pk, CallStatus.NO_ANSWER)
    assert not CostEntry.objects.filter(call=call).exists()


def test_totals_reconcile_with_the_rows(campaign):
    call = answered_call(campaign)
    record_cost(call.pk, Kind.STT, 42.5)
    record_cost(call.pk, Kind.TTS_LOCAL, 380)
    record_cost(call.pk, Kind.LLM, 1200)
    record_cost(call.pk, Kind.TTS_PREMIUM, 0)  # nothing for nothing
    entries = list(CostEntry.objects.filter(call=call))
    assert len(entries) == 3
    assert call_cost(call.pk) == sum(e.amount for e in entries)
    assert all(e.amount == (e.units * e.unit_price).quantize(Decimal("0.000001")) for e in entries)
    assert all(e.amount > 0 for e in entries)  # a local model's fractions of a cent still count


def test_twilios_billed_price_replaces_the_estimate(twilio, active_campaign, settings):  # noqa: F811
    settings.CELERY_TASK_ALWAYS_EAGER = False
    lead = make_lead(active_campaign, "+12125550134", status=LeadStatus.QUEUED, attempts=1)
    call = Call.objects.create(lead=lead, campaign=active_campaign, attempt=1)
    assert place_call(call.pk) == "placed"
    call.refresh_from_db()
    twilio.advance(call.provider_call_id, "completed", duration=125, answered_by="human")
    Call.objects.filter(pk=call.pk).update(answered_at=timezone.now() - dt.timedelta(seconds=125))
    finish_call(call.pk, CallStatus.COMPLETED, duration=125)
    estimate = CostEntry.objects.get(call=call, kind=Kind.TELEPHONY)
    assert estimate.is_estimate and estimate.units == 3
    assert CostEntry.objects.get(call=call, kind=Kind.AMD).amount == Decimal("0.007500")

    assert reconcile_call_price.apply(args=[call.pk]).get() == "reconciled"
    billed = CostEntry.objects.get(call=call, kind=Kind.TELEPHONY)
    assert (billed.amount, billed.is_estimate) == (Decimal("0.042000"), False)  # Twilio's "-0.04200"
    fetched = twilio.requests_to("GET", f"/Calls/{call.provider_call_id}.json")
    assert fetched and fetched[-1].status == 200
    assert reconcile_call_price.apply(args=[call.pk]).get() == "already reconciled"
