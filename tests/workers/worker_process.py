"""A real Celery worker process (prefork, one pool process) on the `imports` queue, against the test database
and Redis: for the tests that kill it, or its pool process, the way production workers die."""
from __future__ import annotations

import csv
import itertools
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import HEADER
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
AREA_CODES = ["212", "312", "415", "303", "713", "602", "305", "206", "617", "404", "214", "503"]
_numbers = itertools.count(1)


def database_url() -> str:
    """The test database, for another process (with SQLite, the test database's file)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}/{db['NAME']}"


def write_big_sheet(path: Path, rows: int) -> Path:
    """`rows` leads, every one with its own valid number."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            phone = f"({AREA_CODES[i % len(AREA_CODES)]}) {200 + i // 10000 % 800:03d}-{i % 10000:04d}"
            writer.writerow([f"Lead {i}", phone, "", "", "", "Website form", "2026-09-14"])
    return path


@contextmanager
def worker_process(logs: Path, **environment: str) -> Iterator[subprocess.Popen]:
    """Start `celery worker -Q imports --pool prefork -c 1` with these settings in its environment; on leaving,
    stop it if the test has not killed it already: a warm shutdown (SIGTERM to the main process only, which
    lets a task finish), then SIGKILL to all of it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
           "REDIS_URL": settings.REDIS_URL, "PYTHONUNBUFFERED": "1", **environment}
    name = f"imports-{os.getpid()}-{next(_numbers)}@%h"
    log = (logs / f"{name.split('@')[0]}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "-Q", "imports", "--pool", "prefork",
         "--concurrency", "1", "--without-gossip", "--without-mingle", "-n", name, "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def pool_process(worker: subprocess.Popen, timeout: float = 30.0) -> int:
    """The pid of the worker's one pool process (the child that runs tasks)."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")

    def first_child() -> int | None:
        pids = children.read_text().split() if children.exists() else []
        return int(pids[0]) if pids else None

    return wait_for(first_child, timeout, what="the worker's pool process")
