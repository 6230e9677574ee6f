"""Calls on a media worker that died are failed one by one and their leads rescheduled: a call that cannot be
hung up does not stop the others, and a sweep that dies half-way leaves the rest to the next one."""
from __future__ import annotations

import datetime as dt
import signal
import socket
import threading
import time

import pytest
from django.utils import timezone

from apps.calls.lifecycle import finish_call
from apps.calls.models import Call, CallStatus
from apps.calls.slots import SlotRegistry
from apps.calls.sweeper import sweep_stale_calls
from apps.integrations.telephony.base import _provider
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.integrations.fake_twilio import running_fake_twilio

ACCOUNT_SID = "AC" + "3f1c9e2a7b6d4e8f9a0b1c2d3e4f5a6b"
AUTH_TOKEN = "9c2b7e41d0a35f8e6b1c4d7a2e9f0b3c"
FROM = "+15005550006"
WORKER = "w1"


class SweeperKilled(BaseException):
    """The sweeper's process stopped dead (a deploy, the OOM killer, Celery's hard time limit)."""


@pytest.fixture
def registry(settings):
    settings.MEDIA_SLOT_REGISTRY = True
    registry = SlotRegistry()
    registry.register(WORKER, 4, "cpu", f"media-worker.{WORKER}")
    return registry


def use_twilio_at(settings, base_url: str) -> None:
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER, settings.PUBLIC_BASE_URL = FROM, "https://calls.example.com"
    settings.TWILIO_API_BASE_URL, settings.TWILIO_TIMEOUT_SECONDS = base_url, 2
    _provider.cache_clear()  # the provider reads its settings once


@pytest.fixture
def twilio_down(no_proxy, settings):
    """Twilio's API out of reach: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    use_twilio_at(settings, f"http://127.0.0.1:{port}")
    yield
    _provider.cache_clear()


@pytest.fixture
def twilio(no_proxy, settings):
    with running_fake_twilio(ACCOUNT_SID, AUTH_TOKEN, numbers={FROM}) as fake:
        use_twilio_at(settings, fake.base_url)
        yield fake
    _provider.cache_clear()


@pytest.fixture
def kill_switch():
    """Kills the sweeper where it stands: a signal to the main thread, whose handler raises SweeperKilled."""
    def die(signum, frame):
        raise SweeperKilled

    previous = signal.signal(signal.SIGUSR1, die)
    yield lambda: signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
    signal.signal(signal.SIGUSR1, previous)


def call_on_the_worker(registry, campaign, phone: str, *, provider="twilio", sid: str = "") -> Call:
    """A conversation in progress, its slot held by the worker."""
    lead = make_lead(campaign, phone, status=LeadStatus.IN_CALL, attempts=1)
    call = Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.IN_PROGRESS, provider=provider,
                               provider_call_id=sid or "CA" + phone[-10:].rjust(32, "0"), answered_at=timezone.now())
    assert registry.reserve(call.pk) == WORKER
    return call


def the_worker_dies(registry) -> None:
    registry.redis.delete(f"media:worker:{WORKER}:alive")  # its heartbeat stops


def held_by_the_worker(registry) -> set[int]:
    return {int(c) for c in registry.redis.smembers(f"media:worker:{WORKER}:calls")}


def assert_failed_and_rescheduled(call: Call, campaign, before: dt.datetime) -> None:
    call.refresh_from_db()
    call.lead.refresh_from_db()
    assert (call.status, call.error) == (CallStatus.FAILED, f"media worker {WORKER} died")
    retry = dt.timedelta(minutes=campaign.retry_minutes["failed"])
    assert call.lead.status == LeadStatus.CALLED
    assert before + retry <= call.lead.next_attempt_at <= timezone.now() + retry


def test_a_call_twilio_cannot_hang_up_is_still_failed_and_its_lead_rescheduled(
        active_campaign, registry, twilio_down, caplog):
    call = call_on_the_worker(registry, active_campaign, "+12125550101")
    the_worker_dies(registry)
    before = timezone.now()

    assert sweep_stale_calls()["worker_lost"] == 1

    assert_failed_and_rescheduled(call, active_campaign, before)
    assert any(f"call {call.pk}" in r.getMessage() and "hang up" in r.getMessage() for r in caplog.records)
    assert WORKER not in registry.redis.smembers("media:workers")  # nothing left to fail: forgotten
    assert registry.worker_for(call.pk) is None


def test_a_call_that_cannot_be_hung_up_does_not_stop_the_others(active_campaign, registry, twilio_down, settings):
    settings.TELEPHONY_PROVIDER = "simulated"
    on_twilio = call_on_the_worker(registry, active_campaign, "+12125550101")
    on_simulated = call_on_the_worker(registry, active_campaign, "+12125550102", provider="simulated")
    the_worker_dies(registry)
    before = timezone.now()

    assert sweep_stale_calls()["worker_lost"] == 2

    assert_failed_and_rescheduled(on_twilio, active_campaign, before)
    assert_failed_and_rescheduled(on_simulated, active_campaign, before)


def test_a_sweep_killed_half_way_leaves_the_remaining_calls_to_the_next_one(
        active_campaign, registry, twilio, kill_switch, monkeypatch):
    first, second = (twilio.add_call(phone, FROM, status="in-progress") for phone in ("+12125550101", "+12125550102"))
    calls = [call_on_the_worker(registry, active_campaign, c.to, sid=c.sid) for c in (first, second)]
    the_worker_dies(registry)
    answer_update = twilio.update_call

    def killed_while_hanging_up_the_second(call, form):
        if call.sid == second.sid and not getattr(killed_while_hanging_up_the_second, "done", False):
            killed_while_hanging_up_the_second.done = True
            kill_switch()
            time.sleep(0.5)  # the answer comes back to nobody
        return answer_update(call, form)

    monkeypatch.setattr(twilio, "update_call", killed_while_hanging_up_the_second)
    before = timezone.now()

    with pytest.raises(SweeperKilled):
        sweep_stale_calls()

    assert_failed_and_rescheduled(calls[0], active_campaign, before)
    calls[1].refresh_from_db()
    assert calls[1].status == CallStatus.IN_PROGRESS
    assert held_by_the_worker(registry) == {calls[1].pk}  # still known to be on the dead worker

    assert sweep_stale_calls()["worker_lost"] == 1

    assert_failed_and_rescheduled(calls[1], active_campaign, before)
    assert twilio.calls[second.sid].status == "completed"
    assert WORKER not in registry.redis.smembers("media:workers")


def test_a_call_already_ended_is_only_let_go(active_campaign, registry, settings):
    """The last sweep ended it and died before giving its slot back."""
    settings.TELEPHONY_PROVIDER = "simulated"
    call = call_on_the_worker(registry, active_campaign, "+12125550101", provider="simulated")
    settings.MEDIA_SLOT_REGISTRY = False  # finish_call leaves the slot alone, as a killed sweep would have
    finish_call(call.pk, CallStatus.COMPLETED)
    settings.MEDIA_SLOT_REGISTRY = True
    the_worker_dies(registry)

    assert sweep_stale_calls()["worker_lost"] == 0

    call.refresh_from_db()
    assert (call.status, call.error) == (CallStatus.COMPLETED, "")
    assert held_by_the_worker(registry) == set()
    assert WORKER not in registry.redis.smembers("media:workers")
