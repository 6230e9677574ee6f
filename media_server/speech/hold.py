"""Hold music for a lead waiting on a live transfer: never silence on hold (a silent line sounds dead, and people
hang up), soft enough to talk over. A short loop of gentle piano-like notes, made once (8 kHz PCM16)."""
from __future__ import annotations

import functools

import numpy as np

from media_server.speech.audio import TELEPHONE_RATE

# A slow arpeggio of C, Am, F, G (two octaves up from middle C's neighbourhood: clear through a phone's 300-3400 Hz).
_CHORDS = ((523.25, 659.25, 783.99), (440.00, 523.25, 659.25), (349.23, 440.00, 523.25), (392.00, 493.88, 587.33))
NOTE_SECONDS = 0.5
LEVEL = 0.12  # of full scale: well under speech, which the lead may still say over it


@functools.lru_cache(maxsize=1)
def hold_loop() -> np.ndarray:
    """One pass of the music (about 6 s): each chord's notes in turn, each note ringing down as the next starts."""
    note = int(NOTE_SECONDS * TELEPHONE_RATE)
    t = np.arange(note * 2) / TELEPHONE_RATE
    envelope = np.minimum(t / 0.02, 1.0) * np.exp(-t * 3.0)  # a quick attack, a piano-like decay
    pitches = [hz for chord in _CHORDS for hz in chord]
    music = np.zeros(note * (len(pitches) + 1))
    for index, hz in enumerate(pitches):
        tone = np.sin(2 * np.pi * hz * t) + 0.3 * np.sin(4 * np.pi * hz * t)
        music[index * note:index * note + tone.size] += tone * envelope
    music *= LEVEL * 32767 / max(np.abs(music).max(), 1e-9)
    return music.astype(np.int16)


def hold_music(start_sample: int, samples: int) -> np.ndarray:
    """`samples` of the loop from `start_sample` on (wrapping round)."""
    loop = hold_loop()
    index = (start_sample + np.arange(samples)) % loop.size
    return loop[index]
