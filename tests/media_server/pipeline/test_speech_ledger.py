"""Speech costs land in the ledger as the call goes: the seconds Whisper transcribed (a row per utterance) and
the characters the voice was given (a row per reply and tier), written off the event loop before the agent's
next decision, so the cost it projects for the call includes them. A call through CallSession's real
pipeline: DSP, Silero and Smart Turn, Piper as the voice, the lead's voice from espeak-ng in real time."""
from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.calls.models import Call, CallStatus
from apps.core.dbthread import run_db
from apps.costs.models import CostEntry
from apps.costs.services import call_cost, prices_on, projected_call_cost, unit_price
from apps.leads.models import LeadStatus
from media_server.agent.interface import CallContext, Say
from media_server.session import CallSession
from media_server.speech.tts import PiperTTS
from media_server.speech.voice import CallVoice
from tests.conftest import make_lead
from tests.media_server.pipeline.fakes import FakeTwilio, Line, ScriptedSTT, espeak
from tests.waiting import until

pytestmark = pytest.mark.django_db(transaction=True)
Kind = CostEntry.Kind
GREETING = "Hi, this is Alex from Sunrise Realty, an automated assistant."
REPLY = "Great, a three bedroom home. What area are you looking in?"  # two sentences, one reply


class CountingPiper(PiperTTS):
    """The real local voice, keeping every text it was asked to say."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def stream(self, text: str, *, already_speakable: bool = False):
        self.asked.append(text)
        yield from super().stream(text, already_speakable=already_speakable)


@pytest.fixture(scope="module")
def piper() -> CountingPiper:
    return CountingPiper()


class Agent:
    async def greeting(self, context):
        yield Say(GREETING)

    async def respond(self, turn, context):
        yield Say(REPLY)


@pytest.fixture
def call(active_campaign, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.GREETING_SILENCE_SECONDS = 10
    lead = make_lead(active_campaign, "+12125550168", status=LeadStatus.IN_CALL, attempts=1, name="Maria")
    return Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS,
                               provider="simulated", provider_call_id="SIMledger")


def test_a_calls_speech_is_in_the_ledger_as_it_happens(call, piper):
    piper.asked.clear()
    stt = ScriptedSTT("Hello?", "I want a three bedroom house.")
    voice = CallVoice(piper)
    seen_before_the_reply: list[list[tuple[str, Decimal]]] = []

    class Watching(Agent):
        async def respond(self, turn, context):
            # What the agent's cost projection reads at its decision (on the same database thread, as the
            # real agent's does): the ledger so far.
            seen_before_the_reply.append(sorted(await run_db(lambda: list(
                CostEntry.objects.filter(call_id=call.pk).values_list("kind", "units")))))
            async for output in super().respond(turn, context):
                yield output

    async def run():
        twilio = FakeTwilio()
        context = CallContext(call.pk, "Maria", "Alex", "Sunrise Realty", "+12125550100")
        session = CallSession(call.pk, "MZ1", twilio.send, context, Watching(), stt, voice)
        twilio.session = session
        await session.start()
        line = Line(session).start()
        await until(lambda: line.chunk >= 15)  # 300 ms of silence on the line
        line.say(espeak("Hello?"))
        await until(lambda: twilio.events("mark"), timeout=20)  # the greeting was played
        line.say(espeak("I want a three bedroom house."))
        await until(lambda: len(twilio.events("mark")) == 3, timeout=20)  # and the reply's two sentences
        await session.end("test over")
        line.stop()

    asyncio.run(run())

    entries = list(CostEntry.objects.filter(call=call).order_by("id"))
    stt_rows = [e for e in entries if e.kind == Kind.STT]
    speech_rows = [e for e in entries if e.kind == Kind.TTS_LOCAL]
    assert {e.kind for e in entries} == {Kind.STT, Kind.TTS_LOCAL}
    # A row per utterance: the seconds of audio Whisper was given.
    heard_seconds = [Decimal(str(audio.size / 16000)).quantize(Decimal("0.0001")) for audio in stt.utterances]
    assert [e.units for e in stt_rows] == heard_seconds and len(heard_seconds) == 2
    assert all(Decimal("0.5") < seconds < Decimal("4") for seconds in heard_seconds)
    # A row per reply (the greeting, the answer): the characters the voice was given, sentence by sentence.
    assert piper.asked == [GREETING, "Great, a three bedroom home.", "What area are you looking in?"]
    assert [e.units for e in speech_rows] == [len(piper.asked[0]), len(piper.asked[1]) + len(piper.asked[2])]
    # Priced from the day's table; the call's totals are the rows' sum.
    prices = prices_on()
    for entry in entries:
        assert entry.unit_price == unit_price(entry.kind, prices).quantize(Decimal("0.0000000001"))
        assert entry.amount == (entry.units * entry.unit_price).quantize(Decimal("0.000001")) > 0
    total = sum(e.amount for e in entries)
    assert call_cost(call.pk) == total
    # The agent's decision for the lead's turn came after that turn's transcription was on the ledger.
    assert seen_before_the_reply == [sorted([(Kind.STT, heard_seconds[0]), (Kind.TTS_LOCAL, len(GREETING)),
                                             (Kind.STT, heard_seconds[1])])]
    # The projection sees it all, and a turn ahead adds one more like the costliest so far.
    ahead = max(e.amount for e in stt_rows) + max(e.amount for e in speech_rows)
    assert projected_call_cost(call, timezone.now()) == total + ahead  # not answered: no minutes yet
