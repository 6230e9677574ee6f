"""A hot lead hears the premium voice for the rest of the call, when the campaign escalates and today's
premium-voice budget has room; ElevenLabs failing or the budget running low brings the local voice back.
Each switch is a TierEscalationEvent. A call through CallSession's real pipeline, the lead pressing keys
(each a turn), Piper as the local voice and ElevenLabs' real client against a local fake."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.calls.models import Call, CallStatus
from apps.campaigns.models import VoiceTier
from apps.core.dbthread import run_db
from apps.costs.models import CostEntry, TierEscalationEvent
from apps.costs.services import record_tier_switch
from apps.leads.models import LeadStatus
from media_server.agent.interface import CallContext, Say, Score
from media_server.session import CallSession
from media_server.speech import voice as voice_module
from media_server.speech.premium import ElevenLabsTTS
from media_server.speech.tts import PiperTTS
from media_server.speech.voice import CallVoice
from tests.conftest import make_lead
from tests.media_server.pipeline.fakes import FakeTwilio, Line, ScriptedSTT, dtmf
from tests.media_server.speech.fake_elevenlabs import running_fake_elevenlabs
from tests.waiting import until

pytestmark = pytest.mark.django_db(transaction=True)
Kind = CostEntry.Kind
API_KEY = "sk_" + "9d2e7f1a4c6b8d0e2f5a7c9b1d4f0c2a9e7b1d6e3f8a5c0b"
VOICE_ID = "pNInz6obpgDQGcFmaJgB"
GREETING = "Hi, this is Alex."
# What the lead told the agent by their first key: a hot buyer by the default weights (score 100).
HOT = {"intent": "buy", "location": "Austin", "timeline": 2, "budget": 400000, "preapproved": "yes",
       "motivation": "growing family", "has_agent": False}
REPLIES = {"1": "Wonderful, let me find a time.", "2": "Does Tuesday work?", "3": "Great, thank you."}


class Agent:
    """Greets; each key pressed is answered with its line, the lead scored hot from the first key on."""

    async def greeting(self, context):
        yield Say(GREETING)

    async def respond(self, turn, context):
        context.facts = dict(HOT)  # as the orchestrator keeps them
        yield Score(100, "hot")  # as the orchestrator yields it, before the reply's first sentence
        yield Say(REPLIES[turn.dtmf])


@pytest.fixture(scope="module")
def piper() -> PiperTTS:
    return PiperTTS()


@pytest.fixture
def elevenlabs(no_proxy, settings):
    with running_fake_elevenlabs(API_KEY, voices={VOICE_ID}) as fake:
        settings.ELEVENLABS_API_KEY = API_KEY
        settings.ELEVENLABS_VOICE_ID = VOICE_ID
        settings.ELEVENLABS_BASE_URL = fake.base_url
        settings.ELEVENLABS_FIRST_AUDIO_TIMEOUT = 1.0
        settings.ELEVENLABS_CHUNK_TIMEOUT = 0.5
        yield fake


@pytest.fixture
def escalating(active_campaign, settings, tmp_path):
    """A campaign whose hot leads get the premium voice, with $5 a day for it."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.GREETING_SILENCE_SECONDS = 0.3
    active_campaign.voice_tier = VoiceTier.ESCALATE
    active_campaign.budget_premium_voice = Decimal("5.00")
    active_campaign.save()
    return active_campaign


@pytest.fixture
def call(escalating):
    lead = make_lead(escalating, "+12125550169", status=LeadStatus.IN_CALL, attempts=1, name="Maria")
    return Call.objects.create(lead=lead, campaign=escalating, status=CallStatus.IN_PROGRESS, provider="simulated",
                               provider_call_id="SIMtier")


def call_voice(call, piper, premium=True) -> CallVoice:
    """The voice as the media worker builds it: ElevenLabs when it has a key, switches recorded."""
    return CallVoice(piper, ElevenLabsTTS if premium else None,
                     on_switch=lambda old, new, why, score=None: record_tier_switch(call.pk, old, new, why, score))


