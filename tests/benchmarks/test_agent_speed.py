"""How fast the agent answers: from a lead's final transcript to its first reply sentence.

Whole typed calls (a hot buyer who books: eight turns with free-slot search and an atomic booking)
run through the real orchestrator, graph, Redis checkpoints and database. Figures per turn:
  - decide: understanding + graph + checkpoint (the AgentStep's decide_ms; target p95 < 20 ms),
  - first sentence: respond() called → first Say yielded, deterministic mode and with Ollama
    (the local wire server answering at once, so the figure is our own overhead, not a model's),
and, as the same-process baseline, the rules' understanding alone on the same utterances.
Run: make bench PYTEST_ARGS="-k agent -s"
"""
from __future__ import annotations

import asyncio
import statistics
import time

import pytest

from apps.calls.conversation import DjangoCallDomain
from apps.calls.models import AgentStep
from media_server.agent.interface import LeadTurn, Say
from media_server.agent.llm import CircuitBreaker, OllamaBrain
from media_server.agent.orchestrator import Orchestrator
from media_server.agent.understanding import understand
from tests.conftest import make_lead
from tests.media_server.agent.conversation import NOW, Conversation, add_human_agents, start_call
from tests.media_server.agent.fake_ollama import running_fake_ollama

CALLS = 12
HOT_BUYER = ["yeah sure I have a minute", "we're looking to buy", "somewhere around Oak Park", "in about three months",
             "four fifty", "yes we're pre-approved", "the first one works", "yes please"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run_calls(campaign, brain, prefix: int) -> list[float]:
    """First-sentence latencies (ms) over CALLS whole calls."""
    firsts: list[float] = []
    for n in range(CALLS):
        lead = make_lead(campaign, f"+1312{prefix}{n:06d}", time_zone="America/Chicago", name=f"Lead {n}")
        talk = Conversation(start_call(lead), agent=Orchestrator(domain=DjangoCallDomain(), clock=lambda: NOW,
                                                                 brain=brain))
        talk.greet()

        async def one_turn(text: str, talk: Conversation = talk) -> float:
            started = time.perf_counter()
            first = None
            async for output in talk.agent.respond(LeadTurn(text), talk.context):
                if isinstance(output, Say) and first is None:
                    first = (time.perf_counter() - started) * 1000
            await talk.agent.settle()
            return first

        for text in HOT_BUYER:
            firsts.append(asyncio.run(one_turn(text)))
    return firsts


@pytest.mark.django_db(transaction=True)
def test_agent_turn_latency(benchmark):
    campaign_ = __import__("apps.campaigns.models", fromlist=["Campaign"]).Campaign.objects.create(
        name="Bench", slug="bench")
    add_human_agents(campaign_)

    rules_firsts = run_calls(campaign_, None, 555)
    decide = [s.decide_ms for s in AgentStep.objects.all()]
    with running_fake_ollama(models={"llama3.2:3b"}) as fake:
        fake.default.text = "Thanks, that helps a lot. What area are you looking in?"
        brain = OllamaBrain(fake.base_url, "llama3.2:3b", first_token_ms=500, timeout_s=4, cache=None,
                            cache_ttl_s=60, breaker=CircuitBreaker(3, 30))
        llm_firsts = run_calls(campaign_, brain, 556)

    utterances = HOT_BUYER * CALLS
    started = time.perf_counter()
    for text in utterances:
        understand(text, now=NOW, expecting="budget")
    rules_only = (time.perf_counter() - started) * 1000 / len(utterances)

    benchmark.pedantic(lambda: understand("four fifty", now=NOW, expecting="budget"), rounds=200)
    rows = [("decide (understand + graph + checkpoint)", decide),
            ("first sentence, rules", rules_firsts), ("first sentence, Ollama (local wire)", llm_firsts)]
    print(f"\nagent turns: {CALLS} calls × {len(HOT_BUYER)} turns; baseline understand() alone "
          f"{rules_only:.2f} ms/turn")
    for name, values in rows:
        print(f"  {name:42s} p50 {statistics.median(values):6.1f} ms  p95 {percentile(values, 95):6.1f} ms  "
              f"(p95 = {percentile(values, 95) / rules_only:5.0f}× understand alone)")
    assert len(decide) == CALLS * len(HOT_BUYER)
