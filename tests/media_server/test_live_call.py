"""A live call end to end: real daphne, Redis and a media worker process, a client speaking
Twilio's Media Streams protocol over a real WebSocket in real-time 20 ms frames."""
from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
import wave

import numpy as np
import pytest

from apps.calls.models import AgentStep, AgentTransition, Call, CallStatus, Turn
from apps.leads.models import DoNotCall, LeadStatus
from media_server.speech.audio import pcm16_to_ulaw, resample
from tests.conftest import make_lead
from tests.media_server.live_stack import FakeTwilio, run_stack

pytestmark = pytest.mark.django_db(transaction=True)


def espeak(text: str) -> bytes:
    """The lead's voice (espeak-ng, not the agent's Piper voice) as 8 kHz μ-law."""
    wav = subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "--stdout", text], capture_output=True,
                         check=True).stdout
    with wave.open(__import__("io").BytesIO(wav)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
        rate = reader.getframerate()
    return pcm16_to_ulaw(resample(samples, rate, 8000))


@pytest.fixture
def stack(tmp_path):
    """daphne and one media worker with the scripted agent, against the test database and Redis."""
    yield from run_stack(tmp_path, "tests.media_server.scripted_agent.ScriptedAgent")


@pytest.fixture
def stack_with_the_real_agent(tmp_path):
    """The same, with the agent users get (settings.MEDIA_AGENT's default: the LangGraph orchestrator)."""
    yield from run_stack(tmp_path, None)


@pytest.fixture
def live_call(active_campaign):
    lead = make_lead(active_campaign, "+12125550177", status=LeadStatus.IN_CALL, attempts=1, name="Maria")
    return Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS,
                               provider="simulated", provider_call_id="SIMlive")


def transcript(stt, audio: np.ndarray) -> str:
    return stt.transcribe(audio, 8000).text.lower()


@pytest.fixture(scope="module")
def stt():
    from media_server.speech.stt import SpeechToText

    return SpeechToText()


def test_the_lead_says_hello_hears_the_greeting_and_a_reply(stack, live_call, stt):
    async def call():
        async with FakeTwilio(stack["port"], live_call.pk) as twilio:
            await asyncio.sleep(0.4)
            twilio.say(espeak("Hello?"))
            await twilio.wait_for_agent()
            greeting = twilio.heard()
            before = len(twilio.agent_audio)
            twilio.say(espeak("Goodbye for now."))
            await twilio.wait_for_agent()
            await asyncio.wait_for(twilio.closed.wait(), 10)  # the agent hung up
            return greeting, twilio.heard(before)

    greeting, goodbye = asyncio.run(call())
    assert "automated assistant" in transcript(stt, greeting)
    assert "goodbye" in transcript(stt, goodbye)
    turns = list(Turn.objects.filter(call=live_call).values_list("speaker", "text"))
    speakers = [speaker for speaker, _ in turns]
    assert speakers == ["lead", "agent", "lead", "agent"], turns
    assert "hello" in turns[0][1].lower() and "goodbye" in turns[2][1].lower()
    assert turns[1][1].startswith("Hi, this is Alex from Sunrise Realty")
    live_call.refresh_from_db()
    assert live_call.recording.name.endswith(f"call-{live_call.pk}.wav")
    with wave.open(str(stack["media_root"] / live_call.recording.name)) as recording:
        assert (recording.getnchannels(), recording.getframerate()) == (2, 8000)
        assert recording.getnframes() > 8000 * 3
    answered = live_call.metrics["turns"][-1]
    assert answered["voice_to_voice_ms"] > 0
    # the server's share of voice-to-voice, split by stage; the parts fit inside the whole
    assert all(answered[stage] >= 0 for stage in ("endpoint_ms", "stt_ms", "agent_ms", "tts_ms"))
    assert answered["agent_ms"] + answered["tts_ms"] <= answered["voice_to_voice_ms"]


