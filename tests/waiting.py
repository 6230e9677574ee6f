"""Waiting for something to happen in a test: a condition polled until it holds, or a clear failure.

`until` waits inside a running event loop (a call's pipeline, a WebSocket client); `wait_for` blocks
a plain test on another thread or process (a Celery worker, a media worker, daphne). Both return the
condition's first true value, so a test can wait for a row and use it.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def until(condition: Callable[[], T], timeout: float = 10.0, what: str = "the condition") -> T:
    """Polls `condition` every 10 ms on the running loop; its first true value, or AssertionError."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := condition()):
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(0.01)
    return value


def wait_for(condition: Callable[[], T], timeout: float = 30.0, what: str = "the condition",
             every: float = 0.05) -> T:
    """Polls `condition` every `every` seconds; its first true value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)
    return value
