"""The consumer ↔ media-worker hop, under 20 concurrent streams: Redis Streams (what we use,
media_server.relay) against the Channels layer (channels-redis), measured in one run.

The worker side runs in its own process, as in production, and answers every frame on the
call's stream, as the worker does with audio. Each stream sends one 20 ms frame every 20 ms.
Reported: one-way hop latency (half the round trip), and a bare Redis round trip as baseline.
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import redis
from channels.layers import get_channel_layer
from django.conf import settings

from media_server.relay import Relay

ROOT = Path(__file__).resolve().parents[2]
STREAMS, SECONDS = int(os.environ.get("BENCH_RELAY_STREAMS", "20")), 5
PAYLOAD = json.dumps({"event": "media", "media": {"payload": base64.b64encode(b"\xff" * 160).decode()}})
WORKERS = {
    "channels": """
import asyncio, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django; django.setup()
from channels.layers import get_channel_layer
async def serve():
    layer = get_channel_layer()
    while True:
        message = await layer.receive("bench-media-worker")
        if message["type"] == "stop":
            return
        await layer.send(message["reply"], {"type": "twilio.send", "sent": message["sent"]})
print("ready", flush=True)
asyncio.run(serve())
""",
    "streams": """
import asyncio, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django; django.setup()
from media_server.relay import Relay
async def serve():
    relay = Relay()
    async for message in relay.worker_messages("bench"):
        if message["type"] == "stop":
            return
        await relay.to_call(int(message["call_id"]), {"type": "twilio.send", "sent": message["sent"]})
print("ready", flush=True)
asyncio.run(serve())
""",
}


async def over_channels(stream: int, trips: list[float]) -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    for _ in range(SECONDS * 50):
        sent = time.perf_counter()
        await layer.send("bench-media-worker", {"type": "call.frame", "text": PAYLOAD, "reply": channel, "sent": sent})
        await layer.receive(channel)
        trips.append(time.perf_counter() - sent)
        await asyncio.sleep(max(0.0, 0.02 - (time.perf_counter() - sent)))


async def over_streams(stream: int, trips: list[float]) -> None:
    relay = Relay()
    await relay.reset_call(90000 + stream)
    replies = relay.call_messages(90000 + stream)
    for _ in range(SECONDS * 50):
        sent = time.perf_counter()
        await relay.to_worker("bench", {"type": "call.frame", "call_id": 90000 + stream, "text": PAYLOAD,
                                        "sent": sent})
        await anext(replies)
        trips.append(time.perf_counter() - sent)
        await asyncio.sleep(max(0.0, 0.02 - (time.perf_counter() - sent)))
    await relay.close()


async def run(kind: str) -> list[float]:
    trips: list[float] = []
    await asyncio.gather(*((over_channels if kind == "channels" else over_streams)(i, trips) for i in range(STREAMS)))
    if kind == "channels":
        await get_channel_layer().send("bench-media-worker", {"type": "stop"})
    else:
        await Relay().to_worker("bench", {"type": "stop"})
    return trips


def measure(kind: str) -> tuple[float, float]:
    if kind == "streams":
        asyncio.run(Relay().reset_worker("bench"))
    worker = subprocess.Popen([sys.executable, "-c", WORKERS[kind]], cwd=ROOT, env={**os.environ},
                              stdout=subprocess.PIPE)
    assert worker.stdout.readline().strip() == b"ready"  # Django is set up in the worker
    try:
        hops = sorted(trip / 2 * 1000 for trip in asyncio.run(run(kind)))
    finally:
        worker.wait(timeout=10)
    return hops[len(hops) // 2], hops[int(len(hops) * 0.99)]


def test_relay_hop_latency(benchmark):
    client = redis.Redis.from_url(settings.REDIS_URL)
    pings = []
    for _ in range(500):
        started = time.perf_counter()
        client.ping()
        pings.append(time.perf_counter() - started)
    channels_p50, channels_p99 = measure("channels")
    figures = {}
    benchmark.pedantic(lambda: figures.update(zip(("p50", "p99"), measure("streams"), strict=True)),
                       rounds=1, iterations=1)
    ping = statistics.median(pings) * 1000
    benchmark.extra_info.update(streams=STREAMS, p50_ms=round(figures["p50"], 2), p99_ms=round(figures["p99"], 2),
                                channels_p50_ms=round(channels_p50, 2), channels_p99_ms=round(channels_p99, 2))
    print(f"\nrelay hop, {STREAMS} streams × 50 frames/s, one way: Redis Streams p50 {figures['p50']:.2f} ms, "
          f"p99 {figures['p99']:.2f} ms; Channels layer p50 {channels_p50:.2f} ms, p99 {channels_p99:.2f} ms "
          f"({channels_p99 / figures['p99']:.1f}x); bare Redis round trip {ping:.3f} ms")
