"""ElevenLabs, the premium voice: streamed with character timestamps, telephone-ready (ulaw_8000).

The timestamps tell how far into the text the audio has got, so when ElevenLabs fails mid-
sentence the local voice carries on from the next word instead of starting over.
"""
from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
from django.conf import settings

log = logging.getLogger(__name__)
OUTPUT_FORMAT = "ulaw_8000"  # 8 kHz μ-law: what Twilio plays, so no resampling


class PremiumVoiceError(Exception):
    """ElevenLabs refused, failed or went quiet; the caller falls back to the local voice."""


@dataclass(frozen=True)
class PremiumChunk:
    audio: bytes  # 8 kHz μ-law
    spoken_chars: int  # characters of the text this audio (and all before it) covers


class ElevenLabsTTS:
    def __init__(self, api_key: str | None = None, voice_id: str | None = None, model_id: str | None = None,
                 base_url: str | None = None, timeout: float = 10.0):
        from elevenlabs.client import ElevenLabs

        api_key = api_key or settings.ELEVENLABS_API_KEY
        if not api_key:
            raise PremiumVoiceError("ELEVENLABS_API_KEY is not set")
        self.voice_id = voice_id or settings.ELEVENLABS_VOICE_ID
        self.model_id = model_id or settings.ELEVENLABS_MODEL_ID
        self.client = ElevenLabs(api_key=api_key, base_url=(base_url or settings.ELEVENLABS_BASE_URL).rstrip("/"),
                                 timeout=timeout)

    def stream(self, text: str) -> Iterator[PremiumChunk]:
        from elevenlabs.core.api_error import ApiError

        spoken = 0
        try:
            for item in self.client.text_to_speech.stream_with_timestamps(
                    self.voice_id, text=text, model_id=self.model_id, output_format=OUTPUT_FORMAT):
                if item.alignment is not None:
                    spoken += len(item.alignment.characters)
                audio = base64.b64decode(item.audio_base_64) if item.audio_base_64 else b""
                if audio:
                    yield PremiumChunk(audio, min(spoken, len(text)))
        except ApiError as exc:
            raise PremiumVoiceError(f"ElevenLabs answered {exc.status_code}: {_detail(exc.body)}") from exc
        except httpx.HTTPError as exc:
            raise PremiumVoiceError(f"ElevenLabs unreachable: {exc.__class__.__name__}") from exc


def _detail(body) -> str:
    if isinstance(body, dict):
        detail = body.get("detail", body)
        if isinstance(detail, dict):
            return str(detail.get("message") or detail.get("status") or detail)[:200]
        return str(detail)[:200]
    return str(body)[:200]
