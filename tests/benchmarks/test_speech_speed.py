"""Speech speed on this machine's CPU: STT real-time factor on telephone audio, TTS time to first
audio and real-time factor, model load times and memory per worker process.

Real-time factor (RTF) = processing seconds / audio seconds: the ratio to real time is the
baseline, so figures compare across noisy machines. Run with `make bench`.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

from media_server.speech.audio import to_telephone, ulaw_to_pcm16

ROOT = Path(__file__).resolve().parents[2]
SHORT = "Yes, three bedrooms please."                                        # ≈ 2 s
LONG = "We want three bedrooms near a good school, and our budget is about four hundred thousand."  # ≈ 5 s
TEN_WORDS = "Great, I can book you with Sarah next Tuesday afternoon."


@pytest.fixture(scope="module")
def models():
    from media_server.speech.stt import SpeechToText
    from media_server.speech.tts import PiperTTS

    return SpeechToText(), PiperTTS()


def telephone_audio(tts, text):
    samples, rate = tts.synthesize(text)
    return ulaw_to_pcm16(to_telephone(samples, rate))


def median_seconds(function, rounds=5):
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@pytest.mark.parametrize("text", [SHORT, LONG], ids=["2s", "5s"])
def test_stt_real_time_factor(benchmark, models, text):
    stt, tts = models
    audio = telephone_audio(tts, text)
    seconds_of_audio = audio.size / 8000
    stt.transcribe(audio, 8000)  # warm
    fixed, whole_window = [], []
    for _ in range(3):  # interleaved: the 10 s window against Whisper's own 30 s
        with override_settings(WHISPER_WINDOW_S=10):
            fixed.append(median_seconds(lambda: stt.transcribe(audio, 8000, language="en"), rounds=3))
        with override_settings(WHISPER_WINDOW_S=30):
            whole_window.append(median_seconds(lambda: stt.transcribe(audio, 8000, language="en"), rounds=3))
    fixed, whole_window = statistics.median(fixed), statistics.median(whole_window)
    detect = median_seconds(lambda: stt.transcribe(audio, 8000, language=None), rounds=3)
    benchmark.pedantic(stt.transcribe, args=(audio, 8000), rounds=3, iterations=1)
    benchmark.extra_info.update(audio_s=round(seconds_of_audio, 2), stt_s=round(fixed, 3),
                                rtf=round(fixed / seconds_of_audio, 3), with_detection_s=round(detect, 3),
                                window_30s_s=round(whole_window, 3), short_over_30s=round(fixed / whole_window, 2))
    print(f"\nSTT {seconds_of_audio:.1f} s of 8 kHz μ-law: {fixed * 1000:.0f} ms "
          f"(RTF {fixed / seconds_of_audio:.2f}) in a 10 s window, "
          f"{whole_window * 1000:.0f} ms in Whisper's 30 s "
          f"({fixed / whole_window:.2f}x); with language detection {detect * 1000:.0f} ms")


def test_tts_first_audio_and_real_time_factor(benchmark, models):
    _, tts = models
    next(tts.stream(TEN_WORDS))  # warm
    first = median_seconds(lambda: next(tts.stream(TEN_WORDS)), rounds=7)
    reply = f"{TEN_WORDS} {LONG} {SHORT}"
    whole = median_seconds(lambda: tts.synthesize(reply), rounds=3)
    samples, rate = tts.synthesize(reply)
    benchmark.pedantic(lambda: next(tts.stream(TEN_WORDS)), rounds=5, iterations=1)
    benchmark.extra_info.update(first_audio_ms=round(first * 1000), rtf=round(whole / (samples.size / rate), 3))
    print(f"\nTTS first audio for a 10-word sentence: {first * 1000:.0f} ms; "
          f"RTF {whole / (samples.size / rate):.3f} over a {samples.size / rate:.1f} s reply")


def test_model_load_and_memory_per_worker(benchmark):
    """Loads both models in a fresh process, as a media worker does, and reports time and memory."""
    code = """
import json, os, resource, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django; django.setup()
def rss(): return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20
base = rss()
from media_server.speech.stt import SpeechToText
from media_server.speech.tts import PiperTTS
stt = SpeechToText(); after_stt = rss()
tts = PiperTTS(); after_tts = rss()
print(json.dumps({"stt_load_s": stt.load_seconds, "tts_load_s": tts.load_seconds, "base_mb": base,
                  "stt_mb": after_stt - base, "tts_mb": after_tts - after_stt, "total_mb": after_tts}))
"""
    result = {}

    def run():
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        result.update(json.loads(out.stdout.strip().splitlines()[-1]))

    benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update({k: round(v, 2) for k, v in result.items()})
    print(f"\nload: Whisper {result['stt_load_s']:.2f} s (+{result['stt_mb']:.0f} MB), "
          f"Piper {result['tts_load_s']:.2f} s "
          f"(+{result['tts_mb']:.0f} MB); worker process {result['total_mb']:.0f} MB resident after loading")


@pytest.mark.parametrize("calls", [2, 4, 8])
def test_stt_batching_across_calls(benchmark, models, calls):
    """N calls' utterances waiting for the model together: one batched decode against N in a row, interleaved in
    the same process (ratio < 1: batching pays). It decides WHISPER_MAX_BATCH's default on this device."""
    from media_server.speech.audio import resample, to_float32

    stt, tts = models
    texts = [SHORT, LONG, TEN_WORDS, "No, we don't have an agent yet.", "Can we do Thursday afternoon?",
             "Somewhere around four fifty.", "We're selling my mother's place.", "The first one works."]
    audios = [to_float32(resample(telephone_audio(tts, text), 8000, 16000)) for text in texts[:calls]]
    stt.transcribe_batch(audios[:1], "en")  # warm
    one_by_one, batched = [], []
    for _ in range(3):
        one_by_one.append(median_seconds(lambda: [stt.transcribe_batch([a], "en") for a in audios], rounds=1))
        batched.append(median_seconds(lambda: stt.transcribe_batch(audios, "en"), rounds=1))
    ratio = statistics.median(batched) / statistics.median(one_by_one)
    benchmark.pedantic(stt.transcribe_batch, args=(audios, "en"), rounds=1, iterations=1)
    benchmark.extra_info.update(calls=calls, one_by_one_s=round(statistics.median(one_by_one), 3),
                                batched_s=round(statistics.median(batched), 3), batched_over_one_by_one=round(ratio, 2))
    print(f"\nSTT on {stt.device}, {calls} utterances: one by one {statistics.median(one_by_one) * 1000:.0f} ms, "
          f"one batch {statistics.median(batched) * 1000:.0f} ms ({ratio:.2f}x)")
