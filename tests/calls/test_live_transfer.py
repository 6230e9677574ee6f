"""Live transfer to a human agent: the agent puts a lead who asks for a person (or a hot lead who says yes) through
to whoever is taking transfers now; the human hears a summary and presses 1; nobody free, or nobody taking it,
brings a meeting instead. The agent is the real one on the database; the telephone side is the real twilio client
against the local Twilio at the wire, and Twilio's webhooks to us are signed as Twilio signs them."""
from __future__ import annotations

import asyncio
import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from pipecat.audio.dtmf.types import KeypadEntry
from pipecat.frames.frames import InputDTMFFrame, TTSSpeakFrame, TTSTextFrame
from twilio.request_validator import RequestValidator

from apps.calls import transfers
from apps.calls.lifecycle import finish_call
from apps.calls.models import AgentTransition, Call, CallStatus, HumanAgent, Transfer, TransferLeg, WorkingHours
from apps.calls.sweeper import sweep_stale_calls
from apps.costs.models import CostEntry
from apps.integrations.telephony.base import _provider
from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from media_server.agent.interface import CallContext, Say
from media_server.agent.interface import Transfer as TransferTo
from media_server.pipeline.dialogue import AgentReplies
from media_server.pipeline.frames import LeadTranscriptFrame, ReplyFinishedFrame
from media_server.pipeline.records import CallRecords
from tests.conftest import make_lead
from tests.integrations.fake_twilio import running_fake_twilio, status_callback
from tests.media_server.agent.conversation import NOW, Conversation, add_human_agents, start_call
from tests.media_server.pipeline.harness import Running
from tests.waiting import until

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT_SID = "AC" + "3f1c9e2a7b6d4e8f9a0b1c2d3e4f5a6b"
AUTH_TOKEN = "9c2b7e41d0a35f8e6b1c4d7a2e9f0b3c"
FROM, PUBLIC = "+15005550006", "https://calls.example.com"
LEAD_PHONE, JORDAN_PHONE, SAM_PHONE = "+13125550142", "+12125550111", "+13105550122"


# --- the agent: who is put through, and what happens when nobody can take it --------------------------------

@pytest.fixture
def humans(campaign):
    jordan, sam = add_human_agents(campaign)  # Jordan works 9-17 in New York: at NOW (11:30 there) he is at work
    HumanAgent.objects.filter(pk=jordan.pk).update(phone=JORDAN_PHONE, takes_transfers=True)
    HumanAgent.objects.filter(pk=sam.pk).update(phone=SAM_PHONE, takes_transfers=True)
    return HumanAgent.objects.get(pk=jordan.pk), HumanAgent.objects.get(pk=sam.pk)


@pytest.fixture
def lead(campaign):
    return make_lead(campaign, LEAD_PHONE, time_zone="America/Chicago", name="Dana Whitfield")


def talk_to(lead) -> Conversation:
    conversation = Conversation(start_call(lead))
    conversation.greet()
    return conversation


def test_a_lead_who_asks_for_a_person_is_put_through_to_whoever_is_at_work(humans, lead):
    talk = talk_to(lead)
    reply = talk.say("Can I just talk to a real person please?")
    # Sam works 10-18 in Los Angeles (8:30 there): not yet at work; Jordan is.
    assert "Jordan Lee" in reply and ("hold" in reply.lower() or "one moment" in reply.lower())
    assert talk.transfers == [("asked", "Jordan Lee")]
    assert Call.objects.get(pk=talk.call.pk).disposition == "transferred"


def test_a_lead_who_talks_over_connecting_you_is_still_put_through(humans, lead):
    """The lead goes on talking over "one moment, connecting you": the reply and the put-through with it are cut, so
    the lead is not on hold; their next words, whatever they are, find the transfer made, not forgotten."""
    talk = talk_to(lead)
    talk.cut("I'd rather speak with a real person, can you put me through?")
    assert talk.transfers == []  # cut before the pipeline held them
    reply = talk.say("hello? are you still there")
    assert "Jordan Lee" in reply and talk.transfers == [("asked", "Jordan Lee")]
    assert Call.objects.get(pk=talk.call.pk).disposition == "transferred"


