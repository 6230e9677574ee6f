"""The agent's LLM over the OpenAI-compatible API at the wire: the real client against a fake llama.cpp server on
127.0.0.1 (fake_openai.py). What both APIs share (the sentence splitter, the breaker's states, the cache) is
tested once, through Ollama, in test_llm.py; here: the OpenAI wire, and the deadline stats of either brain.

pytest-asyncio is not installed: each test runs its coroutine with asyncio.run.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import pytest

from apps.calls.conversation import DjangoCallDomain
from media_server.agent import llm
from media_server.agent.llm import (
    CircuitBreaker,
    LLMUnavailable,
    OllamaBrain,
    OpenAICompatibleBrain,
    Usage,
    brain_from_settings,
)
from media_server.agent.orchestrator import EXTRACTION_SCHEMA, Orchestrator
from tests.conftest import make_lead
from tests.media_server.agent.conversation import NOW, Conversation, add_human_agents, start_call
from tests.media_server.agent.fake_openai import running_fake_openai
from tests.media_server.agent.test_llm import LEAD, SCHEMA, SYSTEM, Clock  # the same lead, schema and clock

MODEL = "gemma-3-270m"


@pytest.fixture
def fake():
    with running_fake_openai(models={MODEL}) as fake:
        yield fake


def brain(fake, **options) -> OpenAICompatibleBrain:
    """A brain on the fake; deadlines loose (a loaded CI machine) unless the test is about them."""
    settings = {"first_token_ms": 2000, "timeout_s": 4.0, "breaker": CircuitBreaker(3, 30), "cache": None,
                "cache_ttl_s": 60} | options
    return OpenAICompatibleBrain(fake.base_url, MODEL, **settings)


async def said(brain: OpenAICompatibleBrain, messages: list[dict] = LEAD) -> list[str]:
    return [sentence async for sentence in brain.reply(SYSTEM, messages)]


def extract(brain: OpenAICompatibleBrain, text: str = "We want to sell.") -> dict | None:
    return asyncio.run(brain.extract("Extract the facts.", text, SCHEMA))


# --- extraction ---------------------------------------------------------------------------------------------


def test_it_extracts_facts_with_the_schema_as_a_strict_response_format(fake):
    fake.answer_next(json={"intent": "sell", "budget": None, "location": "Elm Street"},
                     prompt_eval_count=31, eval_count=9)
    the_brain = brain(fake)

    facts = extract(the_brain, LEAD[1]["content"])

    assert facts == {"intent": "sell", "budget": None, "location": "Elm Street"}
    request = fake.chats[0]
    assert request.model == MODEL
    assert request.body["response_format"] == {
        "type": "json_schema", "json_schema": {"name": "extraction", "schema": SCHEMA, "strict": True}}
    assert request.body["stream"] is False
    assert request.body["temperature"] == 0
    assert request.body["max_tokens"] == llm.MAX_EXTRACTION_TOKENS  # a small model may loop to its context
    assert request.messages == [{"role": "system", "content": "Extract the facts."},
                                {"role": "user", "content": LEAD[1]["content"]}]
    assert the_brain.last_usage == Usage(prompt_tokens=31, completion_tokens=9)
    assert the_brain.stats == {"asked": 1, "in_time": 1, "late": 0, "failed": 0, "unfit": 0, "cached": 0,
                                    "skipped": 0}


@pytest.mark.parametrize("answer", [{"hang": True}, {"first_token_delay": 5}])
def test_it_drops_an_extraction_at_its_deadline_and_counts_it_late(fake, answer):
    fake.answer_next(json={"intent": "sell", "budget": None}, **answer)
    the_brain = brain(fake, first_token_ms=300)
    started = time.monotonic()

    assert extract(the_brain) is None
    assert time.monotonic() - started < 2  # the fake would have taken 5 s, or forever
    assert fake.chats[0].client_gone.wait(2)  # the request was given up, not left running
    assert (the_brain.stats["asked"], the_brain.stats["in_time"], the_brain.stats["late"]) == (1, 0, 1)
    assert the_brain.breaker.failures == 1


@pytest.mark.parametrize("answer", [{"json": {"intent": "sell"}},  # "budget" is required
                                    {"text": "The lead wants to sell their house."},  # not JSON
                                    {"json": None, "text": "[\"sell\"]"}])  # JSON, not an object
def test_it_refuses_an_answer_that_does_not_fit_the_schema(fake, answer):
    fake.answer_next(**answer)
    the_brain = brain(fake)

    assert extract(the_brain) is None
    assert the_brain.breaker.failures == 0  # the server answered; the model was wrong
    assert (the_brain.stats["in_time"], the_brain.stats["unfit"]) == (1, 1)


@pytest.mark.parametrize(("status", "error"), [(500, "llama_decode failed"), (503, "Loading model")])
def test_it_gives_no_facts_when_the_server_answers_an_error(fake, status, error):
    fake.answer_next(status=status, error=error)
    the_brain = brain(fake)

    assert extract(the_brain) is None
    assert fake.chats[0].status == status
    assert the_brain.stats["failed"] == 1
    assert the_brain.breaker.failures == 1


def test_the_stats_give_the_share_answered_in_time(fake):
    the_brain = brain(fake, first_token_ms=300)
    for answer in ({"json": {"intent": "buy", "budget": 1}}, {"json": {"intent": "sell", "budget": 2}},
                   {"json": {"intent": "rent", "budget": 3}, "first_token_delay": 3}, {"status": 500}):
        fake.answer_next(**answer)
        extract(the_brain, f"turn {len(fake.chats)}")

    assert the_brain.stats == {"asked": 4, "in_time": 2, "late": 1, "failed": 1, "unfit": 0, "cached": 0,
                                    "skipped": 0}
    assert "extractions 4 asked, 2 in time (50.0 %), 1 late, 1 failed" in the_brain.stats_line()


# --- replies ------------------------------------------------------------------------------------------------


def test_a_reply_is_asked_for_as_a_stream(fake):  # the sentence-by-sentence hand-over: test_llm_streams.py
    fake.answer_next(text="Thanks for picking up, Dana. Are you still thinking about selling this spring?")
    assert asyncio.run(said(brain(fake)))[0] == "Thanks for picking up, Dana."
    request = fake.chats[0]
    assert request.body["stream"] is True
    assert request.body["stream_options"] == {"include_usage": True}
    assert request.body["max_tokens"] == llm.MAX_REPLY_TOKENS
    assert request.messages == [{"role": "system", "content": SYSTEM}, *LEAD]
    assert "response_format" not in request.body


def test_it_counts_the_tokens_of_the_usage_chunk(fake):
    fake.answer_next(text="Sounds good. Talk soon.", prompt_eval_count=57, eval_count=21)
    the_brain = brain(fake)
    sink: list[Usage] = []

    async def talk():
        llm.usage_sink.set(sink)  # the call being served
        return await said(the_brain)

    assert asyncio.run(talk()) == ["Sounds good.", "Talk soon."]
    assert the_brain.last_usage == Usage(prompt_tokens=57, completion_tokens=21)
    assert sink == [Usage(prompt_tokens=57, completion_tokens=21)]
    assert the_brain.reply_stats["in_time"] == 1


def test_it_gives_up_on_a_reply_whose_first_token_is_late(fake):
    fake.answer_next(text="Sorry for the wait.", first_token_delay=10)
    the_brain = brain(fake, first_token_ms=300)
    started = time.monotonic()

    with pytest.raises(LLMUnavailable, match="deadline missed"):
        asyncio.run(said(the_brain))

    assert time.monotonic() - started < 2
    assert fake.chats[0].client_gone.wait(2)
    assert fake.chats[0].tokens_sent == 0
    assert the_brain.reply_stats["late"] == 1
    assert the_brain.breaker.failures == 1


def test_it_raises_when_the_model_is_not_served(fake):
    fake.models = {"qwen2.5-3b-instruct"}

    with pytest.raises(LLMUnavailable, match="HTTP 404"):
        asyncio.run(said(brain(fake)))


def test_it_closes_the_stream_when_the_caller_stops_listening(fake):
    text = ("That makes sense. Spring is a busy time for sellers around Elm Street. "
            "Would you like a free estimate of what your home could sell for?")
    fake.answer_next(text=text, token_delay=0.05)
    the_brain = brain(fake, breaker=CircuitBreaker(1, 30))  # one failure would open it

    async def interrupt():
        reply = the_brain.reply(SYSTEM, LEAD)
        first = await anext(reply)
        await reply.aclose()
        return first

    assert asyncio.run(interrupt()) == "That makes sense."
    request = fake.chats[0]
    assert request.client_gone.wait(2)
    assert not request.finished
    assert the_brain.breaker.state == "closed"
    assert 0 < the_brain.last_usage.completion_tokens <= request.tokens_sent  # generated before the lead spoke


# --- the circuit breaker, health --------------------------------------------------------------------------------


def test_it_stops_asking_after_failures_in_a_row_and_tries_again_after_the_reset(fake):
    clock = Clock()
    the_brain = brain(fake, breaker=CircuitBreaker(2, 30, clock=clock))
    fake.answer_next(status=500)
    fake.answer_next(status=500)
    for _ in range(2):
        with pytest.raises(LLMUnavailable, match="HTTP 500"):
            asyncio.run(said(the_brain))

    with pytest.raises(LLMUnavailable, match="breaker open"):
        asyncio.run(said(the_brain))
    assert extract(the_brain) is None
    assert len(fake.chats) == 2  # open: nothing was sent
    assert (the_brain.stats["skipped"], the_brain.stats["asked"]) == (1, 0)

    clock.now += 30  # half-open: one trial, which succeeds and closes the breaker
    assert asyncio.run(said(the_brain)) == ["Sure, I can help with that.", "What area are you looking in?"]
    assert len(fake.chats) == 3
    assert the_brain.breaker.state == "closed"


def test_it_checks_health_with_the_model_list(fake):
    assert asyncio.run(brain(fake).healthy()) is True
    assert fake.requests[-1].path == "/v1/models"
    assert fake.requests[-1].status == 200


def test_it_is_unhealthy_when_the_server_answers_an_error(fake):
    fake.base_url += "/nowhere"  # every path 404s

    assert asyncio.run(brain(fake).healthy()) is False


def test_a_host_given_with_v1_is_the_same_server(fake):
    fake.answer_next(json={"intent": "buy", "budget": 500000})
    fake.base_url += "/v1/"  # as OpenAI's clients take it

    assert extract(brain(fake)) == {"intent": "buy", "budget": 500000}
    assert fake.chats[0].path == "/v1/chat/completions"


# --- settings -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("api", "kind"), [("ollama", OllamaBrain), ("openai", OpenAICompatibleBrain)])
def test_brain_from_settings_speaks_the_api_llm_api_names(settings, api, kind):
    settings.LLM_API = api
    settings.LLM_HOST = "http://127.0.0.1:8080"
    settings.LLM_MODEL = MODEL
    settings.OLLAMA_HOST = ""

    the_brain = brain_from_settings()

    assert type(the_brain) is kind
    assert (the_brain.host, the_brain.model) == ("http://127.0.0.1:8080", MODEL)
    asyncio.run(the_brain.aclose())


def test_brain_from_settings_falls_back_to_the_ollama_names(settings):
    settings.LLM_API = "openai"
    settings.LLM_HOST = settings.LLM_MODEL = ""
    settings.OLLAMA_HOST = "http://127.0.0.1:11434"
    settings.OLLAMA_MODEL = "qwen2.5:3b"

    the_brain = brain_from_settings()

    assert type(the_brain) is OpenAICompatibleBrain
    assert (the_brain.host, the_brain.model) == ("http://127.0.0.1:11434", "qwen2.5:3b")
    asyncio.run(the_brain.aclose())


def test_an_unknown_llm_api_stops_the_settings_from_loading():
    env = os.environ | {"LLM_API": "anthropic", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    run = subprocess.run([sys.executable, "-c", "from django.conf import settings; settings.LLM_API"],
                         env=env, capture_output=True, text=True, timeout=60)

    assert run.returncode != 0
    assert 'LLM_API must be "ollama" or "openai"' in run.stderr


# --- in the agent -------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_agent_understands_through_an_openai_compatible_server(fake, campaign):
    add_human_agents(campaign)
    lead = make_lead(campaign, "+13125550142", time_zone="America/Chicago", name="Dana Whitfield")
    agent = Orchestrator(domain=DjangoCallDomain(), clock=lambda: NOW, brain=brain(fake))
    talk = Conversation(start_call(lead), agent=agent)
    talk.greet()
    talk.say("sure")
    fake.answer_next(json={"intent": "inform", "objection": "", "facts": {"intent": "buy",
                                                                          "motivation": "growing family"}})
    fake.answer_next(text="A yard for the kids, got it. What area are you looking in?")

    reply = talk.say("hmm the kids would kill for a yard honestly")  # nothing the rules know

    facts = talk.agent.state(talk.call.pk)["facts"]
    assert facts["intent"]["value"] == "buy" and facts["motivation"]["value"] == "growing family"
    assert reply == "A yard for the kids, got it. What area are you looking in?"
    extraction = next(r for r in fake.chats if not r.streamed)
    assert extraction.body["response_format"]["json_schema"]["schema"] == EXTRACTION_SCHEMA
    assert agent.brain.stats["in_time"] == 1
