"""Media slots: reserved atomically on live workers, given back once, dead workers noticed."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from apps.calls.slots import HEARTBEAT_TTL, SlotRegistry
from media_server.load import LoadReading
from tests.waiting import wait_for


@pytest.fixture
def registry():
    registry = SlotRegistry()
    ids = []

    def worker(slots: int) -> str:
        worker_id = uuid.uuid4().hex[:8]
        registry.register(worker_id, slots, "cpu", f"media-worker.{worker_id}")
        ids.append(worker_id)
        return worker_id

    registry.new_worker = worker
    for key in registry.redis.keys("media:*"):  # a clean registry for each test
        registry.redis.delete(key)
    yield registry
    for worker_id in ids:
        registry.unregister(worker_id)


def test_reservations_spread_over_workers_and_stop_when_slots_run_out(registry):
    first, second = registry.new_worker(2), registry.new_worker(1)
    taken = [registry.reserve(call_id) for call_id in (101, 102, 103)]
    assert sorted(taken) == sorted([first, first, second])
    assert registry.reserve(104) is None
    assert registry.free_slots() == 0


def test_reserving_twice_for_one_call_takes_one_slot(registry):
    worker = registry.new_worker(2)
    assert registry.reserve(7) == registry.reserve(7) == worker
    assert registry.free_slots() == 1


def test_a_slot_is_given_back_once(registry):
    worker = registry.new_worker(1)
    registry.reserve(1)
    assert registry.release(1) == worker
    assert registry.release(1) is None  # a second release (sweeper after the call ended) changes nothing
    assert registry.free_slots() == 1
    assert registry.reserve(2) == worker


def test_concurrent_dialers_never_overbook(registry):
    registry.new_worker(5)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(registry.reserve, range(200, 240)))
    assert sum(1 for worker in results if worker) == 5


def test_a_draining_worker_takes_no_new_calls(registry):
    worker = registry.new_worker(3)
    registry.reserve(1)
    registry.drain(worker)
    assert registry.reserve(2) is None and registry.free_slots() == 0
    assert registry.worker_for(1) == worker  # its live call keeps its slot


def test_a_worker_whose_heartbeat_stops_is_gone_within_two_seconds_with_its_calls(registry):
    alive, dead = registry.new_worker(1), registry.new_worker(2)
    registry.reserve(11), registry.reserve(12)
    on_dead = [call for call in (11, 12) if registry.worker_for(call) == dead]

    def dead_gone() -> bool:
        registry.heartbeat(alive)  # the other one goes on beating meanwhile
        return not registry.is_alive(dead)

    wait_for(dead_gone, timeout=HEARTBEAT_TTL + 0.5, what="the silent worker to be gone", every=0.1)
    assert registry.is_alive(alive)
    assert registry.dead_workers() == [dead] and registry.calls_of(dead) == on_dead
    assert not registry.forget_if_done(dead)  # its calls have not ended yet: kept for the sweeper
    for call in on_dead:
        assert registry.let_go(dead, call)
    assert registry.forget_if_done(dead)
    assert all(registry.worker_for(call) is None for call in on_dead)
    assert dead not in registry.live_workers() and registry.dead_workers() == []


def test_a_slow_worker_forgotten_as_dead_comes_back_with_its_calls_on_its_next_beat(registry):
    worker = registry.new_worker(3)
    registry.reserve(21), registry.reserve(22)
    registry.redis.delete(f"media:worker:{worker}:alive")  # beats late under load: the sweeper forgets it
    assert registry.calls_of(worker) == [21, 22]
    for call in (21, 22):  # the sweeper ends its calls and lets them go, then forgets the worker
        registry.let_go(worker, call)
    assert registry.forget_if_done(worker)
    assert registry.free_slots() == 0  # the dialer sees no worker at all

    registry.release(21)  # call 21 ended while the worker was forgotten
    assert registry.heartbeat(worker, 3, "cpu", f"media-worker.{worker}", calls=[22]) is True
    assert registry.free_slots() == 2 and registry.worker_for(22) == worker
    registry.release(22)
    assert registry.free_slots() == 3  # given back once, not lost
    assert registry.heartbeat(worker, 3, "cpu", f"media-worker.{worker}") is False  # known: just a beat


def _beat(registry, worker: str, slots: int, capacity: int, why: str = "", load: float = 0.5) -> None:
    reading = LoadReading(capacity=capacity, load=load, cpu_per_call=0.5, why=why)
    registry.heartbeat(worker, slots, "cpu", f"media-worker.{worker}", calls=[], load=reading)


def test_a_worker_with_free_slots_but_no_room_by_its_load_takes_no_new_call(registry):
    worker = registry.new_worker(4)
    _beat(registry, worker, 4, capacity=1)  # four slots, but its CPU leaves room for one call
    assert registry.free_slots() == 1
    assert registry.reserve(31) == worker
    assert registry.reserve(32) is None  # the slot count alone would have said yes
    _beat(registry, worker, 4, capacity=1, why="CPU 1.9 of 2 cores in use (threshold 85%)")
    info = registry.live_workers()[worker]
    assert info["free"] == 0 and info["holds"] == 1 and info["why"].startswith("CPU")

    _beat(registry, worker, 4, capacity=3)  # load went down: two more
    assert [registry.reserve(call) for call in (33, 34, 35)] == [worker, worker, None]
    registry.release(31)
    assert registry.reserve(36) == worker  # a call that ended gives its room back


def test_reservations_go_to_the_worker_with_the_most_room_by_load_not_by_slots(registry):
    busy, quiet = registry.new_worker(8), registry.new_worker(2)
    _beat(registry, busy, 8, capacity=1, load=0.9)
    _beat(registry, quiet, 2, capacity=2, load=0.1)
    assert registry.reserve(41) == quiet
    assert sorted([registry.reserve(42), registry.reserve(43)]) == sorted([busy, quiet])
    assert registry.reserve(44) is None


def test_a_worker_admitting_by_slots_alone_advertises_no_capacity(registry):
    worker = registry.new_worker(2)
    _beat(registry, worker, 2, capacity=0)
    assert registry.free_slots() == 0
    registry.heartbeat(worker, 2, "cpu", f"media-worker.{worker}")  # MEDIA_ADMISSION=slots: no load sent
    assert registry.free_slots() == 2 and "capacity" not in registry.live_workers()[worker]


def test_a_call_already_answered_gets_a_free_slot_even_where_the_load_says_no_more(registry):
    worker = registry.new_worker(2)
    _beat(registry, worker, 2, capacity=0, why="voice-to-voice 2600 ms")
    assert registry.reserve(51) is None  # the dialer does not ring anyone for it
    assert registry.reserve(52, by_load=False) == worker  # but a person on the line is served, late or not
    assert registry.reserve(53, by_load=False) == worker
    assert registry.reserve(54, by_load=False) is None  # within its slots
