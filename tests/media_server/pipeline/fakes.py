"""Test doubles at the pipeline's wires: a voice that makes a tone per word, an STT that says what
it is told, a fake Twilio that collects what the session sends and echoes marks as played; and a
call's pipeline as media_server.pipeline.build makes it, with those doubles at its wires."""
from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass

import numpy as np

from media_server.agent.interface import CallContext
from media_server.pipeline.build import CallPipeline, build_pipeline
from media_server.pipeline.records import CallRecords
from media_server.recording import StereoRecorder
from media_server.speech.audio import pcm16_to_ulaw

SILENCE = b"\xff" * 160


def tone(seconds: float, rate: int = 8000, hz: float = 440.0, level: int = 8000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * hz * t) * level).astype(np.int16)


class ToneVoice:
    """CallVoice's interface: 8 kHz μ-law, 100 ms of tone per word, in chunks of 3 words."""

    def __init__(self, seconds_per_word: float = 0.1):
        self.seconds_per_word = seconds_per_word
        self.spoken: list[str] = []

    async def speak(self, sentence: str):
        self.spoken.append(sentence)
        words = sentence.split()
        for start in range(0, len(words), 3):
            await asyncio.sleep(0)
            yield pcm16_to_ulaw(tone(self.seconds_per_word * len(words[start:start + 3])))


@dataclass
class Heard:
    text: str
    confidence: float = 0.9
    language: str = "en"
    no_speech: bool = False

    @property
    def usable(self) -> bool:
        return not self.no_speech


class ScriptedSTT:
    """Hears the next line of its script for each utterance, whatever the audio. The same utterance decoded again as it
    grew (a draft begun at a pause, then the whole turn) is heard as the same line, as Whisper would hear it."""

    def __init__(self, *lines: str):
        self.lines = list(lines)
        self.utterances: list[np.ndarray] = []
        self._last = ""

    async def atranscribe(self, audio, sample_rate, language="en"):
        previous = self.utterances[-1] if self.utterances else None
        self.utterances.append(audio)
        if previous is not None and 0 < previous.size < audio.size and np.array_equal(audio[:previous.size],
                                                                                          previous):
            return Heard(self._last)  # the utterance decoded before, grown: the same words
        self._last = self.lines.pop(0) if self.lines else ""
        return Heard(self._last)


class NoWords(ScriptedSTT):
    """Whisper finding no words in whatever it is given (it keeps each utterance, as ScriptedSTT does)."""

    async def atranscribe(self, audio, sample_rate, language="en"):
        self.utterances.append(audio)
        return Heard("", no_speech=True)


class Silent:
    """An agent with nothing to say: the line carries the lead alone, and no Turn row is written."""

    async def greeting(self, context):
        for output in ():
            yield output

    async def respond(self, turn, context):
        for output in ():
            yield output


class FakeTwilio:
    """Collects the session's messages; echoes each mark at once, as Twilio does once it is played."""

    def __init__(self):
        self.messages: list[dict] = []
        self.session = None

    async def send(self, text: str) -> None:
        message = json.loads(text)
        message["at"] = asyncio.get_running_loop().time()
        self.messages.append(message)
        if message["event"] == "mark" and self.session is not None:
            await self.session.feed(json.dumps({"event": "mark", "sequenceNumber": "0", "streamSid": "MZ1",
                                                "mark": message["mark"]}))

    def events(self, kind: str) -> list[dict]:
        return [message for message in self.messages if message["event"] == kind]

    def media_frames(self) -> int:
        return len(self.events("media"))

    def audio(self) -> np.ndarray:
        from media_server.speech.audio import ulaw_to_pcm16

        return ulaw_to_pcm16(b"".join(base64.b64decode(m["media"]["payload"]) for m in self.events("media")))


def call_pipeline(call_id: int = 1, *, send=None, agent=None, stt=None, voice=None,
                  recorder: StereoRecorder | None = None) -> CallPipeline:
    """A call's stages from the factory the session uses, with doubles at the wires (nothing billed)."""
    from tests.media_server.scripted_agent import ScriptedAgent

    context = CallContext(call_id, "Maria", "Alex", "Sunrise Realty", "+12125550100")
    return build_pipeline(send=send or FakeTwilio().send, stream_sid="MZ1", context=context,
                          agent=agent or ScriptedAgent(), stt=stt or ScriptedSTT(), voice=voice or ToneVoice(),
                          records=CallRecords(call_id), recorder=recorder or StereoRecorder())


def media(chunk: int, payload: bytes = SILENCE) -> str:
    return json.dumps({"event": "media", "sequenceNumber": str(chunk + 1), "streamSid": "MZ1",
                       "media": {"track": "inbound", "chunk": str(chunk), "timestamp": str(20 * (chunk - 1)),
                                 "payload": base64.b64encode(payload).decode()}})


def dtmf(digit: str) -> str:
    return json.dumps({"event": "dtmf", "sequenceNumber": "0", "streamSid": "MZ1",
                       "dtmf": {"track": "inbound_track", "digit": digit}})


def stop() -> str:
    return json.dumps({"event": "stop", "sequenceNumber": "0", "streamSid": "MZ1",
                       "stop": {"accountSid": "AC1", "callSid": "CA1"}})


def espeak(text: str) -> bytes:
    """A lead's voice (espeak-ng) as 8 kHz μ-law."""
    import io
    import subprocess
    import wave

    from media_server.speech.audio import resample

    wav = subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "--stdout", text], capture_output=True,
                         check=True).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
        rate = reader.getframerate()
    return pcm16_to_ulaw(resample(samples, rate, 8000))


class Line:
    """The lead's side of the line: a 20 ms media message every 20 ms, silence unless told to speak."""

    def __init__(self, session):
        self.session = session
        self._speech = bytearray()
        self.speech_done = asyncio.Event()
        self.chunk = 0
        self._task: asyncio.Task | None = None

    def start(self) -> Line:
        self._task = asyncio.create_task(self._run())
        return self

    def stop(self) -> None:
        if self._task:
            self._task.cancel()

    def say(self, audio: bytes) -> None:
        self._speech += audio
        self.speech_done.clear()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        while not self.session.ended.is_set():
            self.chunk += 1
            payload = bytes(self._speech[:160]).ljust(160, b"\xff") if self._speech else SILENCE
            del self._speech[:160]
            if not self._speech:
                self.speech_done.set()
            await self.session.feed(media(self.chunk, payload))
            await asyncio.sleep(max(0.0, started + 0.02 * self.chunk - loop.time()))
