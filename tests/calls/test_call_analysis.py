"""After a call: summary, disposition and final score on the Call, carried to the Lead (postcall queue)."""
from __future__ import annotations

import datetime as dt

import pytest

from apps.calls.analytics import analyse_call
from apps.calls.lifecycle import finish_call
from apps.calls.models import Appointment, Call, CallStatus
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.waiting import wait_for

ANSWERED = dt.datetime(2026, 11, 25, 16, 30, tzinfo=dt.UTC)


def fact(name, value, words=""):
    return {"name": name, "value": value, "words": words}


def talked_call(lead, **fields) -> Call:
    return Call.objects.create(lead=lead, campaign=lead.campaign, status=CallStatus.IN_PROGRESS, answered_at=ANSWERED,
                               **fields)


HOT_FACTS = {"intent": fact("buy", "buy", "looking to buy"), "location": fact("location", "Oak Park"),
             "timeline": fact("timeline", 3, "in three months"), "budget": fact("budget", 450000, "four fifty"),
             "preapproved": fact("preapproved", "yes"), "has_agent": fact("has_agent", False)}


@pytest.mark.django_db
def test_a_qualified_call_gets_a_summary_and_its_lead_goes_to_the_team(campaign):
    lead = make_lead(campaign, "+13125550100")
    call = talked_call(lead, facts=HOT_FACTS, objections={"price_worry": 1})
    lead.status = LeadStatus.CALLED
    lead.save()
    result = analyse_call(call.pk)
    call.refresh_from_db()
    lead.refresh_from_db()
    assert result["band"] == "hot" and call.disposition == "qualified"
    assert "budget $450,000" in call.summary and "moving in 3 months" in call.summary
    assert "price worry" in call.summary
    assert lead.status == LeadStatus.QUALIFIED and lead.next_attempt_at is None
    assert lead.score == call.score and lead.facts["budget"]["value"] == 450000


@pytest.mark.django_db
def test_the_appointment_and_the_callback_are_written_back(campaign):
    lead = make_lead(campaign, "+13125550101")
    call = talked_call(lead, facts=HOT_FACTS)
    Appointment.objects.create(lead=lead, call=call, starts_at=ANSWERED + dt.timedelta(days=1),
                               ends_at=ANSWERED + dt.timedelta(days=1, minutes=30))
    analyse_call(call.pk)
    call.refresh_from_db()
    assert call.disposition == "appointment" and "Appointment booked" in call.summary

    other = make_lead(campaign, "+13125550102")
    callback = ANSWERED + dt.timedelta(days=2)
    call = talked_call(other, facts={"intent": fact("intent", "sell")}, disposition="callback", callback_at=callback)
    analyse_call(call.pk)
    other.refresh_from_db()
    assert other.callback_at == callback
    call.refresh_from_db()
    assert call.disposition == "callback" and "called back" in call.summary



@pytest.mark.django_db
def test_the_summary_gives_times_on_the_leads_clock_not_utc(campaign):
    lead = make_lead(campaign, "+13125550106", time_zone="America/Los_Angeles")
    call = talked_call(lead, facts={"intent": fact("intent", "sell")}, disposition="callback",
                       callback_at=dt.datetime(2026, 3, 12, 21, 30, tzinfo=dt.UTC))
    analyse_call(call.pk)
    call.refresh_from_db()
    assert "Asked to be called back at Thu 12 Mar 2:30 PM PDT." in call.summary and "21:30" not in call.summary

    other = make_lead(campaign, "+13125550107", time_zone="America/Los_Angeles")
    booked = talked_call(other, facts=HOT_FACTS)
    starts = dt.datetime(2026, 3, 13, 17, 0, tzinfo=dt.UTC)
    Appointment.objects.create(lead=other, call=booked, starts_at=starts, ends_at=starts + dt.timedelta(minutes=30),
                               lead_time_zone="America/Los_Angeles")
    analyse_call(booked.pk)
    booked.refresh_from_db()
    assert "Appointment booked for Fri 13 Mar 10 AM PDT." in booked.summary

@pytest.mark.django_db
def test_a_call_nobody_answered_keeps_its_telephone_outcome(campaign):
    lead = make_lead(campaign, "+13125550103")
    call = Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.NO_ANSWER, outcome="no_answer")
    analyse_call(call.pk)
    call.refresh_from_db()
    assert call.disposition == "no_answer" and call.summary == "" and call.score is None


@pytest.mark.django_db
def test_analysing_twice_gives_the_same_result(campaign):
    lead = make_lead(campaign, "+13125550104")
    call = talked_call(lead, facts=HOT_FACTS)
    first = analyse_call(call.pk)
    assert analyse_call(call.pk) == first


@pytest.mark.celery_worker
def test_a_finished_call_is_analysed_on_the_postcall_queue(celery_worker, campaign):
    lead = make_lead(campaign, "+13125550105")
    call = talked_call(lead, facts=HOT_FACTS)
    finish_call(call.pk, CallStatus.COMPLETED)

    def analysed() -> str:
        call.refresh_from_db()
        return call.summary

    wait_for(analysed, timeout=20, what="the call's analysis")
    assert "budget $450,000" in call.summary and call.score_band == "hot"
