"""The voice benchmark (`manage.py bench_voice`): its stock pipecat bot answers a lead over Twilio's protocol,
its figures are summed up right, and (`make bench`) the whole benchmark runs on a stack of its own.

The stock bot test runs in `make test` (about 20 s: a kit of pipecat services is built and one call made);
the end-to-end run is a benchmark (minutes), skipped there.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading

import pytest

from apps.rehearsals.benchmarks.figures import CallFigures, Level, max_concurrency_under, stage_split
from tests.media_server.live_stack import ROOT, FakeTwilio, free_port
from tests.media_server.test_live_call import espeak, live_call  # noqa: F401 (fixture)
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stock_bot():
    """The stock pipecat bot, served by uvicorn in a thread, with the scripted agent."""
    import uvicorn

    from apps.rehearsals.benchmarks.stock import KitPool, make_app
    from tests.media_server.scripted_agent import ScriptedAgent

    port = free_port()
    app = make_app(ScriptedAgent(), KitPool(refill=False))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="stock-bot", daemon=True)
    thread.start()
    wait_for(lambda: server.started, timeout=30, what="the stock bot to listen")
    yield f"ws://127.0.0.1:{port}/ws"
    server.should_exit = True
    thread.join(timeout=15)


def test_it_greets_answers_and_hangs_up_through_the_stock_pipecat_bot(stock_bot, live_call):  # noqa: F811
    figures = {}

    async def call():
        twilio = FakeTwilio(0, live_call.pk)
        twilio.url = stock_bot
        async with twilio:
            await twilio.wait_for_line(0.4)  # a moment's silence before the hello
            twilio.say(espeak("Hello?"))
            first = await twilio.wait_for_agent(timeout=30)
            figures["greeting_ms"] = (first - twilio.speech_done_at) * 1000
            twilio.say(espeak("Goodbye for now."))
            reply = await twilio.wait_for_agent(timeout=30)
            figures["reply_ms"] = (reply - twilio.speech_done_at) * 1000
            await asyncio.wait_for(twilio.closed.wait(), timeout=15)  # the agent hung up: the bot closed the stream

    asyncio.run(call())
    print(f"\nstock pipecat bot: greeting {figures['greeting_ms']:.0f} ms after the hello, goodbye "
          f"{figures['reply_ms']:.0f} ms after the lead's")
    assert 0 < figures["greeting_ms"] < 15000 and 0 < figures["reply_ms"] < 15000


def test_it_pairs_phone_and_server_turns_for_transport():
    paired = CallFigures(1, "hot_buyer", phone_v2v_ms=[900, 1500, 1300],
                         server_turns=[{"stt_ms": 600}, {"stt_ms": 700, "voice_to_voice_ms": 1400},
                                       {"stt_ms": 650, "voice_to_voice_ms": 1180}])
    split, method = stage_split([paired])
    assert (method, split["transport"], split["STT"], split["agent"]) == ("paired by turn", 110, 650, None)

    unpaired = CallFigures(2, "hot_buyer", phone_v2v_ms=[900, 1500], server_turns=paired.server_turns)
    split, method = stage_split([unpaired])
    assert (method, split["transport"]) == ("difference of medians", 1500 - 1290)


def test_it_gives_each_concurrent_copy_of_a_persona_a_number_of_its_own():
    from apps.rehearsals.runner import RehearsalError, choose_personas, lead_numbers

    chosen = choose_personas("hot_buyer,opt_out")
    alone = dict((persona.name, number) for persona, number in lead_numbers(chosen))
    numbers = lead_numbers(chosen, copies=8)
    assert len({number for _, number in numbers}) == 16 and all(10 <= number <= 99 for _, number in numbers)
    assert [number for persona, number in numbers if persona.name == "hot_buyer"][0] == alone["hot_buyer"]
    with pytest.raises(RehearsalError):
        lead_numbers(chosen, copies=60)


def test_it_finds_the_most_concurrent_calls_under_two_seconds():
    def level(concurrency: int, v2v: list[int]) -> dict:
        return Level(concurrency, [CallFigures(1, "hot_buyer", phone_v2v_ms=v2v)], 60, {}, (0, 0, 0),
                     (0, 0, 0)).summary()

    levels = [level(1, [1000, 1200]), level(2, [1400, 1900]), level(4, [1800, 2600]), level(8, [3000, 4000])]
    assert max_concurrency_under(levels) == 2
    assert max_concurrency_under(levels[2:]) is None
    assert levels[3]["greeting_phone_ms"]["max"] == 3000  # each call's first reply at the phone is its greeting


def test_a_level_admitted_by_load_says_how_many_calls_ran_at_once_and_how_long_the_dialer_waited():
    """Four calls asked for at once; the worker took two, then one more as each ended (times in seconds)."""
    calls = [CallFigures(i, "hot_buyer", placed_s=placed, in_progress_s=span) for i, (placed, span) in enumerate(
        [(0.5, (8, 70)), (0.6, (9, 75)), (71, (78, 140)), (76, (83, 150))])]
    summary = Level(4, calls, 160, {}, (0, 0, 0), (0, 0, 0)).summary()
    assert summary["most_in_progress"] == 2
    assert summary["dial_wait_s"]["max"] == 76  # the fourth call was placed as the first ended


@pytest.mark.timeout(1800)
def test_voice_bench_end_to_end(benchmark, tmp_path):
    """The whole benchmark on a stack of its own and a database of its own: one call, one comparison round."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}", "MEDIA_ROOT": str(tmp_path)}
    command = [sys.executable, "manage.py", "bench_voice", "--concurrency", "1", "--compare-stock", "--rounds", "1",
               "--json"]
    result = {}

    def run():
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1700, check=True)
        result.update(json.loads(done.stdout[done.stdout.index("{"):]))

    benchmark.pedantic(run, rounds=1, iterations=1)
    [level] = result["levels"]
    compare = result["compare_stock"]
    ratios = {name: side["all_turns_p50"] for name, side in compare["ratios"].items()}
    benchmark.extra_info.update(v2v_p50_ms=level["v2v_phone_ms"]["p50"], v2v_p95_ms=level["v2v_phone_ms"]["p95"],
                                barge_in_ms=result["barge_in"]["barge_in_stop_ms"]["p50"], ours_over_stock_p50=ratios)
    print(f"\nvoice bench: one call v2v p50 {level['v2v_phone_ms']['p50']} ms, p95 {level['v2v_phone_ms']['p95']} ms; "
          f"barge-in {result['barge_in']['barge_in_stop_ms']['p50']} ms; ours/stock p50 {ratios}")
    assert level["turns"] > 3
    assert all(side["all_turns"]["n"] > 3 for side in compare["sides"].values())
