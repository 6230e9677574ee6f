"""The agent's Ollama layer at the wire: the real `ollama` client against a fake Ollama on 127.0.0.1.

pytest-asyncio is not installed: each test runs its coroutine with asyncio.run.
"""
from __future__ import annotations

import asyncio
import socket
import time
import uuid

import pytest
import redis.asyncio

from media_server.agent import llm
from media_server.agent.llm import CircuitBreaker, LLMUnavailable, OllamaBrain, Usage, brain_from_settings
from tests.media_server.agent.fake_ollama import running_fake_ollama, tokens_of

MODEL = "llama3.2:3b"
SYSTEM = "You are Ava, a friendly assistant calling for Sunrise Realty. Answer in one or two short sentences."
LEAD = [{"role": "assistant", "content": "Hi, is this Dana?"},
        {"role": "user", "content": "Yes, this is Dana. We might sell our house on Elm Street this spring."}]
SCHEMA = {"type": "object",
          "properties": {"intent": {"type": "string", "enum": ["buy", "sell", "both", "rent"]},
                         "budget": {"type": ["integer", "null"]}, "location": {"type": ["string", "null"]}},
          "required": ["intent", "budget"]}


@pytest.fixture
def fake():
    with running_fake_ollama(models={MODEL}) as fake:
        yield fake


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def brain(fake, **options) -> OllamaBrain:
    """A brain on the fake; deadlines loose (a loaded CI machine) unless the test is about them."""
    settings = {"first_token_ms": 2000, "timeout_s": 4.0, "breaker": CircuitBreaker(3, 30), "cache": None,
                "cache_ttl_s": 60} | options
    return OllamaBrain(getattr(fake, "base_url", fake), MODEL, **settings)


async def said(brain: OllamaBrain, system: str = SYSTEM, messages: list[dict] = LEAD) -> list[str]:
    return [sentence async for sentence in brain.reply(system, messages)]


def unused_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


# --- replies ----------------------------------------------------------------------------------------------------


def test_a_reply_is_asked_for_as_a_stream(fake):  # the sentence-by-sentence hand-over: test_llm_streams.py
    fake.answer_next(text="Thanks for picking up, Dana. Are you still thinking about selling this spring?")
    assert asyncio.run(said(brain(fake)))[0] == "Thanks for picking up, Dana."
    request = fake.chats[0]
    assert request.model == MODEL
    assert request.body["stream"] is True
    assert request.messages == [{"role": "system", "content": SYSTEM}, *LEAD]
    assert "format" not in request.body
    assert request.body["keep_alive"] == llm.KEEP_ALIVE


def test_it_strips_markdown_because_the_reply_is_spoken(fake):
    fake.answer_next(text="**Great news!** Here is what I found:\n"
                          "1. A **3-bedroom** in Austin.\n"
                          "2. A condo at 4.5 percent.\n"
                          "- Dr. Smith on Main St. can show it at 10 a.m. tomorrow.\n"
                          "## Next steps\n"
                          "Shall I book it?")

    assert asyncio.run(said(brain(fake))) == [
        "Great news!", "Here is what I found:", "A 3-bedroom in Austin.", "A condo at 4.5 percent.",
        "Dr. Smith on Main St. can show it at 10 a.m. tomorrow.", "Next steps", "Shall I book it?"]


def test_it_counts_tokens_from_ollamas_counters(fake):
    fake.answer_next(text="Sounds good. Talk soon.", prompt_eval_count=57, eval_count=21)
    fake.answer_next(json={"intent": "sell", "budget": None}, prompt_eval_count=31, eval_count=9)
    the_brain = brain(fake)

    async def talk():
        await said(the_brain)
        after_reply = the_brain.last_usage
        await the_brain.extract("Extract the facts.", "We want to sell.", SCHEMA)
        return after_reply

    assert asyncio.run(talk()) == Usage(prompt_tokens=57, completion_tokens=21)
    assert the_brain.last_usage == Usage(prompt_tokens=31, completion_tokens=9)
    assert the_brain.total_usage == Usage(prompt_tokens=88, completion_tokens=30)


def test_it_gives_up_on_a_reply_whose_first_token_is_late(fake):
    fake.answer_next(text="Sorry for the wait.", first_token_delay=10)
    the_brain = brain(fake, first_token_ms=300)
    started = time.monotonic()

    with pytest.raises(LLMUnavailable):
        asyncio.run(said(the_brain))

    assert time.monotonic() - started < 2  # the fake would have taken 10 s
    assert fake.chats[0].client_gone.wait(2)  # the request was given up, not left running
    assert fake.chats[0].tokens_sent == 0
    assert the_brain.breaker.failures == 1


@pytest.mark.parametrize(("status", "error"), [(500, "llama runner process has terminated"),
                                               (503, "server busy, please try again.")])
