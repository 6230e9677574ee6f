"""The premium voice at the wire: ElevenLabs through its real client against a local fake, Piper taking over.

ElevenLabs' refusals (401, 429, 500), silence before the first audio and a stream that breaks off mid-reply
all end the same way: the caller keeps hearing a voice. Piper says the whole reply when nothing premium was
heard, or carries on from the next word after what was, and the call drops to the local tier once, reported.
"""
from __future__ import annotations

import asyncio
import time

import pytest

from apps.calls.models import Call
from apps.campaigns.models import Campaign
from apps.costs.models import TierEscalationEvent
from apps.costs.services import record_tier_switch
from media_server.speech.audio import to_telephone
from media_server.speech.premium import ElevenLabsTTS, PremiumChunk, PremiumVoiceError
from media_server.speech.tts import PiperTTS, SpokenChunk
from media_server.speech.voice import CallVoice, resume_point
from tests.conftest import make_lead
from tests.media_server.speech.fake_elevenlabs import running_fake_elevenlabs

API_KEY = "sk_" + "4f0c2a9e7b1d6e3f8a5c0b9d2e7f1a4c6b8d0e2f5a7c9b1d"
VOICE_ID = "pNInz6obpgDQGcFmaJgB"
MODEL_ID = "eleven_flash_v2_5"
# Read in 16-character slices by the fake: the 2nd slice ends inside "Sunrise", the 3rd after "I ".
REPLY = "Hello Maria, this is Sam from Sunrise Realty. I saw you asked about the house on Oak Street."


