"""How well the agent understands leads, measured on a corpus: single sentences and whole conversations.

A corpus folder holds `sentences.jsonl` (one lead line with the question just asked and the intent,
objection and facts it carries) and `conversations.jsonl` (a lead's lines for a whole call with the
outcome it must reach); a folder of such folders (`dev`, `fresh`, `holdout`: corpus/README.md says who
wrote each and which may be tuned on) is read part by part. Sentences go
through `Orchestrator.read`, the reading a live call uses; conversations through the Orchestrator and its
LangGraph, handed an in-memory CallDomain (`CorpusCallDomain`) whose calendar, calling windows and
callback rules are the database domain's own functions over a campaign that is never saved, so an
evaluation writes nothing and needs no database. `manage.py eval_agent` prints the figures.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from langgraph.checkpoint.memory import InMemorySaver

from apps.calls.conversation import DjangoCallDomain
from apps.calls.scheduling import AgentCalendar, Slot, slots_among
from apps.campaigns.models import Campaign
from apps.campaigns.scoring import default_score_weights
from apps.leads.models import Lead
from media_server.agent.facts import FACT_NAMES
from media_server.agent.interface import CallContext, Hangup, LeadTurn, Say
from media_server.agent.orchestrator import Orchestrator
from media_server.agent.places import NICKNAMES

DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus"
SENTENCE_NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("America/Chicago"))  # the corpus's "now"
TURN_SECONDS = 20  # the clock moves this much per lead turn in a conversation
# The team a corpus conversation books with: weekdays 9–18 and Saturday 10–14, the lead's own clock.
TEAM_HOURS = {**{day: [(dt.time(9), dt.time(18))] for day in range(5)}, 5: [(dt.time(10), dt.time(14))]}
# Expected outcomes that more than one disposition of the graph satisfies.
SAME_OUTCOME = {"cold": {"cold", "ended_by_lead"}, "qualified": {"qualified"}}
REPORTED_FACTS = (*FACT_NAMES, "budget_high")


# --- the corpus -----------------------------------------------------------------------------------------

@dataclass
class CorpusPart:
    name: str
    sentences: list[dict] = field(default_factory=list)
    conversations: list[dict] = field(default_factory=list)


def load_corpus(path: Path | str = DEFAULT_CORPUS) -> list[CorpusPart]:
    """The parts under `path`: itself when it holds the .jsonl files, else each sub-folder that does."""
    root = Path(path)
    folders = [root] if _has_corpus(root) else sorted(p for p in root.iterdir() if p.is_dir() and _has_corpus(p))
    if not folders:
        raise FileNotFoundError(f"no sentences.jsonl or conversations.jsonl under {root}")
    return [CorpusPart(folder.name, _jsonl(folder / "sentences.jsonl"), _jsonl(folder / "conversations.jsonl"))
            for folder in folders]


def _has_corpus(folder: Path) -> bool:
    return (folder / "sentences.jsonl").is_file() or (folder / "conversations.jsonl").is_file()


def _jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from None
    return rows


# --- one sentence -----------------------------------------------------------------------------------------

def reading(understood) -> dict:
    """An Understanding as staff read it: {"intent", "objection", "facts": {name: value}, "when"?}."""
    facts: dict = {}
    for fact in understood.facts:
        facts[fact.name] = fact.value
        if fact.high is not None:
            facts[f"{fact.name}_high"] = fact.high
    out = {"intent": understood.intent, "objection": understood.objection, "facts": facts}
    if understood.ruled_out:
        out["ruled_out"] = understood.ruled_out
    if understood.asks:
        out["asks"] = understood.asks
    for name in ("when", "time_offered"):  # a time to meet, or one named while we asked something else
        if (when := getattr(understood, name)) is not None:
            out[name] = {"start": when.start.isoformat(), "end": when.end.isoformat(), "exact": when.exact,
                         **({"day_start": when.day_start.isoformat()} if when.day_start else {}),
                         **({"day_end": when.day_end.isoformat()} if when.day_end else {})}
    return out


async def read_sentence(orchestrator: Orchestrator, text: str, *, expecting: str = "",
                        now: dt.datetime = SENTENCE_NOW, state: str = "") -> tuple[dict, str]:
    understood, mode = await orchestrator.read(LeadTurn(text=text), expecting=_expecting(expecting), now=now,
                                               state=state)
    return reading(understood), mode


def _expecting(asked: str) -> str:
    return "" if asked in ("", "none", None) else asked


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", str(text).lower()))


_SPELLED_OUT = {"saint": "st", "mount": "mt", "fort": "ft"}


def _place_words(text: str) -> set[str]:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()  # Española is Espanola
    said = " ".join(re.findall(r"[a-z0-9]+", text.lower()))
    text = NICKNAMES.get(said, text)  # "St Pete" is St. Petersburg, whichever a writer spelled out
    return {_SPELLED_OUT.get(word, word) for word in _words(text)}


def fact_matches(name: str, expected, got) -> bool:
    """Is `got` (what the agent stored) the fact `expected` (the corpus's value, or [lo, hi] for a vague one)?"""
    if got is None:
        return False
    if isinstance(expected, list) and len(expected) == 2 and all(isinstance(v, int | float) for v in expected):
        return isinstance(got, int | float) and not isinstance(got, bool) and expected[0] <= got <= expected[1]
    if name == "location":  # one place however spelled: "St. George" is "Saint George", "Mt Juliet" "Mount Juliet"
        want, have = _place_words(expected), _place_words(got)
        return bool(want) and bool(have) and (want <= have or have <= want)
    if name == "motivation":
        if expected == "other":
            return bool(str(got).strip())
        return str(got).lower() == str(expected).lower()
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, str):
        return str(got).lower() == expected.lower()
    return got == expected


