"""Calls that go quiet are reconciled with the network, released or ended; no lead stays in a call."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.calls.dialing import place_call
from apps.calls.models import Call, CallStatus
from apps.calls.sweeper import sweep_stale_calls
from apps.integrations.telephony import telephony
from apps.leads.models import LeadStatus
from tests.conftest import make_lead


@pytest.fixture
def simulated(settings):
    settings.TELEPHONY_PROVIDER = "simulated"
    return telephony("simulated")


def stale_call(campaign, status, *, minutes_ago=10, provider_call_id="", lead_status=LeadStatus.IN_CALL, **fields):
    lead = make_lead(campaign, "+12125550111", status=lead_status, attempts=1)
    call = Call.objects.create(lead=lead, campaign=campaign, status=status, provider_call_id=provider_call_id,
                               provider="simulated" if provider_call_id else "", **fields)
    past = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Call.objects.filter(pk=call.pk).update(created_at=past, last_event_at=past, answered_at=past)
    return call


def test_a_call_that_never_reached_the_network_is_released_and_its_lead_called_again(active_campaign, simulated):
    call = stale_call(active_campaign, CallStatus.QUEUED, lead_status=LeadStatus.QUEUED)
    assert sweep_stale_calls()["released"] == 1
    call.refresh_from_db()
    assert (call.status, call.outcome) == (CallStatus.CANCELED, "not_placed")
    lead = call.lead
    lead.refresh_from_db()
    assert (lead.status, lead.attempts) == (LeadStatus.NEW, 0)  # the attempt is given back
    assert lead.next_attempt_at <= timezone.now()


def test_a_late_place_call_message_for_a_released_call_dials_nobody(active_campaign, simulated):
    call = stale_call(active_campaign, CallStatus.QUEUED, lead_status=LeadStatus.QUEUED)
    sweep_stale_calls()
    assert place_call(call.pk).startswith("skipped")
    assert simulated.find_call(call) is None


def test_a_call_placed_by_a_worker_that_died_before_saving_it_is_adopted(active_campaign, simulated):
    """The worker crashed after the network took the call but before we stored its id."""
    call = stale_call(active_campaign, CallStatus.DIALING)
    simulated.record_event("SIMdeadbeef", call.pk, "completed", 42)
    assert sweep_stale_calls()["reconciled"] == 1
    call.refresh_from_db()
    assert (call.status, call.provider_call_id, call.duration_seconds) == (CallStatus.COMPLETED, "SIMdeadbeef", 42)
    call.lead.refresh_from_db()
    assert call.lead.status == LeadStatus.CALLED


def test_a_call_whose_final_callback_was_lost_is_closed_from_the_networks_record(active_campaign, simulated):
    call = stale_call(active_campaign, CallStatus.RINGING, provider_call_id="SIMabc")
    simulated.record_event("SIMabc", call.pk, "no-answer", None)
    sweep_stale_calls()
    call.refresh_from_db()
    assert call.status == CallStatus.NO_ANSWER
    call.lead.refresh_from_db()
    assert call.lead.status == LeadStatus.CALLED and call.lead.next_attempt_at > timezone.now()


def test_a_call_the_network_has_forgotten_is_failed_and_rescheduled(active_campaign, simulated):
    call = stale_call(active_campaign, CallStatus.RINGING, provider_call_id="SIMgone")
    assert sweep_stale_calls()["lost"] == 1
    call.refresh_from_db()
    assert (call.status, call.outcome) == (CallStatus.FAILED, "lost")
    call.lead.refresh_from_db()
    expected = timezone.now() + dt.timedelta(minutes=active_campaign.retry_minutes["failed"])
    assert abs(call.lead.next_attempt_at - expected) < dt.timedelta(minutes=1)


def test_a_call_longer_than_allowed_is_hung_up(active_campaign, simulated, settings):
    settings.CALL_MAX_SECONDS = 60
    call = stale_call(active_campaign, CallStatus.IN_PROGRESS, provider_call_id="SIMlong")
    simulated.record_event("SIMlong", call.pk, "in-progress", None)
    assert sweep_stale_calls()["hung_up"] == 1
    assert simulated.find_call(call).status == "completed"
    call.refresh_from_db()
    assert call.status == CallStatus.COMPLETED and "too long" in call.error


def test_fresh_calls_are_left_alone(active_campaign, simulated):
    stale_call(active_campaign, CallStatus.RINGING, provider_call_id="SIMnew", minutes_ago=0)
    assert sweep_stale_calls() == {"reconciled": 0, "released": 0, "lost": 0, "hung_up": 0, "worker_lost": 0}
