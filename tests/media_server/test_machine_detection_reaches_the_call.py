"""Machine detection's verdict reaches a live call as an event: Twilio's AMD callback, recorded by the calls
domain, is announced to the media worker holding the call (Redis), and the agent leaves its message at once.
While it waits for the verdict, the media server asks the database nothing.

In-process and real: the Twilio-facing consumer (WebsocketCommunicator on the ASGI app), a media worker on the
test Redis and database, a call's whole pipeline; the agent, STT and voice are doubles at their wires.
"""
from __future__ import annotations

import asyncio
import json
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from apps.calls.lifecycle import record_call_event
from apps.calls.models import Call, CallStatus
from apps.core.dbthread import run_db
from apps.leads.models import LeadStatus
from config.asgi import application
from media_server.agent.interface import LeadTurn, Say
from media_server.call_worker import MediaWorker
from tests.conftest import make_lead
from tests.media_server.pipeline.fakes import ScriptedSTT, ToneVoice
from tests.media_stream import start_message
from tests.waiting import until

pytestmark = pytest.mark.django_db(transaction=True)
MESSAGE = "Hi, this is Alex from Sunrise Realty. Please call us back."


class Agent:
    """Greets only when asked (the silence before its greeting is long here); answers any turn with the message,
    noting when it was asked."""

    def __init__(self):
        self.turns: list[tuple[float, LeadTurn]] = []

    async def greeting(self, context):
        yield Say("Hello, this is Alex.")

    async def respond(self, turn, context):
        self.turns.append((time.monotonic(), turn))
        yield Say(MESSAGE)


@pytest.fixture
def call(active_campaign, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.TWILIO_AUTH_TOKEN = ""  # the consumer takes an unsigned handshake; the stream token still counts
    settings.GREETING_SILENCE_SECONDS = 60  # nobody speaks: only the verdict makes the agent talk
    lead = make_lead(active_campaign, "+12125550144", status=LeadStatus.IN_CALL, attempts=1, name="Maria")
    return Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS,
                               provider="simulated", provider_call_id="SIMamd")


def _count_queries(seen: list[tuple[float, str]]) -> None:
    """On the database thread: note every query its connection runs, with when."""
    from django.db import connection

    def note(execute, sql, params, many, context):
        seen.append((time.monotonic(), sql))
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(note)


class LiveCall:
    """A media worker serving `call`, whose stream Twilio (the test) has opened through the consumer."""

    def __init__(self, call, agent):
        self.call, self.agent = call, agent
        self.worker = MediaWorker(1, "cpu", ScriptedSTT(), None, lambda: agent, lambda call_id: ToneVoice())
        self.queries: list[tuple[float, str]] = []  # run on the media server's database thread
        self.heard: list[tuple[float, dict]] = []  # what reached the phone

    async def __aenter__(self) -> LiveCall:
        await run_db(_count_queries, self.queries)
        self.running = asyncio.create_task(self.worker.run())
        await until(lambda: self.worker.registry.is_alive(self.worker.worker_id), what="the media worker")
        self.twilio = WebsocketCommunicator(application, "/media/stream")
        connected, _ = await self.twilio.connect()
        assert connected
        await self.twilio.send_to(text_data=start_message(self.call))
        self.listening = asyncio.create_task(self._listen())
        await until(lambda: self.call.pk in self.worker.sessions, what="the call's session")
        self.started = time.monotonic()
        return self

    async def _listen(self) -> None:
        while True:
            self.heard.append((time.monotonic(), json.loads(await self.twilio.receive_from(timeout=60))))

    def agent_audio_since(self, moment: float) -> int:
        return sum(1 for at, message in self.heard if at >= moment and message.get("event") == "media")

    async def __aexit__(self, *exc) -> None:
        self.listening.cancel()
        await self.twilio.disconnect()  # the lead hangs up: the worker ends the session and frees the slot
        await until(lambda: not self.worker.sessions, what="the session to end")
        self.worker.drain()
        await asyncio.wait_for(self.running, 10)


def test_a_verdict_that_comes_during_the_call_makes_the_agent_leave_its_message_at_once(call):
    agent = Agent()

    async def run():
        async with LiveCall(call, agent) as live:
            await asyncio.sleep(2.0)  # the stream has started; no verdict yet, nobody speaks
            assert agent.turns == []
            waited = (live.started + 0.5, time.monotonic())  # once the call's start is read
            await sync_to_async(record_call_event)(call.pk, "SIMamd", "", answered_by="machine_end_beep",
                                                   provider="simulated")  # Twilio's AMD callback, at the beep
            announced = time.monotonic()
            await until(lambda: agent.turns, timeout=5, what="the agent's turn")
            await until(lambda: live.agent_audio_since(announced) >= 10, timeout=5, what="the message on the line")
            return waited, announced, live.queries

    (since, until_verdict), announced, queries = asyncio.run(run())
    [(asked, turn)] = agent.turns
    assert turn == LeadTurn("")  # a turn of its own: nobody spoke
    assert asked - announced < 1.0, asked - announced
    assert any(at < since for at, _ in queries)  # the count sees the database thread's work (the call's start)
    assert [sql for at, sql in queries if since <= at <= until_verdict] == []  # and no polling while it waited


def test_a_verdict_that_came_before_the_stream_started_is_read_as_the_call_starts(call):
    record_call_event(call.pk, "SIMamd", "", answered_by="machine_end_beep", provider="simulated")
    agent = Agent()

    async def run():
        async with LiveCall(call, agent) as live:
            await until(lambda: agent.turns, timeout=5, what="the agent's turn")
            return live.started

    started = asyncio.run(run())
    [(asked, turn)] = agent.turns
    assert turn == LeadTurn("") and asked - started < 1.0, asked - started
