"""Flower, as `make demo` and docker-compose start it, shows our three queues and what waits in them."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

import pytest
import redis
from django.conf import settings

from apps.core.management.commands.run_demo import free_port, wait_for_port
from tests.waiting import wait_for


@pytest.fixture
def broker_url():
    url = re.sub(r"/\d*$", "", settings.REDIS_URL.rstrip("/")) + "/13"  # a database of its own: nothing consumes it
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def test_flower_shows_the_imports_dialer_and_postcall_queues_with_their_waiting_tasks(broker_url):
    env = {**os.environ, "CELERY_BROKER_URL": broker_url}
    celery = [sys.executable, "-m", "celery", "-A", "config.celery_app"]
    subprocess.run([*celery, "call", "workers.dialer.dial_tick", "--args=[0]", "--queue", "dialer"],
                   env=env, check=True, capture_output=True, cwd=settings.BASE_DIR, timeout=60)
    port = free_port()
    flower = subprocess.Popen([*celery, "flower", "--address=127.0.0.1", f"--port={port}"], env=env,
                              cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for_port(port, timeout=30), "Flower did not start"

        def queue_rows() -> dict[str, str] | None:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/broker", timeout=10) as page:  # noqa: S310
                html = page.read().decode()
            rows = dict(re.findall(r'<tr id="(\w+)">\s*<td>\w+</td>\s*<td[^>]*>(\d+)</td>', html))
            return rows if len(rows) == 3 else None

        rows = wait_for(queue_rows, timeout=20, what="Flower's page to list the three queues", every=0.5)
    finally:
        flower.terminate()
        flower.wait(timeout=15)
    assert rows == {"dialer": "1", "imports": "0", "postcall": "0"}
