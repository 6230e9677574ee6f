"""`manage.py understand [--expecting WHAT] [--now ISO] [--state XX] TEXT|-`: what the agent reads from one lead
sentence (`--state`: the lead's own two-letter state, as a call knows it from their address).

Prints one JSON object a line, {"intent", "objection", "facts", "when"?, "time_offered"?}, read exactly as a live
call reads it (rules, and the LLM when one is configured and the rules found nothing). With `-` it reads one sentence a
line from standard input. Staff use it to see why a call went as it did.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from langgraph.checkpoint.memory import InMemorySaver

from apps.rehearsals.evaluation import CorpusCallDomain, read_sentence
from media_server.agent.orchestrator import Orchestrator

QUESTIONS = ("none", "permission", "intent", "location", "timeline", "budget", "preapproved", "motivation",
             "has_agent", "callback_time", "slot_choice", "confirm")


class Command(BaseCommand):
    help = "Print what the agent understands from a lead's sentence (JSON: intent, objection, facts)."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("text", help="what the lead said, or - to read one sentence a line from stdin")
        parser.add_argument("--expecting", default="none", choices=QUESTIONS, help="the question just asked")
        parser.add_argument("--now", help="the moment it was said (ISO 8601 with offset; default now): relative "
                                          "times are read from it")
        parser.add_argument("--state", default="", help="the lead's two-letter state (their address): a town "
                                                         "misheard is looked for there")
        parser.add_argument("--json", action="store_true", help="compact JSON (the default is indented)")

    def handle(self, *args, text: str, expecting: str, now: str | None, json: bool, state: str = "", **options):
        if state and not (len(state) == 2 and state.isalpha()):
            raise CommandError(f"--state {state!r} is not a two-letter state, e.g. GA")
        moment = _moment(now) if now else timezone.localtime()
        lines = (options.get("stdin") or sys.stdin).read().splitlines() if text == "-" else [text]
        reader = Orchestrator(domain=CorpusCallDomain({}, 0), checkpointer=InMemorySaver())

        async def read_all() -> list[dict]:
            return [(await read_sentence(reader, line, expecting=expecting, now=moment, state=state.upper()))[0]
                    for line in lines if line.strip()]

        for line, found in zip([line for line in lines if line.strip()], asyncio.run(read_all()), strict=True):
            shown = {"text": line, **found} if text == "-" else found
            self.stdout.write(_dumps(shown, compact=json))


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now {value!r} is not an ISO 8601 moment, e.g. 2026-03-10T10:00:00-06:00") from None
    if moment.tzinfo is None:
        raise CommandError("--now needs a UTC offset, e.g. 2026-03-10T10:00:00-06:00")
    return moment


def _dumps(value: dict, *, compact: bool) -> str:
    return json.dumps(value, ensure_ascii=False) if compact else json.dumps(value, ensure_ascii=False, indent=2)