@dataclass
class SentenceFigures:
    total: int = 0
    intent_right: int = 0
    by_intent: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # intent → [right, of]
    objection_right: int = 0
    objection_total: int = 0
    facts_stored: int = 0
    facts_right: int = 0
    facts_expected: int = 0
    facts_found: int = 0
    per_fact: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))  # name → [right, stored,
    #                                                                                     expected, found]
    llm_turns: int = 0
    failures: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "sentences": self.total, "intent_accuracy": _ratio(self.intent_right, self.total),
            "per_intent": {name: {"accuracy": _ratio(right, of), "of": of}
                           for name, (right, of) in sorted(self.by_intent.items())},
            "objection_accuracy": _ratio(self.objection_right, self.objection_total),
            "fact_precision": _ratio(self.facts_right, self.facts_stored),
            "fact_recall": _ratio(self.facts_found, self.facts_expected),
            "per_fact": {name: {"precision": _ratio(r, s), "recall": _ratio(f, e), "stored": s, "expected": e}
                         for name, (r, s, e, f) in sorted(self.per_fact.items())},
            "opt_out_recall": _ratio(*self.by_intent["opt_out"]) if "opt_out" in self.by_intent else None,
            "llm_turns": self.llm_turns, "failures": self.failures,
        }


# A line that says yes or no *and* gives a fact ("yeah we're pre-approved") both affirms and informs: the
# corpus may label it either way, and the agent acts the same on both (it keeps the fact).
_ANSWER_INTENTS = {"affirm", "deny", "inform"}


def _both_right(want: str, got: str, row: dict) -> bool:
    return {want, got} <= _ANSWER_INTENTS and "inform" in (want, got) and bool(row.get("facts"))


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def evaluate_sentences(sentences: list[dict], orchestrator: Orchestrator) -> SentenceFigures:
    figures = SentenceFigures()
    for row in sentences:
        got, mode = await read_sentence(orchestrator, row["text"], expecting=row.get("asked", ""))
        figures.total += 1
        figures.llm_turns += mode == "llm"
        want_intent = row.get("intent", "unclear")
        problems = []
        right = got["intent"] == want_intent or _both_right(want_intent, got["intent"], row)
        figures.intent_right += right
        figures.by_intent[want_intent][0] += right
        figures.by_intent[want_intent][1] += 1
        if not right:
            problems.append(f"intent {got['intent']!r}, expected {want_intent!r}")
        if want_intent == "objection":
            figures.objection_total += 1
            if got["objection"] == row.get("objection", ""):
                figures.objection_right += 1
            else:
                problems.append(f"objection {got['objection']!r}, expected {row.get('objection')!r}")
        expected = {k: v for k, v in (row.get("facts") or {}).items() if k in REPORTED_FACTS}
        stored = {k: v for k, v in got["facts"].items() if k in REPORTED_FACTS}
        for name, value in stored.items():
            ok = name in expected and fact_matches(name, expected[name], value)
            figures.facts_stored += 1
            figures.facts_right += ok
            figures.per_fact[name][0] += ok
            figures.per_fact[name][1] += 1
            if not ok:
                problems.append(f"stored {name}={value!r}" + (f", expected {expected[name]!r}" if name in expected
                                                              else ", not a fact of this line"))
        for name, value in expected.items():
            figures.facts_expected += 1
            figures.per_fact[name][2] += 1
            if fact_matches(name, value, stored.get(name)):
                figures.facts_found += 1
                figures.per_fact[name][3] += 1
            elif name not in stored:
                problems.append(f"missed {name}={value!r}")
        if problems:
            figures.failures.append({"id": row.get("id"), "asked": row.get("asked", ""), "text": row["text"],
                                     "problems": problems})
    return figures


