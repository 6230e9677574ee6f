"""How many calls a media worker can carry now, from what it measures rather than a fixed slot count.

Measured every half second: the machine's CPU in use (every process's, so another program holding a core counts;
only processes named in MEDIA_LOAD_IGNORE_PIDS are left out: the simulated phone network of the demo and the voice
benchmark stands for the world outside the machine, the callers and their phones), this worker's own CPU per
call, the event loop's lag, how long a transcription waits for Whisper, and the voice-to-voice time of the last
minute's turns. The worker advertises the result in the slot registry
(apps.calls.slots) as its capacity, the number of calls it can carry in all; the dialer reserves only below it.
The idea is LiveKit's worker load (a `load_fnc` in 0-1 and a `load_threshold` above which a worker takes no new
jobs), turned into a count of calls: a worker over its threshold, or whose calls already answer late, takes no
more, so the calls it carries keep their latency and the dialer waits.
"""
from __future__ import annotations

import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

SAMPLE_SECONDS = 0.5
CPU_SMOOTHING = 0.2  # weight of each half-second sample: about 2.5 s of memory for the machine's CPU
PER_CALL_SMOOTHING = 0.02  # ~25 s: a call's CPU swings between Whisper's bursts, the agent talking and listening
MIN_CPU_PER_CALL = 0.05  # cores: below it a few quiet seconds would promise too much
LAG_WINDOW_SECONDS = 10
STT_WAIT_WINDOW_SECONDS = 30
TURN_WINDOW_SECONDS = 60
MIN_TURNS = 4  # fewer turns in the window say nothing about the p95


@dataclass(frozen=True)
class LoadReading:
    capacity: int  # calls the worker can carry in all, those it carries included
    load: float  # the machine's CPU in use, 0-1 of its cores
    cpu_per_call: float  # cores one of this worker's calls uses (measured, or the prior until a call has run)
    why: str = ""  # why it takes no more calls than it has ("" when it has room)


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine since boot, all cores, from /proc/stat; less the CPU of the
    processes in MEDIA_LOAD_IGNORE_PIDS (and their children), which stand for the world outside the machine.
    None where there is no /proc/stat."""
    try:
        with open("/proc/stat") as stat:
            fields = [float(value) / CLOCK_TICKS for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user
    outside = sum(process_tree_cpu(pid) for pid in settings.MEDIA_LOAD_IGNORE_PIDS)
    return total - idle - outside, total


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name; None once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _descendants(pid: int) -> list[int]:
    """The process's children, grandchildren… (a Celery worker's pool processes)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def process_tree_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its live descendants, with the children it has reaped; 0 for a
    process that is gone."""
    total = 0.0
    for index, process in enumerate([pid, *_descendants(pid)]):
        fields = _stat(process)
        if fields:
            # utime, stime (fields 14, 15 of stat); for the process itself also cutime, cstime (reaped children)
            total += sum(int(value) for value in fields[11:15 if index == 0 else 13]) / CLOCK_TICKS
    return total


def usable_cores() -> int:
    """The cores this process may run on (its affinity: a worker pinned to some cores counts only those)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def process_cpu() -> float:
    """CPU seconds this process (all its threads) has used."""
    times = os.times()
    return times.user + times.system


def p95(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)] if ordered else 0.0


