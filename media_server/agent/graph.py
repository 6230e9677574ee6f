"""The agent's LangGraph: each lead turn is routed to one specialist, which replies and may hand over.

    START ─┬─ greet                                   (no lead turn yet: the opening)
           └─ take_turn ── route ─┬─ conversation     (identity, "are you a robot?", permission)
                                  ├─ qualification    (LPMAMA questions, score)
                                  ├─ objection        (catalogue; returns to where it was)
                                  ├─ scheduling       (two free slots, read back, book)
                                  ├─ transfer         (a person now: asked for, or offered to a hot lead)
                                  ├─ opt_out          (do-not-call at once, goodbye)
                                  └─ closing          (goodbye, wrong number)

A specialist hands the turn to another with a Command (recorded as a hand-over, stored as an
AgentTransition). What the conversation does in the world (free slots, booking, callbacks, the
do-not-call list) it asks of the CallDomain it is built with (media_server.agent.domain); the graph
runs on the database thread, so a domain may block on its database without holding up the call's
event loop. The state is checkpointed per call (thread `call-<id>`), so a restarted worker resumes
with what the lead already said.
"""
from __future__ import annotations

import datetime as dt
import operator
import re
from typing import Annotated, TypedDict
from zoneinfo import ZoneInfo

from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, Overwrite

from apps.campaigns.scoring import score_lead
from media_server.agent.domain import CallDomain
from media_server.agent.facts import MOTIVATIONS, OTHER_NUMBER
from media_server.agent.replies import LANGUAGE_NAMES, Persona, Replies
from media_server.agent.when import EVERY_DAY_SPAN, MONTH_NAMED, names_a_day, part_of_day

SPECIALISTS = ("conversation", "qualification", "objection", "scheduling", "transfer", "opt_out", "closing",
               "voicemail")
TRANSFER_POLICIES = ("on_request", "hot_or_request")  # apps.campaigns.models.TransferPolicy, less "never"
QUESTION_ORDER = ("intent", "location", "timeline", "budget", "preapproved", "motivation", "has_agent")
MAX_ASKS = 2  # a question the lead does not answer is asked again once, then left
MAX_MISSES = 2  # turns in a row we could not make out before a qualification question is left
FAR_TIMELINE_MONTHS = 12  # a lead "just looking" and this far away or more is let go at once


class CallState(TypedDict, total=False):
    # who and when (set by the orchestrator)
    call_id: int
    campaign_id: int
    lead_id: int
    phone: str
    lead_tz: str
    persona: dict
    consent: dict  # source, at (ISO)
    lead_email: str
    scoring: dict  # weights, hot, warm
    now: str  # ISO, UTC: the moment of this turn
    answered_by: str  # answering-machine detection: human, machine_start, machine_end_beep, ...
    wrap_up: bool  # a turn from now the call would pass its cost cap: end it politely
    voicemail_message: str  # the campaign's own; blank = the template
    transfer_policy: str  # never, on_request, hot_or_request (the campaign's); absent: never
    direction: str  # outbound (we called), inbound (the lead called us)
    booked_before: dict | None  # a caller's meeting already booked: {id, starts_at, agent_name[, cancelled]}
    # this turn
    turn_number: int
    turn: dict | None  # text, dtmf, usable, event; interrupted and heard: the lead cut our reply and heard this of it
    understanding: dict  # intent, objection, facts, when
    replies: Annotated[list[str], operator.add]
    handovers: Annotated[list[list[str]], operator.add]
    hangup: str
    free_reply: bool  # the reply may be reworded by an LLM (not a legal or booking sentence)
    disclosure: str  # the sentence that says we are an AI (and records the call), until the lead has heard it
    disclosed_now: bool  # this reply starts with that sentence again: the greeting was cut before it was heard
    # the conversation so far
    agent: str
    expecting: str
    question: str
    asked: dict[str, int]
    facts: dict[str, dict]
    new_facts: dict[str, dict]
    score: dict
    objections: dict[str, int]
    soft_exit: bool
    offered: list[dict]
    chosen: dict | None
    appointment: dict | None
    callback_at: str | None
    disposition: str
    asks: str  # "valuation" or "together": what the meeting we offer answers (Understanding.asks)
    which_asked: int  # times we asked "which one, A or B?" after a yes without a choice
    ruled_out: list[str]  # days (ISO, lead-local) the lead said they cannot do: never offered
    time_offered: dict  # a time to meet the lead named before we offered one: proposed first when we offer
    spoken: Annotated[list[str], operator.add]  # every sentence said before this turn: never said again word for word
    tries: int  # turns without progress on the current question
    callback_before: str  # a call back we promised a lead who now calls us (ISO)
    callback_window: dict  # a vague call-back time the lead gave ("next week"), sharpened by the next answer
    misses: int  # turns in a row we could not make out (a bad line, a strong accent)
    transfer_tried: bool  # a live transfer was offered or made: not again on this call
    transfer_reason: str  # "hot" while a transfer offered to a hot lead awaits their yes
    transfer_now: dict | None  # this turn: put the lead through ({reason, human}); the pipeline holds them
    transfer_human: str  # who the last transfer rang first


def _now(state: CallState) -> dt.datetime:
    return dt.datetime.fromisoformat(state["now"]).astimezone(ZoneInfo(state.get("lead_tz") or "America/New_York"))


def _replies(state: CallState) -> Replies:
    return Replies(Persona(**state["persona"]), seed=state.get("call_id", 0) * 1009 + state.get("turn_number", 0),
                   said=frozenset(state.get("spoken") or ()))


def facts_say_final(state: CallState) -> bool:
    """"We already bought a place" from a buyer, "we already sold it" from a seller: nothing to ask them back
    about. (A seller who already bought their next home is motivated, not done.) Before they said which, what they did
    is what they wanted."""
    done = _u(state).get("already_done")
    if not done:
        return False
    intent = ((state.get("facts") or {}).get("intent") or {}).get("value")
    if not intent:
        return True  # "we already sold it, so no", asked what they want: what they did is what they wanted
    return (done == "sold") == (intent in ("sell", "both"))


def _u(state: CallState) -> dict:
    return state.get("understanding") or {}


def _pick(u: dict) -> int | None:
    """The offered time the line picks ("the first one" is 1), or None."""
    return next((f["value"] for f in u.get("facts", []) if f["name"] == "slot_choice"), None)


def _handover(state: CallState, to: str, reason: str) -> dict:
    return {"handovers": [[state.get("agent") or "", to, reason]], "agent": to}


def _yes_or_no_answers(u: dict, expecting: str) -> bool:
    """A no answers any question ("a price in mind?" "no"); a yes answers only one that a yes can ("buy, sell or
    both?" "yeah, i filled that out" is asked again)."""
    return u.get("intent") == "deny" or (u.get("intent") == "affirm" and expecting not in ("intent", "location"))


def _ask(state: CallState, replies: Replies, expecting: str, key: str, *, prefix: str = "") -> dict:
    question = replies.say(key)
    if prefix:
        question = prefix + question[:1].lower() + question[1:]
    asked = {**(state.get("asked") or {}), expecting: (state.get("asked") or {}).get(expecting, 0) + 1}
    return {"replies": [question], "expecting": expecting, "question": question, "asked": asked}


