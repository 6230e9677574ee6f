"""The agent's side of the conversation: when to greet and answer, the agent's replies said sentence
by sentence as it yields them, and the voice that speaks each sentence.

    LeadStoppedSpeakingFrame / LeadTranscriptFrame / InputDTMFFrame
    → AgentReplies → ReplyStartedFrame (both ways), TTSSpeakFrame per sentence, AgentHangupFrame,
                     ReplyEndFrame; Handover → AgentTransition row; InterruptionFrame stops the reply
    → Speech → per sentence: TTSTextFrame, TTSAudioRawFrame (20 ms PCM16 at 8 kHz)…, TTSStoppedFrame
"""
from __future__ import annotations

import asyncio
import logging

from django.conf import settings
from pipecat.frames.frames import (
    Frame,
    InputDTMFFrame,
    InterruptionFrame,
    StartFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSStoppedFrame,
    TTSTextFrame,
    UserStartedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection
from pipecat.utils.text.base_text_aggregator import TextType

from media_server.agent.interface import CallContext, Handover, Hangup, LeadTurn
from media_server.dbthread import run_db
from media_server.dsp.chain import telephone_frames
from media_server.pipeline.frames import (
    AgentHangupFrame,
    LeadStoppedSpeakingFrame,
    LeadTranscriptFrame,
    ReplyEndFrame,
    ReplyStartedFrame,
)
from media_server.pipeline.records import CallRecords
from media_server.pipeline.stage import DirectStage
from media_server.speech.audio import TELEPHONE_RATE
from media_server.speech.text import sentences, speakable

log = logging.getLogger(__name__)
_DTMF = "dtmf"
MACHINE_CHECK_SECONDS = 0.5
MACHINE_WATCH_SECONDS = 45


def _answered_by(call_id: int) -> str:
    from apps.calls.models import Call

    return Call.objects.filter(pk=call_id).values_list("answered_by", flat=True).first() or ""


class AgentReplies(DirectStage):
    """Outbound calls wait for the lead's hello (or GREETING_SILENCE_SECONDS of silence) and greet;
    the hello itself is transcribed but not answered. Every later lead turn (speech or keypad) gets
    a reply, one reply at a time in order. A barge-in (InterruptionFrame) stops the reply at once."""

    def __init__(self, agent, context: CallContext, records: CallRecords, **kwargs):
        super().__init__(**kwargs)
        self.agent, self.context, self.records = agent, context, records
        self._turns: asyncio.Queue = asyncio.Queue()  # (LeadTurn | _DTMF, when the lead's turn ended)
        self._greeted = False
        self._hello = 0  # the utterance that the greeting answered
        self._in_speech = False
        self._speech_end_ms = 0
        self._dtmf = ""
        self._barged_in = False
        self._replies = 0
        self._reply: asyncio.Task | None = None

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, LeadTranscriptFrame):
            self._on_transcript(frame)
            return
        if isinstance(frame, InputDTMFFrame):
            self._on_keypad(frame.button.value)
            return
        if isinstance(frame, StartFrame):
            self.spawn(self._take_turns(), "turns")
            self.spawn(self._greet_after_silence(), "greet")
            self.spawn(self._watch_for_a_machine(), "amd")
        elif isinstance(frame, UserStartedSpeakingFrame):
            self._in_speech = True
        elif isinstance(frame, LeadStoppedSpeakingFrame):
            self._in_speech, self._speech_end_ms = False, frame.end_ms
            if not self._greeted:
                self._hello = frame.utterance
                self._greet()
        elif isinstance(frame, InterruptionFrame):
            self._barged_in = True
            if self._reply and not self._reply.done():
                self._reply.cancel()
        await self.push_frame(frame, direction)

    def _on_transcript(self, frame: LeadTranscriptFrame) -> None:
        interrupted, self._barged_in = self._barged_in, False
        if frame.utterance <= self._hello:
            return  # the lead's "hello?": answered by the greeting
        turn = LeadTurn(frame.text, frame.confidence, frame.language, frame.usable, self._dtmf,
                        interrupted_agent=interrupted)
        self._dtmf = ""
        self._turns.put_nowait((turn, frame.end_ms))

    def _on_keypad(self, digit: str) -> None:
        self._dtmf += digit
        if not self._greeted:
            self._greet()  # the digits go with the lead's next turn
        else:
            self._turns.put_nowait((_DTMF, self.records.now_ms()))  # a keypress is a turn of its own

    def _greet(self) -> None:
        self._greeted = True
        self._reply = self.spawn(self._say(self.agent.greeting(self.context), 0), "greeting")

    async def _greet_after_silence(self) -> None:
        while not self._greeted:
            await asyncio.sleep(0.1)
            silent_ms = self.records.now_ms() - max(self._speech_end_ms, 0)
            if not self._greeted and not self._in_speech and silent_ms >= settings.GREETING_SILENCE_SECONDS * 1000:
                self._greet()

    async def _watch_for_a_machine(self) -> None:
        """Answering-machine detection reports after the call is answered (Twilio's async AMD: at the machine's
        beep). Nobody speaks after a beep, so no lead turn would come: the agent gets a turn of its own at once,
        stopping whatever it was saying to the machine, and leaves its message (the agent reads who answered)."""
        for _ in range(int(MACHINE_WATCH_SECONDS / MACHINE_CHECK_SECONDS)):
            await asyncio.sleep(MACHINE_CHECK_SECONDS)
            try:
                answered_by = await run_db(_answered_by, self.records.call_id)
            except Exception:  # noqa: BLE001 - without the database the call goes on as a person's
                log.warning("call %s: could not read machine detection", self.records.call_id, exc_info=True)
                return
            if answered_by.startswith("machine_end"):
                break
            if answered_by and not answered_by.startswith("machine"):
                return  # a person (or detection gave up): nothing to watch for
        else:
            return  # detection decides within its timeout (Twilio: 30 s): no answer by now means none is coming
        log.info("call %s: an answering machine beeped; leaving the message", self.records.call_id)
        self._greeted = True
        if self._reply and not self._reply.done():
            self._reply.cancel()
            await self.push_frame(InterruptionFrame())  # playback drops what was queued for the machine
        self._turns.put_nowait((LeadTurn(""), self.records.now_ms()))

    async def _take_turns(self) -> None:
        while True:
            turn, lead_end_ms = await self._turns.get()
            if turn == _DTMF:
                if not self._dtmf:
                    continue  # already gone with an earlier turn
                turn, self._dtmf = LeadTurn("", dtmf=self._dtmf), ""
            if self._reply and not self._reply.done():
                await asyncio.wait([self._reply])  # let the last reply finish (or be cut by barge-in)
            self._reply = self.spawn(self._say(self.agent.respond(turn, self.context), lead_end_ms), "reply")

    async def _say(self, outputs, lead_end_ms: int) -> None:
        """The agent's outputs as they come: sentences to speak, hand-overs to record, a hang-up."""
        self._replies += 1
        number = self._replies
        await self.broadcast_frame(ReplyStartedFrame, number=number, started_ms=self.records.now_ms(),
                                   lead_end_ms=lead_end_ms)
        try:
            async for output in outputs:
                if isinstance(output, Handover):
                    await self.records.transition(output)
                elif isinstance(output, Hangup):
                    await self.push_frame(AgentHangupFrame(output.reason))
                    break
                else:
                    for sentence in sentences(speakable(output.text)) or [output.text]:
                        await self.push_frame(TTSSpeakFrame(sentence))
        except Exception as exc:  # what was said stands; the lead can carry on
            await self.push_error(f"call {self.records.call_id}: the agent failed: {exc}", exception=exc)
        await self.push_frame(ReplyEndFrame(number))


class Speech(DirectStage):
    """Each sentence → the call's voice (Piper | ElevenLabs) → 20 ms PCM16 frames at 8 kHz, pushed as
    they are made, so the first frames play while the rest is synthesised. Runs in the task of the
    reply that pushed the sentence: cancelling the reply stops its speech."""

    def __init__(self, voice, **kwargs):
        super().__init__(**kwargs)
        self.voice = voice

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, TTSSpeakFrame):
            await self._speak(frame.text)
        else:
            await self.push_frame(frame, direction)

    async def _speak(self, sentence: str) -> None:
        await self.push_frame(TTSTextFrame(sentence, text_type=TextType.SENTENCE))
        async for audio in self.voice.speak(sentence):  # 8 kHz μ-law, as Twilio plays it
            for _, pcm in telephone_frames(audio):
                await self.push_frame(TTSAudioRawFrame(pcm.tobytes(), TELEPHONE_RATE, 1))
        await self.push_frame(TTSStoppedFrame())
