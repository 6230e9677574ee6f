"""The stock pipecat bot the voice benchmark compares us with: Twilio Media Streams on a WebSocket at `/ws`.

Built as pipecat's own Twilio examples build a bot, from pipecat's classes only: its FastAPI WebSocket
transport with its TwilioFrameSerializer, SileroVADAnalyzer in the user context aggregator with pipecat's
default turn strategies (VAD to start a turn, Smart Turn v3 to end it), its Whisper STT service
(faster-whisper) and its in-process Piper TTS service, and the user/assistant context aggregators with their
interruption handling. Same models as our pipeline (Whisper base from var/models, the Piper voice
en_US-joe-medium, Silero and Smart Turn v3 bundled in pipecat) and the same agent: AgentService stands where
pipecat's LLM service stands and answers each user turn with media_server.agent's replies as an LLM's text.

A pipecat service owns its model, and pipecat's examples build the services per connection: the bot keeps one
set built and warmed before the phone rings (KitPool), so no call waits for a model to load.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from fastapi import FastAPI, WebSocket  # at module level: FastAPI reads the route's (postponed) annotations here
from pipecat.frames.frames import (
    EndWorkerFrame,
    Frame,
    LLMContextFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    StartFrame,
    UserStartedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from media_server.agent.interface import CallContext, Hangup, LeadTurn, Say

log = logging.getLogger(__name__)
STREAM_PATH = "/ws"
AUDIO_IN_RATE = 16000  # Whisper and Smart Turn hear 16 kHz; the serializer resamples Twilio's 8 kHz
AUDIO_OUT_RATE = 8000  # Twilio's rate: Piper's 22.05 kHz is resampled once, by the TTS service
REFILL_DELAY_SECONDS = 2.0


@dataclass
class Kit:
    """One call's pipecat services (each owns its model)."""

    stt: FrameProcessor
    tts: FrameProcessor
    user: FrameProcessor  # LLMUserAggregator, with Silero VAD and the turn strategies
    assistant: FrameProcessor


def build_kit(turn_stop_secs: float | None = None, warm: bool = True) -> Kit:
    """pipecat's services for one call. `turn_stop_secs`: the silence after which Smart Turn v3 ends a turn it
    hears as unfinished (pipecat's default, None, is 3 s; our pipeline's is END_OF_TURN_SILENCE_MS)."""
    from pipecat.audio.vad.silero import SileroVADAnalyzer
    from pipecat.processors.aggregators.llm_context import LLMContext
    from pipecat.processors.aggregators.llm_response_universal import (
        LLMContextAggregatorPair,
        LLMUserAggregatorParams,
    )
    from pipecat.services.piper.tts import PiperTTSService
    from pipecat.services.whisper.stt import WhisperSTTService
    from pipecat.transcriptions.language import Language

    voice = Path(settings.PIPER_VOICE_PATH)  # the service loads <download_dir>/<voice>.onnx: nothing is fetched
    stt = WhisperSTTService(device="cpu", compute_type=settings.WHISPER_COMPUTE_TYPE,
                            settings=WhisperSTTService.Settings(model=str(settings.WHISPER_MODEL_DIR),
                                                                language=Language.EN))
    tts = PiperTTSService(download_dir=voice.parent,
                          settings=PiperTTSService.Settings(voice=voice.name.removesuffix(".onnx")))
    user_params = LLMUserAggregatorParams(vad_analyzer=SileroVADAnalyzer())
    if turn_stop_secs is not None:  # pipecat's documented way: its default strategies, Smart Turn's stop_secs set
        from pipecat.audio.turn.smart_turn.base_smart_turn import SmartTurnParams
        from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3
        from pipecat.turns.user_stop import TurnAnalyzerUserTurnStopStrategy
        from pipecat.turns.user_turn_strategies import UserTurnStrategies

        analyzer = LocalSmartTurnAnalyzerV3(params=SmartTurnParams(stop_secs=turn_stop_secs))
        user_params.user_turn_strategies = UserTurnStrategies(
            stop=[TurnAnalyzerUserTurnStopStrategy(turn_analyzer=analyzer)])
    user, assistant = LLMContextAggregatorPair(LLMContext(), user_params=user_params)
    kit = Kit(stt, tts, user, assistant)
    if warm:
        warm_up(kit)
    return kit