def test_the_lead_interrupts_and_the_agent_stops(stack, live_call):
    async def call():
        async with FakeTwilio(stack["port"], live_call.pk) as twilio:
            await twilio.wait_for_agent(timeout=30)  # greeted after the silence
            twilio.say(espeak("Tell me about the homes you have."))
            start = len(twilio.agent_audio)
            deadline = time.monotonic() + 30
            while len(twilio.agent_audio) < start + 75 and time.monotonic() < deadline:  # 1.5 s of the reply
                await asyncio.sleep(0.05)
            twilio.say(espeak("Wait, wait, stop please."))
            deadline = time.monotonic() + 10
            while "clear" not in [event for _, event in twilio.events] and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.5)
            return [event for _, event in twilio.events]

    events = asyncio.run(call())
    assert "clear" in events
    from tests.media_server.scripted_agent import LONG_REPLY

    cut = Turn.objects.filter(call=live_call, speaker="agent", interrupted=True).get()
    assert 0 < len(cut.text) < len(LONG_REPLY) and LONG_REPLY.startswith(cut.text.split(".")[0])
    assert AgentTransition.objects.filter(call=live_call, to_agent="qualification").exists()


def test_a_worker_killed_mid_call_ends_the_call_and_reschedules_the_lead(stack, live_call):
    async def call():
        async with FakeTwilio(stack["port"], live_call.pk) as twilio:
            await twilio.wait_for_agent(timeout=30)
            stack["worker"].send_signal(signal.SIGKILL)
            killed = time.monotonic()
            await asyncio.wait_for(twilio.closed.wait(), 15)
            return time.monotonic() - killed

    asyncio.run(call())
    live_call.refresh_from_db()
    assert live_call.status == CallStatus.FAILED and "media worker" in live_call.error
    lead = live_call.lead
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CALLED and lead.next_attempt_at is not None


def test_keypad_digits_reach_the_agent_and_a_hang_up_stops_the_reply(stack, live_call, stt):
    async def call():
        async with FakeTwilio(stack["port"], live_call.pk) as twilio:
            await twilio.wait_for_agent(timeout=30)  # greeted after the silence
            before = len(twilio.agent_audio)
            await twilio.ws.send(json.dumps({"event": "dtmf", "sequenceNumber": "900", "streamSid": "MZtest",
                                             "dtmf": {"track": "inbound_track", "digit": "1"}}))
            await twilio.wait_for_agent()
            pressed = twilio.heard(before)
            twilio.say(espeak("Tell me more."))
            start = len(twilio.agent_audio)
            while len(twilio.agent_audio) < start + 25:  # half a second of the long reply
                await asyncio.sleep(0.02)
            await twilio.ws.send(json.dumps({"event": "stop", "sequenceNumber": "901", "streamSid": "MZtest",
                                             "stop": {"accountSid": "ACtest", "callSid": "CAtest"}}))
            hung_up = len(twilio.agent_audio)
            await asyncio.sleep(1.5)
            return pressed, len(twilio.agent_audio) - hung_up

    pressed, after_stop = asyncio.run(call())
    assert "pressed one" in transcript(stt, pressed) or "pressed 1" in transcript(stt, pressed)
    assert after_stop <= 3  # at most the frames already in flight: all work for the call stopped
    live_call.refresh_from_db()
    assert live_call.recording  # the records are kept when the lead hangs up


def test_the_real_agent_greets_and_a_spoken_opt_out_lands_on_the_do_not_call_list(stack_with_the_real_agent,
                                                                                   live_call, stt):
    async def call():
        async with FakeTwilio(stack_with_the_real_agent["port"], live_call.pk) as twilio:
            await asyncio.sleep(0.4)
            twilio.say(espeak("Hello?"))
            await twilio.wait_for_agent()
            greeting = twilio.heard()
            before = len(twilio.agent_audio)
            twilio.say(espeak("Please stop calling me."))
            await asyncio.wait_for(twilio.closed.wait(), 30)  # the agent said goodbye and hung up
            return greeting, twilio.heard(before)

    greeting, goodbye = asyncio.run(call())
    heard = transcript(stt, greeting)
    assert "automated assistant" in heard and "sunrise" in heard  # Whisper hears "Realty" as reality, royalty…
    assert "list" in transcript(stt, goodbye)
    assert DoNotCall.objects.active().filter(phone=live_call.lead.phone, source=DoNotCall.Source.OPT_OUT).exists()
    step = AgentStep.objects.get(call=live_call, intent="opt_out")
    assert step.route == "opt_out" and step.decide_ms < 1000
    assert list(AgentTransition.objects.filter(call=live_call).values_list("to_agent", flat=True)) == [
        "conversation", "opt_out"]

