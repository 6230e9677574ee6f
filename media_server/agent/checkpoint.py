"""A LangGraph checkpointer on Redis: a call's graph state survives a media-worker restart.

Each call is one thread (`call-<id>`). Per thread and namespace three Redis hashes hold the
checkpoints, the channel values by version (stored once, as LangGraph's in-memory saver does),
and the pending writes of each checkpoint. Every key expires AGENT_STATE_TTL_SECONDS after its
last write: a call's state is needed while the call lives and for its post-call analysis, and
the facts that matter are copied to the database (Call, Lead, AgentStep) as the call goes.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import ormsgpack
import redis
from django.conf import settings
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_checkpoint_metadata,
)

PREFIX = "agent:graph"


class RedisCheckpointSaver(BaseCheckpointSaver[str]):
    def __init__(self, client: redis.Redis | None = None, ttl_seconds: int | None = None):
        super().__init__()
        self.redis = client or redis.Redis.from_url(settings.REDIS_URL)
        self.ttl = ttl_seconds or settings.AGENT_STATE_TTL_SECONDS

    # --- keys ------------------------------------------------------------------------

    @staticmethod
    def _key(thread_id: str, ns: str, kind: str) -> str:
        return f"{PREFIX}:{thread_id}:{ns}:{kind}"

    # Stored as msgpack lists of LangGraph's typed (kind, bytes) pairs: no pickle, nothing executable.
    def _dump(self, value: Any) -> bytes:
        return ormsgpack.packb(list(self.serde.dumps_typed(value)))

    def _load(self, raw: bytes) -> Any:
        return self.serde.loads_typed(tuple(ormsgpack.unpackb(raw)))

    # --- reading ---------------------------------------------------------------------

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        thread_id = config["configurable"]["thread_id"]
        ns = config["configurable"].get("checkpoint_ns", "")
        checkpoints = self._key(thread_id, ns, "checkpoints")
        checkpoint_id = get_checkpoint_id(config)
        if not checkpoint_id:
            ids = [key.decode() for key in self.redis.hkeys(checkpoints)]
            if not ids:
                return None
            checkpoint_id = max(ids)
        raw = self.redis.hget(checkpoints, checkpoint_id)
        return None if raw is None else self._tuple(thread_id, ns, checkpoint_id, raw)

    def _tuple(self, thread_id: str, ns: str, checkpoint_id: str, raw: bytes) -> CheckpointTuple:
        kind, data, metadata_kind, metadata_data, parent_id = ormsgpack.unpackb(raw)
        checkpoint: Checkpoint = self.serde.loads_typed((kind, data))
        versions = checkpoint["channel_versions"]
        fields = [f"{channel}\x00{version}" for channel, version in versions.items()]
        blobs = self.redis.hmget(self._key(thread_id, ns, "blobs"), fields) if fields else []
        values = {channel: self._load(blob) for channel, blob in zip(versions, blobs, strict=True)
                  if blob is not None and blob != b"empty"}
        writes = self.redis.hgetall(self._key(thread_id, ns, f"writes:{checkpoint_id}"))
        pending = sorted((ormsgpack.unpackb(value) for value in writes.values()), key=lambda w: (w[4], w[0], w[5]))

        def config_of(cid: str) -> RunnableConfig:
            return {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": cid}}

        return CheckpointTuple(
            config=config_of(checkpoint_id),
            checkpoint={**checkpoint, "channel_values": values},
            metadata=self.serde.loads_typed((metadata_kind, metadata_data)),
            pending_writes=[(task_id, channel, self.serde.loads_typed((kind, data)))
                            for task_id, channel, kind, data, _path, _idx in pending],
            parent_config=config_of(parent_id) if parent_id else None,
        )

    def list(self, config: RunnableConfig | None, *, filter: dict[str, Any] | None = None,
             before: RunnableConfig | None = None, limit: int | None = None) -> Iterator[CheckpointTuple]:
        if config is None:
            return  # listing every thread is not something a call needs
        thread_id = config["configurable"]["thread_id"]
        ns = config["configurable"].get("checkpoint_ns", "")
        stored = self.redis.hgetall(self._key(thread_id, ns, "checkpoints"))
        before_id = get_checkpoint_id(before) if before else None
        wanted = get_checkpoint_id(config)
        for checkpoint_id in sorted((key.decode() for key in stored), reverse=True):
            if (wanted and checkpoint_id != wanted) or (before_id and checkpoint_id >= before_id):
                continue
            found = self._tuple(thread_id, ns, checkpoint_id, stored[checkpoint_id.encode()])
            if filter and any(found.metadata.get(k) != v for k, v in filter.items()):
                continue
            yield found
            if limit is not None:
                limit -= 1
                if limit <= 0:
                    return

    # --- writing ---------------------------------------------------------------------

    def put(self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata,
            new_versions: ChannelVersions) -> RunnableConfig:
        thread_id = config["configurable"]["thread_id"]
        ns = config["configurable"].get("checkpoint_ns", "")
        stored = dict(checkpoint)
        values = stored.pop("channel_values")
        blobs = {f"{channel}\x00{version}": self._dump(values[channel]) if channel in values else b"empty"
                 for channel, version in new_versions.items()}
        record = ormsgpack.packb([*self.serde.dumps_typed(stored),
                                  *self.serde.dumps_typed(get_checkpoint_metadata(config, metadata)),
                                  config["configurable"].get("checkpoint_id")])
        pipe = self.redis.pipeline(transaction=True)
        if blobs:
            pipe.hset(self._key(thread_id, ns, "blobs"), mapping=blobs)
        pipe.hset(self._key(thread_id, ns, "checkpoints"), checkpoint["id"], record)
        for kind in ("blobs", "checkpoints"):
            pipe.expire(self._key(thread_id, ns, kind), self.ttl)
        pipe.execute()
        return {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": checkpoint["id"]}}

    def put_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str,
                   task_path: str = "") -> None:
        thread_id = config["configurable"]["thread_id"]
        ns = config["configurable"].get("checkpoint_ns", "")
        key = self._key(thread_id, ns, f"writes:{config['configurable']['checkpoint_id']}")
        mapping = {}
        for position, (channel, value) in enumerate(writes):
            idx = WRITES_IDX_MAP.get(channel, position)
            mapping[f"{task_id}\x00{idx}"] = (idx, ormsgpack.packb(
                [task_id, channel, *self.serde.dumps_typed(value), task_path, idx]))
        pipe = self.redis.pipeline(transaction=True)
        for field, (idx, value) in mapping.items():
            if idx >= 0:
                pipe.hsetnx(key, field, value)  # a regular write is kept once, as LangGraph expects
            else:
                pipe.hset(key, field, value)  # special writes (errors, interrupts) replace
        pipe.expire(key, self.ttl)
        pipe.execute()

    def delete_thread(self, thread_id: str) -> None:
        keys = list(self.redis.scan_iter(match=f"{PREFIX}:{thread_id}:*", count=500))
        if keys:
            self.redis.delete(*keys)

    # --- async: Redis round trips are short, a thread keeps them off the event loop ---------

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await asyncio.to_thread(self.get_tuple, config)

    async def alist(self, config: RunnableConfig | None, *, filter: dict[str, Any] | None = None,
                    before: RunnableConfig | None = None, limit: int | None = None) -> AsyncIterator[CheckpointTuple]:
        for found in await asyncio.to_thread(lambda: list(self.list(config, filter=filter, before=before,
                                                                   limit=limit))):
            yield found

    async def aput(self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata,
                   new_versions: ChannelVersions) -> RunnableConfig:
        return await asyncio.to_thread(self.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str,
                          task_path: str = "") -> None:
        await asyncio.to_thread(self.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await asyncio.to_thread(self.delete_thread, thread_id)
