"""The agent's side of the conversation: when to greet and answer, the agent's replies said sentence
by sentence as it yields them, and the voice that speaks each sentence.

    LeadStoppedSpeakingFrame / LeadTranscriptFrame / InputDTMFFrame / MachineDetectionFrame
    → AgentReplies → ReplyStartedFrame (both ways), LeadScoreFrame (when the agent's Score changed),
                     TTSSpeakFrame per sentence, AgentHangupFrame, ReplyEndFrame;
                     Handover → AgentTransition row; InterruptionFrame stops the reply
    → Speech → per sentence: TTSTextFrame, TTSAudioRawFrame (20 ms PCM16 at 8 kHz)…, TTSStoppedFrame;
               the characters each voice tier spoke to the ledger, a reply at a time; the voice's
               tier by the campaign's rule (TierEscalation)
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import aclosing

from django.conf import settings
from pipecat.frames.frames import (
    CancelFrame,
    EndFrame,
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

from apps.core.dbthread import run_db
from media_server.agent.interface import CallContext, Handover, Hangup, LeadTurn, Say, Score, Transfer
from media_server.dsp.chain import telephone_frames
from media_server.pipeline.frames import (
    AgentHangupFrame,
    LeadScoreFrame,
    LeadStoppedSpeakingFrame,
    LeadTranscriptFrame,
    MachineDetectionFrame,
    ReplyEndFrame,
    ReplyFinishedFrame,
    ReplyLockedFrame,
    ReplyStartedFrame,
    SpeechPrepareFrame,
)
from media_server.pipeline.records import CallRecords
from media_server.pipeline.stage import DirectStage
from media_server.speech.audio import TELEPHONE_RATE
from media_server.speech.hold import hold_music
from media_server.speech.text import identification, sentences, speakable
from media_server.speech.voice import LOCAL, PREMIUM, note_no_premium_voice

log = logging.getLogger(__name__)
_DTMF = "dtmf"
MACHINE_WATCH_SECONDS = 45  # detection decides within its timeout (Twilio: 30 s): none by then means none comes
HOLD_STEP_SECONDS = 1.0  # on hold: music queued a second at a time, and the transfer looked at as often
HOLD_MESSAGE_EVERY_SECONDS = 15.0
HOLD_MESSAGE = "Thanks for holding, I'm still trying to reach {human}."
IDENTIFY_AFTER_MS = 1500  # no greeting this long after the hello: the identification message plays in its place
CONNECTING_PLAYED_WITHIN_SECONDS = 15.0  # the "let me connect you" line is heard before the music starts


def _settled(answered_by: str) -> bool:
    """Machine detection has said all it will: the machine's greeting ended, or it was a person (or unknown)."""
    return answered_by.startswith("machine_end") or (bool(answered_by) and not answered_by.startswith("machine"))


