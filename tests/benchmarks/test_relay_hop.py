"""The consumer ↔ media-worker hop over the Channels layer (Redis), under 20 concurrent streams.

Each stream sends a 20 ms frame every 20 ms to a worker channel, as the consumer does; the
worker answers each on the stream's channel, as it does with audio. Reported: one-way hop
latency percentiles (half the round trip), against a baseline in the same process: a bare Redis
round trip (PING) on the same server.
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import statistics
import time

import redis
from channels.layers import get_channel_layer
from django.conf import settings

STREAMS, SECONDS = int(os.environ.get("BENCH_RELAY_STREAMS", "20")), 5


async def relay(layer) -> list[float]:
    # One process plays both sides, so both use the default prefix: channels-redis reads one
    # process-local prefix at a time (the real worker and consumers live in different processes).
    worker = await layer.new_channel()
    stop = asyncio.Event()

    async def serve():
        while not stop.is_set():
            message = await layer.receive(worker)
            await layer.send(message["reply"], {"type": "twilio.send", "sent": message["sent"]})

    async def stream(index: int, trips: list[float]):
        channel = await layer.new_channel()
        payload = json.dumps({"event": "media", "media": {"payload": base64.b64encode(b"\xff" * 160).decode()}})
        for _ in range(SECONDS * 50):
            await layer.send(worker, {"type": "call.frame", "call_id": index, "text": payload,
                                      "reply": channel, "sent": time.perf_counter()})
            answer = await layer.receive(channel)
            trips.append(time.perf_counter() - answer["sent"])
            await asyncio.sleep(max(0.0, 0.02 - (time.perf_counter() - answer["sent"])))

    servers = [asyncio.create_task(serve())]  # one receiver per channel, as in the media worker
    trips: list[float] = []
    await asyncio.gather(*(stream(i, trips) for i in range(STREAMS)))
    stop.set()
    for server in servers:
        server.cancel()
    return trips


def test_relay_hop_latency(benchmark):
    client = redis.Redis.from_url(settings.REDIS_URL)
    pings = []
    for _ in range(500):
        started = time.perf_counter()
        client.ping()
        pings.append(time.perf_counter() - started)
    trips = []
    benchmark.pedantic(lambda: trips.extend(asyncio.run(relay(get_channel_layer()))), rounds=1, iterations=1)
    hops = sorted(trip / 2 * 1000 for trip in trips)
    p50, p99 = hops[len(hops) // 2], hops[int(len(hops) * 0.99)]
    ping = statistics.median(pings) * 1000
    benchmark.extra_info.update(streams=STREAMS, messages=len(hops), p50_ms=round(p50, 2), p99_ms=round(p99, 2),
                                redis_ping_ms=round(ping, 3))
    print(f"\nrelay hop, {STREAMS} streams × 50 frames/s: p50 {p50:.2f} ms, p99 {p99:.2f} ms one way "
          f"({len(hops)} frames); a bare Redis round trip {ping:.3f} ms (hop p50 = {p50 / ping:.0f}× a ping)")
