"""A campaign dials itself on real Celery workers through the simulated telephone network."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.calls.models import FINAL_CALL_STATUSES, Call, CallStatus
from apps.leads.eligibility import window_open_in
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.waiting import wait_for
from workers.dialer import dial_tick

# One of these is inside 08:00–21:00 local at any hour of the day.
PLACES = [("America/New_York", "+1212555{:04d}"), ("Europe/London", "+44207946{:04d}"),
          ("Australia/Sydney", "+612555{:05d}"), ("Asia/Tokyo", "+8135555{:04d}")]


def open_place(campaign):
    windows, now = campaign.windows_by_weekday(), timezone.now() + dt.timedelta(minutes=5)
    return next((zone, pattern) for zone, pattern in PLACES
                if window_open_in(zone, windows, timezone.now()) and window_open_in(zone, windows, now))


def test_a_tick_dials_through_the_simulated_network_and_schedules_retries(
        celery_worker, active_campaign, settings):
    settings.SIMULATED_TELEPHONY_SECONDS_PER_STEP = 0
    settings.MEDIA_SLOTS_TOTAL = 10
    zone, pattern = open_place(active_campaign)
    behaviours = ["answer", "busy", "no_answer", "voicemail", "invalid"]
    leads = {b: make_lead(active_campaign, pattern.format(100 + i), time_zone=zone, name=b,
                          due=timezone.now() - dt.timedelta(minutes=1), extra={"Simulated outcome": b})
             for i, b in enumerate(behaviours)}

    dial_tick.apply_async(args=[active_campaign.pk], queue="dialer")  # what beat sends
    wait_for(lambda: Call.objects.filter(status__in=FINAL_CALL_STATUSES).count() == len(behaviours))

    outcome = {b: Call.objects.get(lead=lead) for b, lead in leads.items()}
    assert outcome["answer"].status == CallStatus.COMPLETED and outcome["answer"].duration_seconds == 3
    assert outcome["busy"].status == CallStatus.BUSY
    assert outcome["no_answer"].status == CallStatus.NO_ANSWER
    assert outcome["voicemail"].status == CallStatus.VOICEMAIL
    assert (outcome["invalid"].status, outcome["invalid"].outcome) == (CallStatus.FAILED, "invalid_number")
    for lead in leads.values():
        lead.refresh_from_db()
    assert (leads["answer"].status, leads["answer"].next_attempt_at) == (LeadStatus.CALLED, None)
    assert leads["invalid"].status == LeadStatus.INVALID
    retry = active_campaign.retry_minutes
    for behaviour, key in [("busy", "busy"), ("no_answer", "no_answer"), ("voicemail", "voicemail")]:
        lead = leads[behaviour]
        wait = lead.next_attempt_at - lead.last_called_at
        assert dt.timedelta(minutes=retry[key]) - dt.timedelta(seconds=5) <= wait <= dt.timedelta(minutes=retry[key])
        assert (lead.status, lead.last_outcome, lead.attempts) == (LeadStatus.CALLED, behaviour, 1)
