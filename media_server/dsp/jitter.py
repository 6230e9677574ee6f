"""Adaptive jitter buffer for Twilio media frames: reorders by chunk number, drops duplicates and
late frames, and declares a frame lost once the buffer has waited its target for it.

The target follows the measured interarrival jitter (RFC 3550 estimator) between 40 and 200 ms.
It is event-driven: each arriving frame releases whatever is ready, so no timer adds delay.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

FRAME_MS = 20


@dataclass
class JitterStats:
    received: int = 0
    duplicates: int = 0
    late: int = 0
    lost: int = 0
    reordered: int = 0
    jitter_ms: float = 0.0
    target_ms: int = 40


@dataclass
class JitterBuffer:
    min_ms: int = 40
    max_ms: int = 200
    first_chunk: int = 1  # Twilio numbers each track's media messages from 1
    stats: JitterStats = field(default_factory=JitterStats)
    _frames: dict[int, bytes] = field(default_factory=dict)
    _next: int = 0
    _highest: int = 0
    _last_transit: float | None = None
    _released: deque = field(default_factory=lambda: deque(maxlen=256))

    def __post_init__(self):
        self._next = self.first_chunk
        self._highest = self.first_chunk - 1

    def push(self, chunk: int, payload: bytes, stream_ms: float, arrival_ms: float) -> list[bytes | None]:
        """Add frame `chunk` (Twilio's per-track counter) sent at `stream_ms` and received at
        `arrival_ms`; returns the frames now due in order, None for each one given up as lost."""
        self.stats.received += 1
        if chunk in self._frames or chunk in self._released:
            self.stats.duplicates += 1
            return []
        if chunk < self._next:
            self.stats.late += 1  # given up as lost already; concealment played in its place
            return []
        if chunk < self._highest:
            self.stats.reordered += 1
        self._frames[chunk] = payload
        self._highest = max(self._highest, chunk)
        self._update_jitter(stream_ms, arrival_ms)
        return self._release()

    def flush(self) -> list[bytes | None]:
        """Everything still held, in order (the stream ended)."""
        out = []
        while self._next <= self._highest:
            out.append(self._take())
        return out

    @property
    def held_ms(self) -> int:
        return len(self._frames) * FRAME_MS

    def _update_jitter(self, stream_ms: float, arrival_ms: float) -> None:
        transit = arrival_ms - stream_ms
        if self._last_transit is not None:
            delta = abs(transit - self._last_transit)
            self.stats.jitter_ms += (delta - self.stats.jitter_ms) / 16
        self._last_transit = transit
        wanted = FRAME_MS * round((FRAME_MS + 3 * self.stats.jitter_ms) / FRAME_MS)
        self.stats.target_ms = int(min(self.max_ms, max(self.min_ms, wanted)))

    def _release(self) -> list[bytes | None]:
        """In-order frames go out at once; a gap is waited for until the frames behind it span the
        target, then declared lost."""
        out: list[bytes | None] = []
        wait_frames = self.stats.target_ms // FRAME_MS
        while self._next <= self._highest:
            if self._next in self._frames or self._highest - self._next >= wait_frames:
                out.append(self._take())
            else:
                break
        return out

    def _take(self) -> bytes | None:
        frame = self._frames.pop(self._next, None)
        if frame is None:
            self.stats.lost += 1
        else:
            self._released.append(self._next)
        self._next += 1
        return frame
