"""A media worker takes a new call only while it can carry it: the machine's CPU (another program's included), its
event loop, Whisper's queue and its calls' voice-to-voice time decide, not the slot count alone.

The meter reads the machine through two wires, /proc/stat (the machine's CPU time) and os.times (this process's);
here they are a scripted machine, so each test says exactly what the machine is doing. The last test runs a real
media worker on the test Redis and blocks its event loop, as a stuck call would.
"""
from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time

import pytest

from apps.calls.slots import SlotRegistry
from media_server.call_worker import MediaWorker
from media_server.load import SAMPLE_SECONDS, LoadMeter, machine_cpu, process_tree_cpu
from tests.media_server.pipeline.fakes import ScriptedSTT, ToneVoice
from tests.waiting import until


class Machine:
    """A scripted machine of `cores` cores: each tick, `busy` of them are in use, `ours` of those by the worker."""

    def __init__(self, cores: int = 2):
        self.cores, self.busy, self.ours = cores, 0.0, 0.0
        self.now, self.machine_busy, self.machine_total, self.own = 0.0, 0.0, 0.0, 0.0

    def tick(self, seconds: float = SAMPLE_SECONDS) -> None:
        self.now += seconds
        self.machine_busy += self.busy * seconds
        self.machine_total += self.cores * seconds
        self.own += self.ours * seconds

    def meter(self, slots: int = 4, **kwargs) -> LoadMeter:
        defaults = dict(cores=self.cores, threshold=0.85, cpu_per_call=0.5, max_lag_ms=150, max_stt_wait_ms=500,
                        target_p95_ms=2000)
        return LoadMeter(slots, clock=lambda: self.now, read_machine=lambda: (self.machine_busy, self.machine_total),
                         read_process=lambda: self.own, **{**defaults, **kwargs})

    def run(self, meter: LoadMeter, calls: int, seconds: float = 10.0):
        for _ in range(int(seconds / SAMPLE_SECONDS)):
            self.tick()
            reading = meter.sample(calls)
        return reading


def test_an_idle_machine_takes_as_many_calls_as_its_cores_allow_within_the_slots():
    machine = Machine(cores=2)
    assert machine.run(machine.meter(slots=8), calls=0).capacity == 3  # 1.7 of 2 cores, 0.5 a call
    assert machine.run(machine.meter(slots=2), calls=0).capacity == 2  # --slots stays the ceiling


def test_another_program_holding_a_core_leaves_room_for_fewer_calls():
    machine = Machine(cores=2)
    meter = machine.meter()
    machine.busy = 1.0  # e.g. a build, or another service, on one core
    reading = machine.run(meter, calls=0)
    assert reading.capacity == 1 and reading.load == pytest.approx(0.5, abs=0.02)
    machine.busy, machine.ours = 1.6, 0.6  # the one call it took, and the other program
    reading = machine.run(meter, calls=1)
    assert reading.capacity == 1 and "CPU" in reading.why  # it carries that call, and takes no other


def test_a_worker_with_no_calls_takes_one_while_a_free_share_of_the_cores_carries_it():
    machine = Machine(cores=2)
    meter = machine.meter()
    machine.busy = 1.3  # another program on a core, and the services beside the worker: under the threshold's 1.7
    assert machine.run(meter, calls=0).capacity == 1  # 0.7 of a core is free: one call (0.5) fits, not two
    machine.busy = 1.6
    reading = machine.run(meter, calls=0)
    assert reading.capacity == 0 and "CPU" in reading.why  # 0.4 free: not even one


def test_a_call_held_counts_at_what_a_call_costs_not_at_a_quiet_moment():
    """A call ringing, greeting or listening uses little; counted as it is, the dialer would send calls the worker
    cannot serve once they all talk (seen: four calls taken while another program held a core, p95 3.1 s)."""
    machine = Machine(cores=2)
    meter = machine.meter()
    machine.busy, machine.ours = 1.05, 0.05  # another program on a core; the one call carried is listening
    reading = machine.run(meter, calls=1, seconds=3)
    assert reading.capacity == 1 and "used by others" in reading.why


def test_a_call_costs_what_this_worker_measured_not_the_prior():
    machine = Machine(cores=4)
    meter = machine.meter(slots=16, cpu_per_call=0.5)
    machine.busy, machine.ours = 1.2, 1.2  # two calls, 0.6 cores each: dearer than assumed
    machine.run(meter, calls=2, seconds=60)
    assert meter.cpu_per_call == pytest.approx(0.6, abs=0.02)
    assert meter.reading.capacity == 2 + 3  # (0.85 * 4 - 1.2) / 0.6 = 3.7 more


