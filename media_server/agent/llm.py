"""The agent's optional LLM: facts out of a lead's words and spoken replies, from Ollama's /api/chat or an
OpenAI-compatible /v1/chat/completions (llama.cpp's server, vLLM) over HTTP, as LLM_API says.

Both are asked the same way: extraction is one non-streamed chat constrained by a JSON schema (Ollama's `format`,
OpenAI's `response_format`), temperature 0; a reply is a streamed chat (Ollama: NDJSON, a token a line, a last
line with `done` and the counters; OpenAI: Server-Sent Events ended by `data: [DONE]`, the usage in a last chunk)
cut into whole sentences as they complete, so that text-to-speech starts on the first one. A live call cannot
wait, so every request has a deadline (see `Brain`), failures feed a `CircuitBreaker`, and repeated prompts are
answered from Redis. Nothing here is needed: without a host the agent uses its rules and templates.
Log lines carry lengths, counts and the call id, never the lead's words.
"""
from __future__ import annotations

import abc
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

import httpx
import ollama

logger = logging.getLogger(__name__)

KEEP_ALIVE = "30m"  # keep the model loaded between turns: a cold load costs seconds, far past any deadline
MAX_REPLY_TOKENS = 200  # a spoken reply is a few sentences
MAX_EXTRACTION_TOKENS = 256  # the schema's JSON is far shorter; a small model may otherwise loop to its context
REPLY_TEMPERATURE = 0.6
CACHE_PREFIX = "llm:cache:"
CACHE_TIMEOUT_S = 0.2  # a slow Redis must not cost the turn more than this
CHAT_COMPLETIONS = "/v1/chat/completions"


