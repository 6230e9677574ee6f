"""`manage.py eval_agent [--corpus PATH] [--part NAME] [--llm] [--json] [--figures-only]`: the agent's understanding,
measured on the evaluation corpus (apps/rehearsals/corpus: `dev`, which rules may be tuned on, and `holdout`,
which they never are).

Per part: intent accuracy (overall and per intent), objection accuracy, fact precision and recall (overall and per
fact), opt-out recall, the conversation pass rate, how many conversations that should book booked at the lead's
time, and every failure with what went wrong (conversations with their transcript). `--llm` reads through the LLM
configured by OLLAMA_HOST / LLM_* settings as a live call would. Exit status 0; the figures are the result.
"""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from apps.rehearsals.evaluation import DEFAULT_CORPUS, evaluate, load_corpus


class Command(BaseCommand):
    help = "Measure the agent's understanding and dialogue on the evaluation corpus."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="a corpus folder (or a folder of parts)")
        parser.add_argument("--part", action="append", help="only this part (dev, holdout); may repeat")
        parser.add_argument("--llm", action="store_true", help="read through the configured LLM, as a call would")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--figures-only", action="store_true", help="leave the failures out")

    def handle(self, *args, corpus: str, part: list[str] | None, llm: bool, json: bool, figures_only: bool,
               **options):
        try:
            parts = load_corpus(corpus)
        except (FileNotFoundError, ValueError) as error:
            raise CommandError(str(error)) from None
        if part:
            parts = [p for p in parts if p.name in part]
            if not parts:
                raise CommandError(f"no part named {', '.join(part)} under {corpus}")
        brain = _brain() if llm else None
        figures = evaluate(parts, brain=brain)
        if figures_only:
            for result in figures.values():
                result["sentences"].pop("failures")
                result["conversations"].pop("failures")
        if json:
            self.stdout.write(_json(figures))
            return
        for name, result in figures.items():
            self._report(name, result)
        self.stdout.write(brain.stats_line()) if brain is not None else None  # with --llm: in time, late, failed

    def _report(self, name: str, result: dict) -> None:
        s, c = result["sentences"], result["conversations"]
        w = self.stdout.write
        w(self.style.MIGRATE_HEADING(f"{name}: {s['sentences']} sentences, {c['conversations']} conversations "
                                     f"({result['seconds']} s)"))
        w(f"  intents {_pct(s['intent_accuracy'])}   objections {_pct(s['objection_accuracy'])}   "
          f"opt-out recall {_pct(s['opt_out_recall'])}")
        w(f"  facts: precision {_pct(s['fact_precision'])}   recall {_pct(s['fact_recall'])}")
        w("  per intent: " + ", ".join(f"{k} {_pct(v['accuracy'])} of {v['of']}" for k, v in s["per_intent"].items()))
        w("  per fact: " + ", ".join(f"{k} P {_pct(v['precision'])} R {_pct(v['recall'])}"
                                     for k, v in s["per_fact"].items()))
        w(f"  conversations: {_pct(c['pass_rate'])} pass; {c['booked_at_the_leads_time']} of {c['should_book']} "
          "that should book booked at the lead's time")
        if s["llm_turns"]:
            w(f"  sentences the LLM read: {s['llm_turns']}")
        for failure in s.get("failures", []):
            w(f"  ✗ {failure['id']} [{failure['asked'] or 'none'}] {failure['text']!r}: "
              + "; ".join(failure["problems"]))
        for failure in c.get("failures", []):
            w(f"  ✗ {failure['id']}: " + "; ".join(failure["problems"]))
            for line in failure["transcript"]:
                w(f"      {line}")


def _brain():
    from media_server.agent.llm import brain_from_settings  # only with --llm: it needs the LLM's settings

    brain = brain_from_settings()
    if brain is None:
        raise CommandError("--llm needs LLM_HOST (or OLLAMA_HOST); see the README's LLM settings")
    return brain


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _json(value) -> str:
    return json.dumps(value, indent=2, default=str)