# --- whole conversations ----------------------------------------------------------------------------------

class CorpusCallDomain(DjangoCallDomain):
    """The database domain's rules over a campaign, a lead and one human agent that are never saved: the
    calendar search, calling windows and callback times are DjangoCallDomain's own; what a call would write
    (do-not-call, callbacks, bookings, steps) is kept on the object for the evaluation to read."""

    def __init__(self, conversation: dict, call_id: int):
        self.zone = conversation.get("lead_zone") or "America/Chicago"
        self.call_id = call_id
        self.campaign = Campaign(pk=1, name="Evaluation", slug="evaluation", agent_name="Ava",
                                 company_name="Sunrise Realty", callback_number="512-555-0100",
                                 weekday_windows={"sun": None}, window_start=dt.time(9), window_end=dt.time(20),
                                 score_weights=default_score_weights(), appointment_minutes=30)
        self.lead = Lead(pk=call_id, campaign=self.campaign, name=conversation.get("lead_name", "Sam Lee"),
                         phone="", time_zone=self.zone)  # no phone: its area code would add a zone to the windows
        self.calendar = AgentCalendar(1, "Dana", ZoneInfo(self.zone), TEAM_HOURS, [], [])
        self.opted_out = False
        self.stopped: str = ""
        self.callback_at: dt.datetime | None = None
        self.booked: list[dict] = []
        self.steps: list[dict] = []

    async def run(self, work, *args, **kwargs):
        return work(*args, **kwargs)  # nothing here blocks: no database, no thread

    def opening_state(self, call_id: int) -> dict:
        campaign, lead = self.campaign, self.lead
        return {
            "call_id": call_id, "lead_id": lead.pk, "campaign_id": campaign.pk, "phone": f"+1512555{call_id:04d}",
            "lead_tz": self.zone,
            "persona": {"agent_name": campaign.agent_name, "company_name": campaign.company_name,
                        "callback_number": campaign.callback_number, "lead_name": lead.name},
            "consent": {"source": "a Zillow inquiry", "at": ""}, "lead_email": "lead@example.com",
            "scoring": {"weights": campaign.score_weights, "hot": campaign.hot_threshold,
                        "warm": campaign.warm_threshold},
            "answered_by": "human", "voicemail_message": "", "facts": {},
        }

    def answered_by(self, call_id: int) -> str:
        return "human"

    def call_now(self, call_id: int, now: dt.datetime) -> tuple[str, bool]:
        return "human", False

    def opt_out(self, state: dict) -> None:
        self.opted_out = True

    def stop_calling(self, state: dict, invalid: bool = False) -> None:
        self.stopped = "invalid" if invalid else "stopped"

    def schedule_callback(self, state: dict, at: dt.datetime) -> None:
        self.callback_at = at

    def book(self, state: dict, slot: dict) -> dict | None:
        starts = dt.datetime.fromisoformat(slot["starts_at"])
        ends = dt.datetime.fromisoformat(slot["ends_at"])
        if self.calendar.is_busy(starts, ends):
            return None
        self.booked.append({"starts_at": starts, "ends_at": ends})
        self.calendar.add_booking(starts, ends)
        return {"id": len(self.booked), "starts_at": slot["starts_at"], "agent_name": slot["agent_name"]}

    def cancel_appointment(self, state: dict, appointment_id: int) -> bool:
        if not 0 < appointment_id <= len(self.booked) or self.booked[appointment_id - 1].get("cancelled"):
            return False
        self.booked[appointment_id - 1]["cancelled"] = True  # its time stays taken: this call books no other
        return True

    def record_step(self, result: dict, **kept) -> None:
        self.steps.append({**kept, "agent": result.get("agent"), "expecting": result.get("expecting")})

    async def show_score(self, call_id: int, score: int | None, band: str, agent: str) -> None:
        return None

    def _lead(self, state: dict) -> Lead:
        return self.lead

    def _campaign(self, state: dict) -> Campaign:
        return self.campaign

    def hold_slots(self, state: dict, slots: list[dict]) -> None:
        return None  # one call over its own calendar: nobody else to hold them from

    def _find_slots(self, campaign: Campaign, holder: int | None = None, **search) -> list[Slot]:
        return slots_among(lambda lower, upper: [self.calendar],
                           dt.timedelta(minutes=campaign.appointment_minutes), **search)


