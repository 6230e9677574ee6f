"""The local voice: Piper speaks a reply sentence by sentence, in words a listener understands.

The caller hears the first sentence while the rest is still being synthesised; what goes down the
line is 8 kHz μ-law of the right length; prices and markdown are read as a person would say them.
"""
from __future__ import annotations

import numpy as np

from media_server.speech.audio import TELEPHONE_RATE, ulaw_to_pcm16
from tests.media_server.speech.conftest import contains_words, words

REPLY = "Hi Maria, this is Sam. The house is listed at $450,000! Would you like to see it on Tuesday?"


def count_synthesised_sentences(tts, monkeypatch) -> list[int]:
    """Counts the sentences Piper's model has turned into audio so far (one model run each)."""
    runs = [0]
    synthesise = tts.voice.phoneme_ids_to_audio

    def counting(*args, **kwargs):
        runs[0] += 1
        return synthesise(*args, **kwargs)

    monkeypatch.setattr(tts.voice, "phoneme_ids_to_audio", counting)
    return runs


def test_it_streams_one_chunk_per_sentence(tts):
    chunks = list(tts.stream(REPLY))

    assert len(chunks) == 3
    assert all(chunk.sample_rate == tts.sample_rate == 22050 for chunk in chunks)
    assert all(chunk.samples.dtype == np.int16 and chunk.seconds > 0.5 for chunk in chunks)


def test_the_first_sentence_is_ready_before_the_rest_is_synthesised(tts, monkeypatch):
    runs = count_synthesised_sentences(tts, monkeypatch)
    stream = tts.stream(REPLY)

    first = next(stream)
    assert runs[0] == 1, "the whole reply was synthesised before the first sentence was handed over"
    assert first.seconds > 0.5

    rest = list(stream)
    assert len(rest) == 2 and runs[0] == 3


def test_a_long_reply_is_cut_at_a_sentence_end_for_the_voice(tts, settings):
    settings.TTS_MAX_SPOKEN_CHARS = 90

    chunks = list(tts.stream(REPLY + " It has a garden, a garage and a brand new roof."))

    assert len(chunks) == 2  # "Hi Maria, this is Sam." and the price: the rest waits for the next turn


def test_telephone_chunks_are_eight_khz_mu_law_as_long_as_the_speech(tts, monkeypatch):
    spoken = []
    stream = tts.stream

    def recording_stream(text, **kwargs):
        for chunk in stream(text, **kwargs):
            spoken.append(chunk)
            yield chunk

    monkeypatch.setattr(tts, "stream", recording_stream)

    pieces = list(tts.telephone_chunks(REPLY))

    assert len(pieces) == len(spoken) == 3
    for piece, chunk in zip(pieces, spoken, strict=True):
        assert isinstance(piece, bytes)
        assert abs(len(piece) - chunk.seconds * TELEPHONE_RATE) <= 1  # one byte per 8 kHz sample
        decoded = ulaw_to_pcm16(piece)
        assert np.sqrt(np.mean(decoded.astype(np.float64) ** 2)) > 1000  # speech, not silence


def test_a_listener_hears_the_price_and_no_markdown(steady_tts, stt):
    """Unprocessed, espeak-ng would say "asterisk asterisk" and "dollar four hundred fifty thousand", and "St"
    as letters. (What Whisper makes of the street's name is Whisper's business, not the voice's.)"""
    audio = b"".join(steady_tts.telephone_chunks("**Great news!** The house on Sutter St is listed at $450,000."))

    transcript = stt.transcribe(ulaw_to_pcm16(audio), TELEPHONE_RATE)

    assert contains_words(transcript.text, "450,000"), transcript.text
    assert contains_words(transcript.text, "street is listed"), transcript.text
    assert not any(word.startswith("asterisk") for word in words(transcript.text)), transcript.text


def test_an_abandoned_reply_does_not_block_the_next_one(tts):
    """Barge-in drops a reply mid-stream; the voice must still speak the next one."""
    abandoned = tts.stream("First sentence of a reply. Second sentence that nobody hears.")
    next(abandoned)  # one sentence out, then the lead interrupts
    following = list(tts.stream("Sorry, go ahead."))
    assert len(following) == 1 and following[0].samples.size > 0