class RecordingPiper(PiperTTS):
    """The real local voice, remembering what it was asked to say and the speech it gave back."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.chunks: list[SpokenChunk] = []

    def stream(self, text: str, *, already_speakable: bool = False):
        self.asked.append(text)
        for chunk in super().stream(text, already_speakable=already_speakable):
            self.chunks.append(chunk)
            yield chunk

    def telephone_audio(self) -> bytes:
        """What the caller should have heard from Piper: its speech as 8 kHz μ-law."""
        return b"".join(to_telephone(chunk.samples, chunk.sample_rate) for chunk in self.chunks)


@pytest.fixture(scope="session")
def loaded_piper() -> RecordingPiper:
    return RecordingPiper()


@pytest.fixture
def piper(loaded_piper) -> RecordingPiper:
    loaded_piper.asked.clear()
    loaded_piper.chunks.clear()
    return loaded_piper


@pytest.fixture
def elevenlabs(no_proxy, settings):
    with running_fake_elevenlabs(API_KEY, voices={VOICE_ID}) as fake:
        settings.ELEVENLABS_API_KEY = API_KEY
        settings.ELEVENLABS_VOICE_ID = VOICE_ID
        settings.ELEVENLABS_MODEL_ID = MODEL_ID
        settings.ELEVENLABS_BASE_URL = fake.base_url
        settings.ELEVENLABS_FIRST_AUDIO_TIMEOUT = 1.0
        settings.ELEVENLABS_CHUNK_TIMEOUT = 0.5
        settings.TTS_MAX_SPOKEN_CHARS = 400
        yield fake


@pytest.fixture
def switches() -> list[tuple[str, str, str]]:
    return []


@pytest.fixture
def premium_voice(elevenlabs, piper, switches) -> CallVoice:
    """A call that starts in the premium tier, its tier changes heard by `switches`."""
    return CallVoice(local=piper, tier="premium", premium_factory=ElevenLabsTTS,
                     on_switch=lambda *switch: switches.append(switch))


def say(voice: CallVoice, text: str) -> bytes:
    """Everything the caller hears of `text`, as 8 kHz μ-law."""

    async def listen() -> list[bytes]:
        return [audio async for audio in voice.speak(text)]

    pieces = asyncio.run(listen())
    assert all(pieces), "an empty audio chunk"
    return b"".join(pieces)


def assert_piper_spoke(heard: bytes, piper: RecordingPiper) -> None:
    assert piper.chunks, "Piper said nothing"
    assert heard == piper.telephone_audio()
    seconds = sum(chunk.seconds for chunk in piper.chunks)
    assert len(heard) == pytest.approx(seconds * 8000, rel=0.01)  # telephone rate, whatever Piper's own rate


def test_it_streams_telephone_audio_with_how_far_into_the_text_it_got(elevenlabs):
    chunks = list(ElevenLabsTTS().stream(REPLY))

    [sent] = elevenlabs.speech_requests
    assert sent.status == 200 and sent.lines == 6
    assert (sent.voice_id, sent.output_format) == (VOICE_ID, "ulaw_8000")
    assert (sent.text, sent.body["model_id"], sent.api_key) == (REPLY, MODEL_ID, API_KEY)
    assert all(isinstance(chunk, PremiumChunk) and chunk.audio for chunk in chunks)
    assert b"".join(chunk.audio for chunk in chunks) == sent.audio
    assert [chunk.spoken_chars for chunk in chunks] == [16, 32, 48, 64, 80, len(REPLY)]


def test_it_turns_an_elevenlabs_refusal_into_a_premium_voice_error(elevenlabs):
    elevenlabs.fail_next(429)

    with pytest.raises(PremiumVoiceError, match="ElevenLabs answered 429: Too many concurrent requests"):
        list(ElevenLabsTTS().stream(REPLY))


def test_it_speaks_the_whole_reply_in_the_premium_voice(premium_voice, elevenlabs, piper, switches):
    heard = say(premium_voice, REPLY)

    [sent] = elevenlabs.speech_requests
    assert sent.text == REPLY and sent.lines == 6
    assert heard == sent.audio
    assert piper.asked == []
    assert premium_voice.tier == "premium"
    assert switches == [("local", "premium", "campaign voice tier")]


@pytest.mark.parametrize(("status", "refusal"), [
    (401, "Invalid API key"),
    (429, "Too many concurrent requests"),
    (500, "An internal server error occurred"),
])
def test_it_falls_back_to_piper_for_the_whole_reply_when_elevenlabs_refuses(
        status, refusal, elevenlabs, piper, switches, settings):
    if status == 401:
        settings.ELEVENLABS_API_KEY = "sk_" + "0" * 48  # a key ElevenLabs does not know
    else:
        elevenlabs.fail_next(status)
    voice = CallVoice(local=piper, tier="premium", premium_factory=ElevenLabsTTS,
                      on_switch=lambda *switch: switches.append(switch))

    heard = say(voice, REPLY)

    [sent] = elevenlabs.speech_requests
    assert sent.status == status and sent.audio == b""
    assert piper.asked == [REPLY]
    assert_piper_spoke(heard, piper)
    assert voice.tier == "local"
    assert switches[0] == ("local", "premium", "campaign voice tier")
    [(from_tier, to_tier, reason)] = switches[1:]
    assert (from_tier, to_tier) == ("premium", "local")
    assert f"ElevenLabs answered {status}: {refusal}" in reason

    say(voice, "Is this still a good time?")  # the rest of the call stays local
    assert len(elevenlabs.speech_requests) == 1 and len(piper.asked) == 2 and len(switches) == 2


def test_it_falls_back_to_piper_when_elevenlabs_sends_nothing_in_time(premium_voice, elevenlabs, piper, switches):
    elevenlabs.stall_next(seconds=30)
    started = time.monotonic()

    heard = say(premium_voice, REPLY)

    assert time.monotonic() - started < 8, "waited for ElevenLabs instead of falling back"
    assert elevenlabs.speech_requests[0].lines == 0
    assert piper.asked == [REPLY]
    assert_piper_spoke(heard, piper)
    assert premium_voice.tier == "local"
    assert switches[1:] == [("premium", "local", "premium voice failed: ElevenLabs sent no audio for 1.0 s")]


def test_it_carries_on_in_piper_from_the_next_word_when_the_stream_breaks_mid_word(
        premium_voice, elevenlabs, piper, switches):
    elevenlabs.break_next(after_lines=2)  # 32 characters heard: "... from Su" of "Sunrise"

    heard = say(premium_voice, REPLY)

    [sent] = elevenlabs.speech_requests
    assert sent.lines == 2 and sent.audio
    assert heard.startswith(sent.audio)  # what ElevenLabs said is not lost ...
    assert piper.asked == ["Realty. I saw you asked about the house on Oak Street."]  # ... nor said twice
    assert piper.asked[0] == REPLY[resume_point(REPLY, 32):]
    assert_piper_spoke(heard[len(sent.audio):], piper)
    assert premium_voice.tier == "local"
    [(from_tier, to_tier, reason)] = switches[1:]
    assert (from_tier, to_tier) == ("premium", "local") and "ElevenLabs unreachable" in reason


def test_it_carries_on_in_piper_from_where_elevenlabs_went_quiet(premium_voice, elevenlabs, piper, switches):
    elevenlabs.break_next(after_lines=3, close=False, seconds=30)  # 48 characters heard: up to "I "
    started = time.monotonic()

    heard = say(premium_voice, REPLY)

    assert time.monotonic() - started < 8, "waited for ElevenLabs instead of falling back"
    sent = elevenlabs.speech_requests[0]
    assert heard.startswith(sent.audio) and len(sent.audio) > 0
    assert piper.asked == ["saw you asked about the house on Oak Street."]
    assert_piper_spoke(heard[len(sent.audio):], piper)
    assert switches[1:] == [("premium", "local", "premium voice failed: ElevenLabs sent no audio for 0.5 s")]


def test_it_switches_tiers_during_a_call_and_reports_each_change_once(elevenlabs, piper, switches):
    voice = CallVoice(local=piper, premium_factory=ElevenLabsTTS, on_switch=lambda *switch: switches.append(switch))

    assert say(voice, "Hi, this is Sam.") == piper.telephone_audio()
    voice.set_tier("premium", "hot lead")
    voice.set_tier("premium", "hot lead")
    premium = say(voice, REPLY)
    voice.set_tier("local", "budget reached")
    voice.set_tier("local", "budget reached")
    piper.chunks.clear()
    local = say(voice, "Thanks, talk soon.")

    assert [r.text for r in elevenlabs.speech_requests] == [REPLY]
    assert premium == elevenlabs.speech_requests[0].audio
    assert piper.asked == ["Hi, this is Sam.", "Thanks, talk soon."]
    assert_piper_spoke(local, piper)
    assert switches == [("local", "premium", "hot lead"), ("premium", "local", "budget reached")]


def test_it_stays_local_when_there_is_no_api_key(elevenlabs, piper, switches, settings):
    settings.ELEVENLABS_API_KEY = ""
    voice = CallVoice(local=piper, tier="premium", premium_factory=ElevenLabsTTS,
                      on_switch=lambda *switch: switches.append(switch))
    voice.set_tier("premium", "hot lead")

    heard = say(voice, REPLY)

    assert voice.tier == "local" and switches == []
    assert elevenlabs.requests == []
    assert piper.asked == [REPLY]
    assert_piper_spoke(heard, piper)


@pytest.mark.parametrize(("spoken_chars", "resumes_with"), [
    (0, REPLY),
    (-3, REPLY),
    (32, "Realty. I saw you asked about the house on Oak Street."),  # mid-word: "Su|nrise" was partly heard
    (37, "Realty. I saw you asked about the house on Oak Street."),  # "Sunrise" whole, at the space after it
    (38, "Realty. I saw you asked about the house on Oak Street."),  # just after that space
    (48, "saw you asked about the house on Oak Street."),
    (len(REPLY) - 3, ""),  # inside the last word
    (len(REPLY), ""),
    (len(REPLY) + 5, ""),
])
def test_resume_point_starts_at_the_next_whole_word(spoken_chars, resumes_with):
    assert REPLY[resume_point(REPLY, spoken_chars):].lstrip() == resumes_with


def test_it_records_the_fallback_as_a_tier_event_of_the_call(transactional_db, elevenlabs, piper):
    # transactional: the voice reports its fallback from a worker thread, on its own database connection.
    campaign = Campaign.objects.create(name="Spring buyers", slug="spring")
    call = Call.objects.create(lead=make_lead(campaign, "+12125550134"), campaign=campaign)
    elevenlabs.fail_next(500)
    voice = CallVoice(local=piper, tier="premium", premium_factory=ElevenLabsTTS,
                      on_switch=lambda from_tier, to_tier, reason: record_tier_switch(call.pk, from_tier, to_tier,
                                                                                      reason))

    assert say(voice, REPLY)

    events = list(TierEscalationEvent.objects.filter(call=call).values_list("from_tier", "to_tier", "reason"))
    assert events == [("local", "premium", "campaign voice tier"),
                      ("premium", "local", "premium voice failed: ElevenLabs answered 500: "
                                           "An internal server error occurred. Please try again later.")]