class LoadMeter:
    """Fed by the worker (loop lag, Whisper's wait, turns' voice-to-voice); `sample(calls)` every SAMPLE_SECONDS
    gives the reading. Thread-safe: Whisper's wait is reported from its own thread."""

    def __init__(self, slots: int, *, cores: int | None = None, threshold: float | None = None,
                 cpu_per_call: float | None = None, max_lag_ms: float | None = None,
                 max_stt_wait_ms: float | None = None, target_p95_ms: float | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 read_machine: Callable[[], tuple[float, float] | None] = machine_cpu,
                 read_process: Callable[[], float] = process_cpu):
        self.slots = slots
        self.cores = cores or usable_cores()
        self.threshold = settings.MEDIA_LOAD_THRESHOLD if threshold is None else threshold
        self.cpu_per_call = settings.MEDIA_CPU_PER_CALL if cpu_per_call is None else cpu_per_call
        self.max_lag_ms = settings.MEDIA_MAX_LOOP_LAG_MS if max_lag_ms is None else max_lag_ms
        self.max_stt_wait_ms = settings.MEDIA_MAX_STT_WAIT_MS if max_stt_wait_ms is None else max_stt_wait_ms
        self.target_p95_ms = settings.MEDIA_TARGET_P95_MS if target_p95_ms is None else target_p95_ms
        self.clock, self.read_machine, self.read_process = clock, read_machine, read_process
        self._lock = threading.Lock()
        self._lags: deque[tuple[float, float]] = deque()
        self._stt_waits: deque[tuple[float, float]] = deque()
        self._turns: deque[tuple[float, float]] = deque()
        self._busy_cores: float | None = None  # the machine's CPU in use, in cores (smoothed)
        self._own_cores: float | None = None  # this worker's share of it
        self._last: tuple[float, tuple[float, float] | None, float] | None = None  # (when, machine, process)
        self.reading = LoadReading(capacity=slots, load=0.0, cpu_per_call=self.cpu_per_call)
        self.read_at = clock()

    # --- what the worker reports -------------------------------------------------------------------------
    def loop_lag(self, ms: float) -> None:
        self._add(self._lags, ms)

    def stt_wait(self, ms: float) -> None:
        self._add(self._stt_waits, ms)

    def turn(self, voice_to_voice_ms: float) -> None:
        self._add(self._turns, voice_to_voice_ms)

    def _add(self, samples: deque, value: float) -> None:
        with self._lock:
            samples.append((self.clock(), value))

    # --- the reading -----------------------------------------------------------------------------------
    def sample(self, calls: int) -> LoadReading:
        now = self.clock()
        self._measure_cpu(now, calls)
        busy = self._busy_cores or 0.0
        others = max(0.0, busy - (self._own_cores or 0.0))  # every process's CPU but this worker's
        why = self._why_full(now, calls)
        if why:
            capacity = calls
        else:
            # Each call counts at what a call costs on average, not at what the calls held use this half second: a
            # call that is ringing, greeting or listening uses little, and counted as it is would let the dialer
            # send more calls than the worker can serve once they all talk.
            carried = math.floor((self.cores * self.threshold - others) / self.cpu_per_call)
            if not carried and self.cores - others >= self.cpu_per_call:
                # The threshold is headroom for many calls. A worker takes one while a free share of the cores
                # carries it: else a machine with another program on a core would serve nobody at all.
                carried = 1
            capacity = max(calls, carried)
            if capacity == calls:
                why = (f"CPU: {others:.1f} of {self.cores} cores used by others, {calls} call(s) at "
                       f"{self.cpu_per_call:.2f} each (threshold {self.threshold:.0%})")
        self.reading = LoadReading(capacity=min(self.slots, capacity), load=round(min(1.0, busy / self.cores), 3),
                                   cpu_per_call=round(self.cpu_per_call, 3), why=why)
        self.read_at = now
        return self.reading

    def _measure_cpu(self, now: float, calls: int) -> None:
        machine, own = self.read_machine(), self.read_process()
        if self._last is not None:
            then, machine_then, own_then = self._last
            seconds = now - then
            own_cores = (own - own_then) / seconds if seconds > 0 else 0.0
            if machine is not None and machine_then is not None and machine[1] > machine_then[1]:
                share = (machine[0] - machine_then[0]) / (machine[1] - machine_then[1])
                busy = share * self.cores
                self._busy_cores = busy if self._busy_cores is None else (
                    self._busy_cores + CPU_SMOOTHING * (busy - self._busy_cores))
                self._own_cores = own_cores if self._own_cores is None else (
                    self._own_cores + CPU_SMOOTHING * (own_cores - self._own_cores))
            if calls and seconds > 0:
                per_call = max(MIN_CPU_PER_CALL, own_cores / calls)
                self.cpu_per_call += PER_CALL_SMOOTHING * (per_call - self.cpu_per_call)
        self._last = (now, machine, own)

    def _why_full(self, now: float, calls: int) -> str:
        with self._lock:
            lags = _recent(self._lags, now - LAG_WINDOW_SECONDS)
            waits = _recent(self._stt_waits, now - STT_WAIT_WINDOW_SECONDS)
            turns = _recent(self._turns, now - TURN_WINDOW_SECONDS)
        if lags and p95(lags) > self.max_lag_ms:
            return f"event loop {p95(lags):.0f} ms late (p95, {LAG_WINDOW_SECONDS} s)"
        if waits and p95(waits) > self.max_stt_wait_ms:
            return f"transcriptions wait {p95(waits):.0f} ms for Whisper (p95, {STT_WAIT_WINDOW_SECONDS} s)"
        # Late calls: more would be later still. A worker with none takes one (its past calls say nothing of it).
        if calls and len(turns) >= MIN_TURNS and p95(turns) > self.target_p95_ms:
            return f"voice-to-voice {p95(turns):.0f} ms (p95 of {len(turns)} turns, {TURN_WINDOW_SECONDS} s)"
        return ""

    def reading_now(self, calls: int) -> LoadReading:
        """What the heartbeat advertises: the last reading, or no new calls when the event loop has stopped
        taking readings (whatever keeps it busy, it is full)."""
        if self.clock() - self.read_at > 3 * SAMPLE_SECONDS:
            return replace(self.reading, capacity=min(self.slots, calls), why="event loop stalled")
        return self.reading


def _recent(samples: deque[tuple[float, float]], since: float) -> list[float]:
    while samples and samples[0][0] < since:
        samples.popleft()
    return [value for _, value in samples]