async def bill_and_budget_check_done() -> None:
    """A reply's bill and premium-budget check are jobs for the database thread, queued when the reply ended,
    and the check may queue a tier switch after its query; the thread runs jobs in order, so once two jobs
    queued now have run, all of those have."""
    for _ in range(2):
        await run_db(lambda: None)


def converse(call, voice, keys: str, between=None) -> FakeTwilio:
    """Greeted after a moment's silence, the lead presses `keys` one at a time, each after the last reply was
    heard; `between(key)` runs (on the database thread, as the call's own database work does) before each key."""

    async def run():
        twilio = FakeTwilio()
        context = CallContext(call.pk, "Maria", "Alex", "Sunrise Realty", "+12125550100")
        session = CallSession(call.pk, "MZ1", twilio.send, context, Agent(), ScriptedSTT(), voice)
        twilio.session = session
        await session.start()
        line = Line(session).start()
        await until(lambda: twilio.events("mark"), timeout=20)
        for number, key in enumerate(keys, start=2):
            if between:
                await run_db(between, key)
            await session.feed(dtmf(key))
            await until(lambda n=number: len(twilio.events("mark")) == n, timeout=20)  # the reply was played
            await bill_and_budget_check_done()
        await session.end("test over")
        line.stop()
        return twilio

    return asyncio.run(run())


def events(call) -> list[tuple[str, str, str, int | None]]:
    return list(TierEscalationEvent.objects.filter(call=call).values_list("from_tier", "to_tier", "reason", "score"))


def speech_units(call, kind) -> Decimal:
    return sum(CostEntry.objects.filter(call=call, kind=kind).values_list("units", flat=True), Decimal(0))


def test_a_hot_lead_hears_the_premium_voice_for_the_rest_of_the_call(call, piper, elevenlabs):
    voice = call_voice(call, piper)

    converse(call, voice, "12")

    assert [r.text for r in elevenlabs.speech_requests] == [REPLIES["1"], REPLIES["2"]]
    assert all(r.status == 200 for r in elevenlabs.speech_requests)
    [(from_tier, to_tier, reason, score)] = events(call)
    assert (from_tier, to_tier, score) == ("local", "premium", 100)
    assert reason == "hot lead (score 100); $5.00 of the premium budget left today"
    assert speech_units(call, Kind.TTS_PREMIUM) == len(REPLIES["1"]) + len(REPLIES["2"])
    assert speech_units(call, Kind.TTS_LOCAL) == len(GREETING)  # before the lead was hot


def test_without_room_in_todays_premium_budget_the_hot_lead_stays_local(call, piper, elevenlabs, escalating):
    other = Call.objects.create(lead=make_lead(escalating, "+12125550170"), campaign=escalating,
                                status=CallStatus.COMPLETED)
    # $4.95 of the $5 spent today by another call: $0.05 cannot pay for the rest of a call (1,000 characters).
    CostEntry.objects.create(campaign=escalating, call=other, kind=Kind.TTS_PREMIUM, units=49500,
                             unit_price=Decimal("0.0001"), amount=Decimal("4.95"))
    voice = call_voice(call, piper)

    converse(call, voice, "12")

    assert elevenlabs.requests == [] and events(call) == []
    assert speech_units(call, Kind.TTS_PREMIUM) == 0
    assert speech_units(call, Kind.TTS_LOCAL) == len(GREETING) + len(REPLIES["1"]) + len(REPLIES["2"])


def test_yesterdays_premium_spending_leaves_today_to_itself(call, piper, elevenlabs, escalating):
    other = Call.objects.create(lead=make_lead(escalating, "+12125550170"), campaign=escalating,
                                status=CallStatus.COMPLETED)
    spent = CostEntry.objects.create(campaign=escalating, call=other, kind=Kind.TTS_PREMIUM, units=49500,
                                     unit_price=Decimal("0.0001"), amount=Decimal("4.95"))
    CostEntry.objects.filter(pk=spent.pk).update(created_at=timezone.now() - dt.timedelta(days=1))

    converse(call, call_voice(call, piper), "1")

    assert [r.text for r in elevenlabs.speech_requests] == [REPLIES["1"]]
    assert [event[:2] for event in events(call)] == [("local", "premium")]