class AgentReplies(DirectStage):
    """Outbound calls wait for the lead's hello (or GREETING_SILENCE_SECONDS of silence) and greet (a call the lead
    made is greeted at once, as a person answering the phone would);
    the hello itself is transcribed but not answered. The greeting is decided and its first sentence rendered as the
    call starts, while the lead says hello, so it plays the moment the hello ends however busy the worker is then
    (unless machine detection's verdict changed meanwhile: then it is decided afresh). Every later lead turn (speech
    or keypad) gets a reply, one reply at a time in order. A barge-in (InterruptionFrame) stops the reply at once."""

    def __init__(self, agent, context: CallContext, records: CallRecords, **kwargs):
        super().__init__(**kwargs)
        self.agent, self.context, self.records = agent, context, records
        self._turns: asyncio.Queue = asyncio.Queue()  # (LeadTurn | _DTMF, when the lead's turn ended)
        self._greeted = False
        self._hello = 0  # the utterance that the greeting answered
        self._in_speech = False
        self._speech_end_ms = 0
        self._dtmf = ""
        self._nine_on_hold = False
        self._greeting_said = False  # a sentence of the greeting has gone to the voice
        self._barged_in = False
        self._cut_heard = ""  # what the lead heard of the reply they last cut (Playback's ReplyFinishedFrame says)
        self._heard_out = False  # a final reply is playing (a goodbye said again): the call ends with it
        self._replies = 0
        self._reply: asyncio.Task | None = None
        self._score: int | None = None  # the last LeadScoreFrame's
        self._answered_by = ""  # the last MachineDetectionFrame's
        self._verdict = asyncio.Event()  # set by each MachineDetectionFrame
        self._holding = False  # the lead is on hold for a live transfer: their words and keys wait
        self._to_machine = False  # a machine beeped: the message is left whatever the line carries after the beep
        self._finished = 0  # the last reply the lead heard to its end (or that was cut)
        self._reply_finished = asyncio.Event()
        self._prepared: asyncio.Queue | None = None  # the greeting's outputs as decided before the hello, then None
        self._prepared_for = ""  # the machine detection verdict it was decided under

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, LeadTranscriptFrame):
            self._on_transcript(frame)
            return
        if isinstance(frame, InputDTMFFrame):
            if not self._holding:
                self._on_keypad(frame.button.value)
            elif frame.button.value == "9":
                self._nine_on_hold = True  # the opt-out key counts on hold too: the hold ends, the number is listed
            return
        if isinstance(frame, ReplyFinishedFrame):
            if frame.heard is not None:
                self._cut_heard = frame.heard
            self._finished = max(self._finished, frame.number)
            self._reply_finished.set()
        if isinstance(frame, InterruptionFrame) and (self._holding or self._to_machine):
            return  # talking over hold music cuts nothing; nor does the beep's tail cut the message to a machine
        if isinstance(frame, MachineDetectionFrame):
            self._answered_by = frame.answered_by
            self._verdict.set()
        elif isinstance(frame, StartFrame):
            self.spawn(self._take_turns(), "turns")
            if not self.context.inbound:
                self._prepared_for, self._prepared = self._answered_by, asyncio.Queue()
                self.spawn(self._prepare_greeting(self._prepared), "prepare-greeting")
            self.spawn(self._greet_at_once() if self.context.inbound else self._greet_after_silence(), "greet")
            self.spawn(self._watch_for_a_machine(), "amd")
        elif isinstance(frame, UserStartedSpeakingFrame):
            self._in_speech = True
        elif isinstance(frame, LeadStoppedSpeakingFrame):
            self._in_speech, self._speech_end_ms = False, frame.end_ms
            if not self._greeted:
                self._hello = frame.utterance
                self._greet()
        elif isinstance(frame, InterruptionFrame):
            self._barged_in, self._cut_heard = True, ""  # a reply cut before it reached the line was not heard
            if self._reply and not self._reply.done():
                self._reply.cancel()
        await self.push_frame(frame, direction)

    def _on_transcript(self, frame: LeadTranscriptFrame) -> None:
        if frame.utterance <= self._hello or self._holding or self._to_machine:
            return  # the lead's "hello?": answered by the greeting (and a machine's beep is answered by nobody)
        interrupted, self._barged_in = self._barged_in, False  # (kept for the turn that is answered)
        turn = LeadTurn(frame.text, frame.confidence, frame.language, frame.usable, self._dtmf,
                        interrupted_agent=interrupted, heard=self._cut_heard if interrupted else None)
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
        hello_end = self._speech_end_ms if self._hello else 0  # the greeting answers the lead's hello
        self._reply = self.spawn(self._say(self._greeting(), hello_end), "greeting")
        if hello_end and not self.context.inbound:
            self.spawn(self._identify_if_late(hello_end, self._reply), "identify")

    async def _prepare_greeting(self, outputs: asyncio.Queue) -> None:
        """The greeting's outputs into `outputs` as the agent yields them (then None, or the error), its first
        sentence handed to the voice to render ahead."""
        await asyncio.sleep(0)  # the StartFrame goes down the pipeline first
        rendering = False
        try:
            async for output in self.agent.greeting(self.context):
                outputs.put_nowait(output)
                if isinstance(output, Say) and not rendering and not self._greeted:
                    rendering = True
                    await self.push_frame(SpeechPrepareFrame((sentences(speakable(output.text)) or [output.text])[0]))
        except Exception as exc:  # noqa: BLE001 - the greeting reports it when it gets here
            outputs.put_nowait(exc)
        outputs.put_nowait(None)

    async def _greeting(self):
        """The greeting decided as the call started, or decided now when it was not (or under another verdict)."""
        prepared, self._prepared = self._prepared, None
        if prepared is None or self._answered_by != self._prepared_for:
            async for output in self.agent.greeting(self.context):
                yield output
            return
        while (output := await prepared.get()) is not None:
            if isinstance(output, Exception):
                raise output
            yield output

    async def _identify_if_late(self, hello_end: int, greeting: asyncio.Task) -> None:
        """A worker too loaded to greet within IDENTIFY_AFTER_MS of the lead's hello has abandoned the call (47 CFR
        64.1200(a)(7)): in the greeting's place the lead hears who is calling, the number to call back and that 9
        stops our calls (the message played when no worker is free), in the call's voice, and the call is counted
        as abandoned; the greeting follows when it comes. (Made only when needed: synthesising it for every call
        at its start cost CPU at the very moment of the hello.)"""
        await asyncio.sleep(max(0.0, IDENTIFY_AFTER_MS - (self.records.now_ms() - hello_end)) / 1000)
        if self._greeting_said or greeting.done():  # greeted in time, or nothing to say (a machine answered)
            return
        late_ms = self.records.now_ms() - hello_end
        log.warning("call %s: no greeting %d ms after the hello; the identification message plays",
                    self.records.call_id, late_ms)
        self.records.metrics["identified_ms"] = late_ms
        self.spawn(self.records.abandoned(late_ms), "abandoned")
        for sentence in sentences(identification(self.context.company_name, self.context.callback_number)):
            await self.push_frame(TTSSpeakFrame(sentence))

    async def _greet_at_once(self) -> None:
        await asyncio.sleep(0)  # the StartFrame goes down the pipeline first
        if not self._greeted:
            self._greet()

    async def _greet_after_silence(self) -> None:
        while not self._greeted:
            await asyncio.sleep(0.1)
            silent_ms = self.records.now_ms() - max(self._speech_end_ms, 0)
            if not self._greeted and not self._in_speech and silent_ms >= settings.GREETING_SILENCE_SECONDS * 1000:
                self._greet()

    async def _watch_for_a_machine(self) -> None:
        """Answering-machine detection reports after the call is answered (Twilio's async AMD: at the machine's
        beep). Nobody speaks after a beep, so no lead turn would come: the agent gets a turn of its own at once,
        stopping whatever it was saying to the machine, and leaves its message (the agent reads who answered).

        The verdict is read once as the call starts (one that came before the stream did); after that it arrives
        as a MachineDetectionFrame, waited for here for up to MACHINE_WATCH_SECONDS."""
        from apps.calls.media import answered_by_so_far

        try:
            answered_by = await run_db(answered_by_so_far, self.records.call_id)
        except Exception:  # noqa: BLE001 - the verdict may still be announced
            log.warning("call %s: could not read machine detection", self.records.call_id, exc_info=True)
            answered_by = ""
        try:
            async with asyncio.timeout(MACHINE_WATCH_SECONDS):
                while not _settled(answered_by := self._answered_by or answered_by):  # the announced one is newer
                    self._verdict.clear()
                    await self._verdict.wait()
        except TimeoutError:
            return  # no verdict is coming
        if not answered_by.startswith("machine_end"):
            return  # a person (or detection gave up): nothing to watch for
        log.info("call %s: an answering machine beeped; leaving the message", self.records.call_id)
        self._greeted, self._to_machine = True, True
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
            if self._heard_out:
                continue  # said over the goodbye said again: its hang-up follows it
            self._reply = self.spawn(self._say(self.agent.respond(turn, self.context), lead_end_ms), "reply")

    async def _say(self, outputs, lead_end_ms: int) -> None:
        """The agent's outputs as they come: sentences to speak, hand-overs to record, a hang-up."""
        self._replies += 1
        number = self._replies
        await self.broadcast_frame(ReplyStartedFrame, number=number, started_ms=self.records.now_ms(),
                                   lead_end_ms=lead_end_ms)
        try:
            async with aclosing(outputs):  # a barge-in closes the agent's reply at once (it records what it cut)
                async for output in outputs:
                    if isinstance(output, Score):
                        await self._score_if_changed(output)
                    elif isinstance(output, Handover):
                        await self.records.transition(output)
                    elif isinstance(output, Hangup):
                        await self.push_frame(AgentHangupFrame(output.reason))
                        break
                    elif isinstance(output, Transfer):
                        self._holding = True  # from now: the lead's words wait for the hold to end
                        self.spawn(self._transfer(output, number), "transfer")
                        break
                    else:
                        if output.final and not self._heard_out:
                            self._heard_out = True
                            await self.push_frame(ReplyLockedFrame(number), FrameDirection.UPSTREAM)
                        self._greeting_said = True  # (by the first reply to speak, which is the greeting)
                        for sentence in sentences(speakable(output.text)) or [output.text]:
                            await self.push_frame(TTSSpeakFrame(sentence))
        except Exception as exc:  # what was said stands; the lead can carry on
            await self.push_error(f"call {self.records.call_id}: the agent failed: {exc}", exception=exc)
        await self.push_frame(ReplyEndFrame(number))

    async def _transfer(self, transfer: Transfer, connecting_reply: int) -> None:
        """Put the lead through to a person (apps.calls.transfers): ring the first free human, and once the
        "let me connect you" line has been heard, hold the lead with music and, every so often, a word. A human who
        takes the call moves it into a conference room (Twilio stops this stream: the session ends). If nobody
        does (or the hold runs out), the agent gets a "transfer_returned" turn and carries on with the lead."""
        from apps.calls import media as calls

        call_id = self.records.call_id
        status = "returned"
        try:
            started = await run_db(calls.start_transfer, call_id, transfer.reason)
            await self._heard(connecting_reply)
            if started is not None:
                status = await self._hold(started.transfer_id, started.human)
        except Exception:  # noqa: BLE001 - the lead must not be left on hold: the agent comes back
            log.exception("call %s: the transfer failed; the agent carries on", call_id)
        if self._nine_on_hold and status != "returned":  # they pressed 9 as the human took it, or hung up
            await run_db(calls.opt_out_by_keypad, call_id, "on hold")
        if status == "connected":
            log.info("call %s: put through to a person; the agent leaves the call", call_id)
            return
        self._holding = False
        if status == "returned" and self._nine_on_hold:
            self._turns.put_nowait((LeadTurn("", dtmf="9"), self.records.now_ms()))  # the agent's opt-out, goodbye
        elif status != "lead_left":
            self._turns.put_nowait((LeadTurn("", event="transfer_returned"), self.records.now_ms()))

    async def _heard(self, reply: int) -> None:
        """Wait until reply `reply` has been played to its end (or cut), for at most a few seconds."""
        try:
            async with asyncio.timeout(CONNECTING_PLAYED_WITHIN_SECONDS):
                while self._finished < reply:
                    self._reply_finished.clear()
                    await self._reply_finished.wait()
        except TimeoutError:
            pass

    async def _hold(self, transfer_id: int, human: str) -> str:
        """Music (and a word every HOLD_MESSAGE_EVERY_SECONDS) until the transfer is decided; its final status."""
        from apps.calls import media as calls

        self._replies += 1
        number = self._replies
        loop = asyncio.get_running_loop()
        await self.broadcast_frame(ReplyStartedFrame, number=number, started_ms=self.records.now_ms(), lead_end_ms=0)
        deadline = loop.time() + settings.TRANSFER_HOLD_MAX_SECONDS
        next_word, played = loop.time() + HOLD_MESSAGE_EVERY_SECONDS, 0
        try:
            while True:
                status, ringing = await run_db(calls.hold_state, transfer_id)
                if status == "waiting" and self._nine_on_hold:
                    status = await run_db(calls.end_hold, transfer_id, "the lead pressed 9 on hold")
                elif status == "waiting" and loop.time() >= deadline:
                    status = await run_db(calls.end_hold, transfer_id)
                if status != "waiting":
                    return status
                if loop.time() >= next_word:
                    next_word = loop.time() + HOLD_MESSAGE_EVERY_SECONDS
                    await self.push_frame(TTSSpeakFrame(HOLD_MESSAGE.format(human=ringing or human)))
                else:
                    played = await self._music(played)
                await asyncio.sleep(HOLD_STEP_SECONDS)
        finally:
            await self.push_frame(ReplyEndFrame(number))

    async def _music(self, played: int) -> int:
        """The next HOLD_STEP_SECONDS of hold music, as one piece of the hold reply; returns the samples played."""
        samples, frame = int(HOLD_STEP_SECONDS * TELEPHONE_RATE), TELEPHONE_RATE // 50  # 20 ms frames
        pcm = hold_music(played, samples)
        await self.push_frame(TTSTextFrame("[hold music]", text_type=TextType.SENTENCE))
        for start in range(0, samples, frame):
            await self.push_frame(TTSAudioRawFrame(pcm[start:start + frame].tobytes(), TELEPHONE_RATE, 1))
        await self.push_frame(TTSStoppedFrame())
        return played + samples

    async def _score_if_changed(self, score: Score) -> None:
        """The agent's score of the lead, yielded before the reply's first sentence, goes down the pipeline
        when it changes (the voice's tier may follow it)."""
        if score.value != self._score:
            self._score = score.value
            await self.push_frame(LeadScoreFrame(score.value, score.band))