class LLMUnavailable(Exception):
    """The model cannot help with this turn (breaker open, first token late, connection or HTTP error before the
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


@dataclass
class Piece:
    """One streamed part of a reply, whatever the wire: its text, and on the last part the server's token
    counters when it sent them."""

    text: str
    done: bool = False
    usage: Usage | None = None


def _no_stats() -> dict[str, int]:
    return dict.fromkeys(("asked", "in_time", "late", "failed", "unfit", "cached", "skipped"), 0)


class Brain(abc.ABC):
    """An LLM behind deadlines, a circuit breaker and a cache; a subclass speaks one server's API (`_connect`,
    `_disconnect`, `_complete`, `_stream`, `_ping`).

    Deadlines are asyncio timeouts around each await on the client, so the event loop stays free:
    `extract` must be answered whole within `first_token_ms` (it is not streamed, so its first token is its
    answer); `reply` must bring its first token within `first_token_ms` of the call, and all its tokens within
    `timeout_s` of time spent waiting on the server (time the caller spends between sentences is not counted).

    `stats` counts extractions, `reply_stats` replies: `asked` went to the model, and each ended `in_time`
    (the answer, or a reply's first token, came inside the deadline), `late` (it did not) or `failed`
    (connection or HTTP error), unless the caller gave up first; `unfit` answers came in time but did not fit
    the schema; `cached` were answered from Redis and `skipped` not asked (breaker open).
    """

    api = ""

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
        self.stats = _no_stats()
        self.reply_stats = _no_stats()
        self._owns_cache = False
        self._http = None
        self._http_loop: weakref.ref | None = None

    # --- public ---------------------------------------------------------------------------------------------

    async def extract(self, system: str, text: str, schema: dict, *, call_id: int | None = None) -> dict | None:
        """The facts in `text` as a dict shaped by the JSON `schema` (its `required` keys present), or None
        when the model is not asked (breaker open), too slow, failing, or answers something that does not fit."""
        messages = [{"role": "user", "content": text}]
        key = self.cache_key(system, messages, schema)
        cached = await self._cache_get(key, call_id)
        if cached is not None:
            self.stats["cached"] += 1
            self._count(Usage(0, 0))
            return cached
        if not self.breaker.allow():
            self.stats["skipped"] += 1
            logger.info("call %s: llm extract skipped, breaker open", call_id)
            return None
        self.stats["asked"] += 1
        verdict = None
        try:
            async with asyncio.timeout(self.first_token_s):
                content, usage = await self._complete([{"role": "system", "content": system}, *messages], schema)
            verdict = True
        except Exception as error:  # timeouts, HTTP and connection errors: the turn goes on
            verdict = False
            self.stats[_outcome(error)] += 1
            logger.warning("call %s: llm extract failed (%s), %d chars in", call_id, _describe(error), len(text))
            return None
        finally:
            self._settle(verdict)
        self.stats["in_time"] += 1
        self._count(usage)
        facts = _parse(content, schema)
        if facts is None:
            self.stats["unfit"] += 1
            logger.warning("call %s: llm extract answer does not fit the schema (%d chars)", call_id, len(content))
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
            self.reply_stats["cached"] += 1
            self._count(Usage(0, 0))
            for sentence in cached:
                yield sentence
            return
        if not self.breaker.allow():
            self.reply_stats["skipped"] += 1
            logger.info("call %s: llm reply skipped, breaker open", call_id)
            raise LLMUnavailable("circuit breaker open")
        self.reply_stats["asked"] += 1
        said: list[str] = []
        verdict = None  # True: success, False: failure, None: abandoned
        stream, tokens = self._stream([{"role": "system", "content": system}, *messages]), 0
        try:
            try:
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
                    if part.text:
                        if not tokens:
                            self.reply_stats["in_time"] += 1  # the first token, inside its deadline
                        tokens += 1
                    done = part if part.done else None
                    for sentence in splitter.feed(part.text) + (splitter.flush() if done else []):
                        said.append(sentence)
                        yield sentence
                if done is None:
                    raise ConnectionError("the stream ended without its last line")
                if not said:
                    raise LLMUnavailable("empty reply")
                verdict = True
                self._count(done.usage or Usage(0, tokens))
                logger.info("call %s: llm reply, %d sentences, %d tokens", call_id, len(said), tokens)
            except Exception as error:  # timeouts, HTTP and connection errors end the reply
                verdict = False
                if not tokens:
                    self.reply_stats[_outcome(error)] += 1
                self._count(Usage(0, tokens))  # no last line, no counters: one streamed line is one token
                logger.warning("call %s: llm reply failed after %d sentences (%s)", call_id, len(said),
                               _describe(error))
                if not said:
                    raise LLMUnavailable(_describe(error)) from error
                return
        finally:
            await stream.aclose()  # closes the HTTP response when the caller stopped listening
            if verdict is None:
                self._count(Usage(0, tokens))  # abandoned: what was generated still cost
            self._settle(verdict)
        await self._cache_set(key, said, call_id)

    async def healthy(self) -> bool:
        """Whether the server answers its model list within the first-token deadline."""
        try:
            async with asyncio.timeout(self.first_token_s):
                await self._ping()
            return True
        except Exception as error:
            logger.info("llm health check failed (%s)", _describe(error))
            return False

    def cache_key(self, system: str, messages: list[dict], schema: dict | None) -> str:
        blob = json.dumps({"model": self.model, "system": system, "messages": messages, "format": schema},
                          sort_keys=True, ensure_ascii=False)
        return CACHE_PREFIX + hashlib.sha256(blob.encode()).hexdigest()

    def stats_line(self) -> str:
        """What was asked so far and how much came inside its deadline, in one line for an evaluation's report."""
        return (f"llm ({self.api}, {self.model}): extractions {_summary(self.stats)}, {self.stats['unfit']} unfit; "
                f"replies (first token) {_summary(self.reply_stats)}")

    async def aclose(self) -> None:
        if self._http is not None:
            await self._disconnect(self._http)
            self._http = None
        if self._owns_cache and self.cache is not None:
            await self.cache.aclose()

    # --- the wire, per API ----------------------------------------------------------------------------------

    @abc.abstractmethod
    def _connect(self):
        """A new HTTP client for the running event loop."""

    @abc.abstractmethod
    async def _disconnect(self, client) -> None:
        """Close a client `_connect` made."""

    @abc.abstractmethod
    async def _complete(self, messages: list[dict], schema: dict) -> tuple[str, Usage]:
        """One non-streamed chat constrained by the JSON `schema`, temperature 0: its content and usage."""

    @abc.abstractmethod
    def _stream(self, messages: list[dict]) -> AsyncIterator[Piece]:
        """A streamed chat as Pieces; nothing is sent before the first `anext`, and `aclose` ends the request."""

    @abc.abstractmethod
    async def _ping(self) -> None:
        """Raises unless the server answers its model list."""

    # --- inside ---------------------------------------------------------------------------------------------

    def _client(self):
        """The HTTP client of the running event loop (its pooled connections belong to one loop)."""
        loop = asyncio.get_running_loop()
        if self._http is None or self._http_loop is None or self._http_loop() is not loop:
            self._http = self._connect()
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


class OllamaBrain(Brain):
    """Ollama's /api/chat through the `ollama` client: the schema as `format`, replies as NDJSON lines."""

    api = "ollama"

    def _connect(self) -> ollama.AsyncClient:
        return ollama.AsyncClient(host=self.host, timeout=self.timeout_s)

    async def _disconnect(self, client: ollama.AsyncClient) -> None:
        await client.close()

    async def _complete(self, messages: list[dict], schema: dict) -> tuple[str, Usage]:
        answer = await self._client().chat(
            model=self.model, messages=messages, stream=False, format=schema,
            options={"temperature": 0, "num_predict": MAX_EXTRACTION_TOKENS}, keep_alive=KEEP_ALIVE)
        return answer.message.content or "", _ollama_usage(answer)

    async def _stream(self, messages: list[dict]) -> AsyncIterator[Piece]:
        stream = await self._client().chat(
            model=self.model, messages=messages, stream=True,
            options={"temperature": REPLY_TEMPERATURE, "num_predict": MAX_REPLY_TOKENS}, keep_alive=KEEP_ALIVE)
        try:
            async for part in stream:
                yield Piece(part.message.content or "", bool(part.done), _ollama_usage(part) if part.done else None)
        finally:
            await stream.aclose()

    async def _ping(self) -> None:
        await self._client().list()  # GET /api/tags


class OpenAICompatibleBrain(Brain):
    """An OpenAI-compatible server (llama.cpp's llama-server, vLLM) at {host}/v1 over httpx: extraction with the
    schema as a strict `json_schema` response format; replies as Server-Sent Events, `data: {chunk}` lines
    with `choices[0].delta.content`, the usage in a last chunk (`stream_options.include_usage`), `data: [DONE]`."""

    api = "openai"

    def __init__(self, host: str, model: str, **options) -> None:
        super().__init__(host.rstrip("/").removesuffix("/v1"), model, **options)

    def _connect(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.host, timeout=self.timeout_s)

    async def _disconnect(self, client: httpx.AsyncClient) -> None:
        await client.aclose()

    async def _complete(self, messages: list[dict], schema: dict) -> tuple[str, Usage]:
        response = await self._client().post(CHAT_COMPLETIONS, json={
            "model": self.model, "messages": messages, "stream": False, "temperature": 0,
            "max_tokens": MAX_EXTRACTION_TOKENS,
            "response_format": {"type": "json_schema",
                                "json_schema": {"name": "extraction", "schema": schema, "strict": True}}})
        _raise_for_status(response)
        answer = response.json()
        message = ((answer.get("choices") or [{}])[0]).get("message") or {}
        return message.get("content") or "", _openai_usage(answer.get("usage")) or Usage(0, 0)

    async def _stream(self, messages: list[dict]) -> AsyncIterator[Piece]:
        request = {"model": self.model, "messages": messages, "stream": True,
                   "stream_options": {"include_usage": True}, "temperature": REPLY_TEMPERATURE,
                   "max_tokens": MAX_REPLY_TOKENS}
        async with self._client().stream("POST", CHAT_COMPLETIONS, json=request) as response:
            if response.status_code >= 400:
                await response.aread()
                _raise_for_status(response)
            usage = None
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    continue  # blank lines between events, `: comments`, other fields
                data = line.removeprefix("data:").strip()
                if data == "[DONE]":
                    yield Piece("", done=True, usage=usage)
                    return
                chunk = json.loads(data)
                if chunk.get("error"):  # an error after the 200, as an event
                    raise LLMHTTPError(_status_of(chunk["error"]))
                usage = _openai_usage(chunk.get("usage")) or usage
                delta = ((chunk.get("choices") or [{}])[0]).get("delta") or {}
                yield Piece(delta.get("content") or "")

    async def _ping(self) -> None:
        _raise_for_status(await self._client().get("/v1/models"))


class LLMHTTPError(Exception):
    """An OpenAI-compatible server answered an error (`{"error": {"code", "message", "type"}}`)."""

    def __init__(self, status_code: int) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code >= 400:
        raise LLMHTTPError(response.status_code)


def _status_of(error) -> int:
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else 500


def _ollama_usage(response: ollama.ChatResponse) -> Usage:
    return Usage(response.prompt_eval_count or 0, response.eval_count or 0)


def _openai_usage(usage: dict | None) -> Usage | None:
    if not isinstance(usage, dict):
        return None
    return Usage(usage.get("prompt_tokens") or 0, usage.get("completion_tokens") or 0)


def _parse(content: str, schema: dict) -> dict | None:
    """The JSON object in `content` if it has every key the schema requires (a light check, not a validator)."""
    try:
        facts = json.loads(content)
    except ValueError:
        return None
    if not isinstance(facts, dict) or any(key not in facts for key in schema.get("required", ())):
        return None
    return facts


def _summary(stats: dict[str, int]) -> str:
    share = f"{stats['in_time'] / stats['asked'] * 100:.1f} %" if stats["asked"] else "—"
    return (f"{stats['asked']} asked, {stats['in_time']} in time ({share}), {stats['late']} late, "
            f"{stats['failed']} failed, {stats['cached']} cached, {stats['skipped']} skipped")


def _outcome(error: BaseException) -> str:
    """Which stat a request that raised counts under: `late` for a deadline (ours or the client's), else `failed`."""
    return "late" if isinstance(error, TimeoutError | httpx.TimeoutException) else "failed"


def _describe(error: BaseException) -> str:
    """An error in a log line: its kind and HTTP status, not its text (which may quote the prompt)."""
    if isinstance(error, TimeoutError):
        return "deadline missed"
    if isinstance(error, ollama.ResponseError | LLMHTTPError):
        return f"HTTP {error.status_code}"
    if isinstance(error, LLMUnavailable):
        return str(error)
    return type(error).__name__


@functools.cache
def _process_breaker(failures: int, reset_s: float) -> CircuitBreaker:
    return CircuitBreaker(failures, reset_s)


BRAINS: dict[str, type[Brain]] = {"ollama": OllamaBrain, "openai": OpenAICompatibleBrain}


def brain_from_settings() -> Brain | None:
    """The brain LLM_API names, at LLM_HOST with LLM_MODEL (empty: OLLAMA_HOST, OLLAMA_MODEL), sharing this
    process's breaker; None when no host is set."""
    from django.conf import settings

    host = settings.LLM_HOST or settings.OLLAMA_HOST
    if not host:
        return None
    cache = None
    if settings.OLLAMA_CACHE_SECONDS > 0 and settings.REDIS_URL:
        import redis.asyncio

        cache = redis.asyncio.from_url(settings.REDIS_URL)
    brain = BRAINS[settings.LLM_API](
        host, settings.LLM_MODEL or settings.OLLAMA_MODEL, first_token_ms=settings.OLLAMA_FIRST_TOKEN_MS,
        timeout_s=settings.OLLAMA_TIMEOUT_SECONDS, cache=cache, cache_ttl_s=settings.OLLAMA_CACHE_SECONDS,
        breaker=_process_breaker(settings.OLLAMA_BREAKER_FAILURES, settings.OLLAMA_BREAKER_RESET_SECONDS))
    brain._owns_cache = cache is not None
    return brain
