"""A live media stack for tests: real daphne and a media worker process on the test database and Redis,
and a client playing Twilio's side of Media Streams over a real WebSocket in real-time 20 ms frames."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from apps.calls.models import Call
from apps.calls.slots import SlotRegistry
from media_server.speech.audio import ulaw_to_pcm16
from tests.media_stream import start_message
from tests.waiting import until, wait_for

ROOT = Path(__file__).resolve().parents[2]
SILENCE = b"\xff" * 160


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}/{db['NAME']}"


def run_stack(tmp_path, agent: str | None, workers: int = 1, **extra_env: str):
    """daphne and `workers` media worker processes (two slots each; logs worker.log, worker-2.log, ...)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
           "REDIS_URL": settings.REDIS_URL, "MEDIA_ROOT": str(tmp_path), "GREETING_SILENCE_SECONDS": "1.0",
           "PYTHONUNBUFFERED": "1", **extra_env}
    env.pop("MEDIA_AGENT", None)
    if agent:
        env["MEDIA_AGENT"] = agent
    port = free_port()
    names = ["worker"] + [f"worker-{number}" for number in range(2, workers + 1)]
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in ("web", *names)}
    web = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                            "config.asgi:application"], cwd=ROOT, env=env, stdout=logs["web"], stderr=subprocess.STDOUT)
    media = [subprocess.Popen([sys.executable, "manage.py", "media_worker", "--slots", "2"], cwd=ROOT, env=env,
                              stdout=logs[name], stderr=subprocess.STDOUT) for name in names]
    registry = SlotRegistry()
    try:
        wait_for(lambda: len(registry.live_workers()) == workers and _listening(port), timeout=60 * workers,
                 what="daphne and the media workers")
    except AssertionError:
        raise AssertionError("\n".join((tmp_path / f"{name}.log").read_text() for name in names)) from None
    yield {"port": port, "worker": media[0], "workers": media, "web": web, "media_root": tmp_path, "logs": tmp_path}
    for process in (web, *media):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in (web, *media):
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class FakeTwilio:
    """Plays Twilio's part: 20 ms frames in real time (silence unless told to speak), marks echoed."""

    def __init__(self, port: int, call_id: int):
        self.url = f"ws://127.0.0.1:{port}/media/stream"
        self.call_id = call_id
        self.agent_audio: list[tuple[float, bytes]] = []
        self.events: list[tuple[float, str]] = []
        self.closed = asyncio.Event()
        self.chunks = 0  # media messages sent
        self._speech = bytearray()
        self.speech_started_at = self.speech_done_at = 0.0

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(self.url)
        await self.ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        call = await sync_to_async(Call.objects.get)(pk=self.call_id)
        await self.ws.send(start_message(call))
        self._tasks = [asyncio.create_task(self._send_frames()), asyncio.create_task(self._receive())]
        return self

    async def __aexit__(self, *exc):
        for task in self._tasks:
            task.cancel()
        await self.ws.close()

    def say(self, audio: bytes) -> None:
        self._speech += audio
        self.speech_started_at, self.speech_done_at = time.monotonic(), 0.0

    async def _send_frames(self):
        chunk, sequence, started = 0, 1, time.monotonic()
        while True:
            chunk += 1
            sequence += 1
            self.chunks = chunk
            payload = bytes(self._speech[:160]).ljust(160, b"\xff") if self._speech else SILENCE
            del self._speech[:160]
            if payload is not SILENCE and not self._speech:
                self.speech_done_at = time.monotonic()
            await self.ws.send(json.dumps({"event": "media", "sequenceNumber": str(sequence), "streamSid": "MZtest",
                                           "media": {"track": "inbound", "chunk": str(chunk),
                                                     "timestamp": str(20 * (chunk - 1)),
                                                     "payload": base64.b64encode(payload).decode()}}))
            await asyncio.sleep(max(0.0, started + 0.02 * chunk - time.monotonic()))

    async def _receive(self):
        try:
            async for text in self.ws:
                message = json.loads(text)
                now = time.monotonic()
                if message["event"] == "media":
                    self.agent_audio.append((now, base64.b64decode(message["media"]["payload"])))
                else:
                    self.events.append((now, message["event"]))
                    if message["event"] == "mark":  # played at once: echo it as Twilio does
                        await self.ws.send(json.dumps({"event": "mark", "sequenceNumber": "0", "streamSid": "MZtest",
                                                       "mark": message["mark"]}))
        finally:
            self.closed.set()

    async def wait_for_agent(self, quiet: float = 0.8, timeout: float = 30.0) -> float:
        """Until the agent has spoken and then been quiet for `quiet` seconds; returns when it began."""
        count = len(self.agent_audio)
        await until(lambda: len(self.agent_audio) > count and time.monotonic() - self.agent_audio[-1][0] > quiet,
                    timeout, what="the agent to speak")
        return self.agent_audio[count][0]

    async def wait_for_event(self, event: str, timeout: float = 10.0) -> float:
        """Until the media server sends `event` (a mark, `clear`); returns when it came."""
        await until(lambda: event in [name for _, name in self.events], timeout, what=f"a {event} message")
        return next(at for at, name in self.events if name == event)

    async def wait_for_agent_frames(self, frames: int, timeout: float = 30.0) -> None:
        """Until `frames` more 20 ms frames of the agent's voice have arrived."""
        count = len(self.agent_audio)
        await until(lambda: len(self.agent_audio) >= count + frames, timeout, what=f"{frames} frames of the agent")

    async def wait_for_line(self, seconds: float) -> None:
        """Until the lead's line has carried `seconds` of audio (20 ms a media message)."""
        await until(lambda: self.chunks * 0.02 >= seconds, what=f"{seconds:g} s of the lead's line")

    def heard(self, since: int = 0) -> np.ndarray:
        return ulaw_to_pcm16(b"".join(audio for _, audio in self.agent_audio[since:]))