def test_nobody_taking_transfers_means_a_meeting_is_offered_instead(campaign, lead):
    add_human_agents(campaign)  # working, but nobody has switched transfers on
    talk = talk_to(lead)
    reply = talk.say("could you put me through to someone")
    assert talk.transfers == []
    assert "right now" in reply or "this minute" in reply
    assert "Which" in reply or "work" in reply  # two free times offered
    talk.say("the first one works")
    assert talk.hangup and talk.call.appointments.count() == 1  # a time offered, picked: booked
    assert Transfer.objects.get(call=talk.call).status == "unavailable"  # staff see that the lead asked


def test_a_campaign_that_never_transfers_answers_as_before(campaign, humans, lead):
    campaign.transfer_policy = "never"
    campaign.save()
    talk = talk_to(lead)
    reply = talk.say("can I talk to a real person")
    assert talk.transfers == [] and "AI" in reply


def test_a_person_off_work_or_on_another_transfer_is_not_rung(humans, lead, campaign):
    jordan, sam = humans
    HumanAgent.objects.filter(pk=sam.pk).update(takes_transfers=False)
    other = start_call(make_lead(campaign, "+13125550177"))
    busy = Transfer.objects.create(call=other, reason="asked", requested_at=NOW)
    TransferLeg.objects.create(transfer=busy, human=jordan, status=TransferLeg.Status.RINGING)
    talk = talk_to(lead)
    talk.say("I'd rather speak with a real agent")
    assert talk.transfers == []


def test_a_hot_lead_is_offered_a_person_now_and_put_through_on_yes(campaign, humans, lead):
    campaign.transfer_policy = "hot_or_request"
    campaign.save()
    talk = talk_to(lead)
    for line in ("yeah sure I have a minute", "we're looking to buy", "somewhere around Oak Park",
                 "in about three months", "four fifty", "yes we're pre-approved", "we're relocating for work"):
        talk.say(line)
    offer = talk.say("no we don't have an agent")
    assert "Jordan Lee" in offer and "?" in offer and talk.transfers == []
    talk.say("yes please")
    assert talk.transfers == [("hot", "Jordan Lee")]


def test_a_hot_lead_who_would_rather_book_gets_the_meeting(campaign, humans, lead):
    campaign.transfer_policy = "hot_or_request"
    campaign.save()
    talk = talk_to(lead)
    for line in ("sure", "buy", "Oak Park", "three months", "four fifty", "yes pre-approved", "work move",
                 "no agent"):
        talk.say(line)
    reply = talk.say("no thanks, let's just set up a time")
    assert talk.transfers == [] and ("Which" in reply or "work" in reply)


def test_when_nobody_takes_the_call_the_agent_comes_back_and_books(humans, lead):
    talk = talk_to(lead)
    talk.say("can I speak to a real person")
    back = talk.say(event="transfer_returned")
    assert "Jordan Lee" in back and ("couldn't" in back)
    assert "Which" in back or "work" in back
    booked = talk.say("the first one")
    assert "booked" in booked or "all set" in booked
    call = Call.objects.get(pk=talk.call.pk)
    assert call.disposition == "appointment" and call.appointments.count() == 1


# --- the telephone side, at the wire ----------------------------------------------------------------------------

@pytest.fixture
def twilio(no_proxy, settings):
    with running_fake_twilio(ACCOUNT_SID, AUTH_TOKEN, numbers={FROM}) as fake:
        settings.TELEPHONY_PROVIDER = "twilio"
        settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
        settings.TWILIO_FROM_NUMBER, settings.TWILIO_API_BASE_URL = FROM, fake.base_url
        settings.TWILIO_TIMEOUT_SECONDS, settings.PUBLIC_BASE_URL = 2, PUBLIC
        settings.TWILIO_CALLBACK_MAX_AGE_SECONDS = 3600
        settings.TWILIO_RECORD_CALLS = False
        _provider.cache_clear()
        yield fake
        _provider.cache_clear()