def warm_up(kit: Kit) -> None:
    """Run Whisper and Piper once, as our media worker does at start: a model's first run allocates its
    buffers and is slow, and the first lead should not pay for it. (The models sit in the services'
    private attributes; the benchmark reaches in rather than send audio through a pipeline.)"""
    import numpy as np

    segments, _ = kit.stt._model.transcribe(np.zeros(16000, dtype=np.float32), language="en")
    list(segments)
    list(kit.tts._voice.synthesize("Hello, this is a warm-up."))
    for strategy in kit.user._user_turn_controller._user_turn_strategies.stop:  # Smart Turn v3
        if analyzer := getattr(strategy, "_turn_analyzer", None):
            analyzer._predict_endpoint(np.zeros(2 * AUDIO_IN_RATE, dtype=np.float32))


class KitPool:
    """Kits built off the event loop ahead of the calls: one ready, another built when a call ends."""

    def __init__(self, turn_stop_secs: float | None = None, ready: int = 1, refill: bool = True):
        self.turn_stop_secs = turn_stop_secs
        self._ready = [build_kit(turn_stop_secs) for _ in range(ready)]
        self._refill = refill

    @property
    def ready(self) -> int:
        return len(self._ready)

    async def take(self) -> Kit:
        if self._ready:
            return self._ready.pop()
        return await asyncio.to_thread(build_kit, self.turn_stop_secs)

    async def refill(self) -> None:
        if not self._refill:
            return
        await asyncio.sleep(REFILL_DELAY_SECONDS)  # the call's last measurements are taken meanwhile
        self._ready.append(await asyncio.to_thread(build_kit, self.turn_stop_secs))


class AgentService(FrameProcessor):
    """Where pipecat's LLM service stands: each user turn in the context → our agent's reply, streamed as an
    LLM streams (LLMFullResponseStartFrame, LLMTextFrame per sentence, LLMFullResponseEndFrame) to the TTS
    service. The first turn (the lead's hello) is answered with the greeting, as our pipeline does, or
    GREETING_SILENCE_SECONDS of silence is. The agent hanging up ends the pipeline after its goodbye."""

    def __init__(self, agent, call: CallContext, **kwargs):
        super().__init__(**kwargs)
        self.agent, self.call = agent, call
        self._greeted = False
        self._lead_spoke = False

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, LLMContextFrame):
            if not frame.speculation:
                await self._reply(last_user_text(frame.context))
            return
        if isinstance(frame, UserStartedSpeakingFrame):
            self._lead_spoke = True
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame):
            self.create_task(self._greet_after_silence(), "greet")

    async def _greet_after_silence(self) -> None:
        await asyncio.sleep(settings.GREETING_SILENCE_SECONDS)
        if not self._greeted and not self._lead_spoke:
            await self._reply("")

    async def _reply(self, text: str) -> None:
        if self._greeted:
            outputs = self.agent.respond(LeadTurn(text, language="en"), self.call)
        else:
            self._greeted = True
            outputs = self.agent.greeting(self.call)
        hangup, first = None, True
        await self.push_frame(LLMFullResponseStartFrame())
        async with aclosing(outputs) as replies:
            async for output in replies:
                if isinstance(output, Hangup):
                    hangup = output
                    break
                if isinstance(output, Say):
                    await self.push_frame(LLMTextFrame(output.text if first else " " + output.text))
                    first = False
        await self.push_frame(LLMFullResponseEndFrame())
        if hangup is not None:
            await self.push_frame(EndWorkerFrame(reason=hangup.reason), FrameDirection.UPSTREAM)


def last_user_text(context) -> str:
    for message in reversed(context.get_messages()):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content") or ""
            if isinstance(content, list):
                return " ".join(part.get("text", "") for part in content if isinstance(part, dict)).strip()
            return str(content).strip()
    return ""


