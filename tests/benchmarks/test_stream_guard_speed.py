"""What the media stream's bounds cost per Twilio frame, against the relay hop every frame already pays.

The consumer checks each message's size and takes a token from the stream's rate budget before relaying
it over Redis Streams (media_server.relay). Both are measured here in one process on the same 20 ms media
frames: the guard alone, and the XADD to the worker's stream. Reported: microseconds per frame and the
guard's share of the hop.
"""
from __future__ import annotations

import asyncio
import base64
import json
import time

from django.conf import settings

from media_server.consumers import _Budget
from media_server.relay import Relay

FRAMES = 20_000
FRAME = json.dumps({"event": "media", "sequenceNumber": "2", "streamSid": "MZbench",
                    "media": {"track": "inbound", "chunk": "1", "timestamp": "0",
                              "payload": base64.b64encode(b"\xff" * 160).decode()}})


def guard_seconds() -> float:
    budget = _Budget(1e9, 1e9)  # never empty: every frame pays the full check, none is dropped
    limit = settings.MEDIA_STREAM_MAX_MESSAGE_BYTES
    started = time.perf_counter()
    for _ in range(FRAMES):
        if len(FRAME) > limit or not budget.take():
            raise AssertionError("a Twilio frame was refused")
    return time.perf_counter() - started


async def relay_seconds(frames: int) -> float:
    relay = Relay()
    await relay.reset_worker("bench-guard")
    started = time.perf_counter()
    for _ in range(frames):
        await relay.to_worker("bench-guard", {"type": "call.frame", "call_id": 1, "text": FRAME})
    elapsed = time.perf_counter() - started
    await relay.reset_worker("bench-guard")
    await relay.close()
    return elapsed


def test_stream_guard_cost_per_frame(benchmark):
    hop = asyncio.run(relay_seconds(2_000)) / 2_000
    guard = benchmark.pedantic(guard_seconds, rounds=5, iterations=1) / FRAMES
    benchmark.extra_info.update(guard_us=round(guard * 1e6, 3), relay_xadd_us=round(hop * 1e6, 1),
                                guard_share_of_hop=round(guard / hop, 4))
    assert guard < hop  # the check must stay a small part of what relaying a frame costs
