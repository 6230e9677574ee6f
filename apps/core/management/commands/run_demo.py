"""`manage.py run_demo`: the whole system on one machine, until Ctrl-C.

A private Redis, then daphne, a Celery worker, beat, Flower, a media worker and the simulated
telephone network. Once they are up, the demo campaign is rehearsed with every lead persona
(`manage.py rehearse demo`) and the report printed; then beat dials the demo sheet's own leads
that are inside their calling hours. The demo campaign waits while the rehearsal runs: both would
share the media worker's two slots, and on two cores the report would take twice as long.
Everything listens on 127.0.0.1; Redis gets a free port of its own so the demo never touches a
shared Redis. Children share this process's environment and settings module (`make demo`: local) plus
REDIS_URL and the simulated network's address.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def child_environment(web_port: int, redis_port: int) -> dict[str, str]:
    """This process's environment for the children, with the private Redis, the web address and our settings
    module said explicitly (manage.py, daphne and Celery default to production settings)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
           "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "PYTHONUNBUFFERED": "1",
           "SIMULATED_NETWORK_WEB_URL": f"http://127.0.0.1:{web_port}",
           # The dialer reserves a media-worker slot before it rings anyone, on a worker with room by its load.
           "MEDIA_SLOT_REGISTRY": "1"}
    env.pop("CELERY_BROKER_URL", None)
    return env


def with_outside(env: dict[str, str], name: str, started: dict[str, subprocess.Popen]) -> dict[str, str]:
    """A child's environment: the media worker's names the simulated phone network's process, started before it,
    as outside the machine (MEDIA_LOAD_IGNORE_PIDS): its callers' voices and ears stand for the world beyond the
    line, and in production share no machine with the worker, so they do not count against its calls."""
    if name != "media" or "phones" not in started:
        return env
    return {**env, "MEDIA_LOAD_IGNORE_PIDS": str(started["phones"].pid)}


