"""A callback is promised for when the dialer will call: the campaign's window for that weekday (a day it does not
call on is skipped), in every zone the lead may be in — the rules `why_not_callable` dials by."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.calls.models import Call, CallStatus
from apps.leads.eligibility import DialContext, outside_window_reason, why_not_callable
from tests.conftest import make_lead
from tests.media_server.agent.conversation import Conversation

pytestmark = pytest.mark.django_db(transaction=True)

CHICAGO = ZoneInfo("America/Chicago")
SATURDAY_AFTERNOON = dt.datetime(2026, 11, 28, 14, 0, tzinfo=CHICAGO)
SATURDAY_LATE = dt.datetime(2026, 11, 28, 20, 50, tzinfo=CHICAGO)
MONDAY_MORNING = dt.datetime(2026, 11, 30, 8, 0, tzinfo=CHICAGO)


@pytest.fixture
def closed_on_sundays(active_campaign):
    active_campaign.weekday_windows = {"sun": None}
    active_campaign.save()
    return active_campaign


def ask_for_a_callback(campaign, now: dt.datetime, words: str, phone: str = "+13125550142"):
    """The lead, in Chicago, answers the greeting by asking to be called back; returns the lead and the reply."""
    lead = make_lead(campaign, phone, time_zone="America/Chicago", name="Dana Whitfield")
    call = Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.IN_PROGRESS, provider="simulated",
                               answered_at=now)
    talk = Conversation(call, now=now.astimezone(dt.UTC))
    talk.greet()
    reply = talk.say(words)
    lead.refresh_from_db()
    talk.call.refresh_from_db()
    assert talk.hangup and talk.call.disposition == "callback" and talk.call.objections == {"busy": 1}, reply
    assert talk.call.callback_at == lead.next_attempt_at == lead.callback_at
    return lead, reply


def assert_the_dialer_calls_first_at(lead, campaign, asked: dt.datetime, promised: dt.datetime) -> None:
    windows = campaign.windows_by_weekday()
    assert why_not_callable(lead, campaign, promised, DialContext()) is None
    moment = asked
    while moment < promised:  # every quarter hour from the time asked for, the window is shut
        assert outside_window_reason(lead, windows, moment), moment
        moment += dt.timedelta(minutes=15)


@pytest.mark.parametrize(("now", "words", "asked"), [
    (SATURDAY_AFTERNOON, "I'm busy, can you call me back sunday at 10", dt.datetime(2026, 11, 29, 10, tzinfo=CHICAGO)),
    (SATURDAY_LATE, "I'm driving, call me back in 20 minutes", dt.datetime(2026, 11, 28, 21, 10, tzinfo=CHICAGO)),
], ids=["sunday at 10", "saturday after the window closes"])
def test_a_campaign_closed_on_sundays_never_promises_a_sunday_callback(closed_on_sundays, now, words, asked):
    lead, reply = ask_for_a_callback(closed_on_sundays, now, words)

    assert lead.next_attempt_at == MONDAY_MORNING
    assert "Monday, November 30th at 8 AM" in reply
    assert_the_dialer_calls_first_at(lead, closed_on_sundays, asked, MONDAY_MORNING)


def test_a_callback_asked_for_in_open_hours_is_promised_as_asked(closed_on_sundays):
    lead, reply = ask_for_a_callback(closed_on_sundays, SATURDAY_AFTERNOON, "can you call me back at 5 today")

    assert lead.next_attempt_at == dt.datetime(2026, 11, 28, 17, 0, tzinfo=CHICAGO)
    assert "today at 5 PM" in reply


def test_a_number_in_another_zone_is_called_back_when_it_is_calling_time_there_too(active_campaign):
    # A Chicago lead with a New York number: at 8:30 PM in Chicago it is 9:30 PM in New York, past calling hours.
    lead, reply = ask_for_a_callback(active_campaign, SATURDAY_AFTERNOON, "I'm busy, call me back at 8:30 tonight",
                                     phone="+12125550142")

    sunday_morning = dt.datetime(2026, 11, 29, 8, 0, tzinfo=CHICAGO)  # 9 AM in New York
    assert lead.next_attempt_at == sunday_morning and "tomorrow at 8 AM" in reply
    assert_the_dialer_calls_first_at(lead, active_campaign, dt.datetime(2026, 11, 28, 20, 30, tzinfo=CHICAGO),
                                     sunday_morning)


def test_next_month_said_in_december_is_not_new_years_morning(active_campaign):
    """The window 'next month' opens on 1 January at the campaign's first minute; nobody wants that call."""
    now = dt.datetime(2026, 12, 3, 14, 0, tzinfo=CHICAGO)
    lead = make_lead(active_campaign, "+13125550142", time_zone="America/Chicago", name="Rita King")
    call = Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS,
                               provider="simulated", answered_at=now)
    talk = Conversation(call, now=now.astimezone(dt.UTC))
    talk.greet()
    talk.say("I'm busy right now, please call me back next month")
    talk.say("next month please")
    lead.refresh_from_db()
    assert talk.hangup and lead.callback_at is not None
    promised = lead.callback_at.astimezone(CHICAGO)
    assert promised.date() == dt.date(2027, 1, 2) and promised.time() >= dt.time(10)
    assert why_not_callable(lead, active_campaign, promised, DialContext()) is None
