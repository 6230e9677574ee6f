"""What the calls domain tells a live call's media worker as it happens: machine detection's verdict (Twilio's
AMD callback), so that the call's pipeline hears it at once instead of polling the database for it.

An announcement is a message on the input stream in Redis of the media worker that holds the call's slot (the
stream media_server.relay reads; its name lives here because the domain writes to it and never imports the
media server), sent once the transaction that recorded the verdict has committed. A call no worker holds yet
hears nothing: its pipeline reads the verdict from the database as it starts. Announcing never raises: a lost
announcement leaves the verdict in the database, where the agent reads it at its next turn.
"""
from __future__ import annotations

import logging

import redis
from django.db import transaction

from apps.calls.slots import SlotRegistry
from apps.core.redis import redis_client

log = logging.getLogger(__name__)

ANSWERED_BY = "call.answered_by"  # the message's type: {"type", "call_id", "answered_by"}
ANNOUNCE_TIMEOUT_SECONDS = 1.0  # a Redis that does not answer must not hold up Twilio's callback long


def worker_inbox(worker_id: str) -> str:
    """The Redis stream a media worker reads its calls' messages from."""
    return f"media:in:{worker_id}"


def announce_answered_by(call_id: int, answered_by: str) -> None:
    """Tell the call's media worker who (or what) answered, once the verdict is committed."""
    transaction.on_commit(lambda: _announce(call_id, {"type": ANSWERED_BY, "call_id": call_id,
                                                      "answered_by": answered_by}))


def _announce(call_id: int, message: dict) -> None:
    try:
        worker_id = SlotRegistry().worker_for(call_id)
        if worker_id is None:
            return  # no stream yet: the pipeline reads the verdict from the database when it starts
        client = redis_client(socket_timeout=ANNOUNCE_TIMEOUT_SECONDS)
        client.xadd(worker_inbox(worker_id), {key: str(value) for key, value in message.items()})
    except redis.RedisError:
        log.warning("call %s: could not announce %s to its media worker", call_id, message["type"], exc_info=True)
