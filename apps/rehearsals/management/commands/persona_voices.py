"""`manage.py persona_voices`: do the personas' voices behave as people's do for the turn model and Whisper?

For each voice, every line its persona says is synthesised as the simulated network says it (8 kHz μ-law on the
line, 16 kHz in the media worker) and put to the two models the live call puts it to:
- Smart Turn's probability that the turn is finished, asked at the 200 ms pause as the live call asks it, for the
  whole line (should be high: a person who finished is answered after the short pause) and for its longest
  sentence broken off half-way (should be low: a person pausing mid-thought is not cut off);
- Whisper's word error rate on the whole sentence.
`--engine piper|espeak` hears every persona in that engine instead of its own, to compare the two.
"""
from __future__ import annotations

import re
from dataclasses import replace
from statistics import mean

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from apps.rehearsals.personas import ENGINES, personas

WORD = re.compile(r"[a-z0-9']+")
PAUSE = np.zeros(3200, dtype=np.int16)  # the 200 ms pause at which the live call asks the turn model


class Command(BaseCommand):
    help = "Smart Turn's P(finished) for whole and cut sentences, and Whisper's word error rate, per persona voice."

    def add_arguments(self, parser):
        parser.add_argument("--personas", default="", help="comma-separated names (default: all that speak)")
        parser.add_argument("--engine", choices=ENGINES, help="hear every persona in this engine instead")

    def handle(self, *args, personas: str, engine: str | None, **options):
        from media_server.dsp.turn import finished_probability
        from media_server.speech.stt import speech_to_text

        speaking = load_speaking([name.strip() for name in personas.split(",") if name.strip()])
        stt = speech_to_text()
        self.stdout.write(f"{'persona':<20} {'voice':<28} {'lines':>5} {'P(fin) whole':>13} {'P(fin) cut':>11} "
                          f"{'turns right':>11} {'WER':>6}")
        rows = []
        for persona in speaking:
            voice = replace(persona.voice, engine=engine) if engine else persona.voice
            whole, cut, errors, words = [], [], 0, 0
            for line in lines_of(persona):
                audio = heard(voice, line)
                whole.append(finished_probability(np.concatenate([audio, PAUSE])))
                if broken := broken_off(line):
                    cut.append(finished_probability(np.concatenate([heard(voice, broken), PAUSE])))
                said = stt.transcribe(audio, 16000, language=None).text
                errors += word_errors(line, said)
                words += len(words_of(line))
            right = sum(p > 0.5 for p in whole) + sum(p <= 0.5 for p in cut)
            rows.append((whole, cut, right, errors, words))
            label = f"{voice.engine} rate {voice.rate} pitch {voice.pitch}"
            self.stdout.write(f"{persona.name:<20} {label:<28} {len(whole):>5} {mean(whole):>13.2f} "
                              f"{_mean(cut):>11.2f} {right:>5}/{len(whole) + len(cut):<5} "
                              f"{errors / max(words, 1):>6.1%}")
        whole = [p for row in rows for p in row[0]]
        cut = [p for row in rows for p in row[1]]
        self.stdout.write(f"{'all':<20} {'':<28} {len(whole):>5} {_mean(whole):>13.2f} {_mean(cut):>11.2f} "
                          f"{sum(row[2] for row in rows):>5}/{len(whole) + len(cut):<5} "
                          f"{sum(row[3] for row in rows) / max(sum(row[4] for row in rows), 1):>6.1%}")


def _mean(values: list[float]) -> float:
    return mean(values) if values else float("nan")


def heard(voice, text: str) -> np.ndarray:
    """The text as the media worker hears it from the line: 8 kHz μ-law, upsampled to 16 kHz PCM16."""
    from apps.rehearsals.network.voice import speak
    from media_server.speech.audio import resample, ulaw_to_pcm16

    return resample(ulaw_to_pcm16(speak(voice, text)[0]), 8000, 16000)


def broken_off(line: str) -> str:
    """The line's longest sentence broken off half-way, as a person pausing mid-thought says it ("I want to buy
    a house in,"); "" when the sentence is too short to break."""
    words = max(re.split(r"(?<=[.?!])\s+", line), key=len).rstrip(".?!").split()
    return " ".join(words[: len(words) // 2]).rstrip(",") + "," if len(words) >= 5 else ""


def load_speaking(chosen: list[str]):
    known = personas()
    if unknown := [name for name in chosen if name not in known]:
        raise CommandError(f"Unknown persona(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return [known[name] for name in (chosen or sorted(known))
            if known[name].answer == "human" and lines_of(known[name])]


def lines_of(persona) -> list[str]:
    """What the persona says, each distinct line once (its hello, its rules' lines, its default)."""
    said = [persona.hello, *(rule.say for rule in persona.rules), persona.default]
    return list(dict.fromkeys(line for line in said if line and len(WORD.findall(line.lower())) >= 2))


def words_of(text: str) -> list[str]:
    """Lowercase words, numbers spelt out ("400,000" → four hundred thousand: Whisper writes digits)."""
    from num2words import num2words

    text = re.sub(r"\d[\d,]*", lambda found: f" {num2words(int(found.group().replace(',', '')))} ", text.lower())
    return WORD.findall(text.replace("-", " "))


def word_errors(reference: str, heard: str) -> int:
    """Edit distance in words (substitutions, insertions, deletions) between what was said and what was heard."""
    ref, hyp = words_of(reference), words_of(heard)
    row = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != other))
    return row[-1]