def _may_transfer(state: CallState) -> bool:
    """The campaign puts leads through to a person, and this call has not had its transfer (or offer) yet."""
    return state.get("transfer_policy") in TRANSFER_POLICIES and not state.get("transfer_tried")


def _transfer_never_began(state: CallState) -> bool:
    """A put-through was decided, but the lead talked over its "connecting you" and the pipeline never held them (a
    hold ends in the AI leaving, or in a "transfer_returned" turn, never in an ordinary lead turn): it is made now.
    Without this the decision stood on record, the call was never put through, and every later request for a person
    was answered as a question (a CI rehearsal: "I'd rather speak with a real person" twelve times)."""
    return state.get("disposition") == "transferred" and state.get("transfer_policy") in TRANSFER_POLICIES \
        and (state.get("turn") or {}).get("event") != "transfer_returned"


_RECAP_INTENT = {"buy": "buying", "sell": "selling", "both": "buying and selling", "rent": "renting"}


def _recap(facts: dict) -> str:
    """What we know from earlier calls, said back in a few words: "buying in Austin, around $400,000"."""
    def value(name):
        return (facts.get(name) or {}).get("value")

    doing = _RECAP_INTENT.get(value("intent") or "", "")
    place = value("location")
    budget = value("budget")
    parts = [" ".join(p for p in (doing, f"in {place}" if place else "") if p)]
    if isinstance(budget, int | float) and budget > 0:
        parts.append(f"around ${int(budget):,}")
    return ", ".join(p for p in parts if p)


def _vague(when: dict) -> bool:
    """A whole day or more with no time of day ("tomorrow", "next week"): worth one question."""
    span = dt.datetime.fromisoformat(when["end"]) - dt.datetime.fromisoformat(when["start"])
    return not when.get("exact") and not when.get("day_start") and not when.get("day_end") \
        and span >= dt.timedelta(hours=20)


_DAY_OF_MONTH = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\b")


def _into_window(when: dict, window: dict) -> dict:
    """A day named after a window was given, moved a week at a time into it ("next week" … "wednesday")."""
    start, end = dt.datetime.fromisoformat(when["start"]), dt.datetime.fromisoformat(when["end"])
    opens, closes = dt.datetime.fromisoformat(window["start"]), dt.datetime.fromisoformat(window["end"])
    if MONTH_NAMED.search(when.get("words") or ""):
        return when  # "after the holidays" … "monday the thirteenth of april": the date said, whatever the window
    if _DAY_OF_MONTH.search(when.get("words") or ""):  # "april" … "after the 15th": the 15th of April, a month on
        from dateutil.relativedelta import relativedelta

        months = next((n for n in range(1, 4) if start + relativedelta(months=n) >= opens), 0)
        if months and start + relativedelta(months=months) <= closes:
            return {**when, "start": (start + relativedelta(months=months)).isoformat(),
                    "end": (end + relativedelta(months=months)).isoformat()}
    weeks = 0
    while start + dt.timedelta(weeks=weeks) < opens and weeks < 6:
        weeks += 1
    if weeks and start + dt.timedelta(weeks=weeks) <= closes:
        return {**when, "start": (start + dt.timedelta(weeks=weeks)).isoformat(),
                "end": (end + dt.timedelta(weeks=weeks)).isoformat()}
    return when


def _corrected(chosen: dict, when: dict) -> dict:
    """A correction at the read-back keeps what it does not change: "make that two" is two on the day read back,
    "make it friday instead" is friday at the time read back."""
    start, end = dt.datetime.fromisoformat(when["start"]), dt.datetime.fromisoformat(when["end"])
    read_back = dt.datetime.fromisoformat(chosen["starts_at"]).astimezone(start.tzinfo)
    day_named = names_a_day(when.get("words") or "")
    if not day_named and start.date() == end.date():  # "make that two", "the morning": on the day read back
        shift = read_back.date() - start.date()
        return {**when, "start": (start + shift).isoformat(), "end": (end + shift).isoformat()}
    whole_day = start.time() <= dt.time(0, 1) and end.time() >= dt.time(23, 58)  # not "monday afternoon"
    if day_named and start.date() == end.date() and whole_day and not when.get("exact") \
            and not (when.get("day_start") or when.get("day_end")):
        moved = dt.datetime.combine(start.date(), read_back.timetz())
        return {**when, "start": moved.isoformat(), "end": moved.isoformat(), "exact": True}
    return when


def _offered_within(offered: list[dict], when: dict) -> dict | None:
    """The one offered slot inside the time the lead named (None when none or both are)."""
    start, end = dt.datetime.fromisoformat(when["start"]), dt.datetime.fromisoformat(when["end"])
    earliest = dt.time.fromisoformat(when["day_start"]) if when.get("day_start") else dt.time.min
    latest = dt.time.fromisoformat(when["day_end"]) if when.get("day_end") else dt.time.max

    def inside(slot: dict) -> bool:
        at = dt.datetime.fromisoformat(slot["starts_at"]).astimezone(start.tzinfo)  # the lead's clock
        if when.get("exact") or start == end:  # the time named: a meeting then is inside
            return start <= at <= end and earliest <= at.time() <= latest
        # a window's end is not in it: a meeting at noon is not "in the morning" or "before 12"
        return start <= at < end and earliest <= at.time() < latest

    named = [slot for slot in offered if inside(slot)]
    return named[0] if len(named) == 1 else None


def _on_the_offered_day(offered: list[dict], when: dict) -> dict | None:
    """The time named, moved to the day of the one offered slot at that hour (None when none or both are)."""
    start = dt.datetime.fromisoformat(when["start"])
    at = [dt.datetime.fromisoformat(slot["starts_at"]).astimezone(start.tzinfo) for slot in offered]
    same = [moment for moment in at if moment.time() == start.timetz().replace(tzinfo=None)]
    if len(same) != 1:
        return None
    return {**when, "start": same[0].isoformat(), "end": same[0].isoformat()}


def _in_the_offered_part(offered: list[dict], when: dict) -> dict | None:
    """The one offered slot in the part of the day named with no day ("the afternoon one", said when this
    afternoon has begun and the words alone would mean tomorrow's), whichever day it is on; None when none or both
    are."""
    hours = None if when.get("exact") else part_of_day(when.get("words") or "")
    if hours is None:
        return None
    zone = dt.datetime.fromisoformat(when["start"]).tzinfo
    inside = [slot for slot in offered
              if hours[0] <= dt.datetime.fromisoformat(slot["starts_at"]).astimezone(zone).hour < hours[1]]
    return inside[0] if len(inside) == 1 else None


def _browsing_for_years(facts: dict, objections: dict) -> bool:
    """A lead who said they are just looking and is a year or more away: let go, asked only about an agent."""
    timeline = (facts.get("timeline") or {}).get("value")
    return bool(objections.get("just_looking")) and isinstance(timeline, int) and timeline >= FAR_TIMELINE_MONTHS


def _agent_question_left(facts: dict, asked: dict) -> bool:
    """Is whether an agent helps them still to be asked (the one question a lead browsing for years is asked)?"""
    return "has_agent" not in facts and asked.get("has_agent", 0) < 1


