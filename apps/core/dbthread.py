"""Database work of live calls, off the event loop, on one thread that keeps its connection.

The media server reaches the database only here, and only through the apps' domain functions (what it asks of
the calls domain is apps.calls.media; the agent's CallDomain; the cost meter's ledger rows).

Channels' database_sync_to_async closes and reopens the connection around every call when
CONN_MAX_AGE is 0 (as it is here, for ASGI): about 9 ms per call on PostgreSQL, half the agent's
20 ms budget for a turn. The agent's decisions run here instead, on one thread per process whose
connection stays open and is checked before each job (a dead one is replaced). One thread keeps
the process to one connection; a decision takes a few milliseconds, so calls rarely queue.
"""
from __future__ import annotations

import asyncio
import functools
import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="media-db")
        return _executor


def _with_live_connection(fn, *args, **kwargs):
    if connection.connection is not None and not connection.is_usable():
        connection.close()  # the server restarted or dropped us: the next query reconnects
    return fn(*args, **kwargs)


async def run_db(fn, *args, **kwargs):
    """Run `fn(*args, **kwargs)` on the database thread and wait for it without blocking the loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(), functools.partial(_with_live_connection, fn, *args, **kwargs))


def close() -> None:
    """Close the thread's connection (tests before their database goes, workers on the way out)."""
    global _executor
    with _lock:
        pool, _executor = _executor, None
    if pool is not None:
        pool.submit(lambda: connection.close()).result()  # resolved on the pool's thread, its own connection
        pool.shutdown(wait=True)