class TierEscalation:
    """Which voice tier the call speaks in, by its campaign's `voice_tier`: local throughout; premium
    throughout; or escalate — local until the agent's score makes the lead hot, then premium for the
    rest of the call. Going premium needs a premium voice (ELEVENLABS_API_KEY; without one the call
    stays local, logged once per process) and room in today's premium-voice budget for the rest of a
    call; after each premium reply, less than a reply's worth left sends the call back to local, as an
    ElevenLabs failure does (CallVoice). Premium is tried at most once a call: no flapping. Every switch
    is a TierEscalationEvent (the voice's on_switch), with the score when the score caused it."""

    def __init__(self, voice, call_id: int):
        self.voice, self.call_id = voice, call_id
        self.plan = None
        self._tried = False

    async def start(self) -> None:
        from apps.campaigns.models import VoiceTier
        from apps.costs.services import voice_plan

        try:
            self.plan = await run_db(voice_plan, self.call_id)
            if self.plan.voice_tier == VoiceTier.PREMIUM:
                await self._go_premium("campaign voice tier", None)
        except Exception:  # noqa: BLE001 - the call goes on in the voice it has
            log.warning("call %s: could not set the campaign's voice tier", self.call_id, exc_info=True)

    async def on_score(self, frame: LeadScoreFrame) -> None:
        from apps.campaigns.models import VoiceTier

        if self.plan is None or self.plan.voice_tier != VoiceTier.ESCALATE or frame.band != "hot" or self._tried:
            return
        try:
            await self._go_premium(f"hot lead (score {frame.score})", frame.score)
        except Exception:  # noqa: BLE001 - the reply is said in the voice it has
            log.warning("call %s: could not escalate the voice", self.call_id, exc_info=True)

    async def after_premium_speech(self) -> None:
        """Called once a premium reply's characters are on their way to the ledger (queued before this)."""
        from apps.costs.services import PREMIUM_LOW_CHARACTERS, premium_voice_room

        if self.plan is None or self.voice.tier != PREMIUM:
            return
        try:
            enough, left = await run_db(premium_voice_room, self.plan, PREMIUM_LOW_CHARACTERS)
            if not enough:
                log.info("call %s: the premium voice budget is running low: back to the local voice", self.call_id)
                await run_db(self.voice.set_tier, LOCAL, f"premium voice budget running low (${left} left today)")
        except Exception:  # noqa: BLE001 - checked again after the next premium reply
            log.warning("call %s: could not check the premium voice budget", self.call_id, exc_info=True)

    async def _go_premium(self, why: str, score: int | None) -> None:
        from apps.costs.services import PREMIUM_REST_OF_CALL_CHARACTERS, premium_voice_room

        self._tried = True
        if not self.voice.premium_available:
            note_no_premium_voice()
            return
        enough, left = await run_db(premium_voice_room, self.plan, PREMIUM_REST_OF_CALL_CHARACTERS)
        if not enough:
            log.info("call %s: %s, but the premium voice budget has no room for a call ($%s left today)",
                     self.call_id, why, left)
            return
        room = "no premium budget set" if left is None else f"${left} of the premium budget left today"
        # Off the loop: the ElevenLabs client is built on a thread of its own (it would hold up other calls'
        # database work), the switch is recorded on the database thread.
        if await asyncio.to_thread(self.voice.prepare_premium) and await run_db(
                self.voice.set_tier, PREMIUM, f"{why}; {room}", score):
            log.info("call %s: the premium voice takes over: %s", self.call_id, why)


