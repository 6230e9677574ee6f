"""The figures of a voice benchmark: per-call measurements from the phone and the server, summed up per level.

At the phone (the simulated network's report): voice-to-voice per turn, end of the lead's speech → first
agent audio, greeting included (the lead's hello → the greeting); barge-in stop time. On the server
(Call.metrics["turns"], one entry per lead utterance transcribed): endpoint_ms (VAD speech end → end-of-turn
decision), stt_ms, agent_ms (transcript → the agent's first sentence), tts_ms (sentence → first audio) and
voice_to_voice_ms (speech end → first agent frame sent), whichever the pipeline records. Transport is the
phone's voice-to-voice minus the server's for the same turn: turns are paired in order when the phone heard
one reply per server turn (the greeting, which the server does not time, set aside); otherwise it is the
difference of the two medians, and `transport_method` says which.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from apps.rehearsals.network.measurements import percentile

STAGES = (("endpointing", "endpoint_ms"), ("STT", "stt_ms"), ("agent", "agent_ms"), ("TTS first audio", "tts_ms"))
TARGET_P95_MS = 2000


@dataclass
class CallFigures:
    call_id: int | None
    persona: str
    outcome: str = ""
    met: bool = False
    phone_v2v_ms: list[int] = field(default_factory=list)
    server_turns: list[dict] = field(default_factory=list)
    barge_in_ms: list[int] = field(default_factory=list)
    simulator_cpu_s: float | None = None  # as the network measured this call itself
    # seconds from the level's start: the dialer placing the call (it waits while no media worker has room), and
    # the call in progress (answered → ended)
    placed_s: float | None = None
    in_progress_s: tuple[float, float] | None = None

    @property
    def server_v2v_ms(self) -> list[int]:
        return [turn["voice_to_voice_ms"] for turn in self.server_turns if "voice_to_voice_ms" in turn]

    def paired_transport_ms(self) -> list[int] | None:
        """Phone minus server per reply, when the turns pair up in order (None when they do not)."""
        phone, server = self.phone_v2v_ms, self.server_v2v_ms
        if not server or len(phone) != len(server) + 1:  # the greeting is timed at the phone only
            return None
        return [at_phone - sent for at_phone, sent in zip(phone[1:], server, strict=True)]


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def p50_p95(values: list[float]) -> dict:
    return {"p50": _rounded(percentile(values, 0.5)), "p95": _rounded(percentile(values, 0.95)), "n": len(values)}


def stage_split(calls: list[CallFigures]) -> tuple[dict, str]:
    """p50 of each stage over every turn that has it, and transport with how it was found."""
    turns = [turn for call in calls for turn in call.server_turns]
    split = {name: _rounded(percentile([t[key] for t in turns if key in t], 0.5)) for name, key in STAGES}
    paired = [call.paired_transport_ms() for call in calls]
    if paired and all(values is not None for values in paired):
        split["transport"] = _rounded(percentile([ms for values in paired for ms in values], 0.5))
        return split, "paired by turn"
    phone = percentile([ms for call in calls for ms in call.phone_v2v_ms[1:]], 0.5)  # replies, as the server's
    server = percentile([ms for call in calls for ms in call.server_v2v_ms], 0.5)
    split["transport"] = _rounded(phone - server) if phone is not None and server is not None else None
    return split, "difference of medians"


@dataclass
class Level:
    concurrency: int
    calls: list[CallFigures]
    seconds: float
    cpu_s: dict[str, float]  # per process, over the level
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    def summary(self) -> dict:
        phone = [ms for call in self.calls for ms in call.phone_v2v_ms]
        greetings = [call.phone_v2v_ms[0] for call in self.calls if call.phone_v2v_ms]
        split, method = stage_split(self.calls)
        barge = [ms for call in self.calls for ms in call.barge_in_ms]
        count = max(len(self.calls), 1)
        system = self.cpu_s.get("media", 0.0) + self.cpu_s.get("web", 0.0)
        reported = [call.simulator_cpu_s for call in self.calls if call.simulator_cpu_s is not None]
        self_reported = round(sum(reported) / len(reported), 2) if reported else None
        waits = [call.placed_s for call in self.calls if call.placed_s is not None]
        return {
            "concurrency": self.concurrency, "calls": len(self.calls), "turns": len(phone),
            "v2v_phone_ms": p50_p95(phone),
            # the lead's hello → the first agent audio after it, at the phone: the greeting, or (where the greeting
            # came first, on silence, and the hello cut it) the answer to the hello
            "greeting_phone_ms": {**p50_p95(greetings), "max": max(greetings, default=None)},
            "v2v_server_ms": p50_p95(
                [ms for call in self.calls for ms in call.server_v2v_ms]),
            "split_p50_ms": split, "transport_method": method,
            "barge_in_stop_ms": p50_p95(barge),
            "system_cpu_s_per_call": {"media_worker": round(self.cpu_s.get("media", 0.0) / count, 2),
                                      "web": round(self.cpu_s.get("web", 0.0) / count, 2),
                                      "total": round(system / count, 2)},
            "celery_cpu_s_per_call": round(self.cpu_s.get("celery", 0.0) / count, 2),
            "simulator_cpu_s_per_call": {"process": round(self.cpu_s.get("phones", 0.0) / count, 2),
                                         "self_reported": self_reported},
            "dial_wait_s": {"p50": _rounded(percentile(waits, 0.5)), "max": _rounded(max(waits, default=None))},
            "most_in_progress": most_at_once([call.in_progress_s for call in self.calls if call.in_progress_s]),
            "outcomes": [call.outcome for call in self.calls], "met": sum(call.met for call in self.calls),
            "seconds": round(self.seconds, 1), "load_before": self.load_before, "load_after": self.load_after,
        }


def most_at_once(spans: list[tuple[float, float]]) -> int:
    """The most spans (start, end) open at one moment."""
    edges = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])  # an end before a start
    most = open_now = 0
    for _, step in edges:
        open_now += step
        most = max(most, open_now)
    return most


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def max_concurrency_under(levels: list[dict], target_ms: int = TARGET_P95_MS) -> int | None:
    """The highest level whose phone p95 is under the target (None: not even one call)."""
    held = [level["concurrency"] for level in levels
            if level["v2v_phone_ms"]["p95"] is not None and level["v2v_phone_ms"]["p95"] < target_ms]
    return max(held) if held else None


def comparison(sides: dict[str, list[CallFigures]], cpu: dict[str, float]) -> dict:
    """Ours ("ours", first) against each stock bot side: all turns, and the replies alone (the greeting set aside:
    ours greets at the end of the hello, pipecat's aggregator once the hello is transcribed), with ratios
    ours/side and, round by round and turn by turn, the median of the per-turn ratios. `cpu`: each side's
    serving processes' CPU seconds over its own calls (ours: media worker + daphne; stock: the bot + daphne)."""
    def block(calls: list[CallFigures]) -> dict:
        return {"all_turns": p50_p95([ms for call in calls for ms in call.phone_v2v_ms]),
                "replies": p50_p95([ms for call in calls for ms in call.phone_v2v_ms[1:]]),
                "turns_per_call": [len(call.phone_v2v_ms) for call in calls],
                "outcomes": [call.outcome for call in calls],
                "system_cpu_s_per_call": round(cpu.get(name, 0.0) / max(len(calls), 1), 2)}

    result = {"sides": {}, "ratios": {}}
    for name, calls in sides.items():
        result["sides"][name] = block(calls)
    ours = sides["ours"]
    for name, calls in sides.items():
        if name == "ours":
            continue
        mine, theirs = result["sides"]["ours"], result["sides"][name]
        ratios = {f"{part}_{q}": round(mine[part][q] / theirs[part][q], 2) if mine[part][q] and theirs[part][q]
                  else None for part in ("all_turns", "replies") for q in ("p50", "p95")}
        pairs = [a / b for o, s in zip(ours, calls, strict=False)
                 for a, b in zip(o.phone_v2v_ms, s.phone_v2v_ms, strict=False) if b]
        ratios["paired_turns_p50"] = round(percentile(pairs, 0.5), 2) if pairs else None
        ratios["paired_turns"] = len(pairs)
        result["ratios"][name] = ratios
    return result


def as_dict(call: CallFigures) -> dict:
    return asdict(call)
