"""The live-calls page: staff watch calls as they happen (the page, its ws/live/ WebSocket, the events the
call's stages publish), and in a real browser (Debian's chromium driven by Playwright) during a rehearsal."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.calls import live
from apps.calls.lifecycle import finish_call
from apps.calls.models import AgentTransition, Call, CallStatus, Turn
from apps.leads.models import Lead, LeadStatus, mask_phone
from media_server.pipeline.records import CallRecords
from tests.conftest import make_lead
from tests.media_server.live_stack import ROOT, database_url, free_port
from tests.rehearsals.test_rehearsal import rehearsal_stack, team_campaign  # noqa: F401 - the stack and campaign

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "+12125550177"
FINISHED_PHONE = "+13125550188"
SAID = "We want a three bedroom home in Austin."


def full_forms(phone: str) -> list[str]:
    """Ways a full US number could be written on a page."""
    area, exchange, line = phone[2:5], phone[5:8], phone[8:]
    return [phone, area + exchange + line, f"({area}) {exchange}-{line}", f"{area}-{exchange}-{line}",
            f"{area} {exchange} {line}", f"{area}.{exchange}.{line}"]


@pytest.fixture
def calls(active_campaign):
    """A call in progress (transcript so far, an agent hand-over, a score) and a finished one."""
    now = timezone.now()
    lead = make_lead(active_campaign, PHONE, name="Maria Lopez", status=LeadStatus.IN_CALL, attempts=1)
    in_progress = Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS,
                                      provider="simulated", answered_at=now - dt.timedelta(seconds=75),
                                      score=62, score_band="warm")
    Turn.objects.create(call=in_progress, sequence=1, speaker="agent", start_ms=0, end_ms=3000,
                        text="Hi, this is Alex from Sunrise Realty, an automated assistant.")
    Turn.objects.create(call=in_progress, sequence=2, speaker="lead", text=SAID, start_ms=3500, end_ms=6000)
    AgentTransition.objects.create(call=in_progress, from_agent="conversation", to_agent="qualification")
    finished = Call.objects.create(
        lead=make_lead(active_campaign, FINISHED_PHONE, name="Sam Ortiz"), campaign=active_campaign,
        status=CallStatus.COMPLETED, outcome="completed", disposition="appointment", provider="simulated",
        answered_at=now - dt.timedelta(seconds=200), ended_at=now - dt.timedelta(seconds=100), duration_seconds=95,
        score=81, score_band="hot")
    return in_progress, finished


def session_cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def socket(user: User | None = None, origin: str | None = "http://127.0.0.1:8000") -> WebsocketCommunicator:
    """A browser's WebSocket to ws/live/ through the real ASGI application (session auth, origin check)."""
    from config.asgi import application

    headers = [(b"host", b"127.0.0.1:8000")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if user is not None:
        headers.append((b"cookie", session_cookie(user)))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


async def refusal(communicator: WebsocketCommunicator):
    """False when the handshake itself was refused, else the close code the page was given."""
    connected, _ = await communicator.connect()
    closed = await communicator.receive_output(timeout=5) if connected else None
    await communicator.disconnect()  # as the browser's side of the closing handshake: the consumer ends
    if not connected:
        return False
    return closed.get("code") if closed["type"] == "websocket.close" else closed


async def refusals(*communicators: WebsocketCommunicator) -> list:
    return [await refusal(communicator) for communicator in communicators]


async def next_event(communicator: WebsocketCommunicator, kind: str, call_id: int) -> dict:
    """The next event of this kind for this call (other tests' calls may publish to the same group)."""
    while True:
        event = await communicator.receive_json_from(timeout=5)
        if event["type"] == kind and event.get("call_id", call_id) == call_id:
            return event


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """channels_redis' layer keeps state bound to the event loop that used it: each test (one asyncio.run
    each) gets its own."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def clerk(db) -> User:
    """Signed in, but not staff."""
    return User.objects.create_user("clerk", password="pw-clerk-1")


@pytest.fixture
def staff_without_calls(db) -> User:
    return User.objects.create_user("helper", password="pw-helper-1", is_staff=True)


# --- the page ---------------------------------------------------------------------------------------------

def test_staff_see_calls_in_progress_with_transcript_agent_and_score_and_finished_calls_link_to_review(
        client, manager, calls):
    in_progress, finished = calls
    client.force_login(manager)
    page = client.get(reverse("live-calls")).content.decode()
    card = page[page.index(f'id="call-{in_progress.pk}"'):page.index("Recently finished")]
    assert "Maria Lopez" in card and mask_phone(PHONE) in card and "Spring buyers" in card
    assert SAID in card and "Sunrise Realty" in card
    assert '<span class="agent">qualification</span>' in card and "62 (warm)" in card
    assert f'data-since="{in_progress.answered_at.isoformat()}"' in card  # the elapsed time ticks from here
    review = reverse("admin:calls_call_change", args=[finished.pk])
    assert f'href="{review}"' in page[page.index("Recently finished"):] and "Sam Ortiz" in page
    assert client.get(review).status_code == 200  # the review page: transcript, recording, facts, ledger


def test_the_page_never_shows_a_full_phone_number(client, manager, calls):
    client.force_login(manager)
    page = client.get(reverse("live-calls")).content.decode()
    assert mask_phone(PHONE) in page and mask_phone(FINISHED_PHONE) in page
    for phone in (PHONE, FINISHED_PHONE):
        assert not [form for form in full_forms(phone) if form in page]

    communicator = socket(manager)

    async def watch():
        await communicator.connect()
        first = await communicator.receive_from(timeout=5)
        await database_sync_to_async(finish_call)(calls[0].pk, CallStatus.COMPLETED)
        ended = await next_event(communicator, "call.ended", calls[0].pk)
        await communicator.disconnect()
        return first + json.dumps(ended, ensure_ascii=False)

    sent = asyncio.run(watch())
    assert mask_phone(PHONE) in sent
    for phone in (PHONE, FINISHED_PHONE):
        assert not [form for form in full_forms(phone) if form in sent]


def test_the_page_is_for_staff_allowed_to_see_calls(client, manager, clerk, staff_without_calls):
    url = reverse("live-calls")
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(clerk)
    assert client.get(url).status_code == 302
    client.force_login(staff_without_calls)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200


# --- the WebSocket ------------------------------------------------------------------------------------------

def test_an_anonymous_websocket_is_closed_with_4401(db):
    assert asyncio.run(refusal(socket())) == 4401


def test_a_websocket_of_someone_not_staff_or_not_allowed_to_see_calls_is_closed_with_4403(
        clerk, staff_without_calls):
    assert asyncio.run(refusals(socket(clerk), socket(staff_without_calls))) == [4403, 4403]


def test_a_websocket_from_another_site_or_without_origin_is_refused_at_the_handshake(manager):
    assert asyncio.run(refusals(socket(manager, origin="https://evil.example"), socket(manager, origin=None))) == [
        False, False]


def test_staff_get_the_live_state_then_each_turn_agent_score_and_the_end_as_they_happen(manager, calls):
    in_progress, _ = calls
    communicator = socket(manager)

    async def watch():
        connected, _ = await communicator.connect()
        assert connected
        snapshot = await communicator.receive_json_from(timeout=5)
        records = CallRecords(in_progress.pk)
        records._sequence = 2  # as the media worker numbers them: after the turns so far
        await records.turn("agent", "What price range are you thinking of?", 6500, 9000, None, "en", False)
        turn = await next_event(communicator, "turn", in_progress.pk)
        from media_server.agent.interface import Handover

        await records.transition(Handover("qualification", "scheduling", "the lead wants to see homes"))
        agent = await next_event(communicator, "agent", in_progress.pk)
        await live.apublish("score", in_progress.pk, score=74, band="warm", agent="scheduling")
        score = await next_event(communicator, "score", in_progress.pk)
        await database_sync_to_async(finish_call)(in_progress.pk, CallStatus.COMPLETED)
        ended = await next_event(communicator, "call.ended", in_progress.pk)
        await communicator.disconnect()
        return snapshot, turn, agent, score, ended

    snapshot, turn, agent, score, ended = asyncio.run(watch())
    assert snapshot["type"] == "snapshot"
    (row,) = [call for call in snapshot["live"] if call["id"] == in_progress.pk]
    assert [t["text"] for t in row["turns"]][-1] == SAID and row["agent"] == "qualification"
    assert turn == {"type": "turn", "call_id": in_progress.pk, "sequence": 3, "speaker": "agent",
                    "text": "What price range are you thinking of?", "interrupted": False}
    assert Turn.objects.filter(call=in_progress, sequence=3).exists()
    assert (agent["agent"], agent["from_agent"]) == ("scheduling", "qualification")
    assert (score["score"], score["band"]) == (74, "warm")
    assert ended["call"]["final"] and ended["call"]["status"] == CallStatus.COMPLETED
    assert ended["call"]["review_url"] == reverse("admin:calls_call_change", args=[in_progress.pk])


def test_a_page_left_open_longer_than_the_group_expiry_still_hears_the_calls(settings, monkeypatch, manager, calls):
    """channels_redis forgets group members after group_expiry (a day); a wall-screen page must not go deaf."""
    from apps.calls import consumers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": [settings.REDIS_URL], "group_expiry": 2}}}
    monkeypatch.setattr(consumers, "REJOIN_SECONDS", 0.5)
    communicator = socket(manager)

    async def watch():
        await communicator.connect()
        await communicator.receive_json_from(timeout=5)  # the snapshot
        await asyncio.sleep(3.5)
        await live.apublish("turn", calls[0].pk, sequence=9, speaker="lead", text="Still there?", interrupted=False)
        event = await next_event(communicator, "turn", calls[0].pk)
        await communicator.disconnect()
        return event

    assert asyncio.run(watch())["text"] == "Still there?"


@pytest.fixture
def live_warnings():
    """What apps.calls.live warns of, caught at its own logger: an earlier test's Celery worker leaves the root
    logger at ERROR (start_worker's log level), which would hide the warnings from caplog."""
    logger, seen = logging.getLogger(live.__name__), []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: seen.append(record.getMessage())
    level = logger.level
    logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    yield seen
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_the_call_goes_on_when_the_live_page_cannot_be_told(settings, calls, live_warnings):
    """Redis for the channel layer down: the turn is still recorded and the call still ends, without delay."""
    in_progress, _ = calls
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": [f"redis://127.0.0.1:{free_port()}/0"]}}}
    records = CallRecords(in_progress.pk)
    records._sequence = 2  # after the turns so far
    started = time.monotonic()
    asyncio.run(records.turn("lead", "Hello?", 0, 900, 0.9, "en", False))
    assert finish_call(in_progress.pk, CallStatus.COMPLETED)
    assert time.monotonic() - started < 2 * live.PUBLISH_TIMEOUT_SECONDS + 5  # bounded, not a latency figure
    assert Turn.objects.filter(call=in_progress, text="Hello?").exists()
    in_progress.refresh_from_db()
    assert in_progress.status == CallStatus.COMPLETED
    warned = " ".join(live_warnings)
    assert "live-calls event turn not sent" in warned and "live-calls event call.ended not sent" in warned


# --- in a real browser, during a rehearsal ----------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/system-packages.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.mark.celery_worker
@pytest.mark.timeout(420)
def test_in_a_browser_staff_watch_a_rehearsal_call_live_then_open_its_review(
        rehearsal_stack, celery_worker, team_campaign, manager, monkeypatch, browser):  # noqa: F811
    """The page is open before the call exists; the call's lines appear as they are spoken, while it is in
    progress; when it ends it moves to the finished list with a link to its review page."""
    # Playwright's sync API keeps an event loop in this thread (hence `browser` last: after the fixtures that
    # write to the database); the test's own ORM reads happen between its calls, never during one.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser.new_page()
    received: list[dict] = []  # what the page's WebSocket was sent
    page.on("websocket", lambda socket: socket.on("framereceived", lambda text: received.append(json.loads(text))))
    base = rehearsal_stack["web_url"]
    page.goto(f"{base}/live/")  # the admin's sign-in first
    page.fill("#id_username", "manager")
    page.fill("#id_password", "pw-manager-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/live/")
    page.wait_for_selector('#live-connection[data-state="live"]', timeout=15_000)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
           "REDIS_URL": settings.REDIS_URL, "MEDIA_ROOT": str(rehearsal_stack["logs"]), "PYTHONUNBUFFERED": "1",
           "SIMULATED_NETWORK_WEB_URL": base}
    logs = rehearsal_stack["logs"]
    rehearsal = subprocess.Popen(
        [sys.executable, "manage.py", "rehearse", team_campaign.slug, "--personas", "opt_out", "--concurrency", "1",
         "--timeout", "240", "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=(logs / "rehearse.log").open("w"), text=True)
    try:
        started = time.monotonic()
        # Locators, not element handles: the page re-renders a call's card as events arrive, so anything held
        # across a wait is re-resolved when it is read or clicked.
        lead_line = page.locator(".live-call .transcript li.lead .text").first
        lead_line.wait_for(timeout=120_000)
        seen_after = time.monotonic() - started
        card = page.locator(".live-call").first
        call_id = int(card.get_attribute("data-call"))
        call = Call.objects.get(pk=call_id)
        status_then = [call.status]
        heard = lead_line.inner_text()
        # the card and its clock are read while the call is surely live: this persona opts out at once, and on a
        # slow machine the call can end soon after the greeting's line is shown
        header = card.locator("header").inner_text()
        ticking = card.locator(".elapsed").inner_text()
        page.wait_for_timeout(1500)
        ticked = card.locator(".elapsed").inner_text()
        live_html = page.content()
        greeting_line = page.locator(".live-call .transcript li.agent:has-text('automated assistant')").first
        greeting_line.wait_for(timeout=60_000)
        greeting = greeting_line.inner_text()
        call.refresh_from_db()
        status_then.append(call.status)

        review = page.locator(f'#finished-{call_id} a.review')
        review.wait_for(timeout=120_000)
        assert page.locator(f"#call-{call_id}").count() == 0  # gone from the live list
        finished_html = page.content()
        review.click()
        page.wait_for_url(f"**{reverse('admin:calls_call_change', args=[call_id])}")
        review_page = page.content()
        output, _ = rehearsal.communicate(timeout=180)
    except Exception as exc:
        tails = "\n".join(f"--- {name}\n{(logs / name).read_text()[-2000:]}" for name in (
            "rehearse.log", "network.log", "media.log", "web.log"))
        raise AssertionError(f"{exc}\n{tails}") from exc
    finally:
        if rehearsal.poll() is None:
            rehearsal.kill()
            rehearsal.wait()

    assert status_then == [CallStatus.IN_PROGRESS] * 2, f"call {call_id} was {status_then} as its lines appeared"
    assert heard.strip() and "Gary Shaw" in header, (heard, header)
    assert greeting.startswith("Agent:") and "Sunrise Realty" in greeting, greeting
    assert re.fullmatch(r"\d+:\d\d", ticking) and ticking != ticked, (ticking, ticked)
    phone = Lead.objects.get(pk=call.lead_id).phone
    for html in (live_html, finished_html):
        assert mask_phone(phone) in html
        assert not [form for form in full_forms(phone) if form in html]
    assert heard.strip() in review_page  # the review page has the same transcript
    kinds = [event["type"] for event in received if event.get("call_id") == call_id]
    assert {"call.answered", "turn", "agent", "score", "call.ended"} <= set(kinds), kinds
    assert kinds.index("call.answered") < kinds.index("turn") and kinds[-1] == "call.ended", kinds
    report = json.loads(output[output.index("{"):])
    assert report["calls"][0]["call_id"] == call_id and report["calls"][0]["met"], report
    print(f"the lead's first words appeared {seen_after:.1f} s after the rehearsal started")

