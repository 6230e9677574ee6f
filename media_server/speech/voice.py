"""The call's voice: local (Piper) or premium (ElevenLabs), switchable mid-call, never silent.

`speak()` yields 8 kHz μ-law audio sentence by sentence. In the premium tier, an ElevenLabs
error, or no audio within the timeout, hands the rest of the reply to Piper from the next word,
switches the call to the local tier and reports the switch (the pipeline records it).
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator

from django.conf import settings

from media_server.speech.audio import to_telephone
from media_server.speech.premium import PremiumVoiceError
from media_server.speech.text import speakable

log = logging.getLogger(__name__)
LOCAL, PREMIUM = "local", "premium"
_DONE = object()


def resume_point(text: str, spoken_chars: int) -> int:
    """Where to carry on after `spoken_chars`: the start of the next whole word."""
    if spoken_chars <= 0:
        return 0
    if spoken_chars >= len(text):
        return len(text)
    if text[spoken_chars - 1].isspace() or text[spoken_chars].isspace():
        return spoken_chars
    following = text.find(" ", spoken_chars)  # mid-word: that word was (partly) heard, skip it
    return len(text) if following < 0 else following + 1


async def _in_thread(make_iterator: Callable[[], Iterator], first_timeout: float, next_timeout: float):
    """Items of a blocking iterator produced on a worker thread, with a deadline for each."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    stop = threading.Event()

    def produce():
        try:
            for item in make_iterator():
                if stop.is_set():
                    return
                loop.call_soon_threadsafe(queue.put_nowait, item)
            loop.call_soon_threadsafe(queue.put_nowait, _DONE)
        except Exception as exc:  # handed to the consumer
            loop.call_soon_threadsafe(queue.put_nowait, exc)

    threading.Thread(target=produce, name="premium-voice", daemon=True).start()
    timeout = first_timeout
    try:
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                raise PremiumVoiceError(f"ElevenLabs sent no audio for {timeout:.1f} s") from None
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise item
            yield item
            timeout = next_timeout
    finally:
        stop.set()


class CallVoice:
    """One call's voice. `on_switch(from_tier, to_tier, reason)` hears every tier change."""

    def __init__(self, local, premium_factory: Callable[[], object] | None = None, tier: str = LOCAL,
                 on_switch: Callable[[str, str, str], None] | None = None):
        self.local = local
        self._premium_factory = premium_factory
        self._premium = None
        self.tier = LOCAL
        self.on_switch = on_switch
        if tier == PREMIUM:
            self.set_tier(PREMIUM, "campaign voice tier")

    def set_tier(self, tier: str, reason: str) -> None:
        if tier == self.tier:
            return
        if tier == PREMIUM and self._premium is None:
            try:
                self._premium = (self._premium_factory or _default_premium)()
            except PremiumVoiceError as exc:
                log.warning("premium voice unavailable, staying local: %s", exc)
                return
        previous, self.tier = self.tier, tier
        if self.on_switch:
            try:
                self.on_switch(previous, tier, reason)
            except Exception:  # recording the switch must never silence the call
                log.exception("could not record the voice tier switch %s → %s", previous, tier)

    async def speak(self, text: str) -> AsyncIterator[bytes]:
        spoken = speakable(text, settings.TTS_MAX_SPOKEN_CHARS)
        if not spoken:
            return
        if self.tier == PREMIUM:
            heard = 0
            try:
                async for chunk in _in_thread(lambda: self._premium.stream(spoken),
                                              settings.ELEVENLABS_FIRST_AUDIO_TIMEOUT,
                                              settings.ELEVENLABS_CHUNK_TIMEOUT):
                    heard = chunk.spoken_chars
                    yield chunk.audio
                return
            except PremiumVoiceError as exc:
                log.warning("premium voice failed after %d of %d characters: %s", heard, len(spoken), exc)
                # off the event loop: on_switch may write to the database (Django refuses that in the loop)
                await asyncio.to_thread(self.set_tier, LOCAL, f"premium voice failed: {exc}")
                spoken = spoken[resume_point(spoken, heard):]
        async for audio in self._local(spoken):
            yield audio

    async def _local(self, spoken: str) -> AsyncIterator[bytes]:
        chunks = self.local.stream(spoken, already_speakable=True)
        while True:
            chunk = await asyncio.to_thread(next, chunks, None)
            if chunk is None:
                return
            yield to_telephone(chunk.samples, chunk.sample_rate)


def _default_premium():
    from media_server.speech.premium import ElevenLabsTTS

    return ElevenLabsTTS()
