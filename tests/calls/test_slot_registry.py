"""Media slots: reserved atomically on live workers, given back once, dead workers noticed."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from apps.calls.slots import HEARTBEAT_TTL, SlotRegistry
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