async def run_call(websocket, call_data, call: CallContext, agent, kit: Kit) -> None:
    """One call: pipecat's Twilio bot pipeline, in the order pipecat's examples give it."""
    from pipecat.pipeline.pipeline import Pipeline
    from pipecat.pipeline.worker import PipelineParams, PipelineWorker
    from pipecat.serializers.twilio import TwilioFrameSerializer
    from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport
    from pipecat.workers.runner import WorkerRunner

    # auto_hang_up would call Twilio's REST API; the simulated network ends the call when the stream closes.
    serializer = TwilioFrameSerializer(stream_sid=call_data.stream_id, call_sid=call_data.call_id,
                                       params=TwilioFrameSerializer.InputParams(auto_hang_up=False))
    transport = FastAPIWebsocketTransport(websocket, FastAPIWebsocketParams(
        audio_in_enabled=True, audio_out_enabled=True, add_wav_header=False, serializer=serializer))
    pipeline = Pipeline([
        transport.input(),         # Twilio media → 16 kHz PCM
        kit.stt,                   # Whisper, per VAD segment
        kit.user,                  # Silero VAD, turn start/stop (Smart Turn v3), interruptions, user context
        AgentService(agent, call),  # our agent, as the LLM
        kit.tts,                   # Piper, sentence by sentence
        transport.output(),        # paced 8 kHz μ-law to Twilio, `clear` on interruption
        kit.assistant,             # what the bot said, into the context
    ])
    worker = PipelineWorker(pipeline, params=PipelineParams(audio_in_sample_rate=AUDIO_IN_RATE,
                                                            audio_out_sample_rate=AUDIO_OUT_RATE),
                            enable_rtvi=False)

    @transport.event_handler("on_client_disconnected")
    async def on_client_disconnected(transport, client):
        await worker.cancel(reason="the lead hung up")

    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    await runner.run()


def make_app(agent, *pools: KitPool) -> FastAPI:
    """The bot; a call's stream URL may say `?turn_stop_secs=0.7` to get the kits built with that setting."""
    from pipecat.runner.utils import parse_telephony_websocket

    from apps.calls.media import call_opening
    from apps.core.dbthread import run_db
    from media_server.call_worker import call_context

    app = FastAPI()
    by_setting = {pool.turn_stop_secs: pool for pool in pools}

    @app.websocket(STREAM_PATH)
    async def media_stream(websocket: WebSocket):
        await websocket.accept()
        _, call_data = await parse_telephony_websocket(websocket)
        call_id = int(call_data.body.get("call_id") or 0)
        opening = await run_db(call_opening, call_id)
        if opening is None:
            log.warning("stock bot: call %s is not live; closing its stream", call_id)
            await websocket.close()
            return
        call = call_context(opening, language="en")  # pipecat's Whisper service transcribes one configured language
        setting = websocket.query_params.get("turn_stop_secs")
        setting = float(setting) if setting else None
        pool = by_setting.get(setting) or by_setting.setdefault(setting, KitPool(setting, ready=0))
        kit = await pool.take()
        log.info("stock bot: call %s connected (Smart Turn stop_secs %s)", call_id, setting or "pipecat's default")
        try:
            await run_call(websocket, call_data, call, agent, kit)
        finally:
            log.info("stock bot: call %s ended", call_id)
            await pool.refill()

    @app.get("/healthz")
    async def healthz():
        # the benchmark dials when every kind of kit is ready, not while one is being built
        return {"ready_kits": min((pool.ready for pool in by_setting.values()), default=0)}

    return app


def quiet_pipecat() -> None:
    """pipecat logs through loguru at DEBUG, dozens of lines a turn: warnings only, as our media worker does."""
    import sys

    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="WARNING")


def serve(port: int, host: str = "127.0.0.1", turn_stop_secs: tuple[float | None, ...] = (None,)) -> None:
    """Load the agent and a kit for each Smart Turn setting, then serve until SIGTERM/SIGINT."""
    import uvicorn

    from apps.calls.conversation import DjangoCallDomain
    from media_server.agent.interface import make_agent

    quiet_pipecat()
    agent = make_agent(domain=DjangoCallDomain())
    if hasattr(agent, "warm_up"):
        agent.warm_up()
    app = make_app(agent, *(KitPool(setting) for setting in turn_stop_secs))
    log.info("stock pipecat bot on ws://%s:%d%s", host, port, STREAM_PATH)
    uvicorn.run(app, host=host, port=port, log_level="warning")
