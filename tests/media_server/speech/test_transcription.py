"""What the agent hears a lead say over the phone: Whisper on 8 kHz μ-law speech the tests make.

Two voices (Piper, and espeak-ng's robotic one), clean, noisy and clipped; pure noise and silence,
which must never be taken as words; language detection; a long turn; and the async entry point,
which must leave the event loop free while the model works.
"""
from __future__ import annotations

import asyncio
from functools import cache

import numpy as np
import pytest

from media_server.speech.audio import TELEPHONE_RATE
from tests.media_server.speech.conftest import (
    contains_words,
    espeak,
    similarity,
    telephone,
    white_noise,
    with_noise,
    words,
)

PRICE = "The asking price is $450,000 for the three bedroom house."
CALL_BACK = "Can you call me back next Tuesday afternoon?"
# espeak-ng says "three" so that Whisper hears "free": its sentences carry other key words.
BUDGET = "My budget is about four hundred and fifty thousand dollars."
ROOMS = "We need three bedrooms and two bathrooms."
SPANISH = "Hola, me gustaría visitar la casa el martes por la mañana."
LONG_TURN = [
    "Good morning, my name is Margaret and I am calling about the listing on Sutter Street.",
    "We saw the photos online last weekend and really liked the kitchen.",
    "My husband works downtown, so a short commute matters a lot to us.",
    "We have two children, and the school district is very important.",
    "Our budget is flexible, but we would prefer to stay under six hundred thousand.",
    "We would also like a garden where the dog can run around.",
    "Is the basement finished, and does the roof need any repairs?",
    "We are available most evenings after work, and on weekends too.",
    "Please send the disclosure documents to my email when you can.",
    "My phone is always on, so call whenever it suits you.",
    "Thank you very much, and have a wonderful Thursday.",
]


@pytest.fixture(scope="module")
def spoken(steady_tts):
    """A voice saying a sentence, as PCM16 at the voice's rate (made once per voice and text; the same every run)."""

    @cache
    def speak(voice: str, text: str) -> tuple[np.ndarray, int]:
        return steady_tts.synthesize(text) if voice == "piper" else espeak(text, voice)

    return speak


@pytest.fixture(scope="module")
def heard(stt, spoken):
    """What Whisper makes of a sentence said down the phone line (transcribed once per voice and text)."""

    @cache
    def hear(voice: str, text: str):
        return stt.transcribe(telephone(*spoken(voice, text)), TELEPHONE_RATE)

    return hear


@pytest.mark.parametrize(("voice", "text", "key_words"), [
    ("piper", PRICE, ["450,000", "three bedroom"]),
    ("piper", CALL_BACK, ["next Tuesday"]),
    ("en-us", BUDGET, ["four hundred and fifty thousand"]),
    ("en-us", ROOMS, ["bedrooms", "two bathrooms"]),
    ("en-us", CALL_BACK, ["next Tuesday"]),
], ids=["piper-price", "piper-call-back", "espeak-budget", "espeak-rooms", "espeak-call-back"])
def test_it_hears_the_key_words_through_the_phone_line(heard, voice, text, key_words):
    transcript = heard(voice, text)

    assert all(contains_words(transcript.text, phrase) for phrase in key_words), transcript.text


def test_a_piper_reply_survives_the_round_trip_through_the_phone_line(heard):
    for sentence in (PRICE, CALL_BACK):
        transcript = heard("piper", sentence)
        assert similarity(transcript.text, sentence) >= 0.8, transcript.text


def test_it_still_hears_the_price_over_a_noisy_line(stt, spoken):
    samples, rate = spoken("piper", PRICE)

    transcript = stt.transcribe(telephone(with_noise(samples, snr_db=15), rate), TELEPHONE_RATE)

    assert contains_words(transcript.text, "450,000"), transcript.text


def test_it_still_hears_the_key_words_when_the_caller_is_clipped_hard(stt, spoken):
    samples, rate = spoken("piper", PRICE)
    clipped = np.clip(samples.astype(np.int32) * 6, -32768, 32767).astype(np.int16)  # 15.6 dB overdriven
    assert np.mean(np.abs(clipped.astype(np.int32)) >= 32767) > 0.03  # flat-topped peaks, audibly distorted

    transcript = stt.transcribe(telephone(clipped, rate), TELEPHONE_RATE)

    assert contains_words(transcript.text, "450,000"), transcript.text
    assert contains_words(transcript.text, "three bedroom"), transcript.text


@pytest.fixture(scope="module")
def line_noise(stt):
    return stt.transcribe(telephone(white_noise(3.0), TELEPHONE_RATE), TELEPHONE_RATE)


def test_confidence_is_lower_for_noise_and_speech_drowned_in_it_than_for_clean_speech(stt, spoken, heard,
                                                                                       line_noise):
    samples, rate = spoken("piper", PRICE)
    clean = heard("piper", PRICE)
    drowned = stt.transcribe(telephone(with_noise(samples, snr_db=-5), rate), TELEPHONE_RATE)

    assert line_noise.confidence < clean.confidence
    assert drowned.confidence < clean.confidence
    assert clean.usable
    assert not drowned.usable, f"acted on {drowned.text!r} at confidence {drowned.confidence}"


