"""The consumer ↔ media-worker relay over Redis Streams.

Each worker reads one input stream (`media:in:<worker id>`) with a blocking XREAD that returns
up to 100 messages per round trip (the calls domain adds its announcements for the worker's calls there:
apps.calls.call_events); each call's replies go to its own stream (`media:out:<call
id>`), read by the consumer holding the call's WebSocket. Measured against the Channels layer
(channels-redis) in tests/benchmarks/test_relay_hop.py: with 20 streams at 50 frames/s the
one-way hop is p99 ~3 ms here, against ~17 ms through channels-redis, whose per-message Lua
script, sorted set and one-message-per-round-trip receive saturate first.
"""
from __future__ import annotations

from collections.abc import AsyncIterator

from apps.calls.call_events import worker_inbox
from apps.core.redis import async_redis_client

BLOCK_MS = 1000
BATCH = 100
# Messages kept per stream. A consumer relays nothing over MEDIA_STREAM_MAX_MESSAGE_BYTES (4 KiB), so a worker's
# input stream holds at most 2,000 × 4 KiB = 8 MiB however a caller behaves: 5 s of 8 calls' frames, more than a
# worker that is still useful can fall behind. A call's reply stream holds our own audio (40 s of it).
WORKER_BACKLOG = 2_000
CALL_BACKLOG = 2_000
# The consumer holding a call's stream renews this lease; a worker whose call lost it (the consumer was killed
# without closing) ends the call and frees its slot.
STREAM_LEASE_MS = 5_000


def _worker_key(worker_id: str) -> str:
    return worker_inbox(worker_id)  # the calls domain writes to it too (apps.calls.call_events)


def _call_key(call_id: int) -> str:
    return f"media:out:{call_id}"


def _stream_key(call_id: int) -> str:
    return f"media:stream:{call_id}"


class Relay:
    def __init__(self, url: str | None = None):
        # Reads block for BLOCK_MS; the client's socket timeout (30 s) is longer.
        self.redis = async_redis_client(url=url)

    async def close(self) -> None:
        await self.redis.aclose()

    async def to_worker(self, worker_id: str, message: dict) -> None:
        await self.redis.xadd(_worker_key(worker_id), _fields(message), maxlen=WORKER_BACKLOG, approximate=True)

    async def to_call(self, call_id: int, message: dict) -> None:
        await self.redis.xadd(_call_key(call_id), _fields(message), maxlen=CALL_BACKLOG, approximate=True)

    async def reset_call(self, call_id: int) -> None:
        await self.redis.delete(_call_key(call_id))

    async def reset_worker(self, worker_id: str) -> None:
        await self.redis.delete(_worker_key(worker_id))

    # --- who holds a call's stream: one stream per call, ever; alive while its consumer renews the lease ---

    async def claim_stream(self, call_id: int, owner: str, ttl_seconds: int) -> bool:
        """True for the first stream to claim the call; every later one (a replay, a second connection) is refused."""
        return bool(await self.redis.set(_stream_key(call_id), owner, nx=True, ex=ttl_seconds))

    async def renew_stream(self, call_id: int) -> None:
        await self.redis.set(_stream_key(call_id) + ":alive", "1", px=STREAM_LEASE_MS)

    async def end_stream(self, call_id: int) -> None:
        await self.redis.delete(_stream_key(call_id) + ":alive")  # the claim stays: no second stream

    async def live_streams(self, call_ids: list[int]) -> set[int]:
        """The calls among these whose stream's consumer is still renewing its lease."""
        if not call_ids:
            return set()
        pipe = self.redis.pipeline(transaction=False)
        for call_id in call_ids:
            pipe.exists(_stream_key(call_id) + ":alive")
        return {call_id for call_id, alive in zip(call_ids, await pipe.execute(), strict=True) if alive}

    async def worker_messages(self, worker_id: str) -> AsyncIterator[dict]:
        async for message in self._read(_worker_key(worker_id)):
            yield message

    async def call_messages(self, call_id: int) -> AsyncIterator[dict]:
        async for message in self._read(_call_key(call_id)):
            yield message

    async def _read(self, key: str) -> AsyncIterator[dict]:
        last = "0-0"  # streams are reset when a worker registers or a call starts
        while True:
            batches = await self.redis.xread({key: last}, block=BLOCK_MS, count=BATCH)
            for _, entries in batches or ():
                for entry_id, fields in entries:
                    last = entry_id
                    yield {k.decode(): v.decode() for k, v in fields.items()}


def _fields(message: dict) -> dict[str, str]:
    return {key: str(value) for key, value in message.items()}