MAX_RENDERED_AHEAD = 2  # sentences a call may have rendered ahead at once (the greeting's first)


class Speech(DirectStage):
    """Each sentence → the call's voice (Piper | ElevenLabs) → 20 ms PCM16 frames at 8 kHz, pushed as
    they are made, so the first frames play while the rest is synthesised. Runs in the task of the
    reply that pushed the sentence: cancelling the reply stops its speech.

    With a meter (apps.costs.meter), the characters each tier was given go to the ledger at the end of
    each reply (or when it is cut, or the call ends), and the voice's tier follows TierEscalation."""

    def __init__(self, voice, meter=None, **kwargs):
        super().__init__(**kwargs)
        self.voice, self.meter = voice, meter
        self.tiers = TierEscalation(voice, meter.call_id) if meter is not None and hasattr(voice, "set_tier") else None
        self._planned: asyncio.Task | None = None
        self._billed = {LOCAL: 0, PREMIUM: 0}  # the voice's characters already on the ledger
        self._rendered: dict[str, asyncio.Task] = {}  # sentence → (tier, audio) rendered ahead (SpeechPrepareFrame)

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, TTSSpeakFrame):
            await self._speak(frame.text)
            return
        if isinstance(frame, SpeechPrepareFrame):
            if frame.text not in self._rendered and len(self._rendered) < MAX_RENDERED_AHEAD:
                self._rendered[frame.text] = self.spawn(self._render(frame.text), "render-ahead")
            return
        if isinstance(frame, StartFrame) and self.tiers is not None:
            self._planned = self.spawn(self.tiers.start(), "voice-tier")
        elif isinstance(frame, LeadScoreFrame) and self.tiers is not None:
            await self._plan_ready()
            await self.tiers.on_score(frame)  # in the reply's task: its sentences wait for the decision
        elif isinstance(frame, ReplyEndFrame | InterruptionFrame):
            self._bill(check_budget=True)
        elif isinstance(frame, EndFrame | CancelFrame):
            self._bill(check_budget=False)
        await self.push_frame(frame, direction)

    async def cleanup(self):
        self._bill(check_budget=False)
        await super().cleanup()

    async def _plan_ready(self) -> None:
        if self._planned is not None and not self._planned.done():
            await asyncio.wait([self._planned])  # the campaign's tier is read at the start: milliseconds

    async def _speak(self, sentence: str) -> None:
        await self._plan_ready()
        await self.push_frame(TTSTextFrame(sentence, text_type=TextType.SENTENCE))
        async for audio in self._audio(sentence):  # 8 kHz μ-law, as Twilio plays it
            for _, pcm in telephone_frames(audio):
                await self.push_frame(TTSAudioRawFrame(pcm.tobytes(), TELEPHONE_RATE, 1))
        await self.push_frame(TTSStoppedFrame())

    async def _audio(self, sentence: str):
        """The sentence's audio: rendered ahead when it was, in the tier the call still speaks in; else made now."""
        ahead = self._rendered.pop(sentence, None)
        if ahead is not None:
            try:
                tier, chunks = await asyncio.shield(ahead)
            except Exception:  # noqa: BLE001 - made now instead
                log.warning("a sentence rendered ahead failed; saying it now", exc_info=True)
            else:
                if tier == getattr(self.voice, "tier", None):
                    for audio in chunks:
                        yield audio
                    return
        async for audio in self.voice.speak(sentence):
            yield audio

    async def _render(self, sentence: str) -> tuple[str | None, list[bytes]]:
        await self._plan_ready()  # the campaign's tier first: the sentence is rendered in the voice it will have
        tier = getattr(self.voice, "tier", None)
        return tier, [audio async for audio in self.voice.speak(sentence)]

    def _bill(self, check_budget: bool) -> None:
        """The characters spoken since the last bill, per tier, to the ledger (written off the loop)."""
        from apps.costs.models import CostEntry

        spoken = getattr(self.voice, "characters", None)
        if self.meter is None or spoken is None:
            return
        premium = spoken[PREMIUM] - self._billed[PREMIUM]
        self.meter.add(CostEntry.Kind.TTS_LOCAL, spoken[LOCAL] - self._billed[LOCAL])
        self.meter.add(CostEntry.Kind.TTS_PREMIUM, premium)
        self._billed = dict(spoken)
        self.meter.flush()
        if premium and check_budget and self.tiers is not None:
            self.spawn(self.tiers.after_premium_speech(), "premium-budget")  # queued after the rows it counts