class Command(BaseCommand):
    help = "Run the whole stack locally on embedded defaults (SQLite, private Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--web-port", type=int, default=int(os.environ.get("DEMO_WEB_PORT", 8000)))
        parser.add_argument("--flower-port", type=int, default=int(os.environ.get("DEMO_FLOWER_PORT", 5555)))
        parser.add_argument("--for-seconds", type=float, default=0, help="stop after this long (0 = until Ctrl-C)")
        parser.add_argument("--no-rehearsal", action="store_true", help="start the stack without the rehearsal")
        parser.add_argument("--rehearsal-concurrency", type=int, default=2,
                            help="simultaneous rehearsal calls (2 suits a 2-core machine)")

    def handle(self, *args, web_port: int, flower_port: int, for_seconds: float, no_rehearsal: bool,
               rehearsal_concurrency: int, **options):
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise CommandError("redis-server is not installed: run `make setup` (it installs it with apt)")
        for port in (web_port, flower_port):
            if wait_for_port(port, timeout=0):
                raise CommandError(f"Port {port} is taken; pass --web-port/--flower-port or set DEMO_*_PORT")
        log_dir = settings.VAR_DIR / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        redis_port = free_port()
        env = child_environment(web_port, redis_port)
        python = sys.executable
        commands = {
            "redis": [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                      "--appendonly", "no", "--dir", str(settings.VAR_DIR)],
            "web": [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(web_port), "config.asgi:application"],
            "worker": [python, "-m", "celery", "-A", "config.celery_app", "worker", "-Q", "imports,dialer,postcall",
                       "--concurrency", "2", "-n", "demo@%h", "--loglevel", "INFO"],
            "beat": [python, "-m", "celery", "-A", "config.celery_app", "beat", "--loglevel", "INFO",
                     "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")],
            "flower": [python, "-m", "celery", "-A", "config.celery_app", "flower", "--address=127.0.0.1",
                       f"--port={flower_port}"],
            "phones": [python, "manage.py", "simulated_network"],
            "media": [python, "manage.py", "media_worker", "--device", "cpu", "--slots", "2"],
        }
        children: dict[str, subprocess.Popen] = {}
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
        paused: list = []  # the demo campaign, while the rehearsal has the media worker to itself
        try:
            if not no_rehearsal:
                paused = self._pause_demo_campaign()
            for name, command in commands.items():
                with (log_dir / f"{name}.log").open("ab") as log_file:
                    children[name] = subprocess.Popen(  # noqa: S603 (our own fixed argv)
                        command, env=with_outside(env, name, children), stdout=log_file, stderr=subprocess.STDOUT,
                        cwd=settings.BASE_DIR, start_new_session=True)
                if name == "redis" and not wait_for_port(redis_port):
                    raise CommandError(f"Redis did not start; see {log_dir / 'redis.log'}")
            if not wait_for_port(web_port) or not wait_for_port(flower_port, timeout=30):
                raise CommandError(f"The web server or Flower did not start; see the logs in {log_dir}")
            self._banner(web_port, flower_port, redis_port, log_dir)
            started = time.monotonic()
            if not no_rehearsal:
                children["rehearsal"] = self._rehearse(python, env, rehearsal_concurrency)
            while not stop["now"] and (not for_seconds or time.monotonic() - started < for_seconds):
                dead = [name for name, child in children.items() if child.poll() is not None and name != "rehearsal"]
                if dead:
                    raise CommandError(f"{', '.join(dead)} stopped; see {log_dir}")
                if paused and children["rehearsal"].poll() is not None:
                    self._resume(paused)
                    paused = []
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self._resume(paused, quiet=True)  # a stopped demo starts dialling again next time
            self._stop(children)

    def _pause_demo_campaign(self) -> list:
        from apps.campaigns.models import Campaign
        from apps.campaigns.services import set_active

        campaigns = list(Campaign.objects.filter(slug="demo", is_active=True))
        for campaign in campaigns:
            set_active(campaign, False)
        return campaigns

    def _resume(self, campaigns: list, quiet: bool = False) -> None:
        from apps.campaigns.services import set_active

        for campaign in campaigns:
            set_active(campaign, True)
            if quiet:
                continue
            self.stdout.write(f"Rehearsal over: beat now dials the {campaign.slug!r} campaign's own leads "
                              "(inside their calling hours). Ctrl-C stops everything.")
            self.stdout.flush()

    def _rehearse(self, python: str, env: dict, concurrency: int) -> subprocess.Popen:
        """The rehearsal prints its report on this terminal when every persona's call is done."""
        self.stdout.write(f"Rehearsing the demo campaign with every lead persona, {concurrency} "
                          f"call{'s' if concurrency != 1 else ''} at a time; "
                          "the report follows when the calls are done (a few minutes on 2 cores).")
        self.stdout.flush()
        return subprocess.Popen(  # noqa: S603 (our own fixed argv)
            [python, "manage.py", "rehearse", "demo", "--concurrency", str(concurrency), "--wait-for-stack", "120",
             # twenty personas, two at a time: about 13 minutes on a quiet 2-core box; on a busy one the worker
             # takes one call at a time (admission by load) and the rehearsal takes longer rather than calls late
             "--timeout", "2400"],
            env=env, cwd=settings.BASE_DIR, start_new_session=True)

    def _banner(self, web_port: int, flower_port: int, redis_port: int, log_dir) -> None:
        password_file = settings.VAR_DIR / "demo-password"
        login = f"demo / {password_file.read_text().strip()}" if password_file.exists() else "run seed_demo"
        self.stdout.write(self.style.SUCCESS("\nREAutomation demo is running (Ctrl-C stops it):"))
        self.stdout.write(f"  Admin      http://127.0.0.1:{web_port}/admin/   login {login}")
        self.stdout.write(f"  Live calls http://127.0.0.1:{web_port}/live/   costs /costs/")
        self.stdout.write(f"  API        http://127.0.0.1:{web_port}/api/   schema /api/schema/")
        self.stdout.write(f"  Health     http://127.0.0.1:{web_port}/healthz")
        self.stdout.write(f"  Flower     http://127.0.0.1:{flower_port}/")
        self.stdout.write(f"  Redis      redis://127.0.0.1:{redis_port}/0 (private)   logs in {log_dir}\n")
        self.stdout.flush()

    @staticmethod
    def _stop(children: dict[str, subprocess.Popen]) -> None:
        # Stop in reverse order so Redis outlives the processes that use it.
        for child in reversed(list(children.values())):
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