@pytest.fixture
def live_call(twilio, lead) -> Call:
    """A Twilio call in progress with the agent, its lead qualified as a hot buyer."""
    placed = twilio.add_call(LEAD_PHONE, FROM, status="in-progress")
    return Call.objects.create(
        lead=lead, campaign=lead.campaign, status=CallStatus.IN_PROGRESS, provider="twilio",
        provider_call_id=placed.sid, answered_at=NOW, score=82, score_band="hot",
        facts={"intent": {"value": "buy"}, "location": {"value": "Oak Park"}, "budget": {"value": 450000},
               "timeline": {"value": 3}, "preapproved": {"value": "yes"}})


@pytest.fixture
def at_work(humans):
    """Both humans at work whenever the test runs (no working hours: the switch alone decides)."""
    WorkingHours.objects.all().delete()
    return humans


def post(client, name: str, leg_id: int, form: dict, token: str = AUTH_TOKEN):
    path = reverse(name, args=[leg_id])
    signature = RequestValidator(token).compute_signature(PUBLIC + path, form)
    return client.post(path, urlencode(form), content_type="application/x-www-form-urlencoded",
                       headers={"X-Twilio-Signature": signature})


def leg_form(leg: TransferLeg, **fields) -> dict:
    return {"AccountSid": ACCOUNT_SID, "CallSid": leg.provider_call_id, "From": FROM, "To": leg.human.phone,
            "CallStatus": "in-progress", "Direction": "outbound-api", **fields}


def leg_status(client, leg: TransferLeg, status: str, **fields):
    form = status_callback(ACCOUNT_SID, leg.provider_call_id, status, to=leg.human.phone, from_=FROM, **fields)
    return post(client, "twilio-transfer-status", leg.pk, form)


def twiml(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 (the TwiML our own view answered)


def only_leg(transfer_id: int, position: int = 1) -> TransferLeg:
    return TransferLeg.objects.select_related("human").get(transfer_id=transfer_id, position=position)


def test_the_human_hears_the_summary_presses_1_and_the_lead_joins_them(client, twilio, at_work, live_call):
    endpoint = WebhookEndpoint.objects.create(url="https://crm.example.com/hooks", events=["call.transferred"])
    started = transfers.request_transfer(live_call.pk, "asked")
    assert started and started.human == "Jordan Lee"
    leg = only_leg(started.transfer_id)
    ring = twilio.create_requests[-1]
    assert ring.value("To") == JORDAN_PHONE and ring.value("From") == FROM and ring.value("Timeout") == "20"
    assert ring.value("Url") == PUBLIC + reverse("twilio-transfer-whisper", args=[leg.pk])
    assert ring.value("StatusCallback") == PUBLIC + reverse("twilio-transfer-status", args=[leg.pk])
    assert leg.provider_call_id == twilio.calls[leg.provider_call_id].sid

    whisper = post(client, "twilio-transfer-whisper", leg.pk, leg_form(leg))
    gather = twiml(whisper).find("Gather")
    said = gather.find("Say").text
    assert "Dana Whitfield wants to buy a home in Oak Park" in said and "450 thousand" in said
    assert "Press 1" in said and gather.get("numDigits") == "1"
    assert gather.get("action") == PUBLIC + reverse("twilio-transfer-answer", args=[leg.pk])

    joined = post(client, "twilio-transfer-answer", leg.pk, leg_form(leg, Digits="1"))
    room = twiml(joined).find("Dial/Conference")
    transfer = Transfer.objects.get(pk=started.transfer_id)
    assert room.text == transfer.conference and room.get("endConferenceOnExit") == "true"
    moved = twilio.requests_to("POST", f"/Calls/{live_call.provider_call_id}.json")[-1]
    assert f">{transfer.conference}</Conference>" in moved.value("Twiml")  # the lead leaves the AI for the room
    assert transfer.status == "connected" and transfer.human.name == "Jordan Lee" and transfer.wait_ms is not None
    note = AgentTransition.objects.filter(call=live_call).last()
    assert note.to_agent == "human: Jordan Lee" and "live transfer" in note.reason
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event="call.transferred")
    assert delivery.payload["data"]["transfer"]["human"] == "Jordan Lee"

    leg_status(client, leg, "completed", duration=130)
    assert CostEntry.objects.get(call=live_call, kind=CostEntry.Kind.TRANSFER).units == 3  # started minutes


