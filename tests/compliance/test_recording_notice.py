"""Recording disclosure (issue 17.2): where every party must consent to a recording, or the state cannot be told,
the real agent's greeting says the call is recorded in the same sentence as the AI disclosure; elsewhere it does
not, unless the campaign says always; a campaign may instead not record those calls, and then keeps no audio."""
from __future__ import annotations

import pytest

from apps.calls.media import call_opening
from apps.campaigns.models import RecordingPolicy
from apps.compliance.recording import recording_decision
from apps.compliance.state_rules import states_of
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.media_server.agent.conversation import Conversation, start_call

pytestmark = pytest.mark.django_db(transaction=True)
NOTICE = "on a recorded line"


def lead_in(campaign, state: str, phone: str, zone: str):
    return make_lead(campaign, phone, time_zone=zone, state=state, status=LeadStatus.IN_CALL, attempts=1,
                     name="Dana Reyes")


def greeting_for(lead) -> str:
    return Conversation(start_call(lead)).greet()


def test_a_lead_in_an_all_party_consent_state_hears_the_call_is_recorded_with_the_ai_disclosure(active_campaign):
    california = lead_in(active_campaign, "CA", "+14155550142", "America/Los_Angeles")
    assert "CA" in states_of(california)
    greeting = greeting_for(california)
    first_sentence = greeting.split(". ")[0]
    assert "automated assistant" in first_sentence and NOTICE in first_sentence, greeting


def test_a_lead_who_talked_over_the_greeting_hears_the_ai_disclosure_and_the_notice_before_anything_else(
        active_campaign):
    talk = Conversation(start_call(lead_in(active_campaign, "CA", "+14155550144", "America/Los_Angeles")))
    talk.greet()
    reply = talk.say("yeah hi who is this", over="Hi Dana, this")
    first_sentence = reply.split(". ")[0]
    assert "automated assistant" in first_sentence and NOTICE in first_sentence, reply


def test_a_lead_in_a_one_party_state_hears_no_recording_notice_unless_the_campaign_says_always(active_campaign):
    texas = lead_in(active_campaign, "TX", "+12145550142", "America/Chicago")
    assert NOTICE not in greeting_for(texas)
    active_campaign.recording = RecordingPolicy.ALWAYS
    active_campaign.save()
    assert NOTICE in greeting_for(lead_in(active_campaign, "TX", "+12145550199", "America/Chicago"))


def test_a_lead_whose_state_cannot_be_told_hears_the_notice(active_campaign):
    unknown = make_lead(active_campaign, "+18005550142", time_zone="America/New_York", status=LeadStatus.IN_CALL,
                        attempts=1)  # toll-free, no address: every state may bind the call
    assert recording_decision(unknown, active_campaign).notice
    assert NOTICE in greeting_for(unknown)


def test_a_campaign_that_skips_those_calls_keeps_no_audio_and_says_nothing_of_recording(active_campaign):
    active_campaign.recording = RecordingPolicy.SKIP
    active_campaign.save()
    california = lead_in(active_campaign, "CA", "+14155550143", "America/Los_Angeles")
    texas = lead_in(active_campaign, "TX", "+12145550143", "America/Chicago")
    call = start_call(california)
    assert call_opening(call.pk).record is False  # the media worker keeps no recording of it
    assert NOTICE not in Conversation(call).greet()
    assert call_opening(start_call(texas).pk).record is True
