"""A live call end to end: real daphne, Redis and a media worker process, a client speaking
Twilio's Media Streams protocol over a real WebSocket in real-time 20 ms frames.

The tests assert what the call decided and did (Turn, AgentTransition and do-not-call rows, Twilio
messages, the agent's audio reaching the phone), never what a recogniser made of the agent's voice:
Piper's voice varies from run to run, and Whisper hears "Sunrise Realty" as "summarize royalty" now and then.
"""
from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import wave

import numpy as np
import pytest

from apps.calls.models import AgentStep, AgentTransition, Call, CallStatus, Turn
from apps.leads.models import DoNotCall, LeadStatus
from media_server.agent.replies import TEMPLATES
from media_server.speech.audio import pcm16_to_ulaw, resample
from tests.conftest import make_lead
from tests.media_server.live_stack import FakeTwilio, run_stack
from tests.waiting import wait_for

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


def voiced_seconds(audio: np.ndarray) -> float:
    """How much of what reached the phone is voice rather than silence (20 ms frames above -40 dBFS)."""
    frames = audio[: audio.size // 160 * 160].astype(np.float64).reshape(-1, 160)
    return float(np.sum(np.sqrt(np.mean(frames**2, axis=1)) > 328)) * 0.02


def agent_said(call) -> list[str]:
    return list(Turn.objects.filter(call=call, speaker="agent").order_by("sequence").values_list("text", flat=True))


def test_the_lead_says_hello_hears_the_greeting_and_a_reply(stack, live_call):
    # Spoken before the call: synthesising the hello on a loaded box must not stretch the silence before it past
    # the agent's GREETING_SILENCE_SECONDS (it would then greet first, rightly, and this test means the hello first).
    hello, goodbye = espeak("Hello?"), espeak("Goodbye for now.")

    async def call():
        async with FakeTwilio(stack["port"], live_call.pk) as twilio:
            await twilio.wait_for_line(0.4)  # a moment's silence before the hello
            twilio.say(hello)
            await twilio.wait_for_agent()
            greeting = twilio.heard()
            before = len(twilio.agent_audio)
            twilio.say(goodbye)
            await twilio.wait_for_agent()
            await asyncio.wait_for(twilio.closed.wait(), 10)  # the agent hung up
            return greeting, twilio.heard(before)

    greeting, farewell = asyncio.run(call())
    assert voiced_seconds(greeting) > 2 and voiced_seconds(farewell) > 0.5  # both were heard at the phone
    turns = list(Turn.objects.filter(call=live_call).values_list("speaker", "text"))
    assert [speaker for speaker, _ in turns] == ["lead", "agent", "lead", "agent"], turns
    assert agent_said(live_call) == ["Hi, this is Alex from Sunrise Realty, an automated assistant.",
                                     "Thank you, goodbye."]  # the hello was greeted; the goodbye hung up
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
            await twilio.wait_for_agent_frames(75)  # 1.5 s of the reply
            twilio.say(espeak("Wait, wait, stop please."))
            await twilio.wait_for_event("clear")
        # The line is hung up: the session ends and writes what the agent said, cut where it was stopped.

    asyncio.run(call())
    from tests.media_server.scripted_agent import LONG_REPLY

    cut = wait_for(lambda: Turn.objects.filter(call=live_call, speaker="agent", interrupted=True).first(),
                   what="the cut reply's Turn row")
    assert 0 < len(cut.text) < len(LONG_REPLY) and LONG_REPLY.startswith(cut.text.split(".")[0])
    assert AgentTransition.objects.filter(call=live_call, to_agent="qualification").exists()


def test_a_worker_killed_mid_call_ends_the_call_and_reschedules_the_lead(stack, live_call):
    async def call():
        async with FakeTwilio(stack["port"], live_call.pk) as twilio:
            await twilio.wait_for_agent(timeout=30)
            stack["worker"].send_signal(signal.SIGKILL)
            await asyncio.wait_for(twilio.closed.wait(), 15)

    asyncio.run(call())
    live_call.refresh_from_db()
    assert live_call.status == CallStatus.FAILED and "media worker" in live_call.error
    lead = live_call.lead
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CALLED and lead.next_attempt_at is not None


def test_keypad_digits_reach_the_agent_and_a_hang_up_stops_the_reply(stack, live_call):
    async def call():
        async with FakeTwilio(stack["port"], live_call.pk) as twilio:
            await twilio.wait_for_agent(timeout=30)  # greeted after the silence
            before = len(twilio.agent_audio)
            await twilio.ws.send(json.dumps({"event": "dtmf", "sequenceNumber": "900", "streamSid": "MZtest",
                                             "dtmf": {"track": "inbound_track", "digit": "1"}}))
            await twilio.wait_for_agent()
            pressed = twilio.heard(before)
            twilio.say(espeak("Tell me more."))
            await twilio.wait_for_agent_frames(25)  # half a second of the long reply
            await twilio.ws.send(json.dumps({"event": "stop", "sequenceNumber": "901", "streamSid": "MZtest",
                                             "stop": {"accountSid": "ACtest", "callSid": "CAtest"}}))
            hung_up = len(twilio.agent_audio)
            await asyncio.sleep(1.5)  # not a wait for something: 75 frame slots in which no more may come
            return pressed, len(twilio.agent_audio) - hung_up

    pressed, after_stop = asyncio.run(call())
    assert voiced_seconds(pressed) > 0.5  # the answer to the key was heard at the phone
    assert agent_said(live_call)[:2] == ["Hi, this is Alex from Sunrise Realty, an automated assistant.",
                                         "You pressed one."]
    assert after_stop <= 3  # at most the frames already in flight: all work for the call stopped
    # the records are kept when the lead hangs up
    assert wait_for(lambda: Call.objects.get(pk=live_call.pk).recording, what="the call's recording")


def test_the_real_agent_greets_and_a_spoken_opt_out_lands_on_the_do_not_call_list(stack_with_the_real_agent,
                                                                                   live_call):
    async def call():
        async with FakeTwilio(stack_with_the_real_agent["port"], live_call.pk) as twilio:
            await twilio.wait_for_line(0.4)  # a moment's silence before the hello
            twilio.say(espeak("Hello?"))
            await twilio.wait_for_agent()
            greeting = twilio.heard()
            before = len(twilio.agent_audio)
            twilio.say(espeak("Please stop calling me."))
            await asyncio.wait_for(twilio.closed.wait(), 30)  # the agent said goodbye and hung up
            return greeting, twilio.heard(before)

    greeting, goodbye = asyncio.run(call())
    assert voiced_seconds(greeting) > 2 and voiced_seconds(goodbye) > 1  # both were heard at the phone
    said = agent_said(live_call)
    assert len(said) == 2, said
    assert "automated assistant" in said[0] and "Sunrise Realty" in said[0]  # who calls, and that it is an AI
    assert said[1] in TEMPLATES["opt_out"]  # the opt-out's own words (whichever variant), not an LLM's
    assert DoNotCall.objects.active().filter(phone=live_call.lead.phone, source=DoNotCall.Source.OPT_OUT).exists()
    step = AgentStep.objects.get(call=live_call, intent="opt_out")  # how fast: tests/benchmarks/test_agent_speed
    assert step.route == "opt_out"
    assert list(AgentTransition.objects.filter(call=live_call).values_list("to_agent", flat=True)) == [
        "conversation", "opt_out"]
