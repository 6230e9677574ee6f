"""Two media workers behind one web tier, as on two hosts: calls spread over them, and one killed mid-call fails only
its own call (lead rescheduled) while the other's call goes on and the next call goes to the worker still alive.

Real components: daphne and two media worker processes (tests.media_server.live_stack) on the test database and
Redis, Twilio's side played over real WebSockets in real-time 20 ms frames.
"""
from __future__ import annotations

import asyncio
import signal

import pytest

from apps.calls.models import Call, CallStatus, Turn
from apps.calls.slots import SlotRegistry
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.media_server.live_stack import FakeTwilio, run_stack
from tests.media_server.test_live_call import espeak

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stack(tmp_path):
    yield from run_stack(tmp_path, "tests.media_server.scripted_agent.ScriptedAgent", workers=2)


def _call(campaign, number: str) -> Call:
    lead = make_lead(campaign, f"+1212555{number}", status=LeadStatus.IN_CALL, attempts=1, name="Maria")
    return Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.IN_PROGRESS, provider="simulated",
                               provider_call_id=f"SIM{number}")


def test_calls_spread_over_two_workers_and_killing_one_fails_only_its_call(stack, active_campaign):
    first, second, third = (_call(active_campaign, number) for number in ("0181", "0182", "0183"))
    registry = SlotRegistry()
    process_of = {process.pid: process for process in stack["workers"]}

    def pid(worker_id: str) -> int:
        return int(worker_id.split("-")[-2])  # "<host>-<pid>-<random>" (media_server.call_worker)

    async def calls():
        async with FakeTwilio(stack["port"], first.pk) as one, FakeTwilio(stack["port"], second.pk) as two:
            await asyncio.gather(one.wait_for_agent(), two.wait_for_agent())  # both greeted
            on = {call.pk: registry.worker_for(call.pk) for call in (first, second)}
            assert len(set(on.values())) == 2, on  # one call on each worker

            process_of[pid(on[first.pk])].send_signal(signal.SIGKILL)  # the first call's host dies
            await asyncio.wait_for(one.closed.wait(), 15)
            two.say(espeak("Goodbye for now."))  # the second call goes on: heard, answered, hung up
            await asyncio.wait_for(two.closed.wait(), 30)
            async with FakeTwilio(stack["port"], third.pk) as three:
                await three.wait_for_agent()
                assert registry.worker_for(third.pk) == on[second.pk]  # the next call: the worker still alive
            return on

    asyncio.run(calls())
    for call in (first, second, third):
        call.refresh_from_db()
    assert first.status == CallStatus.FAILED and "media worker" in first.error
    first.lead.refresh_from_db()
    assert first.lead.status == LeadStatus.CALLED and first.lead.next_attempt_at is not None  # rescheduled
    assert second.status != CallStatus.FAILED and not second.error
    said = list(Turn.objects.filter(call=second, speaker="agent").order_by("sequence").values_list("text", flat=True))
    assert said[-1] == "Thank you, goodbye."  # answered after the other worker died
    assert Turn.objects.filter(call=third, speaker="agent").exists()