def test_an_elevenlabs_failure_brings_the_local_voice_back_for_good(call, piper, elevenlabs):
    elevenlabs.fail_next(500)
    voice = call_voice(call, piper)

    converse(call, voice, "12")

    [refused] = elevenlabs.speech_requests  # the hot reply's request; the next reply never asked
    assert refused.status == 500 and refused.text == REPLIES["1"]
    [up, down] = events(call)
    assert up[:2] == ("local", "premium") and up[3] == 100
    assert down[:2] == ("premium", "local")
    assert down[2] == ("premium voice failed: ElevenLabs answered 500: An internal server error occurred. "
                       "Please try again later.")
    assert speech_units(call, Kind.TTS_PREMIUM) == 0  # refused: nothing billed
    assert speech_units(call, Kind.TTS_LOCAL) == len(GREETING) + len(REPLIES["1"]) + len(REPLIES["2"])


def test_the_premium_budget_running_low_mid_call_brings_the_local_voice_back(call, piper, elevenlabs, escalating):
    other = Call.objects.create(lead=make_lead(escalating, "+12125550170"), campaign=escalating,
                                status=CallStatus.IN_PROGRESS)

    def other_calls_spend(key: str) -> None:
        if key == "2":  # meanwhile another hot lead's call spent all but $0.01 of the budget
            CostEntry.objects.create(campaign=escalating, call=other, kind=Kind.TTS_PREMIUM, units=49900,
                                     unit_price=Decimal("0.0001"), amount=Decimal("4.99") - premium_spent(call))

    converse(call, call_voice(call, piper), "123", between=other_calls_spend)

    # The reply after the other call's spending was still premium (the budget is checked after each
    # premium reply, off the audio path); it found less than a reply's worth left, and the next is local.
    assert [r.text for r in elevenlabs.speech_requests] == [REPLIES["1"], REPLIES["2"]]
    [up, down] = events(call)
    assert up[:2] == ("local", "premium")
    assert down == ("premium", "local", "premium voice budget running low ($0.01 left today)", None)
    assert speech_units(call, Kind.TTS_LOCAL) == len(GREETING) + len(REPLIES["3"])


def premium_spent(call) -> Decimal:
    return sum(CostEntry.objects.filter(call=call, kind=Kind.TTS_PREMIUM).values_list("amount", flat=True),
               Decimal(0))


def test_a_campaign_without_escalation_keeps_its_hot_leads_local(call, piper, elevenlabs, escalating):
    escalating.voice_tier = VoiceTier.LOCAL
    escalating.save()

    converse(call, call_voice(call, piper), "1")

    assert elevenlabs.requests == [] and events(call) == []


def test_a_premium_campaign_speaks_premium_from_the_greeting(call, piper, elevenlabs, escalating):
    escalating.voice_tier = VoiceTier.PREMIUM
    escalating.save()

    converse(call, call_voice(call, piper), "1")

    assert [r.text for r in elevenlabs.speech_requests] == [GREETING, REPLIES["1"]]
    [(from_tier, to_tier, reason, score)] = events(call)
    assert (from_tier, to_tier, score) == ("local", "premium", None) and reason.startswith("campaign voice tier")


def test_without_an_elevenlabs_key_escalation_is_skipped_and_said_once(call, piper, elevenlabs, caplog, monkeypatch):
    monkeypatch.setattr(voice_module, "_said_no_premium", type(voice_module._said_no_premium)())
    caplog.set_level(logging.INFO, logger="media_server.speech.voice")

    converse(call, call_voice(call, piper, premium=False), "1")
    second = Call.objects.create(lead=make_lead(call.campaign, "+12125550171"), campaign=call.campaign,
                                 status=CallStatus.IN_PROGRESS)
    converse(second, call_voice(second, piper, premium=False), "1")

    assert elevenlabs.requests == [] and not TierEscalationEvent.objects.exists()
    said = [r.getMessage() for r in caplog.records if "no premium voice configured" in r.getMessage()]
    assert len(said) == 1
