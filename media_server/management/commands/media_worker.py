"""`manage.py media_worker --device cpu|cuda:N --slots K`: a GPU-pinned (or CPU) media worker."""
from __future__ import annotations

import asyncio
import os
import signal

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve live calls: models load once, slots registered in Redis, SIGTERM drains."

    @staticmethod
    def _quiet_pipecat() -> None:
        """pipecat logs through loguru at DEBUG (dozens of lines per call): only its warnings, at our level."""
        import sys

        from django.conf import settings
        from loguru import logger

        logger.remove()
        logger.add(sys.stderr, level="WARNING" if settings.LOG_LEVEL in ("INFO", "WARNING", "ERROR") else "DEBUG")

    def add_arguments(self, parser):
        parser.add_argument("--device", default="cpu", help="cpu, or cuda:N to pin GPU N")
        parser.add_argument("--slots", type=int, default=4,
                            help="the most live calls this process carries (fewer while its load says so)")

    def handle(self, *args, device: str, slots: int, **options):
        whisper_device = self._pin(device)
        self._quiet_pipecat()
        # Imported after pinning: nothing may touch the GPU before CUDA_VISIBLE_DEVICES is set.
        from django.conf import settings

        from apps.calls.conversation import DjangoCallDomain
        from apps.costs.services import record_tier_switch
        from media_server.agent.interface import make_agent
        from media_server.call_worker import MediaWorker
        from media_server.dsp import turn
        from media_server.dsp.vad import VoiceActivity
        from media_server.speech.model_files import ModelMissing, check_models
        from media_server.speech.stt import SpeechToText
        from media_server.speech.tts import PiperTTS
        from media_server.speech.voice import CallVoice

        try:
            check_models()
        except ModelMissing as exc:
            raise CommandError(str(exc)) from exc
        stt = SpeechToText(device=whisper_device,
                           compute_type="float16" if whisper_device == "cuda" else settings.WHISPER_COMPUTE_TYPE)
        tts = PiperTTS(use_cuda=whisper_device == "cuda")
        # One agent per process, built now (not on the first call): its graph and clients serve every
        # call, each call's state being its own checkpoint thread; what it decides is done in the database.
        agent = make_agent(domain=DjangoCallDomain())
        if hasattr(agent, "warm_up"):
            agent.warm_up()
        self._warm_up(stt, tts, VoiceActivity(), turn)

        premium = self._premium_factory(settings)

        def voice_for(call_id: int) -> CallVoice:
            # Starts local; the call's Speech stage sets the campaign's tier and escalates hot leads.
            return CallVoice(tts, premium, on_switch=lambda old, new, why, score=None: record_tier_switch(
                call_id, old, new, why, score))

        worker = MediaWorker(slots, device, stt, tts, lambda: agent, voice_for)
        admission = (f"calls admitted by load (CPU under {settings.MEDIA_LOAD_THRESHOLD:.0%} of "
                     f"{worker.load.cores} cores, voice-to-voice p95 under {settings.MEDIA_TARGET_P95_MS:.0f} ms), "
                     f"at most {slots}" if worker.load is not None else f"{slots} slots")
        self.stdout.write(f"media worker on {device}: Whisper {stt.load_seconds:.2f} s, Piper {tts.load_seconds:.2f} s;"
                          f" {admission}")

        async def main():
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, worker.drain)
            loop.add_signal_handler(signal.SIGINT, worker.drain)
            await worker.run()

        asyncio.run(main())

    @staticmethod
    def _premium_factory(settings):
        """ElevenLabs when it has a key (its client imported now, not in a call's first escalation); else none."""
        if not settings.ELEVENLABS_API_KEY:
            return None
        import elevenlabs.client  # noqa: F401 - a third of a second, paid at start

        from media_server.speech.premium import ElevenLabsTTS

        return ElevenLabsTTS

    @staticmethod
    def _warm_up(stt, tts, vad, turn) -> None:
        """Run every model once (Silero, Smart Turn, Whisper, Piper): their first run allocates
        buffers and is slow, and the first lead should not pay for it."""
        from media_server.speech.audio import resample

        speech, rate = tts.synthesize("Hello, this is a warm-up.")
        audio = resample(speech, rate, 16000)
        vad.push(audio)
        asyncio.run(turn.sounds_finished(audio))
        stt.transcribe(audio, 16000)

    @staticmethod
    def _pin(device: str) -> str:
        if device == "cpu":
            return "cpu"
        if device.startswith("cuda:") and device[5:].isdigit():
            os.environ["CUDA_VISIBLE_DEVICES"] = device[5:]
            return "cuda"
        raise CommandError(f"--device must be cpu or cuda:N, not {device!r}")
