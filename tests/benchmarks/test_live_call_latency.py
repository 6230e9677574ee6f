"""A live call's latencies and cost, measured end to end: real daphne, Redis, a media worker
process and a client speaking Twilio's protocol in real time (the harness of
tests/media_server/test_live_call.py).

  greeting     the lead's "hello" ends → the greeting's first audio arrives
  voice→voice  the lead's question ends → the agent's first audio arrives (turn silence,
               Whisper, agent, Piper, pacing, two relay hops)
  barge-in     the lead starts talking over the agent → `clear` arrives
  worker CPU and memory for one live call (from /proc of the worker process)
"""
from __future__ import annotations

import asyncio
import os
import time

import pytest

from tests.media_server.live_stack import FakeTwilio
from tests.media_server.test_live_call import espeak, live_call, stack  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_live_call_latencies(benchmark, stack, live_call):  # noqa: F811
    pid = stack["worker"].pid
    idle_rss = rss_mb(pid)
    figures = {}

    async def call():
        async with FakeTwilio(stack["port"], live_call.pk) as twilio:
            cpu_start, wall_start = cpu_seconds(pid), time.monotonic()
            await twilio.wait_for_line(0.4)  # a moment's silence before the hello
            twilio.say(espeak("Hello?"))
            first = await twilio.wait_for_agent()
            figures["greeting_ms"] = (first - twilio.speech_done_at) * 1000
            twilio.say(espeak("I want to buy a house."))
            count = len(twilio.agent_audio)
            await twilio.wait_for_agent_frames(50)
            figures["voice_to_voice_ms"] = (twilio.agent_audio[count][0] - twilio.speech_done_at) * 1000
            figures["call_rss_mb"] = rss_mb(pid) - idle_rss
            twilio.say(espeak("Wait, stop, stop."))
            barge_started = twilio.speech_started_at
            clear_at = await twilio.wait_for_event("clear")
            figures["barge_in_ms"] = (clear_at - barge_started) * 1000
            figures["cpu_share_of_one_core"] = (cpu_seconds(pid) - cpu_start) / (time.monotonic() - wall_start)

    benchmark.pedantic(lambda: asyncio.run(call()), rounds=1, iterations=1)
    benchmark.extra_info.update({k: round(v, 2) for k, v in figures.items()})
    print(f"\nlive call: greeting {figures['greeting_ms']:.0f} ms after the hello, voice-to-voice "
          f"{figures['voice_to_voice_ms']:.0f} ms, barge-in {figures['barge_in_ms']:.0f} ms to `clear`; "
          f"worker CPU {figures['cpu_share_of_one_core']:.0%} of a core during the call, "
          f"+{figures['call_rss_mb']:.0f} MB resident for the call")
