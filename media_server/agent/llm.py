"""The agent's optional LLM: facts out of a lead's words and spoken replies, from Ollama's /api/chat over HTTP.

Ollama is asked through the `ollama` client: extraction is one non-streamed chat with a JSON schema as `format`
(temperature 0); a reply is a streamed chat (NDJSON, one token a line, a last line with `done` and the token
counters) cut into whole sentences as they complete, so that text-to-speech starts on the first one. A live call
cannot wait, so every request has a deadline (see `OllamaBrain`), failures feed a `CircuitBreaker`, and repeated
prompts are answered from Redis. Nothing here is needed: without OLLAMA_HOST the agent uses its rules and templates.
Log lines carry lengths, counts and the call id, never the lead's words.
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import re
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import dataclass

import ollama

logger = logging.getLogger(__name__)

KEEP_ALIVE = "30m"  # keep the model loaded between turns: a cold load costs seconds, far past any deadline
MAX_REPLY_TOKENS = 200  # a spoken reply is a few sentences
REPLY_TEMPERATURE = 0.6
CACHE_PREFIX = "llm:cache:"
CACHE_TIMEOUT_S = 0.2  # a slow Redis must not cost the turn more than this


class LLMUnavailable(Exception):
    """Ollama cannot help with this turn (breaker open, first token late, connection or HTTP error before the
    first sentence); the caller says its template reply instead."""


# Set by the agent for the turn it is answering: every request's token counts land here too, so that
# concurrent calls in one process are each charged for their own tokens.
usage_sink: ContextVar[list | None] = ContextVar("llm_usage_sink", default=None)


@dataclass
class Usage:
    prompt_tokens: int
    completion_tokens: int

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.prompt_tokens + other.prompt_tokens, self.completion_tokens + other.completion_tokens)


class CircuitBreaker:
    """Closed: requests go. After `failures` failures in a row: open, no request for `reset_s` seconds.
    Then half-open: one trial request; its success closes the breaker, its failure opens it again."""

    def __init__(self, failures: int, reset_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = max(1, failures)
        self.reset_s = reset_s
        self.clock = clock
        self.failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._trial_running or self.clock() - self._opened_at >= self.reset_s:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """Whether a request may go now (in half-open, True once: the caller's request is the trial)."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def success(self) -> None:
        self.failures = 0
        self._opened_at = None
        self._trial_running = False

    def failure(self) -> None:
        self.failures += 1
        if self._trial_running or self.failures >= self.threshold:
            self._opened_at = self.clock()
        self._trial_running = False

    def release(self) -> None:
        """The request was abandoned (the lead interrupted): neither a success nor a failure."""
        self._trial_running = False


# --- sentences ----------------------------------------------------------------------------------------------

# Words whose period does not end a sentence ("Mr. Lee", "10 a.m. on Friday").
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "mt", "ave", "blvd", "apt", "vs",
                           "a.m", "p.m", "e.g", "i.e", "approx", "sq"})
_END = re.compile(r"[.!?]+[\"')\]*_]*(?=\s)|\n")  # closing quotes and emphasis stay with their sentence
_LIST_NUMBER = re.compile(r"(?:^|\n)[ \t]*\d+$")  # "2" of a "2. " list marker at the start of a line
_MARKDOWN_LINE = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+•]\s+|\d+[.)]\s+)+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def speakable(sentence: str) -> str:
    """The sentence without markdown: headings, quotes, list markers, emphasis, code marks, link targets."""
    text = _MARKDOWN_LINE.sub("", sentence)
    text = _LINK.sub(r"\1", text)
    text = text.replace("**", "").replace("__", "").replace("*", "").replace("`", "")
    return " ".join(text.split())