def test_a_late_event_loop_or_a_queue_for_whisper_takes_no_new_calls_until_it_clears():
    machine = Machine(cores=8)
    meter = machine.meter(slots=8)
    assert machine.run(meter, calls=1).capacity == 8
    for _ in range(20):
        meter.loop_lag(400)  # every wake-up 400 ms late: all of its calls hear it
    reading = machine.run(meter, calls=1, seconds=1)
    assert reading.capacity == 1 and "event loop" in reading.why
    assert machine.run(meter, calls=1, seconds=12).capacity == 8  # ten seconds on, the lag has cleared

    meter.stt_wait(900)
    reading = machine.run(meter, calls=1, seconds=1)
    assert reading.capacity == 1 and "Whisper" in reading.why


def test_calls_answering_late_stop_new_ones_while_a_few_slow_turns_do_not():
    machine = Machine(cores=8)
    meter = machine.meter(slots=8)
    for v2v in (900, 2600, 1000):  # three turns, one slow: too few to call a p95
        meter.turn(v2v)
    assert machine.run(meter, calls=2, seconds=1).capacity == 8
    meter.turn(2400)
    reading = machine.run(meter, calls=2, seconds=1)
    assert reading.capacity == 2 and "voice-to-voice" in reading.why
    assert machine.run(meter, calls=0, seconds=1).capacity == 8  # once its calls have ended, it takes calls again
    assert machine.run(meter, calls=2, seconds=61).capacity == 8  # a minute on, those turns are forgotten


def test_a_worker_whose_event_loop_is_blocked_advertises_no_room_and_takes_calls_again_after(settings):
    """A real media worker on the test Redis: while its loop is blocked (a stuck call) the heartbeat, from its
    own thread, keeps it alive but advertises no room, so the dialer does not send it a call it would serve late."""
    settings.MEDIA_ADMISSION = "load"
    worker = MediaWorker(2, "cpu", ScriptedSTT(), None, lambda: None, lambda call_id: ToneVoice())
    worker.load.read_machine = lambda: None  # the test box's own load is not this test's subject
    dialer = SlotRegistry()
    for key in dialer.redis.keys("media:*"):
        dialer.redis.delete(key)
    seen_while_blocked: list[tuple[bool, int]] = []

    def look_while_blocked() -> None:
        time.sleep(3)  # the loop is blocked for 4 s: well past the 1.5 s after which a reading is stale
        seen_while_blocked.append((dialer.is_alive(worker.worker_id), dialer.free_slots()))

    async def run():
        running = asyncio.create_task(worker.run())
        await until(lambda: dialer.free_slots() == 2, what="the worker advertising room for two calls")
        threading.Thread(target=look_while_blocked).start()
        time.sleep(4)  # noqa: ASYNC251 - the point: a stuck call holds the event loop
        await until(lambda: seen_while_blocked, what="the dialer's look")
        await until(lambda: dialer.free_slots() == 0, what="the lag counting against new calls", timeout=2)
        await until(lambda: dialer.free_slots() == 2, what="room again once the lag is ten seconds old", timeout=15)
        worker.drain()
        await asyncio.wait_for(running, 10)

    asyncio.run(run())
    assert seen_while_blocked == [(True, 0)]  # alive (its calls are not ended) but taking nothing


def test_a_process_standing_for_the_world_outside_is_not_counted_against_the_calls(settings):
    """The demo's simulated phone network (its callers' voices and ears) runs on the worker's machine; named in
    MEDIA_LOAD_IGNORE_PIDS its CPU is left out of the machine's busy time, as a program that is not named is not."""
    outside = subprocess.Popen([sys.executable, "-c", "while True: pass"])  # noqa: S603 (fixed argv)

    def read(ignored: list[int]) -> float:
        settings.MEDIA_LOAD_IGNORE_PIDS = ignored
        return machine_cpu()[0]

    try:
        time.sleep(0.5)
        before = read([]), read([outside.pid]), process_tree_cpu(outside.pid)
        time.sleep(2)
        after = read([]), read([outside.pid]), process_tree_cpu(outside.pid)
    finally:
        outside.kill()
        outside.wait()
    counted, left_out, burned = (a - b for a, b in zip(after, before, strict=True))
    assert burned > 0.5  # it held a core (a share of one on a busy machine) for those 2 s
    assert counted - left_out == pytest.approx(burned, abs=0.1)
    assert process_tree_cpu(outside.pid) == 0.0  # gone: nothing to leave out, and no error