def test_a_human_who_passes_hands_the_lead_to_the_next_and_then_back_to_the_ai(client, twilio, at_work, live_call):
    started = transfers.request_transfer(live_call.pk, "hot")
    first = only_leg(started.transfer_id)
    post(client, "twilio-transfer-whisper", first.pk, leg_form(first))
    passed = post(client, "twilio-transfer-answer", first.pk, leg_form(first, Digits="2"))
    assert twiml(passed).find("Hangup") is not None
    second = only_leg(started.transfer_id, 2)
    assert second.human.name == "Sam Rivera" and twilio.create_requests[-1].value("To") == SAM_PHONE
    assert transfers.transfer_status(started.transfer_id) == "waiting"

    leg_status(client, second, "no-answer")  # Sam's phone rang out: no one else is tried (two at most)
    transfer = Transfer.objects.get(pk=started.transfer_id)
    assert transfer.status == "returned" and transfer.wait_ms is not None
    assert [leg.status for leg in transfer.legs.all()] == ["declined", "no_answer"]
    assert not twilio.requests_to("POST", f"/Calls/{live_call.provider_call_id}.json")  # the lead stays with the AI


def test_no_key_within_the_time_counts_as_passing(client, twilio, at_work, live_call):
    started = transfers.request_transfer(live_call.pk, "asked")
    leg = only_leg(started.transfer_id)
    post(client, "twilio-transfer-whisper", leg.pk, leg_form(leg))
    post(client, "twilio-transfer-answer", leg.pk, leg_form(leg, Digits=""))  # Gather's actionOnEmptyResult
    assert only_leg(started.transfer_id).status == "declined"


def test_a_lead_who_hangs_up_on_hold_calls_the_human_off(twilio, at_work, live_call):
    started = transfers.request_transfer(live_call.pk, "asked")
    leg = only_leg(started.transfer_id)
    finish_call(live_call.pk, CallStatus.COMPLETED)
    assert transfers.transfer_status(started.transfer_id) == "lead_left"
    assert only_leg(started.transfer_id).status == "canceled"
    hang_up = twilio.requests_to("POST", f"/Calls/{leg.provider_call_id}.json")[-1]
    assert hang_up.value("Status") == "completed"


def test_a_late_press_after_the_hold_ended_reaches_nobody(client, twilio, at_work, live_call):
    started = transfers.request_transfer(live_call.pk, "asked")
    leg = only_leg(started.transfer_id)
    post(client, "twilio-transfer-whisper", leg.pk, leg_form(leg))
    assert transfers.end_hold(started.transfer_id) == "returned"  # the media worker stopped holding
    late = post(client, "twilio-transfer-answer", leg.pk, leg_form(leg, Digits="1"))
    assert "no longer waiting" in late.content.decode()
    assert not twilio.requests_to("POST", f"/Calls/{live_call.provider_call_id}.json")


def test_nobody_free_is_known_before_anyone_is_rung(twilio, humans, live_call):
    HumanAgent.objects.update(takes_transfers=False)
    assert transfers.request_transfer(live_call.pk, "asked") is None
    assert Transfer.objects.get(call=live_call).status == "unavailable" and not twilio.create_requests


def test_forged_transfer_webhooks_are_refused(client, twilio, at_work, live_call):
    started = transfers.request_transfer(live_call.pk, "asked")
    leg = only_leg(started.transfer_id)
    forged = post(client, "twilio-transfer-answer", leg.pk, leg_form(leg, Digits="1"), token="not-the-token")
    assert forged.status_code == 403
    other_sid = post(client, "twilio-transfer-whisper", leg.pk, {**leg_form(leg), "CallSid": "CA" + "0" * 32})
    assert other_sid.status_code == 404
    assert transfers.transfer_status(started.transfer_id) == "waiting"


