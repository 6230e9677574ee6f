"""The lead's phone sends some of the agent's voice back down the line. On the call's own stages (built by
media_server.pipeline.build, Playback feeding EchoCancellation), that echo is cut by at least 15 dB once the
canceller has adapted, while the lead talking over the agent still comes through. Not yet so: the echo in the
canceller's first half second, before it has adapted, stops the agent as if the lead had talked over it.

The phone is a double at Twilio's wire: each 20 ms it plays the next frame Playback sent (in order, as Twilio
does) and sends back the lead's own voice plus what it played `delay_ms` earlier, `attenuation_db` quieter.
"""
from __future__ import annotations

import asyncio
import base64
import json
from collections import deque

import numpy as np
import pytest

from apps.calls.models import Call, CallStatus
from media_server.agent.interface import Say
from media_server.dsp.chain import FRAME_SAMPLES, SILENCE
from media_server.pipeline.frames import MarkHeardFrame, PacketFrame
from media_server.recording import StereoRecorder
from media_server.speech.audio import TELEPHONE_RATE, pcm16_to_ulaw, to_telephone, ulaw_to_pcm16
from tests.conftest import make_lead
from tests.media_server.pipeline.fakes import NoWords, ScriptedSTT, call_pipeline, espeak
from tests.media_server.pipeline.harness import Running
from tests.waiting import until

pytestmark = pytest.mark.django_db(transaction=True)
TICKS_PER_SECOND = 50
SETTLED_AFTER_S = 4  # Speex adapts within a few seconds of the agent's voice
AGENT_SAYS = ("Hi, this is Alex from Sunrise Realty, an automated assistant. Are you still looking for a home "
              "with three bedrooms? We have two open houses this weekend, on Saturday and Sunday afternoon. "
              "Would either of those work for you, or should I suggest another time next week?")


@pytest.fixture(scope="module")
def agent_voice() -> bytes:
    """About ten seconds of the agent's own voice (Piper), as the voice stage hands it on: 8 kHz μ-law."""
    from media_server.speech.tts import PiperTTS

    samples, rate = PiperTTS().synthesize(AGENT_SAYS, already_speakable=True)
    return to_telephone(samples, rate)[: TELEPHONE_RATE * 10]


@pytest.fixture
def call(active_campaign, settings):
    settings.GREETING_SILENCE_SECONDS = 0.1
    lead = make_lead(active_campaign, "+12125550181")
    return Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS)


class Recorded:
    """The call voice's interface, saying one recording whatever the sentence."""

    def __init__(self, ulaw: bytes):
        self.ulaw = ulaw

    async def speak(self, sentence: str):
        yield self.ulaw


class Greets:
    """An agent that greets with one long sentence and has nothing more to say."""

    async def greeting(self, context):
        yield Say("One long greeting.")

    async def respond(self, turn, context):
        for output in ():
            yield output


class Phone:
    """The lead's phone at Twilio's end of the line (see the module's docstring)."""

    def __init__(self, delay_ms: int, attenuation_db: float, lead: np.ndarray | None = None, lead_after_s: float = 0):
        self.delay, self.gain = delay_ms * 8, 10 ** (-attenuation_db / 20)
        self.lead, self.lead_after = lead, int(lead_after_s * TICKS_PER_SECOND)
        self.line = None  # the pipeline's LineInput, once built
        self.queued: deque[np.ndarray] = deque()  # agent frames Twilio holds, not played yet
        self.speaker: list[np.ndarray] = []  # what the phone played, a frame a tick
        self.echo: list[np.ndarray] = []  # what went back down the line of it, a frame a tick
        self.voice: list[np.ndarray] = []  # the lead's own voice sent, a frame a tick
        self.first_played: int | None = None  # the tick the agent's voice began
        self.events: list[str] = []  # Twilio messages other than media, in order

    async def send(self, text: str) -> None:
        message = json.loads(text)
        if message["event"] == "media":
            self.queued.append(ulaw_to_pcm16(base64.b64decode(message["media"]["payload"])))
            return
        self.events.append(message["event"])
        if message["event"] == "mark":  # played at once: Twilio answers with the same mark
            await self.line.receive(MarkHeardFrame(message["mark"]["name"]))

    async def talk(self, agent_frames: int) -> None:
        """A packet every 20 ms until the agent's voice has been played and its echo has died away."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        tick = 0
        while self.first_played is None or tick < self.first_played + agent_frames + self.delay // 160 + 10:
            near = self._play(tick) + self._voice(tick)
            payload = pcm16_to_ulaw(np.clip(near, -32768, 32767).astype(np.int16))
            await self.line.receive(PacketFrame(tick + 1, payload, 20 * tick, 20 * tick))
            tick += 1
            await asyncio.sleep(max(0.0, started + 0.02 * tick - loop.time()))  # real time, as Twilio sends
            if "clear" in self.events:
                return  # the agent was stopped
            assert tick < 30 * TICKS_PER_SECOND, "the agent never finished talking"

    def _play(self, tick: int) -> np.ndarray:
        played = self.queued.popleft() if self.queued else SILENCE
        if self.first_played is None and played is not SILENCE:
            self.first_played = tick
        self.speaker.append(played)
        heard = np.concatenate(self.speaker[-(self.delay // 160 + 2):]).astype(np.float64)
        end = heard.size - self.delay
        echo = np.zeros(FRAME_SAMPLES) if end <= 0 else heard[max(0, end - FRAME_SAMPLES):end]
        echo = np.pad(echo, (FRAME_SAMPLES - echo.size, 0)) * self.gain
        self.echo.append(echo)
        return echo

    def _voice(self, tick: int) -> np.ndarray:
        frame = np.zeros(FRAME_SAMPLES)
        if self.lead is not None and self.first_played is not None:
            start = (tick - self.first_played - self.lead_after) * FRAME_SAMPLES
            if 0 <= start < self.lead.size:
                piece = self.lead[start:start + FRAME_SAMPLES].astype(np.float64)
                frame[: piece.size] = piece
        self.voice.append(frame)
        return frame


def run_call(call, agent_voice: bytes, phone: Phone, stt: ScriptedSTT) -> np.ndarray:
    """The call's pipeline with the phone at its wire; returns the lead's channel as recorded (cleaned)."""
    recorder = StereoRecorder()
    built = call_pipeline(call.pk, send=phone.send, agent=Greets(), stt=stt, voice=Recorded(agent_voice),
                          recorder=recorder)
    phone.line = built.line

    async def talk():
        async with Running(*built.stages):
            await phone.talk(len(agent_voice) // FRAME_SAMPLES)
            await until(lambda: recorder.seconds * TICKS_PER_SECOND >= len(phone.speaker), what="the last frame")

    asyncio.run(talk())
    cleaned, _ = recorder.channels()
    assert cleaned.size == len(phone.speaker) * FRAME_SAMPLES  # a cleaned frame for every packet, in order
    return cleaned


def power(signal: np.ndarray) -> float:
    return float(np.mean(signal.astype(np.float64) ** 2)) + 1e-9


def ticks(phone: Phone, start_s: float, end_s: float) -> slice:
    """Samples from `start_s` to `end_s` seconds after the agent's voice began."""
    first = phone.first_played * FRAME_SAMPLES
    return slice(first + int(start_s * TELEPHONE_RATE), first + int(end_s * TELEPHONE_RATE))