def test_pure_noise_is_not_taken_as_words(line_noise):
    assert not line_noise.usable
    assert line_noise.no_speech or line_noise.low_confidence


def test_silence_is_not_taken_as_words(stt):
    transcript = stt.transcribe(telephone(np.zeros(3 * TELEPHONE_RATE, dtype=np.int16), TELEPHONE_RATE),
                                TELEPHONE_RATE)

    assert not transcript.usable
    assert transcript.no_speech or transcript.low_confidence


def test_a_click_too_short_to_be_speech_is_answered_without_running_the_model(stt, monkeypatch):
    monkeypatch.setattr(stt, "model", None)  # any use of the model would raise

    transcript = stt.transcribe(np.zeros(TELEPHONE_RATE // 20, dtype=np.int16), TELEPHONE_RATE)  # 50 ms

    assert transcript.no_speech and not transcript.usable
    assert transcript.text == ""


class ReplayedWhisper:
    """The model, its decoder answering with one reading faster-whisper really gave: Piper's voice under white
    noise 10 dB louder than it, now and then decoded as a loop, with token probabilities high enough to pass the
    confidence threshold (0.47). `full` is what the decoder reads in Whisper's full 30 s window instead."""

    def __init__(self, model, text: str, full: str | None = None, no_speech_prob: float = 0.47):
        self._model, self.text, self.full, self.no_speech_prob = model, text, full or text, no_speech_prob
        self.windows: list[int] = []  # the seconds of audio each decode was given

    def __getattr__(self, name):  # features, encoder, tokenizer: the real model's
        return getattr(self._model, name)

    @property
    def model(self):
        return self

    def generate(self, encoded, prompts, **options):
        from types import SimpleNamespace

        seconds = encoded.shape[1] // 50  # the encoder's 1500 positions are 30 s
        self.windows.append(seconds)
        text = self.full if seconds == 30 else self.text
        tokens = self._model.hf_tokenizer.encode(text, add_special_tokens=False).ids
        return [SimpleNamespace(sequences_ids=[tokens], scores=[-0.12 * (len(tokens) + 1) / len(tokens)],
                                no_speech_prob=self.no_speech_prob) for _ in prompts]


SENTENCE = " The asking price is $450,000 for the three bedroom house."


def test_a_decoding_stuck_in_a_loop_is_not_taken_as_words(stt, monkeypatch):
    noise = white_noise(4.5)
    monkeypatch.setattr(stt, "model", ReplayedWhisper(stt.model, " the F," * 60))
    looping = stt.transcribe(noise, TELEPHONE_RATE)
    monkeypatch.setattr(stt, "model", ReplayedWhisper(stt.model, SENTENCE))
    sentence = stt.transcribe(noise, TELEPHONE_RATE)

    assert looping.confidence == sentence.confidence >= 0.45
    assert sentence.usable
    assert not looping.usable and looping.low_confidence


def test_a_short_window_that_loops_is_read_again_in_whispers_full_window(stt, monkeypatch, settings):
    settings.WHISPER_WINDOW_S = 10
    model = ReplayedWhisper(stt.model, " the F," * 60, full=SENTENCE)
    monkeypatch.setattr(stt, "model", model)

    transcript = stt.transcribe(white_noise(4.5), TELEPHONE_RATE)

    assert model.windows == [10, 30]
    assert transcript.text == SENTENCE.strip() and transcript.usable


def test_a_sure_reading_in_the_short_window_is_not_read_again_and_an_unsure_one_is(stt, monkeypatch, settings):
    settings.WHISPER_WINDOW_S = 10
    sure, unsure = ReplayedWhisper(stt.model, SENTENCE, no_speech_prob=0.1), ReplayedWhisper(stt.model, SENTENCE)
    monkeypatch.setattr(stt, "model", sure)
    assert stt.transcribe(white_noise(4.5), TELEPHONE_RATE).confidence == pytest.approx(0.8, abs=0.01)
    monkeypatch.setattr(stt, "model", unsure)
    assert stt.transcribe(white_noise(4.5), TELEPHONE_RATE).confidence == pytest.approx(0.47, abs=0.01)

    assert sure.windows == [10]
    assert unsure.windows == [10, 30]  # 0.47: within REREAD_MARGIN of the threshold, 0.45


def test_a_turn_is_read_in_the_shortest_window_that_leaves_room_after_it(settings):
    settings.WHISPER_WINDOW_S = 10
    from media_server.speech.stt import window_seconds

    assert [window_seconds(s) for s in (0.5, 5.9, 6.1, 15.9, 16.5, 29.0)] == [10, 10, 20, 20, 30, 30]


def test_it_detects_english(stt, spoken):
    transcript = stt.transcribe(telephone(*spoken("piper", CALL_BACK)), TELEPHONE_RATE, language=None)

    assert transcript.language == "en"
    assert transcript.language_probability >= 0.9
    assert contains_words(transcript.text, "next Tuesday"), transcript.text


def test_it_detects_spanish(stt, spoken):
    transcript = stt.transcribe(telephone(*spoken("es", SPANISH)), TELEPHONE_RATE, language=None)

    assert transcript.language == "es"
    assert transcript.language_probability >= 0.7
    # …and transcribes Spanish, not an English guess. Whisper base hears espeak's "el martes" now and then as
    # "el mar de": ask for most of the sentence's Spanish words, not one in particular.
    heard = set(words(transcript.text))
    assert len(heard & {"hola", "me", "visitar", "la", "casa", "el", "martes", "por", "mañana"}) >= 5, transcript.text


def test_a_forty_second_turn_is_transcribed_whole(stt, steady_tts):
    pause = np.zeros(steady_tts.sample_rate // 2, dtype=np.int16)
    pieces = [piece for chunk in steady_tts.stream(" ".join(LONG_TURN), already_speakable=True)
              for piece in (chunk.samples, pause)]
    samples = np.concatenate(pieces)
    assert samples.size / steady_tts.sample_rate >= 40

    transcript = stt.transcribe(telephone(samples, steady_tts.sample_rate), TELEPHONE_RATE)

    assert contains_words(transcript.text, "my name is Margaret"), transcript.text
    assert contains_words(transcript.text, "have a wonderful Thursday"), transcript.text
    assert similarity(transcript.text, " ".join(LONG_TURN)) >= 0.8, transcript.text
    assert transcript.usable


def test_atranscribe_leaves_the_event_loop_free_while_the_model_works(stt, spoken):
    audio = telephone(*spoken("piper", CALL_BACK))

    async def call_in_progress():
        ticks, finished = 0, asyncio.Event()

        async def keep_serving_audio():  # stands in for the other calls' 20 ms media frames
            nonlocal ticks
            while not finished.is_set():
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(keep_serving_audio())
        await asyncio.sleep(0)
        transcript = await stt.atranscribe(audio, TELEPHONE_RATE)
        ticks_meanwhile = ticks
        finished.set()
        await ticker
        return transcript, ticks_meanwhile

    transcript, ticks = asyncio.run(call_in_progress())

    assert contains_words(transcript.text, "next Tuesday"), transcript.text
    assert ticks >= 5  # a blocked loop would not have ticked at all


def test_utterances_of_several_calls_decoded_in_one_batch_read_as_each_alone(stt, spoken):
    audios = [telephone(*spoken(voice, text)) for voice, text in
              (("piper", PRICE), ("piper", CALL_BACK), ("en-us", ROOMS), ("piper", BUDGET))]
    from media_server.speech.audio import resample, to_float32

    alone = [stt.transcribe(audio, TELEPHONE_RATE) for audio in audios]  # a call's path for one utterance
    together = stt.transcribe_batch([to_float32(resample(a, TELEPHONE_RATE, 16000)) for a in audios], "en")

    assert [t.text for t in together] == [t.text for t in alone]
    assert [t.confidence for t in together] == pytest.approx([t.confidence for t in alone], abs=0.02)
    assert [t.usable for t in together] == [t.usable for t in alone] == [True] * 4


def test_requests_waiting_together_are_batched_and_one_cancelled_before_its_turn_is_never_decoded(stt, spoken,
                                                                                                  monkeypatch):
    import threading

    price, rooms = telephone(*spoken("piper", PRICE)), telephone(*spoken("en-us", ROOMS))
    batches: list[int] = []
    decode = stt.transcribe_batch

    def counted(audios, language, low_confidence=None):  # the real decode, its batch sizes noted
        batches.append(len(audios))
        return decode(audios, language, low_confidence)

    monkeypatch.setattr(stt, "transcribe_batch", counted)
    monkeypatch.setattr(stt, "max_batch", 4)
    model_busy = threading.Event()
    stt._executor.submit(model_busy.wait)  # another call's long decode holds the model

    async def three_calls():
        first = asyncio.create_task(stt.atranscribe(price, TELEPHONE_RATE))
        stale = asyncio.create_task(stt.atranscribe(rooms, TELEPHONE_RATE))  # a draft the lead made stale
        third = asyncio.create_task(stt.atranscribe(rooms, TELEPHONE_RATE))
        await asyncio.sleep(0.05)
        stale.cancel()
        await asyncio.sleep(0.05)  # the cancel reaches the request's future
        model_busy.set()
        return await first, await third, await asyncio.gather(stale, return_exceptions=True)

    first, third, (stale,) = asyncio.run(three_calls())

    assert batches == [2]  # the two still wanted, in one decode; the cancelled one never reached the model
    assert isinstance(stale, asyncio.CancelledError)
    assert contains_words(first.text, "asking price") and contains_words(third.text, "two bathrooms")