def test_the_sweeper_leaves_a_lead_talking_with_a_person_past_the_ais_time_limit(twilio, at_work, live_call):
    started = transfers.request_transfer(live_call.pk, "asked")
    Transfer.objects.filter(pk=started.transfer_id).update(status="connected")
    Call.objects.filter(pk=live_call.pk).update(answered_at=timezone.now() - dt.timedelta(minutes=25))
    assert sweep_stale_calls()["hung_up"] == 0
    assert Call.objects.get(pk=live_call.pk).status == CallStatus.IN_PROGRESS
    assert not twilio.requests_to("POST", f"/Calls/{live_call.provider_call_id}.json")


# --- what staff see -----------------------------------------------------------------------------------------

def test_the_live_page_shows_the_lead_on_hold_and_who_is_ringing(client, admin_user, twilio, at_work, live_call):
    client.force_login(admin_user)
    started = transfers.request_transfer(live_call.pk, "asked")
    page = client.get(reverse("live-calls")).content.decode()
    assert "lead on hold: ringing Jordan Lee" in page
    leg = only_leg(started.transfer_id)
    post(client, "twilio-transfer-whisper", leg.pk, leg_form(leg))
    post(client, "twilio-transfer-answer", leg.pk, leg_form(leg, Digits="1"))
    assert "talking with Jordan Lee" in client.get(reverse("live-calls")).content.decode()


def test_a_human_is_switched_to_taking_transfers_from_the_live_page(client, admin_user, humans):
    jordan, _ = humans
    HumanAgent.objects.filter(pk=jordan.pk).update(takes_transfers=False)
    client.force_login(admin_user)
    page = client.get(reverse("live-calls")).content.decode()
    assert "Jordan Lee: not taking transfers" in page
    client.post(reverse("switch-transfers", args=[jordan.pk]), {"taking": "1"})
    assert HumanAgent.objects.get(pk=jordan.pk).takes_transfers


def test_staff_who_may_not_change_human_agents_cannot_flip_the_switch(client, humans, django_user_model):
    jordan, _ = humans
    viewer = django_user_model.objects.create_user("viewer", password="pw-view-1", is_staff=True)
    client.force_login(viewer)
    assert client.post(reverse("switch-transfers", args=[jordan.pk]), {"taking": "0"}).status_code == 403
    assert HumanAgent.objects.get(pk=jordan.pk).takes_transfers


class _PutsThrough:
    """An agent that puts the lead through when asked for a person, and notes every turn it gets after."""

    def __init__(self):
        self.turns = []

    async def greeting(self, context):
        yield Say("Hi, this is Alex from Sunrise Realty, an automated assistant.")

    async def respond(self, turn, context):
        self.turns.append(turn)
        if "person" in turn.text:
            yield Say("Sure, let me connect you with Jordan.")
            yield TransferTo("asked", "Jordan Lee")
        elif turn.dtmf == "9":
            yield Say("You're off our list. Goodbye.")


def test_9_pressed_on_hold_ends_the_hold_calls_the_human_off_and_reaches_the_agent_as_an_opt_out(
        twilio, at_work, live_call):
    agent = _PutsThrough()
    context = CallContext(live_call.pk, "Dana", "Alex", "Sunrise Realty", FROM, inbound=True)

    async def run():
        async with Running(AgentReplies(agent, context, CallRecords(live_call.pk))) as r:
            await r.push(LeadTranscriptFrame(text="can I talk to a person", user_id="lead", timestamp="",
                                             utterance=1, end_ms=1000))
            await until(lambda: any("connect you" in f.text for f in r.collector.of(TTSSpeakFrame)))
            await r.push(ReplyFinishedFrame(2))  # "let me connect you" was heard: the hold begins
            await until(lambda: any(f.text == "[hold music]" for f in r.collector.of(TTSTextFrame)), timeout=20)
            await r.push(InputDTMFFrame(KeypadEntry.NINE))
            await until(lambda: any(turn.dtmf == "9" for turn in agent.turns), timeout=10)

    asyncio.run(run())
    transfer = Transfer.objects.get(call=live_call)
    assert transfer.status == "returned"
    assert [leg.status for leg in transfer.legs.all()] == ["canceled"]  # Jordan's phone stops ringing
    leg = transfer.legs.get()
    assert twilio.requests_to("POST", f"/Calls/{leg.provider_call_id}.json")[-1].value("Status") == "completed"
