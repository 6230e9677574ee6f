"""With the slot registry on, nobody is rung unless a live media worker can take the call."""
from __future__ import annotations

import pytest

from apps.calls.dialing import dial_tick, place_call
from apps.calls.lifecycle import finish_call
from apps.calls.models import Call, CallStatus
from apps.calls.slots import SlotRegistry
from apps.calls.sweeper import sweep_stale_calls
from apps.leads.models import LeadStatus
from tests.conftest import WEEKDAY_MORNING_ET, make_lead


@pytest.fixture
def registry(settings):
    settings.MEDIA_SLOT_REGISTRY = True
    settings.TELEPHONY_PROVIDER = "simulated"
    settings.SIMULATED_TELEPHONY_SECONDS_PER_STEP = 3600  # no progress events during the test
    registry = SlotRegistry()
    for key in registry.redis.keys("media:*"):
        registry.redis.delete(key)
    yield registry
    for key in registry.redis.keys("media:*"):
        registry.redis.delete(key)


def queued_call(campaign, phone="+12125550199"):
    lead = make_lead(campaign, phone, status=LeadStatus.QUEUED, attempts=1)
    return Call.objects.create(lead=lead, campaign=campaign)


def test_without_a_live_worker_the_call_is_not_placed_and_the_lead_keeps_its_attempt(active_campaign, registry):
    call = queued_call(active_campaign)
    assert place_call(call.pk).startswith("released")
    call.refresh_from_db()
    call.lead.refresh_from_db()
    assert (call.status, call.outcome) == (CallStatus.CANCELED, "not_placed")
    assert (call.lead.status, call.lead.attempts) == (LeadStatus.NEW, 0)


def test_a_placed_call_holds_a_slot_until_it_ends(active_campaign, registry):
    registry.register("w1", 1, "cpu", "media-worker.w1")
    call = queued_call(active_campaign)
    assert place_call(call.pk) == "placed"
    assert registry.worker_for(call.pk) == "w1" and registry.free_slots() == 0
    finish_call(call.pk, CallStatus.COMPLETED)
    assert registry.worker_for(call.pk) is None and registry.free_slots() == 1


def test_the_dial_tick_counts_the_registrys_free_slots(active_campaign, registry):
    registry.register("w1", 2, "cpu", "media-worker.w1")
    for i in range(4):
        make_lead(active_campaign, f"+1212555{i:04d}")
    assert len(dial_tick(active_campaign.pk, now=WEEKDAY_MORNING_ET).calls) == 2


def test_calls_on_a_worker_that_died_are_failed_and_their_leads_rescheduled(active_campaign, registry):
    registry.register("w1", 2, "cpu", "media-worker.w1")
    call = queued_call(active_campaign)
    place_call(call.pk)
    registry.redis.delete("media:worker:w1:alive")  # the heartbeat stops
    assert sweep_stale_calls()["worker_lost"] == 1
    call.refresh_from_db()
    call.lead.refresh_from_db()
    assert call.status == CallStatus.FAILED and "media worker w1 died" in call.error
    assert call.lead.status == LeadStatus.CALLED and call.lead.next_attempt_at is not None