class SentenceSplitter:
    """Text fed in pieces (tokens), whole sentences out as soon as each one ends: at . ! ? followed by space,
    or at a line break; not after an abbreviation ("Dr.") nor a list number ("1."), never inside "4.5"."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, piece: str) -> list[str]:
        self._buffer += piece
        sentences, start = [], 0
        for end in _END.finditer(self._buffer):
            if end.group() != "\n" and not self._ends_sentence(self._buffer[start:end.start()]):
                continue
            sentences.append(self._buffer[start:end.end()])
            start = end.end()
        self._buffer = self._buffer[start:]
        return [s for s in map(speakable, sentences) if s]

    def flush(self) -> list[str]:
        rest, self._buffer = self._buffer, ""
        return [s for s in [speakable(rest)] if s]

    @staticmethod
    def _ends_sentence(before: str) -> bool:
        words = before.split()
        last = words[-1].lstrip("(\"'").lower() if words else ""
        return last not in ABBREVIATIONS and not _LIST_NUMBER.search(before)


# --- the brain ----------------------------------------------------------------------------------------------


class OllamaBrain:
    """Ollama behind deadlines, a circuit breaker and a cache.

    Deadlines are asyncio timeouts around each await on the client, so the event loop stays free:
    `extract` must be answered whole within `first_token_ms` (it is not streamed, so its first token is its
    answer); `reply` must bring its first token within `first_token_ms` of the call, and all its tokens within
    `timeout_s` of time spent waiting on Ollama (time the caller spends between sentences is not counted).
    """

    def __init__(self, host: str, model: str, *, first_token_ms: int, timeout_s: float, breaker: CircuitBreaker,
                 cache=None, cache_ttl_s: int = 3600) -> None:
        self.host = host
        self.model = model
        self.first_token_s = first_token_ms / 1000
        self.timeout_s = timeout_s
        self.breaker = breaker
        self.cache = cache  # redis.asyncio.Redis or None
        self.cache_ttl_s = cache_ttl_s
        self.last_usage: Usage | None = None
        self.total_usage = Usage(0, 0)
        self._owns_cache = False
        self._http: ollama.AsyncClient | None = None
        self._http_loop: weakref.ref | None = None

    # --- public ---------------------------------------------------------------------------------------------

    async def extract(self, system: str, text: str, schema: dict, *, call_id: int | None = None) -> dict | None:
        """The facts in `text` as a dict shaped by the JSON `schema` (its `required` keys present), or None
        when Ollama is not asked (breaker open), too slow, failing, or answers something that does not fit."""
        messages = [{"role": "user", "content": text}]
        key = self.cache_key(system, messages, schema)
        cached = await self._cache_get(key, call_id)
        if cached is not None:
            self._count(Usage(0, 0))
            return cached
        if not self.breaker.allow():
            logger.info("call %s: llm extract skipped, breaker open", call_id)
            return None
        verdict = None
        try:
            async with asyncio.timeout(self.first_token_s):
                answer = await self._client().chat(
                    model=self.model, messages=[{"role": "system", "content": system}, *messages], stream=False,
                    format=schema, options={"temperature": 0}, keep_alive=KEEP_ALIVE)
            verdict = True
        except Exception as error:  # timeouts, HTTP and connection errors: the turn goes on
            verdict = False
            logger.warning("call %s: llm extract failed (%s), %d chars in", call_id, _describe(error), len(text))
            return None
        finally:
            self._settle(verdict)
        self._count(_usage(answer))
        facts = _parse(answer.message.content or "", schema)
        if facts is None:
            logger.warning("call %s: llm extract answer does not fit the schema (%d chars)", call_id,
                           len(answer.message.content or ""))
            return None
        await self._cache_set(key, facts, call_id)
        return facts

    async def reply(self, system: str, messages: list[dict], *, call_id: int | None = None) -> AsyncIterator[str]:
        """The reply to the conversation so far, whole sentences as they complete, without markdown.

        Raises LLMUnavailable before the first sentence (breaker open, first token late, connection or HTTP
        error, nothing said); after it, a failure or the overall deadline only ends the reply early. Stopping
        early (`aclose()`, or cancelling the task) closes the HTTP stream and is not counted as a failure.
        """
        key = self.cache_key(system, messages, None)
        cached = await self._cache_get(key, call_id)
        if cached is not None:
            self._count(Usage(0, 0))
            for sentence in cached:
                yield sentence
            return
        if not self.breaker.allow():
            logger.info("call %s: llm reply skipped, breaker open", call_id)
            raise LLMUnavailable("circuit breaker open")
        said: list[str] = []
        verdict = None  # True: success, False: failure, None: abandoned
        stream, tokens = None, 0
        try:
            try:
                stream = await self._client().chat(
                    model=self.model, messages=[{"role": "system", "content": system}, *messages], stream=True,
                    options={"temperature": REPLY_TEMPERATURE, "num_predict": MAX_REPLY_TOKENS},
                    keep_alive=KEEP_ALIVE)
                splitter, waited, done = SentenceSplitter(), 0.0, None
                while done is None:
                    budget = (self.timeout_s if tokens else self.first_token_s) - waited
                    started = time.monotonic()
                    try:
                        async with asyncio.timeout(max(budget, 0.0)):
                            part = await anext(stream)
                    except StopAsyncIteration:
                        break
                    finally:
                        waited += time.monotonic() - started
                    if part.message.content:
                        tokens += 1
                    done = part if part.done else None
                    for sentence in splitter.feed(part.message.content or "") + (splitter.flush() if done else []):
                        said.append(sentence)
                        yield sentence
                if done is None:
                    raise ConnectionError("the stream ended without its last line")
                if not said:
                    raise LLMUnavailable("empty reply")
                verdict = True
                self._count(_usage(done))
                logger.info("call %s: llm reply, %d sentences, %d tokens", call_id, len(said), tokens)
            except Exception as error:  # timeouts, HTTP and connection errors end the reply
                verdict = False
                self._count(Usage(0, tokens))  # no last line, no counters: one streamed line is one token
                logger.warning("call %s: llm reply failed after %d sentences (%s)", call_id, len(said),
                               _describe(error))
                if not said:
                    raise LLMUnavailable(_describe(error)) from error
                return
        finally:
            if stream is not None:
                await stream.aclose()  # closes the HTTP response when the caller stopped listening
            if verdict is None:
                self._count(Usage(0, tokens))  # abandoned: what was generated still cost
            self._settle(verdict)
        await self._cache_set(key, said, call_id)

    async def healthy(self) -> bool:
        """Whether Ollama answers its model list (GET /api/tags) within the first-token deadline."""
        try:
            async with asyncio.timeout(self.first_token_s):
                await self._client().list()
            return True
        except Exception as error:
            logger.info("llm health check failed (%s)", _describe(error))
            return False

    def cache_key(self, system: str, messages: list[dict], schema: dict | None) -> str:
        blob = json.dumps({"model": self.model, "system": system, "messages": messages, "format": schema},
                          sort_keys=True, ensure_ascii=False)
        return CACHE_PREFIX + hashlib.sha256(blob.encode()).hexdigest()

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._owns_cache and self.cache is not None:
            await self.cache.aclose()

    # --- inside ---------------------------------------------------------------------------------------------

    def _client(self) -> ollama.AsyncClient:
        """The HTTP client of the running event loop (its pooled connections belong to one loop)."""
        loop = asyncio.get_running_loop()
        if self._http is None or self._http_loop is None or self._http_loop() is not loop:
            self._http = ollama.AsyncClient(host=self.host, timeout=self.timeout_s)
            self._http_loop = weakref.ref(loop)
        return self._http

    def _settle(self, verdict: bool | None) -> None:
        if verdict is True:
            self.breaker.success()
        elif verdict is False:
            self.breaker.failure()
        else:
            self.breaker.release()

    def _count(self, usage: Usage) -> None:
        self.last_usage = usage
        self.total_usage = self.total_usage + usage
        sink = usage_sink.get()
        if sink is not None:
            sink.append(usage)  # the call being served, for its cost ledger

    async def _cache_get(self, key: str, call_id: int | None):
        if self.cache is None:
            return None
        try:
            async with asyncio.timeout(CACHE_TIMEOUT_S):
                raw = await self.cache.get(key)
            return json.loads(raw) if raw is not None else None
        except Exception as error:  # no cache is a miss
            logger.warning("call %s: llm cache read failed (%s)", call_id, _describe(error))
            return None

    async def _cache_set(self, key: str, value, call_id: int | None) -> None:
        if self.cache is None or self.cache_ttl_s <= 0:
            return
        try:
            async with asyncio.timeout(CACHE_TIMEOUT_S):
                await self.cache.set(key, json.dumps(value), ex=self.cache_ttl_s)
        except Exception as error:
            logger.warning("call %s: llm cache write failed (%s)", call_id, _describe(error))


def _usage(response: ollama.ChatResponse) -> Usage:
    return Usage(response.prompt_eval_count or 0, response.eval_count or 0)


def _parse(content: str, schema: dict) -> dict | None:
    """The JSON object in `content` if it has every key the schema requires (a light check, not a validator)."""
    try:
        facts = json.loads(content)
    except ValueError:
        return None
    if not isinstance(facts, dict) or any(key not in facts for key in schema.get("required", ())):
        return None
    return facts


def _describe(error: BaseException) -> str:
    """An error in a log line: its kind and HTTP status, not its text (which may quote the prompt)."""
    if isinstance(error, TimeoutError):
        return "deadline missed"
    if isinstance(error, ollama.ResponseError):
        return f"HTTP {error.status_code}"
    if isinstance(error, LLMUnavailable):
        return str(error)
    return type(error).__name__


@functools.cache
def _process_breaker(failures: int, reset_s: float) -> CircuitBreaker:
    return CircuitBreaker(failures, reset_s)


def brain_from_settings() -> OllamaBrain | None:
    """The configured brain (sharing this process's breaker), or None when OLLAMA_HOST is empty."""
    from django.conf import settings

    if not settings.OLLAMA_HOST:
        return None
    cache = None
    if settings.OLLAMA_CACHE_SECONDS > 0 and settings.REDIS_URL:
        import redis.asyncio

        cache = redis.asyncio.from_url(settings.REDIS_URL)
    brain = OllamaBrain(
        settings.OLLAMA_HOST, settings.OLLAMA_MODEL, first_token_ms=settings.OLLAMA_FIRST_TOKEN_MS,
        timeout_s=settings.OLLAMA_TIMEOUT_SECONDS, cache=cache, cache_ttl_s=settings.OLLAMA_CACHE_SECONDS,
        breaker=_process_breaker(settings.OLLAMA_BREAKER_FAILURES, settings.OLLAMA_BREAKER_RESET_SECONDS))
    brain._owns_cache = cache is not None
    return brain
