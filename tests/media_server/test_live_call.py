"""A live call end to end: real daphne, Redis and a media worker process, a client speaking
Twilio's Media Streams protocol over a real WebSocket in real-time 20 ms frames."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.db import connection

from apps.calls.models import AgentStep, AgentTransition, Call, CallStatus, Turn
from apps.leads.models import DoNotCall, LeadStatus
from media_server.slots import SlotRegistry
from media_server.speech.audio import pcm16_to_ulaw, resample, ulaw_to_pcm16
from tests.conftest import make_lead

ROOT = Path(__file__).resolve().parents[2]
SILENCE = b"\xff" * 160
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}/{db['NAME']}"


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


def run_stack(tmp_path, agent: str | None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
           "REDIS_URL": settings.REDIS_URL, "MEDIA_ROOT": str(tmp_path), "GREETING_SILENCE_SECONDS": "1.0",
           "PYTHONUNBUFFERED": "1"}
    env.pop("MEDIA_AGENT", None)
    if agent:
        env["MEDIA_AGENT"] = agent
    port = free_port()
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in ("web", "worker")}
    web = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                            "config.asgi:application"], cwd=ROOT, env=env, stdout=logs["web"], stderr=subprocess.STDOUT)
    worker = subprocess.Popen([sys.executable, "manage.py", "media_worker", "--slots", "2"], cwd=ROOT, env=env,
                              stdout=logs["worker"], stderr=subprocess.STDOUT)
    registry = SlotRegistry()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (registry.live_workers() and _listening(port)):
        time.sleep(0.2)
    assert registry.live_workers(), (tmp_path / "worker.log").read_text()
    yield {"port": port, "worker": worker, "media_root": tmp_path, "logs": tmp_path}
    for process in (web, worker):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in (web, worker):
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class FakeTwilio:
    """Plays Twilio's part: 20 ms frames in real time (silence unless told to speak), marks echoed."""

    def __init__(self, port: int, call_id: int):
        self.url = f"ws://127.0.0.1:{port}/media/stream"
        self.call_id = call_id
        self.agent_audio: list[tuple[float, bytes]] = []
        self.events: list[tuple[float, str]] = []
        self.closed = asyncio.Event()
        self._speech = bytearray()
        self.speech_started_at = self.speech_done_at = 0.0

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(self.url)
        await self.ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        await self.ws.send(json.dumps({"event": "start", "sequenceNumber": "1", "streamSid": "MZtest", "start": {
            "accountSid": "ACtest", "streamSid": "MZtest", "callSid": "CAtest", "tracks": ["inbound"],
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            "customParameters": {"call_id": str(self.call_id)}}}))
        self._tasks = [asyncio.create_task(self._send_frames()), asyncio.create_task(self._receive())]
        return self

    async def __aexit__(self, *exc):
        for task in self._tasks:
            task.cancel()
        await self.ws.close()

    def say(self, audio: bytes) -> None:
        self._speech += audio
        self.speech_started_at, self.speech_done_at = time.monotonic(), 0.0

    async def _send_frames(self):
        chunk, sequence, started = 0, 1, time.monotonic()
        while True:
            chunk += 1
            sequence += 1
            payload = bytes(self._speech[:160]).ljust(160, b"\xff") if self._speech else SILENCE
            del self._speech[:160]
            if payload is not SILENCE and not self._speech:
                self.speech_done_at = time.monotonic()
            await self.ws.send(json.dumps({"event": "media", "sequenceNumber": str(sequence), "streamSid": "MZtest",
                                           "media": {"track": "inbound", "chunk": str(chunk),
                                                     "timestamp": str(20 * (chunk - 1)),
                                                     "payload": base64.b64encode(payload).decode()}}))
            await asyncio.sleep(max(0.0, started + 0.02 * chunk - time.monotonic()))

    async def _receive(self):
        try:
            async for text in self.ws:
                message = json.loads(text)
                now = time.monotonic()
                if message["event"] == "media":
                    self.agent_audio.append((now, base64.b64decode(message["media"]["payload"])))
                else:
                    self.events.append((now, message["event"]))
                    if message["event"] == "mark":  # played at once: echo it as Twilio does
                        await self.ws.send(json.dumps({"event": "mark", "sequenceNumber": "0", "streamSid": "MZtest",
                                                       "mark": message["mark"]}))
        finally:
            self.closed.set()

    async def wait_for_agent(self, quiet: float = 0.8, timeout: float = 30.0) -> float:
        """Until the agent has spoken and then been quiet for `quiet` seconds; returns when it began."""
        deadline = time.monotonic() + timeout
        count = len(self.agent_audio)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            if len(self.agent_audio) > count and time.monotonic() - self.agent_audio[-1][0] > quiet:
                return self.agent_audio[count][0]
        raise AssertionError("the agent did not speak")

    def heard(self, since: int = 0) -> np.ndarray:
        return ulaw_to_pcm16(b"".join(audio for _, audio in self.agent_audio[since:]))


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

