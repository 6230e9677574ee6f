"""The call's voice: local (Piper) or premium (ElevenLabs), switchable mid-call, never silent.

`speak()` yields 8 kHz μ-law audio sentence by sentence. In the premium tier, an ElevenLabs
error, or no audio within the timeout, hands the rest of the reply to Piper from the next word,
switches the call to the local tier and reports the switch (the pipeline records it). Without a
premium factory (no ELEVENLABS_API_KEY) the voice stays local, and says so once per process.

`characters` counts what each tier was given to say, the units of the ledger's speech rows: all of a
request ElevenLabs accepted (it bills the request), all of a text Piper started on.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator

from django.conf import settings

from apps.core.dbthread import run_db
from media_server.speech.audio import to_telephone
from media_server.speech.premium import PremiumVoiceError
from media_server.speech.text import speakable

log = logging.getLogger(__name__)
LOCAL, PREMIUM = "local", "premium"
_DONE = object()
_said_no_premium = threading.Event()


def note_no_premium_voice() -> None:
    """A premium voice was wanted but none is configured: logged once per process, then silent."""
    if not _said_no_premium.is_set():
        _said_no_premium.set()
        log.info("no premium voice configured (ELEVENLABS_API_KEY is not set): calls stay on the local voice")


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
    """One call's voice. `on_switch(from_tier, to_tier, reason[, score])` hears every tier change (the
    lead's score comes along when the switch was for it). `premium_factory` None: local only."""

    def __init__(self, local, premium_factory: Callable[[], object] | None = None, tier: str = LOCAL,
                 on_switch: Callable[..., None] | None = None):
        self.local = local
        self._premium_factory = premium_factory
        self._premium = None
        self.tier = LOCAL
        self.on_switch = on_switch
        self.characters = {LOCAL: 0, PREMIUM: 0}
        if tier == PREMIUM:
            self.set_tier(PREMIUM, "campaign voice tier")

    @property
    def premium_available(self) -> bool:
        return self._premium_factory is not None

    def prepare_premium(self) -> bool:
        """Build the premium client (blocking: a twentieth of a second); False when there is none."""
        if self._premium is None:
            if self._premium_factory is None:
                note_no_premium_voice()
                return False
            try:
                self._premium = self._premium_factory()
            except PremiumVoiceError as exc:
                log.warning("premium voice unavailable, staying local: %s", exc)
                return False
        return True

    def set_tier(self, tier: str, reason: str, score: int | None = None) -> bool:
        """Speak in `tier` from the next sentence on; False when nothing changed. Blocking: the switch's
        listener may write to the database (and an unprepared premium client is built), so call it off the
        event loop — where the listener's database work belongs (the pipeline: apps.core.dbthread)."""
        if tier == self.tier or (tier == PREMIUM and not self.prepare_premium()):
            return False
        previous, self.tier = self.tier, tier
        if self.on_switch:
            try:
                self.on_switch(previous, tier, reason, *([] if score is None else [score]))
            except Exception:  # recording the switch must never silence the call
                log.exception("could not record the voice tier switch %s → %s", previous, tier)
        return True

    async def speak(self, text: str) -> AsyncIterator[bytes]:
        spoken = speakable(text, settings.TTS_MAX_SPOKEN_CHARS)
        if not spoken:
            return
        if self.tier == PREMIUM:
            heard, accepted = 0, False
            try:
                async for chunk in _in_thread(lambda: self._premium.stream(spoken),
                                              settings.ELEVENLABS_FIRST_AUDIO_TIMEOUT,
                                              settings.ELEVENLABS_CHUNK_TIMEOUT):
                    if not accepted:
                        accepted = True
                        self.characters[PREMIUM] += len(spoken)
                    heard = chunk.spoken_chars
                    yield chunk.audio
                return
            except PremiumVoiceError as exc:
                log.warning("premium voice failed after %d of %d characters: %s", heard, len(spoken), exc)
                # off the event loop: on_switch may write to the database (Django refuses that in the loop)
                await run_db(self.set_tier, LOCAL, f"premium voice failed: {exc}")
                spoken = spoken[resume_point(spoken, heard):]
        async for audio in self._local(spoken):
            yield audio

    async def _local(self, spoken: str) -> AsyncIterator[bytes]:
        self.characters[LOCAL] += len(spoken)
        chunks = self.local.stream(spoken, already_speakable=True)
        while True:
            chunk = await asyncio.to_thread(next, chunks, None)
            if chunk is None:
                return
            yield to_telephone(chunk.samples, chunk.sample_rate)
