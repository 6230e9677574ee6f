"""The stack a voice benchmark runs on, started the way `manage.py run_demo` starts it, and the CPU its processes use.

A private Redis on a free port, daphne, a Celery worker (dialer and postcall queues), a media worker with
as many slots as the highest concurrency measured, the simulated network and, for the comparison, the stock
pipecat bot (apps.rehearsals.benchmarks.stock); everything on 127.0.0.1, logs in var/log/bench-<name>.log.
No beat and no Flower: the benchmark drives the dial tick itself, so no campaign of the database dials
its own leads meanwhile. Children share this process's environment plus REDIS_URL, the web address and
MEDIA_SLOT_REGISTRY=1, as run_demo's do.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from apps.core.management.commands.run_demo import free_port, wait_for_port, with_outside
from media_server.load import process_tree_cpu


class StackError(Exception):
    """A process of the stack did not start; the message names its log."""


class Stack:
    def __init__(self, slots: int, stock: bool = False, log_dir: Path | None = None, stock_turn_stop_ms: int = 0,
                 admission: str = "slots"):
        self.slots, self.stock, self.stock_turn_stop_ms, self.admission = slots, stock, stock_turn_stop_ms, admission
        self.log_dir = log_dir or settings.VAR_DIR / "log"
        self.redis_port, self.web_port = free_port(), free_port()
        self.stock_port = free_port() if stock else None
        self.children: dict[str, subprocess.Popen] = {}

    @property
    def env(self) -> dict[str, str]:
        env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0", "PYTHONUNBUFFERED": "1",
               "SIMULATED_NETWORK_WEB_URL": self.web_url, "MEDIA_SLOT_REGISTRY": "1",
               # slots: a sweep level is that many calls at once, whatever the load; load: the worker takes what
               # it can carry (the simulated network's CPU left out, as run_demo does) and the dialer waits
               "MEDIA_ADMISSION": self.admission,
               "HF_HUB_OFFLINE": "1"}  # pipecat's Whisper service must not look for a hub
        env.pop("CELERY_BROKER_URL", None)
        return env

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def stock_url(self) -> str:
        from apps.rehearsals.benchmarks.stock import STREAM_PATH

        return f"ws://127.0.0.1:{self.stock_port}{STREAM_PATH}" if self.stock else ""

    def commands(self) -> dict[str, list[str]]:
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise StackError("redis-server is not installed: run `make setup` (it installs it with apt)")
        python = sys.executable
        commands = {
            "redis": [redis_server, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                      "--appendonly", "no"],
            "web": [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.web_port), "config.asgi:application"],
            "celery": [python, "-m", "celery", "-A", "config.celery_app", "worker", "-Q", "dialer,postcall",
                       "--concurrency", "2", "-n", f"bench-{self.web_port}@%h", "--loglevel", "WARNING"],
            "phones": [python, "manage.py", "simulated_network"],
            "media": [python, "manage.py", "media_worker", "--device", "cpu", "--slots", str(self.slots)],
        }
        if self.stock:
            commands["stock"] = [python, "manage.py", "bench_voice", "--serve-stock", str(self.stock_port),
                                 "--stock-turn-stop-ms", str(self.stock_turn_stop_ms)]
        return commands

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name, command in self.commands().items():
            with (self.log_dir / f"bench-{name}.log").open("ab") as log_file:
                self.children[name] = subprocess.Popen(  # noqa: S603 (our own fixed argv)
                    command, env=with_outside(self.env, name, self.children), stdout=log_file,
                    stderr=subprocess.STDOUT, cwd=settings.BASE_DIR, start_new_session=True)
            if name == "redis" and not wait_for_port(self.redis_port):
                raise StackError(f"Redis did not start; see {self.log_dir / 'bench-redis.log'}")
        if not wait_for_port(self.web_port, timeout=30):
            raise StackError(f"daphne did not start; see {self.log_dir / 'bench-web.log'}")

    def dead(self) -> list[str]:
        return [name for name, child in self.children.items() if child.poll() is not None]

    @property
    def pids(self) -> dict[str, int]:
        return {name: child.pid for name, child in self.children.items() if name != "redis"}

    def stop(self) -> None:
        """Reverse order, so Redis outlives the processes that use it."""
        for child in reversed(list(self.children.values())):
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in self.children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)


# --- CPU, from /proc -----------------------------------------------------------------------------------

def cpu_snapshot(pids: dict[str, int]) -> dict[str, float]:
    return {name: process_tree_cpu(pid) for name, pid in pids.items()}


def wait_until(check, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return bool(check())