@dataclass
class ConversationResult:
    id: str
    passed: bool
    problems: list[str]
    transcript: list[tuple[str, str]]
    outcome: str
    ended_at_turn: int | None

    def as_dict(self) -> dict:
        return {"id": self.id, "passed": self.passed, "outcome": self.outcome, "ended_at_turn": self.ended_at_turn,
                "problems": self.problems, "transcript": [f"{who}: {text}" for who, text in self.transcript]}


async def run_conversation(conversation: dict, *, call_id: int = 1, brain=None) -> ConversationResult:
    zone = ZoneInfo(conversation.get("lead_zone") or "America/Chicago")
    now = dt.datetime.fromisoformat(conversation.get("now") or SENTENCE_NOW.isoformat())
    clock = [now.replace(tzinfo=zone) if now.tzinfo is None else now]
    domain = CorpusCallDomain(conversation, call_id)
    agent = Orchestrator(domain=domain, clock=lambda: clock[0], checkpointer=InMemorySaver(), brain=brain)
    context = CallContext(call_id=call_id, lead_name=domain.lead.name, agent_name="Ava",
                          company_name="Sunrise Realty", callback_number="512-555-0100")
    transcript: list[tuple[str, str]] = []
    async for output in agent.greeting(context):
        if isinstance(output, Say):
            transcript.append(("agent", output.text))
    ended_at = None
    turns = conversation.get("turns") or []
    for number, line in enumerate(turns, 1):
        clock[0] += dt.timedelta(seconds=TURN_SECONDS)
        transcript.append(("lead", line))
        async for output in agent.respond(LeadTurn(text=line), context):
            if isinstance(output, Say) and not output.final:  # a goodbye said again is by design, not a repeat
                transcript.append(("agent", output.text))
            elif isinstance(output, Hangup) and not ended_at:
                ended_at = number
        # A line after the goodbye is said over it, as a lead does while it plays: the call hears that one (an
        # opt-out then still counts) before the hang-up that follows the goodbye; nothing after it.
        if ended_at and (number > ended_at or number == len(turns)):
            break
    await agent.settle()
    state = agent.state(call_id)
    outcome = state.get("disposition") or ("" if ended_at else "still talking")
    problems = _judge(conversation.get("expect") or {}, state, domain, outcome, ended_at, zone)
    problems += _repeats(transcript)
    return ConversationResult(str(conversation.get("id")), not problems, problems, transcript, outcome, ended_at)