def _not_on(offered: list[dict], state: CallState) -> list[dict]:
    """The offered slots on none of the days the lead ruled out (days in the lead's zone)."""
    ruled_out, zone = set(state.get("ruled_out") or ()), _now(state).tzinfo
    return [slot for slot in offered
            if dt.datetime.fromisoformat(slot["starts_at"]).astimezone(zone).date().isoformat() not in ruled_out]


def _heard_all(said: str, heard: str | None) -> bool:
    """Every word of `said` reached the lead, in order, at the start of what they heard of that reply."""
    words = re.findall(r"[\w']+", said.lower())
    return bool(heard) and re.findall(r"[\w']+", heard.lower())[:len(words)] == words


def _end(replies_said: list[str], disposition: str, reason: str) -> dict:
    return {"replies": replies_said, "hangup": reason, "disposition": disposition, "expecting": "",
            "free_reply": False}


class AgentGraph:
    """Builds and holds the compiled graph; `actions` does what the conversation decides."""

    def __init__(self, actions: CallDomain, checkpointer=None):
        self.actions = actions
        builder = StateGraph(CallState)
        builder.add_node("greet", self.greet)
        builder.add_node("take_turn", self.take_turn)
        builder.add_node("conversation", self.conversation, destinations=("qualification", "objection"))
        builder.add_node("qualification", self.qualification, destinations=("scheduling", "transfer", "closing"))
        builder.add_node("objection", self.objection, destinations=("qualification", "scheduling"))
        builder.add_node("scheduling", self.scheduling, destinations=("closing",))
        builder.add_node("transfer", self.transfer, destinations=("scheduling",))
        builder.add_node("opt_out", self.opt_out)
        builder.add_node("closing", self.closing)
        builder.add_node("voicemail", self.voicemail)
        builder.add_conditional_edges(START, self.entry, ["greet", "take_turn", "voicemail"])
        builder.add_edge("greet", END)
        builder.add_conditional_edges("take_turn", self.route, list(SPECIALISTS))
        for name in SPECIALISTS:
            builder.add_edge(name, END)
        self.graph = builder.compile(checkpointer=checkpointer)

    # --- entry -------------------------------------------------------------------------

    @staticmethod
    def entry(state: CallState) -> str:
        if state.get("turn"):
            return "take_turn"
        # A machine that has beeped gets the message now; one still talking gets nothing until its beep.
        return "voicemail" if state.get("answered_by") == "machine_end_beep" else "greet"

    def greet(self, state: CallState) -> dict:
        replies = _replies(state)
        if (state.get("answered_by") or "").startswith("machine"):
            return {"replies": [], "agent": "voicemail", "expecting": "", "free_reply": False}
        if state.get("turn_number"):  # the same call again, on a restarted worker: pick up where it was
            return {"replies": ["Sorry about that, we got cut off.", state.get("question") or replies.say("repeat")],
                    "free_reply": False}
        if state.get("direction") == "inbound":
            return self._greet_caller(state, replies)
        text = replies.say("greeting")
        disclosure, question = text.rsplit(". ", 1)
        return {"replies": [text], "agent": "conversation", "expecting": "permission", "question": question,
                "disclosure": disclosure + ".", "free_reply": False,
                "handovers": [["", "conversation", "call answered"]]}

    def _greet_caller(self, state: CallState, replies: Replies) -> dict:
        """A lead who calls us: thanked for calling back (by name when we know them), the AI disclosed, their
        booked meeting named, and asked what they need."""
        known = bool((state.get("persona") or {}).get("lead_name"))
        said = [replies.say("greeting_inbound" if known else "greeting_inbound_new")]
        if recap := _recap(state.get("facts") or {}):
            said.append(replies.say("inbound_recap", recap=recap))  # they need not tell us again
        if booked := state.get("booked_before"):
            said.append(self._slot_said(state, replies, "inbound_booked", booked))
        elif promised := state.get("callback_before"):
            spoken = self.actions.speak_time(state, dt.datetime.fromisoformat(promised))
            said.append(replies.say("inbound_callback", slot=spoken))
        question = replies.say("inbound_help")
        return {"replies": [*said, question], "agent": "conversation", "expecting": "", "question": question,
                "disclosure": said[0], "free_reply": False, "handovers": [["", "conversation", "the lead called us"]]}

    def take_turn(self, state: CallState) -> dict:
        """Keep what the lead just said: new facts, the score they give."""
        understood = _u(state)
        facts = dict(state.get("facts") or {})
        new = {}
        for fact in understood.get("facts", []):
            name = fact["name"]
            if name == "slot_choice":
                continue
            answered = name == state.get("expecting")
            if facts.get(name, {}).get("answered") and not answered and not understood.get("corrects"):
                continue  # what they answered to our question stands against a passing mention ("bought in Tucson")
            if name == "location" and not answered and fact.get("toward") \
                    and facts.get("intent", {}).get("value") == "sell" and "location" in facts:
                continue  # a seller "moving to omaha for work": where they go, not the home they sell
            if name == "motivation" and not answered and fact["value"] not in MOTIVATIONS \
                    and facts.get(name, {}).get("value") in MOTIVATIONS:
                continue  # "upsizing", then "the condo has a special assessment vote in july": the reason stands
            if facts.get(name, {}).get("value") != fact["value"]:
                new[name] = fact
            facts[name] = {**fact, "answered": answered}
        scoring = state.get("scoring") or {}
        score = score_lead(facts, scoring.get("weights"), hot=scoring.get("hot", 70), warm=scoring.get("warm", 40))
        misses = (state.get("misses") or 0) + 1 if understood.get("intent") == "repeat" else 0
        ruled_out = sorted({*(state.get("ruled_out") or ()), *(understood.get("ruled_out") or ())})
        kept = {"time_offered": understood["time_offered"]} if understood.get("time_offered") else {}
        disclosure = self._disclosure(state, understood)
        if number := (new.get(OTHER_NUMBER) or {}).get("value"):  # "call me on my cell, it's ...": noted for staff
            disclosure = [*disclosure, _replies(state).say("number_noted", last4=str(number)[-4:])]
        return {"facts": facts, "new_facts": new, "score": score.as_dict(), "free_reply": True, "misses": misses,
                "ruled_out": ruled_out, "spoken": list(state.get("replies") or []), "replies": Overwrite(disclosure),
                "disclosure": disclosure[0] if disclosure else "", "disclosed_now": bool(disclosure), **kept}

    @staticmethod
    def _disclosure(state: CallState, understood: dict) -> list[str]:
        """The AI disclosure said again, to open this reply, when the lead cannot have heard it: they cut the
        greeting before its end ("heard" is what they heard of it), or answered it with a bare "hello?". Asked
        "is this a robot?", the reply itself says so; a machine gets its message."""
        pending, turn = state.get("disclosure") or "", state.get("turn") or {}
        if not pending or understood.get("intent") == "is_robot" \
                or (state.get("answered_by") or "").startswith("machine"):
            return []
        cut = turn.get("interrupted") and not _heard_all(pending, turn.get("heard"))
        if not cut and not (understood.get("intent") == "greeting" and understood.get("bare_hello")):
            return []
        return [_replies(state).say("disclosure_again")]

    def route(self, state: CallState) -> str:
        u, expecting, agent = _u(state), state.get("expecting", ""), state.get("agent", "conversation")
        intent = u.get("intent", "unclear")
        if intent == "opt_out":
            return "opt_out"
        if intent == "voicemail" or (state.get("answered_by") or "").startswith("machine"):
            return "voicemail"
        if intent in ("wrong_number", "goodbye"):
            return "closing"
        if expecting == "another_time" and not u.get("when") and (
                intent == "deny" or u.get("objection") in ("not_interested", "busy")):
            return "closing"  # cancelled their meeting and wants no other: goodbye
        if state.get("wrap_up") and not (expecting == "confirm" and intent == "affirm"):
            return "closing"  # the call's cost cap: wrap up now (a booking being confirmed may finish)
        if (state.get("turn") or {}).get("event") == "transfer_returned" or expecting == "transfer_offer" \
                or (u.get("wants_person") and _may_transfer(state)) or _transfer_never_began(state):
            return "transfer"
        if intent == "objection" and u.get("objection") == "not_interested" and not u.get("hostile") \
                and u.get("already_done") \
                and not facts_say_final(state):
            return "qualification"  # a seller who already bought their next home: motivated, not uninterested
        if intent == "objection" and u.get("defers") and not u.get("hostile"):
            return "scheduling"  # "not yet, with rates like this, we'll call you when we're ready": let go, not argued
        if intent in ("other_language", "objection"):
            return "objection"
        if state.get("soft_exit") and (intent in ("deny", "unclear") or intent == "inform" and u.get("doesnt_know")) \
                and not state.get("new_facts"):
            return "objection"  # "not interested" twice: let them go
        if intent in ("is_robot", "who_is_this", "how_got_number", "repeat", "greeting") and agent != "scheduling":
            return "conversation"
        if expecting == "callback_time":
            return "objection"
        booked = state.get("booked_before") or {}
        if expecting in ("slot_choice", "confirm", "another_time") or intent == "schedule" or agent == "scheduling" \
                or (u.get("cancels") and booked and not booked.get("cancelled")):
            return "scheduling"
        if agent == "conversation":
            return "conversation"
        return "qualification"

    # --- specialists -------------------------------------------------------------------

    def conversation(self, state: CallState) -> dict | Command:
        u, replies = _u(state), _replies(state)
        intent = u.get("intent")
        if intent in ("is_robot", "who_is_this", "how_got_number"):
            # what we are, what the call is about ("what's this about?": the inquiry they made), where their
            # number came from; then our question again, or, when they answered it first ("we want to sell, and how
            # did you get this number?"), the next one
            answer = replies.say("is_robot") if intent == "is_robot" else self._source_sentence(state, replies) \
                if intent == "how_got_number" else replies.say("what_about" if u.get("asks_why") else "who_is_this")
            expecting = state.get("expecting", "")
            if u.get("firm"):  # "how'd you get my number? whatever, i'm not interested": answered, then let go
                return Command(goto="objection", update={"replies": [answer], "understanding": {
                    **u, "intent": "objection", "objection": "not_interested"}})
            if expecting in QUESTION_ORDER and expecting in (state.get("new_facts") or {}):
                return Command(goto="qualification", update={"replies": [answer], "free_reply": False,
                                                             "understanding": {**u, "intent": "inform"}})
            return {"replies": [answer, self._again(state, replies)], "free_reply": intent == "who_is_this"}
        question = self._again(state, replies)
        if intent == "repeat":
            expecting = state.get("expecting", "")
            if state.get("misses", 0) > MAX_MISSES and expecting in QUESTION_ORDER:
                # Asking the same thing a fourth time helps no one: leave it, as an unanswered question is left.
                asked = {**(state.get("asked") or {}), expecting: MAX_ASKS}
                return Command(goto="qualification",
                               update={"asked": asked, "misses": 0, "understanding": {**u, "intent": "unclear"}})
            return {"replies": [question or replies.say("repeat")]}  # the same question, in other words
        if intent == "greeting" and (state.get("expecting") != "permission" or u.get("bare_hello")):
            hello = [] if state.get("disclosed_now") else [replies.say("greeting_again")]  # it says who we are
            return {"replies": [*hello, question]}  # "hello?": they did not hear us
        number_given = OTHER_NUMBER in (state.get("new_facts") or {})
        if state.get("expecting") == "permission" and (intent == "deny" or number_given):
            # ("this is my work phone, call my cell instead": not on this line now; when, then, on the one noted)
            return Command(goto="objection", update={"understanding": {**u, "intent": "objection",
                                                                       "objection": "busy"}})
        # Qualification thanks the lead itself for anything they already told us: one "Thanks." at most.
        thanks = [] if state.get("new_facts") else [replies.say("acknowledge")]
        return Command(goto="qualification",
                       update={**_handover(state, "qualification", "the lead has a minute"), "replies": thanks})

    def qualification(self, state: CallState) -> dict | Command:
        u, replies = _u(state), _replies(state)
        facts, asked, expecting = state.get("facts") or {}, state.get("asked") or {}, state.get("expecting", "")
        said: list[str] = []
        update: dict = {}
        if u.get("asks"):  # a valuation, or a time when both can talk: the meeting we will offer answers it
            said.append(replies.say(f"offer_{u['asks']}"))
            update["asks"] = u["asks"]
            asked = {**asked, expecting: MAX_ASKS} if expecting in QUESTION_ORDER else asked  # not asked again
        elif u.get("intent") == "question":
            said.append(replies.say("answer_question"))
        answered = expecting in (state.get("new_facts") or {}) or expecting in facts
        if expecting in QUESTION_ORDER and not answered and asked.get(expecting, 0) < MAX_ASKS \
                and not u.get("doesnt_know") and not _yes_or_no_answers(u, expecting) and not u.get("asks"):
            key = self._question_key(expecting, facts)
            if u.get("intent") == "question":  # they asked back instead of answering: answered, then ours again
                again = _ask(state, replies, expecting, key)
                return {**again, "replies": said + again["replies"]}
            return _ask(state, replies, expecting, key, prefix="Sorry, ")
        if state.get("new_facts") and not said:
            said.append(replies.say("acknowledge"))
        # A lead years away is still asked the rest (budget, lender, agent are what the team nurtures them with);
        # only the meeting is not offered.
        following = self._next_question(facts, asked)
        if _browsing_for_years(facts, state.get("objections") or {}) and following is not None:
            # "just looking" earlier, and now a year or more away: thanked, not quizzed, but for whether an agent
            # already helps them (a lead someone represents is not one for the team to keep in touch with)
            following = "has_agent" if _agent_question_left(facts, asked) else None
        band = (state.get("score") or {}).get("band", "cold")
        asks = update.get("asks") or state.get("asks")
        if following is None:
            if band == "hot" and state.get("transfer_policy") == "hot_or_request" and _may_transfer(state):
                return Command(goto="transfer", update={**update, "asked": asked, "replies": said,
                                                        "transfer_reason": "hot"})
            if band in ("hot", "warm") or asks:  # a lead who asked for a valuation or a joint meeting is offered one
                # The offer opens the next part itself ("It'd be worth sitting down with…"): no "Thanks." first.
                return Command(goto="scheduling", update={**update, "asked": asked, "replies": said,
                                                          **_handover(state, "scheduling", asks or f"{band} lead")})
            return {**_end([*said, replies.say("goodbye_cold")], "cold", "the lead is not ready"), "free_reply": True}
        question = _ask({**state, "asked": asked}, replies, following, self._question_key(following, facts))
        return {**update, **question, "replies": said + question["replies"], "tries": 0}

    def objection(self, state: CallState) -> dict | Command:
        u, replies = _u(state), _replies(state)
        objection = u.get("objection") or ("other_language" if u.get("intent") == "other_language" else "")
        if state.get("soft_exit") and not objection:
            objection = "not_interested"
        if state.get("expecting") == "callback_time" and not objection:
            objection = "busy"
        counts = dict(state.get("objections") or {})
        if objection:
            # staff read these: "send text" is a different job from "send email"
            counted = "send_text" if objection == "send_email" and u.get("by_text") else objection
            counts[counted] = counts.get(counted, 0) + 1
        update: dict = {"objections": counts}
        if state.get("agent") != "objection":
            update.update(_handover(state, "objection", objection))
        resume = state.get("agent") if state.get("agent") not in ("objection", None) else "qualification"
        if objection == "other_language":
            self.actions.stop_calling(state, invalid=False)
            language = (u.get("language") or "").lower().split("-")[0]
            if language == "es":
                said = replies.say("other_language")
            elif name := LANGUAGE_NAMES.get(language):  # not promised in Spanish to someone who spoke Ukrainian
                said = replies.say("other_language_named", language=name)
            else:
                said = replies.say("other_language_unknown")
            return {**update, **_end([said], "language_callback", f"the lead speaks another language ({language})")}
        if u.get("hostile"):  # no arguing: an apology, no more calls from us, goodbye
            self.actions.stop_calling(state)
            return {**update, **_end([replies.say("hostile")], "not_interested", "the lead was hostile")}
        if objection == "not_interested" and (facts_say_final(state) or state.get("soft_exit") or u.get("firm")):
            self.actions.stop_calling(state)
            return {**update, **_end([replies.say("not_interested_final")], "not_interested",
                                     "the lead is not interested")}
        if objection == "has_agent":
            self.actions.stop_calling(state)
            return {**update, **_end([replies.say("has_agent")], "has_agent", "the lead has an agent")}
        if objection == "not_interested":
            # the second no, or a no after "just curious, not selling": let go, not asked about next year
            if counts["not_interested"] + counts.get("just_looking", 0) >= 2:
                self.actions.stop_calling(state)
                return {**update, **_end([replies.say("not_interested_final")], "not_interested",
                                         "the lead is not interested")}
            text = replies.say("not_interested_first")
            return {**update, "replies": [text], "soft_exit": True, "expecting": "timeline", "question": text,
                    "agent": resume if resume != "conversation" else "qualification"}
        if objection == "busy":
            when, window = u.get("when"), state.get("callback_window")
            asking_again = state.get("expecting") == "callback_time"
            if asking_again and not when and not u.get("objection") \
                    and any(f["name"] in QUESTION_ORDER for f in u.get("facts") or ()):
                # asked when to call back, they answered our questions instead ("buying, moving up for a job"):
                # they are talking now, so the qualifying goes on
                return Command(goto="qualification", update={
                    **update, "understanding": {**u, "intent": "inform"}, "agent": "qualification",
                    "handovers": [["objection", "qualification", "the lead talks now"]]})
            if when and window and asking_again and not window.get("ruled_out_only"):
                when = _into_window(when, window)  # "next week" then "wednesday evening": next week's Wednesday
            elif window and asking_again and not when:
                when = window  # no sharper time came back: the window they gave
            one_day = when is not None and dt.datetime.fromisoformat(when["end"]) \
                - dt.datetime.fromisoformat(when["start"]) < dt.timedelta(days=1)
            if when and _vague(when) and not one_day and when.get("around") and not window and not asking_again:
                # "call me back in a couple weeks": that day, two weeks on (a distance names a day, not a week to
                # choose in), and at this hour like "try me friday"
                day = dt.date.fromisoformat(when["around"])
                zone = dt.datetime.fromisoformat(when["start"]).tzinfo
                when = {**when, "start": dt.datetime.combine(day, dt.time(0, 0), zone).isoformat(),
                        "end": dt.datetime.combine(day, dt.time(23, 59), zone).isoformat()}
                one_day = True
            if when and _vague(when) and one_day and not window and not asking_again:
                # "can you try me friday": then, at the hour they answered today (they could talk at this hour)
                when = {**when, "day_start": _now(state).time().replace(second=0, microsecond=0).isoformat()}
            elif when and when.get("ruled_out_only") and not window and not asking_again:
                # "i'm sleepin, i work nights": when they cannot talk, not when they can: asked (within those hours)
                text = replies.say("busy_ask_when")
                return {**update, "replies": [text], "expecting": "callback_time", "question": text, "tries": 0,
                        "callback_window": when, "agent": "objection"}
            elif when and _vague(when) and not window and not asking_again:
                # "call me next week": which day and time, so we ring when they can talk (asked once)
                text = replies.say("callback_which_time", window=when.get("words") or "then")
                return {**update, "replies": [text], "expecting": "callback_time", "question": text, "tries": 0,
                        "callback_window": when, "agent": "objection"}
            if when:
                return {**update, **self._book_callback(state, replies, when)}
            tries = state.get("tries", 0) + 1 if state.get("expecting") == "callback_time" else 0
            if tries >= 1 or u.get("calls_us"):  # asked once when and no time came back, or they will ring us
                return {**update, **_end([replies.say("goodbye")], "busy", "no callback time given")}
            key = "callback_unclear" if tries else "busy_ask_when"
            text = replies.say(key)
            return {**update, "replies": [text], "expecting": "callback_time", "question": text, "tries": tries,
                    "agent": "objection"}
        if objection == "just_looking" and u.get("calls_us") and state.get("expecting") == "callback_time":
            # asked when to call back: "no idea, i'll reach out when things slow down": let be, called again later
            return {**update, **_end([replies.say("goodbye")], "busy", "the lead will get back to us")}
        said = {"just_looking": "just_looking", "send_email": "send_email", "price_worry": "price_worry",
                "market_worry": "market_worry"}.get(objection)
        if said == "send_email" and u.get("by_text"):
            line = replies.say("send_text")  # "just text me": promised by text, not by email
        elif said == "send_email":
            email = " at the address we have" if state.get("lead_email") else ""
            line = replies.say("send_email", email=email)
        else:
            line = replies.say(said) if said else replies.say("unclear")
        if _browsing_for_years(facts := state.get("facts") or {}, counts):
            # "just browsing, not for a couple of years": thanked and let go, not quizzed (an engaged lead years
            # away is still asked the rest), but for whether an agent already helps them
            if _agent_question_left(facts, state.get("asked") or {}):
                question = _ask(state, replies, "has_agent", self._question_key("has_agent", facts))
                return {**update, **question, "replies": [line, *question["replies"]], "agent": "qualification"}
            return {**update, **_end([line, replies.say("goodbye_cold")], "cold", "just looking, years away"),
                    "free_reply": True}
        worried_again = said in ("price_worry", "market_worry") and counts[objection] >= 2
        if resume == "scheduling" and (said in ("send_email", "just_looking") or worried_again):
            # Offered a meeting, they would rather look first or be sent homes, or hold off for the worry we already
            # answered ("naw, we're gonna hold off til rates come down"): offering it again would push (and the
            # answer to the worry is not said twice)
            band = (state.get("score") or {}).get("band", "cold")
            said_first = [] if worried_again else [line]
            return {**update, **_end([*said_first, replies.say("goodbye")], "qualified" if band in ("hot", "warm")
                                     else "ended_by_lead", f"{objection} instead of a meeting")}
        if said == "send_email" and u.get("busy_too"):
            # "can you just text me, i can't hear nothing at work": sent, and no questions now; when can they talk
            text = replies.say("busy_ask_when")
            return {**update, "replies": [line, text], "expecting": "callback_time", "question": text, "tries": 0,
                    "agent": "objection"}
        back = resume if resume in ("qualification", "scheduling") else "qualification"
        # "just looking" is their answer to the question it came at (no reason, no lender yet): the next is asked
        answer = {"doesnt_know": True} if objection == "just_looking" else {}
        return Command(goto=back, update={**update, "replies": [line],
                                          "understanding": {**u, "intent": "inform", **answer},
                                          "handovers": [["objection", back, f"{objection} answered"]],
                                          "agent": back})

    def scheduling(self, state: CallState) -> dict | Command:
        u, replies = _u(state), _replies(state)
        expecting, offered, intent = state.get("expecting", ""), state.get("offered") or [], u.get("intent")
        when = u.get("when")
        booked = state.get("booked_before") or {}
        if u.get("cancels") and booked and not booked.get("cancelled") and not when:
            self.actions.cancel_appointment(state, booked["id"])
            text = self._slot_said(state, replies, "cancelled", booked)
            return {"replies": [text], "booked_before": {**booked, "cancelled": True}, "expecting": "another_time",
                    "question": text, "agent": "scheduling", "disposition": "cancelled", "free_reply": False}
        if expecting == "confirm" and state.get("chosen"):
            pick = _pick(u)
            if pick in (1, 2) and pick <= len(offered) and not u.get("ruled_out") and intent != "deny":
                if offered[pick - 1] == state["chosen"]:  # "yes, the first one works": the time read back
                    return self._book(state, replies)
                return self._read_back(state, replies, offered[pick - 1])  # "no, the other one"
            when = _corrected(state["chosen"], when) if when else when
            if when and intent in ("affirm", "schedule") and not u.get("ruled_out") \
                    and _offered_within([state["chosen"]], when):
                return self._book(state, replies)  # "yes, friday works": the time read back
            # A "yes" we could not hear clearly is asked again; the same unclear "yes" after that is a yes.
            if intent == "affirm" or (intent == "repeat" and u.get("unsure") == "affirm"
                                      and state.get("misses", 0) >= 2):
                return self._book(state, replies)
            if intent in ("repeat", "unclear") and not when:
                # the read-back again: the same time and person, in the words of a read-back not said yet
                return self._read_back(state, replies, state["chosen"])
            if not when:
                return self._ask_time(state, replies, "ask_other_time")
        ruled_out = set(u.get("ruled_out") or ())
        if u.get("asks_where") and intent in ("question", "unclear", "repeat") and not when and (
                expecting == "slot_choice" and len(offered) == 2 or expecting == "confirm" and state.get("chosen")):
            # "wait, what's the address of the office?": answered, then the choice still open asked again
            human = (state.get("chosen") or offered[0])["agent_name"]
            again = self._read_back(state, replies, state["chosen"]) if expecting == "confirm" else {
                "replies": [self._offer_text(state, replies, offered)]}
            return {**again, "replies": [replies.say("where_we_meet", human=human), *again["replies"]]}
        # (calls_us is set only when no time was said)
        together = u.get("asks") == "together" and u.get("calls_us")
        if (u.get("defers") or together) and expecting in ("slot_choice", "confirm"):
            # "way too early, we ain't close, i'll holler at y'all after christmas", "i can't pick a time without my
            # husband, he'll have to call y'all back": no meeting pushed on them (the one who decides hears our number)
            band = (state.get("score") or {}).get("band", "cold")
            return _end([replies.say("together_call_us" if together else "goodbye")],
                        "qualified" if band in ("hot", "warm") else "ended_by_lead",
                        "the one who decides will call us" if together else "the lead will get back to us")
        if expecting == "slot_choice" and offered:
            choice = _pick(u)
            if choice is None and intent == "affirm" and len(offered) == 1:
                choice = 1
            if choice == 1 and len(offered) == 1:
                # one time offered ("I could do Friday at 4, does that work?") was a yes/no question: a yes books it
                return self._book({**state, "chosen": offered[0]}, replies)
            if choice in (1, 2) and choice <= len(offered):
                if intent in ("schedule", "affirm") and not ruled_out and not when:
                    # "the first one": a time we offered, picked plainly, is booked (the booking says it back);
                    # only a time of their own, or a pick with doubt in it, is read back for a yes
                    return self._book({**state, "chosen": offered[choice - 1]}, replies)
                return self._read_back(state, replies, offered[choice - 1])
            if intent == "deny" and not when and not ruled_out:
                if (state.get("score") or {}).get("band", "cold") == "cold":
                    # a cold lead offered a valuation who says no to both: let go, not pressed for another time
                    return {**_end([replies.say("goodbye_cold")], "cold", "the lead is not ready"), "free_reply": True}
                return self._ask_time(state, replies, "ask_other_time")
            if u.get("asks") == "together" and not when and state.get("asks") != "together":
                # "i can't set anything up, my husband makes those decisions": a time when both can talk
                asked = self._ask_time(state, replies, "ask_together_time")
                return {**asked, "replies": [replies.say("offer_together"), *asked["replies"]], "asks": "together"}
            if not when and not ruled_out and intent in ("affirm", "unclear", "inform") and len(offered) == 2:
                if (state.get("which_asked") or 0) >= 2:  # still no choice: the first one, read back for a yes
                    return self._read_back(state, replies, offered[0])
                return self._which_one(state, replies, offered)  # "yes" / "great thanks" to "A or B?"
        if ruled_out and not when and expecting in ("slot_choice", "another_time"):
            # "any day but thursday": days ruled out and nothing named, so the first time that fits is proposed
            # (offering the same two again, or two new ones, would leave them choosing again)
            start = _now(state)
            when = {"start": start.isoformat(), "end": (start + dt.timedelta(days=EVERY_DAY_SPAN)).isoformat(),
                    "exact": False, "words": ""}
        if when and expecting == "slot_choice" and not names_a_day(when.get("words") or "") and when.get("exact"):
            # "10 works", "the 2:30 one": an hour with no day picks the offered time at that hour, whichever day
            when = _on_the_offered_day(_not_on(offered, state), when) or when
        if when and expecting == "slot_choice" and (named := _offered_within(_not_on(offered, state), when)
                                                     or _in_the_offered_part(_not_on(offered, state), when)):
            if intent in ("schedule", "affirm") and not ruled_out:
                return self._book({**state, "chosen": named}, replies)  # "the friday one", "thursday works"
            return self._read_back(state, replies, named)
        if when:
            return self._propose(state, replies, when)
        kept = state.get("time_offered")
        if kept and expecting not in ("slot_choice", "confirm", "another_time") \
                and dt.datetime.fromisoformat(kept["end"]) > _now(state):
            # "no agent, and if dana could do friday morning i'm in", said before we offered: their time first
            return {**self._propose(state, replies, kept), "time_offered": None}
        return self._offer(state, replies, None)

    def transfer(self, state: CallState) -> dict | Command:
        """A person now: the lead asked for one, or is hot and someone is free (offered first, put through on a yes).
        Nobody free, or the offer turned down: a meeting is offered instead. After a hold nobody answered (the
        pipeline's "transfer_returned" turn), the AI is back with an apology and a meeting."""
        u, replies = _u(state), _replies(state)
        if (state.get("turn") or {}).get("event") == "transfer_returned":
            return self._instead(state, replies, replies.say("transfer_missed",
                                                             human=state.get("transfer_human") or "our agent"),
                                 "nobody took the transfer")
        offered = state.get("expecting") == "transfer_offer"
        if offered and not (u.get("wants_person") or u.get("intent") == "affirm"):
            return Command(goto="scheduling", update={
                "expecting": "", "transfer_reason": "", "transfer_tried": True,
                "understanding": {**u, "intent": "schedule" if u.get("when") else "unclear"},
                **_handover(state, "scheduling", "the lead would rather book a time")})
        reason = "hot" if state.get("transfer_reason") == "hot" and not u.get("wants_person") else "asked"
        human = self.actions.transfer_offer(state)
        if human is None:
            if reason == "hot":  # nobody free: the hot lead is offered a meeting, as without transfers
                return Command(goto="scheduling", update={"transfer_tried": True, "transfer_reason": "",
                                                          **_handover(state, "scheduling", "hot lead")})
            self.actions.nobody_free(state, reason)
            disclosure = [replies.say("is_robot")] if u.get("intent") == "is_robot" else []
            return self._instead(state, replies, " ".join([*disclosure, replies.say("transfer_nobody")]),
                                 "nobody free to take a transfer")
        if reason == "hot" and not offered:
            text = replies.say("transfer_offer", human=human)
            return {"replies": [text], "expecting": "transfer_offer", "question": text, "free_reply": False,
                    **_handover(state, "transfer", "hot lead, someone free")}
        text = replies.say("transfer_connecting", human=human)
        return {"replies": [text], "transfer_now": {"reason": reason, "human": human}, "transfer_human": human,
                "transfer_tried": True, "transfer_reason": "", "expecting": "", "question": "",
                "disposition": "transferred", "free_reply": False,
                **_handover(state, "transfer", "the lead asked for a person" if reason == "asked" else
                            "hot lead said yes to a person now")}

    def _instead(self, state: CallState, replies: Replies, sorry: str, why: str) -> dict:
        """No person after all: say so, and offer a meeting."""
        offer = self._offer(state, replies, None)
        update = {"transfer_tried": True, "transfer_reason": "", **_handover(state, "scheduling", why)}
        if not offer.get("hangup"):
            update["disposition"] = ""  # not "transferred": the call goes on with us
        return {**offer, **update, "replies": [sorry, *offer["replies"]]}

    def opt_out(self, state: CallState) -> dict:
        u, offered = _u(state), state.get("offered") or []
        pick = _pick(u)
        if u.get("by_text") and state.get("expecting") == "slot_choice" and pick in (1, 2) and pick <= len(offered):
            # "the second one, and just text me the address, don't call": the meeting they chose, and no more calls
            # (taken a moment ago by someone else: no other time is offered to a lead who asked not to be called)
            slot, replies = offered[pick - 1], _replies(state)
            appointment = self.actions.book(state, slot)
            if appointment is not None:
                self.actions.opt_out(state)
                said = [replies.say("no_more_calls"), self._slot_said(state, replies, "booked", slot)]
                return {**_end(said, "appointment", "appointment booked, no more calls"), "appointment": appointment,
                        "chosen": None, **_handover(state, "opt_out", "the lead booked and asked not to be called")}
        self.actions.opt_out(state)
        update = _end([_replies(state).say("opt_out")], "opted_out", "the lead opted out")
        if booked := state.get("appointment"):  # "forget the meeting and take us off your list", over the goodbye
            self.actions.cancel_appointment(state, booked["id"])
            update["appointment"] = None
        return {**update, **_handover(state, "opt_out", "the lead asked not to be called")}

    def voicemail(self, state: CallState) -> dict:
        """An answering machine: after its beep, a short message (who, which company, the number), then hang up."""
        message = state.get("voicemail_message") or _replies(state).say("voicemail")
        return {**_end([message], "voicemail", "voicemail message left"),
                **_handover(state, "voicemail", "an answering machine picked up")}

    def closing(self, state: CallState) -> dict:
        replies = _replies(state)
        if _u(state).get("intent") == "wrong_number":
            self.actions.stop_calling(state, invalid=True)
            return _end([replies.say("wrong_number")], "wrong_number", "wrong number")
        if state.get("appointment"):
            return _end([replies.say("goodbye_after_booking")], "appointment", "the lead said goodbye")
        if state.get("wrap_up"):
            return self._wrap_up(state, replies)
        if state.get("expecting") == "callback_time" and (window := state.get("callback_window")):
            return self._book_callback(state, replies, window)  # "call me after easter" … "sounds good, bye"
        if state.get("expecting") == "callback_time":  # "i dunno, some other time, gotta go": busy, no time given
            return _end([replies.say("goodbye")], "busy", "no callback time given")
        band = (state.get("score") or {}).get("band", "cold")
        declined = state.get("soft_exit") or _u(state).get("objection") == "not_interested"  # "no thanks, bye"
        disposition = state.get("disposition") or ("not_interested" if declined else
                                                   "qualified" if band in ("hot", "warm") else "ended_by_lead")
        return _end([replies.say("goodbye")], disposition, "the lead said goodbye")

    def _book_callback(self, state: CallState, replies: Replies, when: dict, key: str = "callback_booked") -> dict:
        at = self.actions.callback_time(state, when)
        self.actions.schedule_callback(state, at)
        spoken = self.actions.speak_time(state, at)
        return {"callback_at": at.isoformat(), **_end([replies.say(key, when=spoken)], "callback", "callback booked")}

    def _wrap_up(self, state: CallState, replies: Replies) -> dict:
        """The call reached its cost cap: a callback tomorrow at this time picks the conversation up."""
        tomorrow = _now(state) + dt.timedelta(days=1)
        at = self.actions.callback_time(state, {"start": tomorrow.isoformat(), "end": tomorrow.isoformat()})
        self.actions.schedule_callback(state, at)
        said = replies.say("wrap_up", when=self.actions.speak_time(state, at))
        return {**_end([said], "callback", "the call reached its cost cap"), "callback_at": at.isoformat()}

    # --- helpers -----------------------------------------------------------------------

    @staticmethod
    def _question_key(name: str, facts: dict) -> str:
        seller = (facts.get("intent") or {}).get("value") == "sell"
        return f"ask_{name}_sell" if seller and name in ("location", "budget") else f"ask_{name}"

    @staticmethod
    def _next_question(facts: dict, asked: dict) -> str | None:
        intent = (facts.get("intent") or {}).get("value")
        for name in QUESTION_ORDER:
            if name in facts or asked.get(name, 0) >= 1:
                continue
            if name == "preapproved" and intent == "sell":
                continue
            return name
        return None

    def _again(self, state: CallState, replies: Replies) -> str:
        """The question still open, asked again in other words where there are some: no sentence twice in a call."""
        expecting, facts = state.get("expecting", ""), state.get("facts") or {}
        if expecting in QUESTION_ORDER:
            return replies.say(self._question_key(expecting, facts))
        if expecting == "permission":
            return replies.say("permission_again")
        if expecting == "callback_time":
            return replies.say("callback_unclear")  # ("sorry, you broke up": when to call, in other words)
        return state.get("question") or ""

    def _source_sentence(self, state: CallState, replies: Replies) -> str:
        consent = state.get("consent") or {}
        if not consent.get("source"):
            return replies.say("how_got_number_unknown")
        when = ""
        if consent.get("at"):
            at = dt.datetime.fromisoformat(consent["at"]).astimezone(_now(state).tzinfo)
            when = f" on {at:%B} {at.day}"
        return replies.say("how_got_number", source=consent["source"], when=when)

    def _offer(self, state: CallState, replies: Replies, when: dict | None) -> dict:
        slots = self.actions.free_slots(state, when)
        if not slots and when:
            slots = self.actions.free_slots(state, None)  # nothing then: the nearest free times instead
        if not slots:
            self.actions.stop_calling(state)
            return _end([replies.say("no_slots")], "needs_human", "no free slot")
        if when and when.get("exact") and slots[0]["starts_at"] == dt.datetime.fromisoformat(when["start"]) \
                .astimezone(dt.UTC).isoformat():
            return self._read_back(state, replies, slots[0])
        self.actions.hold_slots(state, slots)
        text = self._offer_text(state, replies, slots)
        return {"replies": [text], "offered": slots, "expecting": "slot_choice", "question": text,
                "agent": "scheduling", "free_reply": False}

    def _which_one(self, state: CallState, replies: Replies, offered: list[dict]) -> dict:
        """An acceptance without a choice: "which one, A or B?" (not the whole offer again)."""
        spoken = [self.actions.speak_time(state, dt.datetime.fromisoformat(s["starts_at"])) for s in offered]
        text = replies.say("which_one", first_slot=spoken[0], second_slot=spoken[1])
        return {"replies": [text], "question": text, "expecting": "slot_choice", "agent": "scheduling",
                "free_reply": False, "which_asked": (state.get("which_asked") or 0) + 1}

    def _propose(self, state: CallState, replies: Replies, when: dict) -> dict:
        """The lead named a time of their own: the first free slot inside it, read back to book on a yes; when
        nothing is free then, the nearest times on other days they have not ruled out."""
        slots = self.actions.free_slots(state, when)
        if not slots and state.get("asks") == "together":
            # "my husband handles that … he's home after six": no meeting is free when both are home, so we call
            # them both then, inside the lead's calling hours
            return self._book_callback(state, replies, when, "callback_together")
        if not slots:
            nearest = self._nearest(state, when)
            if nearest:  # "after six on Friday": Friday's last opening, or the first one after six
                self.actions.hold_slots(state, nearest)
                text = self._offer_text(state, replies, nearest)
                return {"replies": [replies.say("nothing_then"), text], "offered": nearest, "expecting": "slot_choice",
                        "question": text, "agent": "scheduling", "free_reply": False, "chosen": None}
            offer = self._offer(state, replies, None)
            return {**offer, "replies": [replies.say("nothing_then"), *offer["replies"]]} if not offer.get(
                "hangup") else offer
        slot = slots[0]
        self.actions.hold_slots(state, [slot])
        text = self._slot_said(state, replies, "propose", slot)
        return {"replies": [text], "chosen": slot, "offered": [slot], "expecting": "confirm", "question": text,
                "agent": "scheduling", "free_reply": False}

    def _nearest(self, state: CallState, when: dict) -> list[dict]:
        """The openings nearest the time asked for: the last one within a few hours before it, and the first one in
        the four days after it (the days they ruled out stay out)."""
        asked = dt.datetime.fromisoformat(when["start"])
        if when.get("day_start"):
            asked = asked.replace(hour=int(when["day_start"][:2]), minute=int(when["day_start"][3:5]))
        earlier: list[dict] = []
        for hours in (1, 3):  # free_slots gives the earliest openings in a window: a narrow one ends nearest
            earlier = earlier or self.actions.free_slots(state, {"start": (asked - dt.timedelta(hours=hours))
                                                                 .isoformat(), "end": asked.isoformat()})
        later = self.actions.free_slots(state, {"start": asked.isoformat(),
                                                "end": (asked + dt.timedelta(days=4)).isoformat()})
        return [*earlier[-1:], *later[:1]]

    def _slot_said(self, state: CallState, replies: Replies, key: str, slot: dict) -> str:
        """A line about one time with one of our people ("booked", "read_back", …), the time in the lead's words."""
        spoken = self.actions.speak_time(state, dt.datetime.fromisoformat(slot["starts_at"]))
        return replies.say(key, slot=spoken, human=slot["agent_name"])

    def _offer_text(self, state: CallState, replies: Replies, slots: list[dict]) -> str:
        spoken = [self.actions.speak_time(state, dt.datetime.fromisoformat(s["starts_at"])) for s in slots]
        if len(slots) == 1:
            return replies.say("offer_one_slot", first_slot=spoken[0], human=slots[0]["agent_name"])
        human = slots[0]["agent_name"] if slots[0]["agent_name"] == slots[1]["agent_name"] else "one of our agents"
        return replies.say("offer_slots", first_slot=spoken[0], second_slot=spoken[1], human=human)

    def _read_back(self, state: CallState, replies: Replies, slot: dict) -> dict:
        # the other time offered stays held too: "no, the other one" may still follow
        self.actions.hold_slots(state, [slot, *(other for other in state.get("offered") or () if other != slot)])
        text = self._slot_said(state, replies, "read_back", slot)
        return {"replies": [text], "chosen": slot, "expecting": "confirm", "question": text,
                "agent": "scheduling", "free_reply": False}

    def _ask_time(self, state: CallState, replies: Replies, key: str) -> dict:
        text = replies.say(key)
        # Two times offered stay on the table: "no… actually the first one" still means the first one. One time
        # proposed and turned down does not: a "yes" to "what time would suit you?" is no yes to it.
        offered = state.get("offered") or []
        return {"replies": [text], "expecting": "slot_choice", "chosen": None, "question": text,
                "offered": offered if len(offered) > 1 else []}

    def _book(self, state: CallState, replies: Replies) -> dict:
        slot = state["chosen"]
        appointment = self.actions.book(state, slot)
        if appointment is None:  # someone else took it a moment ago
            offer = self._offer(state, replies, None)
            return {**offer, "replies": [replies.say("slot_taken"), *offer["replies"]]}
        booked = state.get("booked_before") or {}
        if booked and not booked.get("cancelled"):  # a caller moving their meeting: the old time goes
            self.actions.cancel_appointment(state, booked["id"])
            said = [self._slot_said(state, replies, "moved", slot)]
            return {**_end(said, "appointment", "appointment moved"), "appointment": appointment, "chosen": None,
                    "booked_before": {**booked, "cancelled": True}}
        said = [self._slot_said(state, replies, "booked", slot)]
        if _u(state).get("asks_where"):  # "sure, what's the address?": answered before the goodbye
            said.insert(0, replies.say("where_we_meet", human=slot["agent_name"]))
        return {**_end(said, "appointment", "appointment booked"), "appointment": appointment, "chosen": None}

