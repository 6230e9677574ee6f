"""The consumer ↔ media-worker hop over the Channels layer (Redis), under 20 concurrent streams.

The worker side runs in its own process, as in production; it answers every frame on the
stream's channel, as the worker does with audio. Each stream sends one 20 ms frame every 20 ms.
Reported: one-way hop latency percentiles (half the round trip), against a baseline measured in
the same run: a bare Redis round trip (PING) on the same server.
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

ROOT = Path(__file__).resolve().parents[2]
STREAMS, SECONDS = int(os.environ.get("BENCH_RELAY_STREAMS", "20")), 5
WORKER_CHANNEL = "bench-media-worker"
WORKER = f"""
import asyncio, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django; django.setup()
from channels.layers import get_channel_layer
async def serve():
    layer = get_channel_layer()
    while True:
        message = await layer.receive("{WORKER_CHANNEL}")
        if message["type"] == "stop":
            return
        await layer.send(message["reply"], {{"type": "twilio.send", "sent": message["sent"]}})
asyncio.run(serve())
"""


async def streams(layer) -> list[float]:
    payload = json.dumps({"event": "media", "media": {"payload": base64.b64encode(b"\xff" * 160).decode()}})

    async def stream(index: int, trips: list[float]):
        channel = await layer.new_channel()
        for _ in range(SECONDS * 50):
            await layer.send(WORKER_CHANNEL, {"type": "call.frame", "call_id": index, "text": payload,
                                              "reply": channel, "sent": time.perf_counter()})
            answer = await layer.receive(channel)
            trips.append(time.perf_counter() - answer["sent"])
            await asyncio.sleep(max(0.0, 0.02 - (time.perf_counter() - answer["sent"])))

    trips: list[float] = []
    await asyncio.gather(*(stream(i, trips) for i in range(STREAMS)))
    await layer.send(WORKER_CHANNEL, {"type": "stop"})
    return trips


def test_relay_hop_latency(benchmark):
    client = redis.Redis.from_url(settings.REDIS_URL)
    pings = []
    for _ in range(500):
        started = time.perf_counter()
        client.ping()
        pings.append(time.perf_counter() - started)
    worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env={**os.environ})
    time.sleep(2)  # Django set up in the worker
    trips: list[float] = []
    try:
        benchmark.pedantic(lambda: trips.extend(asyncio.run(streams(get_channel_layer()))), rounds=1, iterations=1)
    finally:
        worker.wait(timeout=10)
    hops = sorted(trip / 2 * 1000 for trip in trips)
    p50, p99 = hops[len(hops) // 2], hops[int(len(hops) * 0.99)]
    ping = statistics.median(pings) * 1000
    benchmark.extra_info.update(streams=STREAMS, messages=len(hops), p50_ms=round(p50, 2), p99_ms=round(p99, 2),
                                redis_ping_ms=round(ping, 3))
    print(f"\nrelay hop, {STREAMS} streams × 50 frames/s, worker in its own process: p50 {p50:.2f} ms, "
          f"p99 {p99:.2f} ms one way ({len(hops)} frames); bare Redis round trip {ping:.3f} ms")
