"""Redis clients for every part of the platform, made in one place with the same timeouts.

Synchronous clients share one connection pool per URL and response mode in a process (redis-py's pool
notices a fork and starts afresh in the child, so Celery's prefork workers are safe). Asynchronous clients
are bound to the event loop that uses them, so each caller gets its own and closes it (`aclose()`).

`socket_timeout` must be longer than any blocking read the caller makes (XREAD BLOCK, BZPOPMIN): redis-py
8 defaults to 5 s, which would cut an idle blocking read.
"""
from __future__ import annotations

from functools import lru_cache

import redis
import redis.asyncio as aredis
from django.conf import settings

CONNECT_TIMEOUT = 5.0
SOCKET_TIMEOUT = 30.0


@lru_cache(maxsize=16)
def _pool(url: str, decode: bool, socket_timeout: float, connect_timeout: float) -> redis.ConnectionPool:
    return redis.ConnectionPool.from_url(url, decode_responses=decode, socket_timeout=socket_timeout,
                                         socket_connect_timeout=connect_timeout, health_check_interval=30)


def redis_client(*, decode: bool = False, url: str | None = None, socket_timeout: float = SOCKET_TIMEOUT,
                 connect_timeout: float = CONNECT_TIMEOUT) -> redis.Redis:
    """A client on the process's shared pool for `url` (default REDIS_URL); `decode`: str replies, not bytes."""
    return redis.Redis(connection_pool=_pool(url or settings.REDIS_URL, decode, socket_timeout, connect_timeout))


def async_redis_client(*, decode: bool = False, url: str | None = None, socket_timeout: float = SOCKET_TIMEOUT,
                       connect_timeout: float = CONNECT_TIMEOUT) -> aredis.Redis:
    """A client of the caller's own, for its event loop; the caller closes it."""
    return aredis.Redis.from_url(url or settings.REDIS_URL, decode_responses=decode, socket_timeout=socket_timeout,
                                 socket_connect_timeout=connect_timeout, health_check_interval=30)