def _judge(expect: dict, state: dict, domain: CorpusCallDomain, outcome: str, ended_at: int | None,
           zone: ZoneInfo) -> list[str]:
    problems = []
    want = expect.get("outcome")
    if want and outcome not in SAME_OUTCOME.get(want, {want}):
        problems.append(f"outcome {outcome!r}, expected {want!r}")
    booked = [booking for booking in domain.booked if not booking.get("cancelled")]
    if should_book(expect):
        if not booked:
            problems.append("nothing booked")
        elif why := _outside(booked[0]["starts_at"].astimezone(zone), expect["booked"]):
            problems.append(f"booked {booked[0]['starts_at'].astimezone(zone):%a %Y-%m-%d %H:%M}: {why}")
    elif want and want != "appointment" and booked:
        problems.append("booked an appointment nobody asked for")
    if "callback" in expect:
        if domain.callback_at is None:
            problems.append("no callback scheduled")
        elif why := _outside(domain.callback_at.astimezone(zone), expect["callback"]):
            problems.append(f"callback {domain.callback_at.astimezone(zone):%a %Y-%m-%d %H:%M}: {why}")
    if "dnc" in expect and bool(expect["dnc"]) != domain.opted_out:
        problems.append("not on the do-not-call list" if expect["dnc"] else "put on the do-not-call list")
    band = (state.get("score") or {}).get("band")
    if expect.get("band") and band != expect["band"]:
        problems.append(f"band {band!r}, expected {expect['band']!r}")
    facts = state.get("facts") or {}
    for name, value in (expect.get("facts") or {}).items():
        got = (facts.get(name) or {}).get("value")
        if name == "budget_high":
            got = (facts.get("budget") or {}).get("high")
        if not fact_matches(name, value, got):
            problems.append(f"fact {name}={got!r}, expected {value!r}")
    if expect.get("ends_by_turn") and (ended_at is None or ended_at > expect["ends_by_turn"]):
        problems.append(f"ended at turn {ended_at}, expected by turn {expect['ends_by_turn']}")
    return problems


def should_book(expect: dict) -> bool:
    """Must the call book? `booked` says so, a time or `{}` (an offered time), except beside another outcome: a
    writer who gave every conversation a `booked` wrote `{}` there for "nothing" (an opt-out is never booked)."""
    return "booked" in expect and (expect.get("outcome") in (None, "appointment") or bool(expect["booked"]))


def _outside(local: dt.datetime, want: dict) -> str:
    """Why the lead-local moment is not the time the lead asked for ("" when it is)."""
    if want.get("date") and local.date().isoformat() != want["date"]:
        return f"expected {want['date']}"
    if want.get("after") and local.time() < dt.time.fromisoformat(want["after"]):
        return f"expected after {want['after']}"
    before = dt.time.fromisoformat(want["before"]) if want.get("before") else None
    # a meeting that starts at the time they must be done by is not before it (one exact time asked is that time)
    if before and (local.time() > before or local.time() == before and want.get("after") != want["before"]):
        return f"expected before {want['before']}"
    if local.date().isoformat() in (want.get("not") or []):
        return "a day the lead ruled out"
    return ""


def _repeats(transcript: list[tuple[str, str]]) -> list[str]:
    said = Counter(text.strip() for who, text in transcript if who == "agent" and len(text.split()) > 2)
    return [f"said twice: {text!r}" for text, times in said.items() if times > 1]


async def evaluate_conversations(conversations: list[dict], *, brain=None) -> dict:
    """Pass rate, bookings at the lead's time, and every failed conversation with its transcript."""
    results = [await run_conversation(conversation, call_id=number, brain=brain)
               for number, conversation in enumerate(conversations, 1)]
    booking = [r for r, c in zip(results, conversations, strict=True) if should_book(c.get("expect") or {})]
    booked_right = [r for r in booking if not any(p.startswith(("booked ", "nothing booked")) for p in r.problems)]
    return {"conversations": len(results), "pass_rate": _ratio(sum(r.passed for r in results), len(results)),
            "should_book": len(booking), "booked_at_the_leads_time": len(booked_right),
            "failures": [r.as_dict() for r in results if not r.passed]}


# --- the whole evaluation ---------------------------------------------------------------------------------

def evaluate(parts: list[CorpusPart], *, brain=None) -> dict:
    """Figures per corpus part: {"dev": {"sentences": {...}, "conversations": {...}}, ...}."""
    async def run() -> dict:
        reader = Orchestrator(domain=CorpusCallDomain({}, 0), checkpointer=InMemorySaver(), brain=brain)
        out = {}
        for part in parts:
            started = time.perf_counter()
            sentences = await evaluate_sentences(part.sentences, reader)
            conversations = await evaluate_conversations(part.conversations, brain=brain)
            out[part.name] = {"sentences": sentences.as_dict(), "conversations": conversations,
                              "seconds": round(time.perf_counter() - started, 1)}
        return out
    return asyncio.run(run())
