"""`manage.py stt_windows`: does reading short turns in a short encoder window cost accuracy?

Corpus sentences (lines leads say, with the intent each carries) are said in Piper voices moved in pitch and pace,
as the simulated network's leads say them, sent down the phone line, and read by the media worker's Whisper in each
window asked for (WHISPER_WINDOW_S; 30 is Whisper's own window always), one after the other in this process. For
each window: the word error rate, the turns usable (not flagged for a repeat), how often the agent's rules read the
labelled intent from what was heard, and Whisper's time, rereads in the full window included.

    python manage.py stt_windows --part fresh6 --sentences 150 --windows 10,30
"""
from __future__ import annotations

import datetime as dt
import random
import time
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from apps.rehearsals.evaluation import DEFAULT_CORPUS, load_corpus
from apps.rehearsals.management.commands.persona_voices import heard, word_errors, words_of

RATES = (130, 150, 170, 190)  # words per minute
PITCHES = (34, 42, 50, 58, 66)  # Piper's own is 50; each 8 a semitone


class Command(BaseCommand):
    help = "Word error rate, usable turns, intents read and Whisper's time per encoder window on corpus sentences."

    def add_arguments(self, parser):
        parser.add_argument("--part", action="append", default=[], help="corpus part(s) (default: all)")
        parser.add_argument("--sentences", type=int, default=150, help="sentences drawn (at random, with --seed)")
        parser.add_argument("--windows", default="10,30", help="comma-separated WHISPER_WINDOW_S values")
        parser.add_argument("--seed", type=int, default=11)

    def handle(self, *args, part: list[str], sentences: int, windows: str, seed: int, **options):
        from apps.rehearsals.personas import Voice
        from media_server.agent.understanding import understand
        from media_server.speech.stt import speech_to_text

        chosen = [int(window) for window in windows.split(",")]
        parts = [p for p in load_corpus(DEFAULT_CORPUS) if not part or p.name in part]
        if missing := set(part) - {p.name for p in parts}:
            raise CommandError(f"no corpus part(s) {', '.join(sorted(missing))}")
        rows = [row for p in parts for row in p.sentences]
        draw = random.Random(seed)
        rows = draw.sample(rows, min(sentences, len(rows)))
        now = dt.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("America/Chicago"))  # a Wednesday morning
        stt = speech_to_text()
        totals = {window: {"errors": 0, "words": 0, "usable": 0, "intents": 0, "seconds": 0.0, "rereads": 0}
                  for window in chosen}
        for row in rows:
            audio = heard(Voice(engine="piper", rate=draw.choice(RATES), pitch=draw.choice(PITCHES)), row["text"])
            for window in chosen:
                total, rereads = totals[window], stt.rereads
                with override_settings(WHISPER_WINDOW_S=window):
                    started = time.perf_counter()
                    transcript = stt.transcribe(audio, 16000, language="en")
                    total["seconds"] += time.perf_counter() - started
                total["rereads"] += stt.rereads - rereads
                total["errors"] += word_errors(row["text"], transcript.text)
                total["words"] += len(words_of(row["text"]))
                total["usable"] += transcript.usable
                read = understand(transcript.text, now=now, expecting=row.get("asked", ""))
                total["intents"] += read.intent == row["intent"]
        self.stdout.write(f"{len(rows)} sentences from {', '.join(p.name for p in parts)} (seed {seed})")
        self.stdout.write(f"{'window':>7} {'WER':>6} {'usable':>7} {'intents':>8} {'Whisper':>9} {'reread':>7}")
        for window, total in totals.items():
            self.stdout.write(f"{window:>5} s {total['errors'] / max(total['words'], 1):>6.1%} {total['usable']:>7} "
                              f"{total['intents']:>8} {total['seconds']:>7.1f} s {total['rereads']:>7}")
