"""Personas speak in a Piper voice moved off the agent's in pitch and pace, which Whisper hears as it hears people;
espeak-ng stays for a voice nothing like a person's. Real models: Piper, Whisper and Smart Turn from var/models."""
from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from apps.rehearsals.management.commands.persona_voices import word_errors
from apps.rehearsals.network.voice import speak
from apps.rehearsals.personas import PersonaError, Voice, load_persona
from media_server.speech.audio import resample, ulaw_to_pcm16
from media_server.speech.stt import speech_to_text

LINES = ("I want to buy a three bedroom house near downtown Austin.",
         "Around four hundred thousand, and yes, I am pre-approved.",
         "Please stop calling me and take me off your list.")


def _heard(voice: Voice, text: str) -> tuple[str, float]:
    audio = resample(ulaw_to_pcm16(speak(voice, text)[0]), 8000, 16000)
    return speech_to_text().transcribe(audio, 16000).text, audio.size / 16000


def test_whisper_hears_the_piper_personas_as_it_hears_people():
    """Three personas' voices over three lines (90 words). Piper draws each phoneme's length at random, so one voice
    on these lines alone varies from 0 to 4 errors in 30 words (measured over 20 syntheses): a 10 % bound on one
    voice failed one run in ten. Over three voices it measured 0-6 errors in 90 (12 runs) and once 10 (a CI run):
    13 are allowed, half of what espeak-ng's voices make, so a robotic voice still fails it."""
    voices = (Voice(rate=135, pitch=60), Voice(rate=150, pitch=45), Voice(rate=140, pitch=70))
    errors = sum(word_errors(line, _heard(voice, line)[0]) for voice in voices for line in LINES)
    words = len(voices) * sum(len(line.split()) for line in LINES)
    assert errors / words <= 0.15, errors  # espeak-ng's voices: ~27 % on the personas' lines (persona_voices)


def test_a_personas_pace_is_its_own_and_its_pitch_moves_without_changing_it():
    """Over three lines (Piper draws each phoneme's length at random: one line alone varies by a tenth or more)."""
    def seconds(voice: Voice) -> float:
        return sum(_heard(voice, line)[1] for line in LINES)

    natural = seconds(Voice(rate=160, pitch=50))
    slow = seconds(Voice(rate=120, pitch=50))
    higher = seconds(Voice(rate=160, pitch=74))  # three semitones up
    assert 1.1 <= slow / natural <= 1.45  # a quarter fewer words a minute: clearly slower (measured 1.15-1.29)
    assert higher / natural == pytest.approx(1.0, abs=0.12)  # the pitch moved, the pace did not
    pcm = [ulaw_to_pcm16(speak(Voice(rate=160, pitch=pitch), LINES[0])[0]) for pitch in (50, 74)]
    assert not np.array_equal(pcm[0][:4000], pcm[1][:4000])  # another voice, not the agent's


def test_the_robotic_voice_is_still_there_for_who_wants_it(tmp_path):
    path = tmp_path / "robot.yaml"
    path.write_text("name: robot\ndescription: x\nanswer: human\nvoice: {engine: espeak, variant: m3}\n"
                    "expect: {status: completed}\n")
    voice = load_persona(path).voice
    assert voice.engine == "espeak" and len(speak(voice, "Hello there.")[0]) > 4000
    path.write_text("name: robot\ndescription: x\nanswer: human\nvoice: {engine: festival}\n"
                    "expect: {status: completed}\n")
    with pytest.raises(PersonaError, match="voice.engine"):
        load_persona(path)


def test_the_voice_table_compares_the_engines():
    out = StringIO()
    call_command("persona_voices", "--personas", "opt_out", stdout=out)
    rows = out.getvalue().splitlines()
    assert rows[0].split()[:2] == ["persona", "voice"]
    assert rows[1].startswith("opt_out") and "piper" in rows[1]  # a persona that names no engine speaks in Piper
    assert rows[-1].startswith("all")



def test_an_unknown_persona_is_named_not_a_traceback():
    with pytest.raises(CommandError, match="Unknown persona.*nosuch"):
        call_command("persona_voices", "--personas", "opt_out,nosuch", stdout=StringIO())


def test_the_window_table_reads_corpus_sentences_in_each_window_and_names_a_missing_part():
    out = StringIO()
    call_command("stt_windows", "--part", "dev", "--sentences", "3", "--windows", "10,30", stdout=out)
    rows = out.getvalue().splitlines()
    assert rows[0].startswith("3 sentences from dev")
    windows = {row.split()[0]: row.split() for row in rows[2:]}
    assert set(windows) == {"10", "30"}
    assert all(0 <= int(row[3]) <= 3 and 0 <= int(row[4]) <= 3 for row in windows.values())  # usable, intents
    with pytest.raises(CommandError, match="nosuch"):
        call_command("stt_windows", "--part", "nosuch", stdout=StringIO())
