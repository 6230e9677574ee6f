"""A local OpenAI-compatible server, as llama.cpp's llama-server answers: POST /v1/chat/completions, whole (JSON)
or streamed (Server-Sent Events), and GET /v1/models, /health.

It is the fake Ollama (fake_ollama.py) with OpenAI's documents: scripted answers, the request log and the failure
modes (status, delays, hang, stall, cut, hold) are the same. A whole chat is a `chat.completion` object with
`choices[0].message.content` and `usage`; a streamed one is `text/event-stream`, one `data: {chunk}` event per
token with `choices[0].delta.content` (the first with `"role": "assistant"`), a chunk with `finish_reason`, then,
when `stream_options.include_usage` was asked, a chunk with empty `choices` and the `usage`, and `data: [DONE]`.
Errors are `{"error": {"code", "message", "type"}}` with the status. A request with a `response_format` is
answered with the scripted JSON. `stream` is false unless asked, as OpenAI's API has it.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.local_server import serving
from tests.media_server.agent.fake_ollama import Answer, FakeOllama, Recorded, _Handler, _Server

__all__ = ["Answer", "FakeOpenAI", "running_fake_openai"]

CHAT = "/v1/chat/completions"


@dataclass
class OpenAIRecorded(Recorded):
    @property
    def streamed(self) -> bool:
        return bool(self.body.get("stream", False))

    @property
    def wants_usage(self) -> bool:
        return bool((self.body.get("stream_options") or {}).get("include_usage"))


@dataclass
class FakeOpenAI(FakeOllama):
    @property
    def chats(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == CHAT]

    def refusal(self, record: Recorded, raw: bytes) -> tuple[int, str] | None:
        """The error for a chat request the server cannot run (vLLM's words for an unknown model), or None."""
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, "Failed to parse the request body as JSON"
        if not isinstance(body, dict):
            return 400, "Request body must be a JSON object"
        record.body = body
        if body.get("model") and body["model"] not in self.models:
            return 404, f"The model `{body['model']}` does not exist."
        messages = body.get("messages")
        if not isinstance(messages, list) or not all(isinstance(m, dict) and m.get("role") for m in messages):
            return 400, "Expected 'messages' to be an array"
        return None

    def content(self, record: Recorded, answer: Answer) -> str:
        if record.body.get("response_format") and answer.json is not None:
            return json.dumps(answer.json)
        return answer.text

    def counters(self, record: Recorded, answer: Answer, tokens: int, started: float) -> dict:
        words = sum(len(str(m.get("content", "")).split()) for m in record.messages)
        prompt = answer.prompt_eval_count if answer.prompt_eval_count is not None else words
        completion = answer.eval_count if answer.eval_count is not None else tokens
        return {"usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                          "total_tokens": prompt + completion},
                "timings": {"predicted_ms": (time.monotonic() - started) * 1000, "predicted_n": tokens}}

    def tags(self) -> dict:
        return {"object": "list", "data": [{"id": name, "object": "model", "created": 1736900000,
                                            "owned_by": "llamacpp"} for name in sorted(self.models)]}


class _OpenAIHandler(_Handler):
    fake: FakeOpenAI
    _record: OpenAIRecorded

    def _serve(self, method: str) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        record = self._record = OpenAIRecorded(method=method, path=self.path.split("?")[0], body={})
        with self.fake._lock:
            self.fake.requests.append(record)
        try:
            if (method, record.path) == ("GET", "/v1/models"):
                self._json(record, 200, self.fake.tags())
            elif (method, record.path) == ("GET", "/health"):
                self._json(record, 200, {"status": "ok"})
            elif (method, record.path) == ("POST", CHAT):
                self._chat(record, raw)
            else:
                self._json(record, 404, {"error": "File Not Found"})
        except (BrokenPipeError, ConnectionResetError):
            record.client_gone.set()
            self.close_connection = True

    def send_header(self, keyword: str, value: str) -> None:
        if (keyword, value) == ("Content-Type", "application/x-ndjson"):  # the fake Ollama's stream, here SSE
            value = "text/event-stream"
        super().send_header(keyword, value)

    def _json(self, record: Recorded, status: int, body: dict) -> None:
        if isinstance(body.get("error"), str):
            kind = "invalid_request_error" if status < 500 else "server_error"
            body = {"error": {"code": status, "message": body["error"], "type": kind}}
        super()._json(record, status, body)

    def _line(self, record: Recorded, content: str, done: bool) -> dict:
        head = {"id": "chatcmpl-fake", "created": int(time.time()), "model": record.model,
                "system_fingerprint": "b0-fake"}
        if not record.streamed:
            return head | {"object": "chat.completion", "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}]}
        delta = {} if done else {"content": content} | ({"role": "assistant"} if not record.tokens_sent else {})
        return head | {"object": "chat.completion.chunk",
                       "choices": [{"index": 0, "finish_reason": "stop" if done else None, "delta": delta}]}

    def _chunk(self, line: dict | None) -> None:
        """One SSE event; the last chunk's counters go out apart, only if asked; None: `[DONE]`, the end."""
        if line is None:
            self._write(b"data: [DONE]\n\n")
            self._write(b"")
            return
        usage = {key: line.pop(key) for key in ("usage", "timings") if key in line}
        self._write(b"data: " + json.dumps(line).encode() + b"\n\n")
        if usage and self._record.wants_usage:
            self._write(b"data: " + json.dumps(line | {"choices": []} | usage).encode() + b"\n\n")

    def _write(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


@contextmanager
def running_fake_openai(**options) -> Iterator[FakeOpenAI]:
    """A FakeOpenAI served on 127.0.0.1 at a free port for the duration of the block."""
    fake = FakeOpenAI(**options)
    with serving(fake, _OpenAIHandler, "fake", server_class=_Server, stopping=fake._stopping):
        yield fake
