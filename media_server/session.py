"""One live call in a media worker: Twilio's messages in, the agent's voice out, through a pipecat
pipeline of small stages (media_server.pipeline), one PipelineWorker per call run by its WorkerRunner.

The session is the Twilio edge: it parses Twilio's messages into frames (μ-law packets, marks,
keypresses) and hands them to the pipeline's LineInput, which pushes them on in the same task;
the pipeline's last stage sends ours. The session ends the call — at once when the lead hangs up
or the stream closes, after the goodbye when the agent hangs up (the pipeline ends itself) — and
keeps its records: Turn and AgentTransition rows as they happen, the stereo recording and the
metrics at the end. An error in a stage travels up as an ErrorFrame; the session logs it and the
call goes on without what failed (one turn, one sentence).

Transport-agnostic: `feed()` takes Twilio's messages, `send` delivers ours, and `answered_by()` takes machine
detection's verdict as the calls domain announces it (a frame into the pipeline, like Twilio's). The database
is reached through the calls domain (apps.calls.media) on the database thread (apps.core.dbthread).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from pipecat.audio.dtmf.types import KeypadEntry
from pipecat.frames.frames import ErrorFrame, Frame, InputDTMFFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineWorker
from pipecat.workers.runner import WorkerRunner

from apps.calls import media as calls
from apps.core.dbthread import run_db
from apps.costs.meter import CallMeter
from media_server.agent.interface import CallContext
from media_server.dsp.chain import FRAME_SAMPLES
from media_server.pipeline.build import build_pipeline
from media_server.pipeline.frames import MachineDetectionFrame, MarkHeardFrame, PacketFrame
from media_server.pipeline.records import CallRecords
from media_server.recording import StereoRecorder
from media_server.twilio_protocol import Dtmf, Mark, Media, ProtocolError, Stop, parse

log = logging.getLogger(__name__)
STOP_TIMEOUT_SECONDS = 2.0


class CallSession:
    def __init__(self, call_id: int, stream_sid: str, send: Callable[[str], Awaitable[None]], context: CallContext,
                 agent, stt, voice, hang_up: Callable[[], Awaitable[None]] | None = None):
        self.call_id, self.stream_sid = call_id, stream_sid
        self.context, self.agent, self.stt, self.voice = context, agent, stt, voice
        self._hang_up = hang_up
        self.records = CallRecords(call_id)
        self.meter = CallMeter(call_id, run_db)  # speech usage to the cost ledger, as it happens
        self.metrics, self.started = self.records.metrics, self.records.started
        self.recorder = StereoRecorder()
        self.malformed = 0
        self.ended = asyncio.Event()
        built = build_pipeline(send=send, stream_sid=stream_sid, context=context, agent=agent, stt=stt, voice=voice,
                               records=self.records, recorder=self.recorder, meter=self.meter)
        self.line, self.jitter, self.playback = built.line, built.jitter, built.playback
        self.pipeline = Pipeline(built.stages)
        self._worker: PipelineWorker | None = None
        self._running: asyncio.Task | None = None

    # --- lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        self._worker = PipelineWorker(self.pipeline, name=f"call-{self.call_id}", enable_rtvi=False,
                                      enable_turn_tracking=False, idle_timeout_secs=None)
        self._worker.add_event_handler("on_pipeline_error", self._on_error)
        runner = WorkerRunner(name=f"call-{self.call_id}-runner", handle_sigint=False)
        await runner.add_workers(self._worker)
        self._running = asyncio.create_task(self._run(runner), name=f"call-{self.call_id}-pipeline")

    async def _run(self, runner: WorkerRunner) -> None:
        try:
            await runner.run()
        except Exception:  # the call cannot go on without its pipeline; it still ends cleanly
            log.exception("call %s: the pipeline failed", self.call_id)
        if not self.ended.is_set():  # the pipeline ended itself: the agent said goodbye
            await self.end(self.playback.hangup_reason or "the pipeline ended")
            if self._hang_up:
                await self._hang_up()

    async def end(self, reason: str) -> None:
        """Stop all work for this call at once, then keep its records."""
        if self.ended.is_set():
            return
        self.ended.set()
        if self._worker is not None:
            await self._worker.cancel(reason=reason)
        if self._running is not None and self._running is not asyncio.current_task():
            await asyncio.wait([self._running], timeout=STOP_TIMEOUT_SECONDS)
        await self.playback.close()
        await self.meter.close()
        await self._save_records()
        log.info("call %s: media session ended (%s), %d malformed frames", self.call_id, reason, self.malformed)

    def now_ms(self) -> int:
        return self.records.now_ms()

    async def _on_error(self, worker, frame: ErrorFrame) -> None:
        log.error("call %s: %s", self.call_id, frame.error)

    # --- from Twilio ---------------------------------------------------------------

    async def feed(self, text: str) -> None:
        if self.ended.is_set():
            return
        try:
            message = parse(text)
            frame = self._frame(message)
        except (ProtocolError, ValueError) as exc:  # ValueError: a key no keypad has
            self.malformed += 1
            log.debug("call %s: skipped a malformed frame: %s", self.call_id, exc)
            return
        if isinstance(message, Stop):
            await self.end("the lead hung up")
        elif frame is not None:
            await self.line.receive(frame)

    def _frame(self, message) -> Frame | None:
        """Twilio's message as a pipeline frame; None when the pipeline has no use for it."""
        if isinstance(message, Media) and message.track in ("inbound", "inbound_track"):
            if len(message.payload) != FRAME_SAMPLES:
                raise ProtocolError(f"a {len(message.payload)}-byte media payload (20 ms is {FRAME_SAMPLES})")
            return PacketFrame(message.chunk, message.payload, message.timestamp_ms, self.now_ms())
        if isinstance(message, Mark):
            return MarkHeardFrame(message.name)
        if isinstance(message, Dtmf):
            return InputDTMFFrame(KeypadEntry(message.digit))
        return None

    # --- from the calls domain ------------------------------------------------------

    async def answered_by(self, answered_by: str) -> None:
        """Machine detection's verdict, announced as it came (apps.calls.call_events), into the pipeline."""
        if not self.ended.is_set():
            await self.line.receive(MachineDetectionFrame(answered_by))

    # --- records ---------------------------------------------------------------------

    async def _save_records(self) -> None:
        path = ""  # the campaign does not record calls where every party must consent: no audio is kept
        if self.context.record:
            path = await asyncio.to_thread(self.recorder.save, self.call_id)  # the WAV file, off the loop
        stats = self.jitter.buffer.stats
        self.metrics.update(malformed_frames=self.malformed, lost_frames=stats.lost, jitter_target_ms=stats.target_ms)
        await run_db(calls.keep_recording, self.call_id, path, self.metrics)