def test_it_raises_when_ollama_answers_an_error(fake, status, error):
    fake.answer_next(status=status, error=error)
    the_brain = brain(fake)

    with pytest.raises(LLMUnavailable, match=f"HTTP {status}"):
        asyncio.run(said(the_brain))
    assert the_brain.breaker.failures == 1


def test_it_raises_when_the_model_is_not_pulled(fake):
    fake.models = {"qwen2.5:3b"}

    with pytest.raises(LLMUnavailable, match="HTTP 404"):
        asyncio.run(said(brain(fake)))
    assert fake.chats[0].status == 404


def test_it_raises_when_ollama_is_not_running():
    the_brain = brain(unused_port_url())

    with pytest.raises(LLMUnavailable):
        asyncio.run(said(the_brain))
    assert asyncio.run(the_brain.extract("Extract the facts.", "We want to buy.", SCHEMA)) is None
    assert asyncio.run(the_brain.healthy()) is False
    assert the_brain.breaker.failures == 2


# --- the lead interrupts ------------------------------------------------------------------------------------


THREE_SENTENCES = ("That makes sense. Spring is a busy time for sellers around Elm Street. "
                   "Would you like a free estimate of what your home could sell for?")


def test_it_closes_the_stream_when_the_caller_stops_listening(fake):
    fake.answer_next(text=THREE_SENTENCES, token_delay=0.05)
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
    assert request.tokens_sent < len(tokens_of(THREE_SENTENCES))
    assert the_brain.breaker.state == "closed"
    assert the_brain.breaker.failures == 0
    assert 0 < the_brain.last_usage.completion_tokens <= request.tokens_sent  # generated before the lead spoke


def test_it_closes_the_stream_when_the_task_is_cancelled(fake):
    fake.answer_next(text=THREE_SENTENCES, token_delay=0.05)
    the_brain = brain(fake, breaker=CircuitBreaker(1, 30))

    async def interrupt():
        heard = asyncio.Event()

        async def speak():
            async for _sentence in the_brain.reply(SYSTEM, LEAD):
                heard.set()

        task = asyncio.create_task(speak())
        await heard.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(interrupt())
    assert fake.chats[0].client_gone.wait(2)
    assert not fake.chats[0].finished
    assert the_brain.breaker.state == "closed"


# --- extraction ---------------------------------------------------------------------------------------------


def test_it_extracts_facts_with_the_schema_as_format(fake):
    fake.answer_next(json={"intent": "sell", "budget": None, "location": "Elm Street"})

    facts = asyncio.run(brain(fake).extract("Extract the facts.", LEAD[1]["content"], SCHEMA))

    assert facts == {"intent": "sell", "budget": None, "location": "Elm Street"}
    request = fake.chats[0]
    assert request.model == MODEL
    assert request.body["format"] == SCHEMA
    assert request.body["stream"] is False
    assert request.body["options"]["temperature"] == 0
    assert request.messages == [{"role": "system", "content": "Extract the facts."},
                                {"role": "user", "content": LEAD[1]["content"]}]


@pytest.mark.parametrize("answer", [{"json": {"intent": "sell"}},  # "budget" is required
                                    {"text": "The lead wants to sell their house."},  # not JSON
                                    {"json": None, "text": "[\"sell\"]"}])  # JSON, not an object
def test_it_gives_no_facts_for_an_answer_that_does_not_fit_the_schema(fake, answer):
    fake.answer_next(**answer)
    the_brain = brain(fake)

    assert asyncio.run(the_brain.extract("Extract the facts.", "We want to sell.", SCHEMA)) is None
    assert the_brain.breaker.failures == 0  # Ollama answered; the model was wrong


def test_it_gives_no_facts_when_the_answer_misses_the_deadline(fake):
    fake.answer_next(hang=True)
    the_brain = brain(fake, first_token_ms=300)
    started = time.monotonic()

    assert asyncio.run(the_brain.extract("Extract the facts.", "We want to sell.", SCHEMA)) is None
    assert time.monotonic() - started < 2
    assert fake.chats[0].client_gone.wait(2)
    assert the_brain.breaker.failures == 1


def test_it_gives_no_facts_when_ollama_answers_an_error(fake):
    fake.answer_next(status=500, error="llama runner process has terminated")

    assert asyncio.run(brain(fake).extract("Extract the facts.", "We want to sell.", SCHEMA)) is None


# --- the circuit breaker ------------------------------------------------------------------------------------


def test_it_stops_asking_after_failures_in_a_row_and_tries_again_after_the_reset(fake):
    clock = Clock()
    the_brain = brain(fake, breaker=CircuitBreaker(2, 30, clock=clock))
    fake.answer_next(status=500)
    fake.answer_next(status=500)
    for _ in range(2):
        with pytest.raises(LLMUnavailable):
            asyncio.run(said(the_brain))

    with pytest.raises(LLMUnavailable, match="breaker open"):
        asyncio.run(said(the_brain))
    assert asyncio.run(the_brain.extract("Extract the facts.", "We want to sell.", SCHEMA)) is None
    assert len(fake.chats) == 2  # open: nothing was sent

    clock.now += 29
    with pytest.raises(LLMUnavailable):
        asyncio.run(said(the_brain))
    assert len(fake.chats) == 2

    clock.now += 1  # half-open: one trial, which succeeds and closes the breaker
    assert asyncio.run(said(the_brain)) == ["Sure, I can help with that.", "What area are you looking in?"]
    assert len(fake.chats) == 3
    assert the_brain.breaker.state == "closed"