class HearsNothing(NoWords):
    """No words in anything (the transcriber stays out of the measurement); notes the phone's tick at each."""

    def __init__(self, phone: Phone):
        super().__init__()
        self.phone = phone
        self.ticks: list[int] = []

    async def atranscribe(self, audio, sample_rate, language="en"):
        self.ticks.append(len(self.phone.speaker))
        return await super().atranscribe(audio, sample_rate, language)


def likeness(cleaned: np.ndarray, said: np.ndarray) -> float:
    """Correlation of the cleaned line with what was said, at the lag that fits best: up to 40 ms (the
    denoiser holds one 20 ms frame)."""
    return max(float(np.corrcoef(cleaned[lag:], said[: said.size - lag])[0, 1]) for lag in range(0, 321, 8))


# The agent goes on talking in these measurements: the canceller's first half second is not enough to keep
# its own echo from stopping it (see the expected failure below), and the echo must be heard to be measured.


@pytest.mark.parametrize("delay_ms, attenuation_db", [(60, 6), (150, 10), (240, 3)])
def test_the_agents_echo_is_cut_by_at_least_15_db(call, agent_voice, delay_ms, attenuation_db, settings):
    settings.BARGE_IN_MS = 60_000
    phone = Phone(delay_ms, attenuation_db)

    cleaned = run_call(call, agent_voice, phone, HearsNothing(phone))

    echo = np.concatenate(phone.echo)
    settled = ticks(phone, SETTLED_AFTER_S, len(agent_voice) / TELEPHONE_RATE)
    erle = 10 * np.log10(power(echo[settled]) / power(cleaned[settled]))
    assert erle >= 15, f"the echo was reduced by {erle:.1f} dB"


def test_the_lead_talking_over_the_agent_is_still_heard(call, agent_voice, settings):
    """Double talk: cancelling the agent's echo must not cancel the lead."""
    settings.BARGE_IN_MS = 60_000
    said = ulaw_to_pcm16(espeak("Sorry, could you tell me the price of the house?"))
    phone = Phone(120, 6, lead=said, lead_after_s=SETTLED_AFTER_S + 1)
    stt = HearsNothing(phone)

    cleaned = run_call(call, agent_voice, phone, stt)

    lead, echo = np.concatenate(phone.voice), np.concatenate(phone.echo)
    during = ticks(phone, SETTLED_AFTER_S + 1, SETTLED_AFTER_S + 1 + said.size / TELEPHONE_RATE)
    kept = power(cleaned[during]) / power(lead[during])
    assert kept > 0.25, f"the lead lost {-10 * np.log10(kept):.1f} dB"  # at most 6 dB while the agent talks
    assert likeness(cleaned[during], lead[during]) > 0.7  # the lead's own words, not cancelled with the echo
    assert likeness(cleaned[during], echo[during]) < 0.2  # and the agent's echo gone from them (0.5 on the line)
    began = phone.first_played + (SETTLED_AFTER_S + 1) * TICKS_PER_SECOND
    [turn] = [audio for audio, tick in zip(stt.utterances, stt.ticks, strict=True) if tick > began]
    assert turn.size / 16000 >= 0.8 * said.size / TELEPHONE_RATE  # the lead's turn went to the transcriber whole


@pytest.mark.xfail(strict=True, reason="an echo 20 dB down stops the agent within half a second, before Speex "
                                       "has adapted: barge-in needs gating while the canceller converges")
def test_the_agents_own_echo_never_stops_it(call, agent_voice):
    phone = Phone(150, 20)

    run_call(call, agent_voice, phone, ScriptedSTT())

    assert "clear" not in phone.events
