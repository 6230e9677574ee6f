"""`manage.py bench_voice`: voice-to-voice latency at the simulated phone, by concurrent calls, and against
a stock pipecat bot built from pipecat's own services with the same models and agent.

    bench_voice --concurrency 1,2,4,8 --persona hot_buyer --calls-per-level 1
    bench_voice --compare-stock --persona hot_buyer --rounds 3
    bench_voice --concurrency 4 --admission load --outside-load 1   # another program holds a core
    … --json for machine-readable output

It starts its own stack (apps.rehearsals.benchmarks.stack: a private Redis, daphne, a Celery worker, a media
worker with as many slots as the highest level, the simulated network, and for --compare-stock the stock
bot), runs itself on it (`--on-stack`, which also serves a stack started by hand: set REDIS_URL,
SIMULATED_NETWORK_WEB_URL and MEDIA_SLOT_REGISTRY=1 as run_demo's banner says, and --pids to measure CPU),
and stops it. Calls go to the campaign's rehearsal shadow (`<campaign>-rehearsal`); the demo campaign is
seeded first when the database has none.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

STACK_WAIT_SECONDS = 180.0
DASH = "—"


def _levels(text: str) -> list[int]:
    try:
        levels = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise CommandError(f"--concurrency takes numbers separated by commas, not {text!r}") from None
    if not levels or levels[0] < 1:
        raise CommandError("--concurrency levels must be 1 or more")
    return levels


def _pids(text: str) -> dict[str, int]:
    pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
    try:
        return {name: int(pid) for name, pid in pairs}
    except ValueError:
        raise CommandError(f"--pids takes name=pid pairs separated by commas, not {text!r}") from None


def _ms(value) -> str:
    return DASH if value is None else f"{value:.0f}"


class Command(BaseCommand):
    help = "Voice-to-voice latency through the real stack at 1..N concurrent calls, and against stock pipecat."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", default="demo", help="campaign whose rehearsal shadow is called (demo)")
        parser.add_argument("--persona", default="hot_buyer", help="the lead persona every call plays")
        parser.add_argument("--concurrency", help="levels of simultaneous calls, e.g. 1,2,4,8 (the default "
                                                  "unless only --compare-stock is asked for)")
        parser.add_argument("--calls-per-level", type=int, default=1, metavar="K",
                            help="waves per level: K × N calls at level N, N at a time (default 1)")
        parser.add_argument("--barge-in-persona", default="interrupter",
                            help="persona for the barge-in measurement, one call at a time (default interrupter)")
        parser.add_argument("--barge-in-calls", type=int, default=1, help="barge-in calls after the levels (0: none)")
        parser.add_argument("--compare-stock", action="store_true",
                            help="rounds of the persona against our stack and a stock pipecat bot, interleaved")
        parser.add_argument("--rounds", type=int, default=3, help="comparison rounds (a call on each side per round)")
        parser.add_argument("--stock-turn-stop-ms", type=int, default=settings.END_OF_TURN_SILENCE_MS, metavar="MS",
                            help="also compare a stock bot whose Smart Turn ends an unfinished-sounding turn after MS "
                                 "of silence, as ours does (pipecat's default is 3 s); 0: pipecat's default only")
        parser.add_argument("--admission", choices=("slots", "load"), default="slots",
                            help="the media worker's admission: slots (a level is that many calls at once, the "
                                 "default) or load (it takes what it can carry, and the dialer waits)")
        parser.add_argument("--outside-load", type=int, default=0, metavar="CORES",
                            help="busy-loop processes holding this many cores for the whole run (outside the stack)")
        parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per level or call")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--json-out", default="", metavar="PATH", help="also write the figures as JSON to PATH")
        parser.add_argument("--on-stack", action="store_true",
                            help="run on an already running stack (REDIS_URL etc. from the environment)")
        parser.add_argument("--pids", default="", help="with --on-stack: name=pid,… (media, web, celery, phones, "
                                                       "stock) whose CPU is measured")
        parser.add_argument("--stock-url", default="", help="with --on-stack: the stock bot's WebSocket URL")
        parser.add_argument("--serve-stock", type=int, metavar="PORT", help="run the stock pipecat bot on PORT")

    def handle(self, *args, **options):
        if options["serve_stock"]:
            from apps.rehearsals.benchmarks.stock import serve

            tuned = options["stock_turn_stop_ms"] / 1000 if options["stock_turn_stop_ms"] else None
            serve(options["serve_stock"], turn_stop_secs=(None, tuned) if tuned else (None,))
            return
        levels = _levels(options["concurrency"] or "1,2,4,8") if (
            options["concurrency"] or not options["compare_stock"]) else []
        if options["on_stack"]:
            self._run(options, levels)
        else:
            self._launch(options, levels)

    # --- the launcher: a stack of its own, then itself on it ---------------------------------------------

    def _launch(self, options: dict, levels: list[int]) -> None:
        from apps.campaigns.models import Campaign
        from apps.rehearsals.benchmarks.stack import Stack, StackError

        migrated = Campaign._meta.db_table in connection.introspection.table_names()
        if not migrated or not Campaign.objects.filter(slug=options["campaign"]).exists():
            if options["campaign"] != "demo":
                raise CommandError(f"No campaign {options['campaign']!r}")
            call_command("migrate", verbosity=0)  # a fresh database (the benchmark's own, say)
            call_command("seed_demo", stdout=sys.stderr)
        stack = Stack(slots=max([*levels, 1]), stock=options["compare_stock"],
                      stock_turn_stop_ms=options["stock_turn_stop_ms"], admission=options["admission"])
        if not options["json"]:
            self.stdout.write(f"Starting the stack (private Redis on port {stack.redis_port}, daphne on "
                              f"{stack.web_port}, media worker with {stack.slots} slot(s)"
                              f"{', the stock pipecat bot' if stack.stock else ''}; admission by "
                              f"{stack.admission}; logs in {stack.log_dir}) …")
            if options["outside_load"]:
                self.stdout.write(f"{options['outside_load']} busy-loop process(es) hold "
                                  f"{options['outside_load']} core(s) meanwhile")
            self.stdout.flush()
        burners: list[subprocess.Popen] = []
        try:
            stack.start()
            burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])  # noqa: S603 (fixed argv)
                       for _ in range(options["outside_load"])]
            child = subprocess.run(self._argv(options, levels, stack), env=stack.env,  # noqa: S603 (our argv)
                                   cwd=settings.BASE_DIR, check=False)
        except StackError as exc:
            raise CommandError(str(exc)) from None
        finally:
            for burner in burners:
                burner.kill()
                burner.wait()
            stack.stop()
        if child.returncode != 0:
            raise CommandError(f"the benchmark failed (exit {child.returncode}); logs in {stack.log_dir}")

    @staticmethod
    def _argv(options: dict, levels: list[int], stack) -> list[str]:
        argv = [sys.executable, "manage.py", "bench_voice", "--on-stack", "--campaign", options["campaign"],
                "--persona", options["persona"], "--calls-per-level", str(options["calls_per_level"]),
                "--barge-in-persona", options["barge_in_persona"], "--barge-in-calls", str(options["barge_in_calls"]),
                "--rounds", str(options["rounds"]), "--timeout", str(options["timeout"]),
                "--stock-turn-stop-ms", str(options["stock_turn_stop_ms"]), "--admission", options["admission"],
                "--outside-load", str(options["outside_load"]),
                "--pids", ",".join(f"{name}={pid}" for name, pid in stack.pids.items())]
        if levels:
            argv += ["--concurrency", ",".join(map(str, levels))]
        if options["compare_stock"]:
            argv += ["--compare-stock", "--stock-url", stack.stock_url]
        if options["json"]:
            argv.append("--json")
        if options["json_out"]:
            argv += ["--json-out", os.path.abspath(options["json_out"])]
        return argv

    # --- on the stack ------------------------------------------------------------------------------------

    def _run(self, options: dict, levels: list[int]) -> None:
        import logging

        from apps.campaigns.services import campaign_for_command
        from apps.rehearsals.benchmarks import runs
        from apps.rehearsals.benchmarks.figures import max_concurrency_under
        from apps.rehearsals.runner import RehearsalError, choose_personas

        logging.getLogger("httpx").setLevel(logging.WARNING)
        campaign = campaign_for_command(options["campaign"])
        pids = _pids(options["pids"])
        quiet = options["json"]
        progress = (lambda line: None) if quiet else (lambda line: (self.stdout.write(line), self.stdout.flush()))
        try:
            [persona] = choose_personas(options["persona"])
            self._wait_for_stack(options)
            report: dict = {"cores": os.cpu_count(), "load_at_start": os.getloadavg(), "persona": persona.name,
                            "admission": options["admission"], "outside_load_cores": options["outside_load"]}
            if levels:
                summaries = []
                for level in levels:
                    progress(f"Level {level}: {level * options['calls_per_level']} call(s) of {persona.name}, "
                             f"{level} at a time …")
                    summaries.append(runs.run_level(campaign, persona, level, options["calls_per_level"], pids,
                                                    timeout=options["timeout"], progress=progress).summary())
                report["levels"] = summaries
                report["max_concurrent_p95_under_2s"] = max_concurrency_under(summaries)
            if levels and options["barge_in_calls"] > 0:
                [interrupter] = choose_personas(options["barge_in_persona"])
                progress(f"Barge-in: {options['barge_in_calls']} call(s) of {interrupter.name}, one at a time …")
                report["barge_in"] = runs.run_level(campaign, interrupter, 1, options["barge_in_calls"], pids,
                                                    timeout=options["timeout"], progress=progress).summary()
            if options["compare_stock"]:
                progress(f"Ours against stock pipecat: {options['rounds']} round(s) of {persona.name}, interleaved …")
                url, base = options["stock_url"], options["stock_url"].replace("ws://", "http://", 1).rsplit("/", 1)[0]
                urls = {"stock": url}
                if ms := options["stock_turn_stop_ms"]:
                    urls[f"stock, turn stop {ms} ms"] = f"{url}?turn_stop_secs={ms / 1000}"
                report["compare_stock"] = runs.compare_stock(campaign, persona, options["rounds"], urls,
                                                             base + "/healthz", pids, timeout=options["timeout"],
                                                             progress=progress)
            report["load_at_end"] = os.getloadavg()
        except RehearsalError as exc:
            raise CommandError(str(exc)) from None
        if options["json_out"]:
            with open(options["json_out"], "w", encoding="utf-8") as out:
                json.dump(report, out, indent=2, default=str)
        if quiet:
            self.stdout.write(json.dumps(report, indent=2, default=str))
        else:
            self._print(report)

    def _wait_for_stack(self, options: dict) -> None:
        import time

        from apps.rehearsals.probing import missing_services
        from apps.rehearsals.runner import RehearsalError

        deadline = time.monotonic() + STACK_WAIT_SECONDS
        missing = missing_services()
        while missing and time.monotonic() < deadline:
            time.sleep(1)
            missing = missing_services()
        if missing:
            raise RehearsalError("The benchmark needs the whole stack running. Missing:\n  - " + "\n  - ".join(missing))
        if options["compare_stock"] and not options["stock_url"]:
            raise CommandError("--compare-stock with --on-stack needs --stock-url (the stock bot's WebSocket)")

    # --- the tables ----------------------------------------------------------------------------------------

    def _print(self, report: dict) -> None:
        write, heading = self.stdout.write, self.style.MIGRATE_HEADING
        load = report["load_at_start"]
        write(heading(f"\nVoice-to-voice at the simulated phone, persona {report['persona']}, {report['cores']} cores "
                      f"(load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}), admission by "
                      f"{report.get('admission', 'slots')}"
                      + (f", {report['outside_load_cores']} core(s) held by another program"
                         if report.get("outside_load_cores") else "")))
        if report.get("levels"):
            self._levels_table(report["levels"])
            held = report["max_concurrent_p95_under_2s"]
            write(heading(f"Most concurrent calls with p95 < 2 s: {held if held is not None else 'none'}"
                          f" (of the levels measured)"))
        if barge := report.get("barge_in"):
            stop = barge["barge_in_stop_ms"]
            write(heading(f"Barge-in ({barge['calls']} call(s), 1 at a time): lead starts talking over the agent → "
                          f"`clear` at the phone p50 {_ms(stop['p50'])} ms, p95 {_ms(stop['p95'])} ms "
                          f"(n={stop['n']}); that call's v2v p50 {_ms(barge['v2v_phone_ms']['p50'])} ms"))
        if compare := report.get("compare_stock"):
            self._compare_table(compare)
        end = report["load_at_end"]
        write(f"load average at end {end[0]:.2f} {end[1]:.2f} {end[2]:.2f}")

    def _levels_table(self, levels: list[dict]) -> None:
        columns = ("at once", "calls", "most on", "dial wait", "turns", "v2v p50", "v2v p95", "hello max", "endpoint",
                   "STT", "agent", "TTS 1st", "transport", "barge p50", "sys CPU/call", "sim CPU/call", "load 1m")
        self.stdout.write("  ".join(f"{title:>9}" for title in columns))
        for level in levels:
            split, phone, cpu = level["split_p50_ms"], level["v2v_phone_ms"], level["system_cpu_s_per_call"]
            greeting = level.get("greeting_phone_ms") or {}
            wait = (level.get("dial_wait_s") or {}).get("max")
            cells = (level["concurrency"], level["calls"], level.get("most_in_progress", DASH),
                     DASH if wait is None else f"{wait:.0f} s", level["turns"], _ms(phone["p50"]), _ms(phone["p95"]),
                     _ms(greeting.get("max")), _ms(split["endpointing"]), _ms(split["STT"]), _ms(split["agent"]),
                     _ms(split["TTS first audio"]),
                     _ms(split["transport"]), _ms(level["barge_in_stop_ms"]["p50"]), f"{cpu['total']:.1f} s",
                     f"{level['simulator_cpu_s_per_call']['process']:.1f} s", f"{level['load_after'][0]:.2f}")
            self.stdout.write("  ".join(f"{str(cell):>9}" for cell in cells))
        methods = sorted({level["transport_method"] for level in levels})
        self.stdout.write(f"(ms; stages are p50 over the server's turns; transport = phone minus server, "
                          f"{' / '.join(methods)}; hello max = the slowest first answer to a lead's hello; "
                          f"most on = the most calls in progress at once; dial wait = the longest a call waited "
                          f"to be placed; sys CPU = media worker + daphne; sim CPU = the simulated network process, "
                          f"apart; "
                          f"{DASH} = not recorded)")

    def _compare_table(self, compare: dict) -> None:
        write = self.stdout.write
        write(self.style.MIGRATE_HEADING(
            f"Ours against a stock pipecat bot (pipecat's Twilio serializer + FastAPI WebSocket transport, Silero VAD, "
            f"Smart Turn v3, Whisper and Piper services, same models and agent), {compare['rounds']} round(s) "
            f"interleaved, persona {compare['persona']}"))
        width = max(len(f"ours/{name}") for name in compare["sides"])
        write(f"{'':>{width}}  {'turns':>10}  {'all p50':>7}  {'all p95':>7}  {'replies p50':>11}  "
              f"{'replies p95':>11}  {'CPU/call':>8}  outcomes")
        for name, side in compare["sides"].items():
            write(f"{name:>{width}}  {'+'.join(map(str, side['turns_per_call'])):>10}  "
                  f"{_ms(side['all_turns']['p50']):>7}  {_ms(side['all_turns']['p95']):>7}  "
                  f"{_ms(side['replies']['p50']):>11}  {_ms(side['replies']['p95']):>11}  "
                  f"{side['system_cpu_s_per_call']:>6.1f} s  {', '.join(side['outcomes'])}")
        for name, ratios in compare["ratios"].items():
            cells = [ratios[key] or DASH for key in ("all_turns_p50", "all_turns_p95", "replies_p50", "replies_p95")]
            write(f"{'ours/' + name:>{width}}  {'':>10}  {cells[0]:>7}  {cells[1]:>7}  {cells[2]:>11}  {cells[3]:>11}  "
                  f"(turn by turn: median {ratios['paired_turns_p50'] or DASH} over {ratios['paired_turns']} turns)")
        write("(ms at the phone; CPU = the serving processes during that side's calls: ours media worker + daphne, "
              "stock the bot + daphne)")