def test_it_opens_again_when_the_trial_fails(fake):
    clock = Clock()
    the_brain = brain(fake, breaker=CircuitBreaker(1, 30, clock=clock))
    fake.answer_next(status=500)
    with pytest.raises(LLMUnavailable):
        asyncio.run(said(the_brain))
    clock.now += 30
    fake.answer_next(status=500)

    with pytest.raises(LLMUnavailable, match="HTTP 500"):
        asyncio.run(said(the_brain))  # the trial
    with pytest.raises(LLMUnavailable, match="breaker open"):
        asyncio.run(said(the_brain))
    assert len(fake.chats) == 2
    assert the_brain.breaker.state == "open"


def test_the_breaker_lets_one_trial_through_at_a_time():
    clock = Clock()
    breaker = CircuitBreaker(1, 30, clock=clock)
    breaker.failure()
    assert breaker.allow() is False
    clock.now += 30
    assert (breaker.allow(), breaker.allow()) == (True, False)
    breaker.release()  # the trial was abandoned: neither verdict
    assert breaker.allow() is True
    breaker.success()
    assert breaker.state == "closed"


# --- the cache ----------------------------------------------------------------------------------------------


def test_it_answers_a_repeated_prompt_from_redis(fake, settings):
    system = f"{SYSTEM} ({uuid.uuid4()})"  # keys no other test makes

    async def ask_twice():
        cache = redis.asyncio.from_url(settings.REDIS_URL)
        the_brain = brain(fake, cache=cache, cache_ttl_s=60)
        keys = [the_brain.cache_key(system, LEAD, None), the_brain.cache_key(system, [LEAD[1]], SCHEMA)]
        try:
            replies = [await said(the_brain, system), await said(the_brain, system)]
            fake.answer_next(json={"intent": "sell", "budget": 300000})
            facts = [await the_brain.extract(system, LEAD[1]["content"], SCHEMA) for _ in range(2)]
            ttl = await cache.ttl(keys[0])
            return replies, facts, ttl, the_brain.last_usage
        finally:
            await cache.delete(*keys)
            await cache.aclose()

    replies, facts, ttl, usage = asyncio.run(ask_twice())
    assert replies[0] == replies[1] == ["Sure, I can help with that.", "What area are you looking in?"]
    assert facts[0] == facts[1] == {"intent": "sell", "budget": 300000}
    assert len(fake.chats) == 2  # one reply, one extraction
    assert 0 < ttl <= 60
    assert usage == Usage(0, 0)  # a cached answer costs nothing


def test_it_does_not_cache_a_reply_cut_short(fake, settings):
    system = f"{SYSTEM} ({uuid.uuid4()})"
    text = "Great, Elm Street is a lovely area. When would you like to move?"
    fake.answer_next(text=text, cut_after=tokens_of(text).index(".") + 3)
    fake.answer_next(text=text)

    async def ask_twice():
        cache = redis.asyncio.from_url(settings.REDIS_URL)
        the_brain = brain(fake, cache=cache)
        key = the_brain.cache_key(system, LEAD, None)
        try:
            return [await said(the_brain, system), await said(the_brain, system)], await cache.exists(key)
        finally:
            await cache.delete(key)
            await cache.aclose()

    replies, cached = asyncio.run(ask_twice())
    assert replies == [["Great, Elm Street is a lovely area."], ["Great, Elm Street is a lovely area.",
                                                                  "When would you like to move?"]]
    assert len(fake.chats) == 2
    assert cached == 1  # the whole second reply, only


# --- wiring -------------------------------------------------------------------------------------------------


def test_it_checks_health_with_the_model_list(fake):
    assert asyncio.run(brain(fake).healthy()) is True
    assert fake.requests[-1].path == "/api/tags"
    assert fake.requests[-1].status == 200


def test_there_is_no_brain_without_an_ollama_host(settings):
    settings.OLLAMA_HOST = ""

    assert brain_from_settings() is None


def test_brains_from_settings_share_the_process_breaker(settings):
    settings.OLLAMA_HOST = "http://127.0.0.1:11434"
    settings.OLLAMA_MODEL = "qwen2.5:3b"
    first, second = brain_from_settings(), brain_from_settings()

    assert first.model == "qwen2.5:3b"
    assert first.first_token_s == settings.OLLAMA_FIRST_TOKEN_MS / 1000
    assert first.breaker is second.breaker
    assert first.breaker.threshold == settings.OLLAMA_BREAKER_FAILURES
    for each in (first, second):
        asyncio.run(each.aclose())
