"""What the agent knows about a lead: typed facts with the words they came from, and what a lead turn meant."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

# The facts qualification collects (LPMAMA plus timeline and buy/sell).
# The fact name for another number the lead asks to be reached on (E.164): a contact detail kept for staff, not in
# FACT_NAMES (nothing qualifies a lead by it, and it is never dialled without a person: consent is per number).
OTHER_NUMBER = "other_number"
# the motivations a reason is filed under; any other reason is kept in the lead's words
MOTIVATIONS = ("relocating", "growing family", "downsizing", "upsizing", "investment", "first home", "retiring",
               "divorce", "inherited")
FACT_NAMES = (
    "intent",       # "buy" | "sell" | "both" | "rent"
    "location",     # str: where they want to buy / what they sell ("Austin", "north side", "Elm Street")
    "budget",       # int US dollars (a range: the low end in value, the high end in `high`)
    "motivation",   # str: relocating, growing family, downsizing, investment, retiring, divorce, ...
    "has_agent",    # bool: already working with an agent
    "preapproved",  # "yes" | "no" | "in_progress" | "cash"
    "timeline",     # int months until they want to move (0 = now / asap)
    "bedrooms",     # int
)

# What a lead turn can mean, in order of precedence when several apply.
INTENTS = (
    "opt_out",          # stop calling me, take me off your list, do not call, DTMF 9
    "voicemail",        # an answering machine: "leave a message after the tone", "the mailbox is full"
    "wrong_number",     # wrong number, no such person here, you have the wrong person
    "other_language",   # speaks Spanish (or asks for it) or another language
    "is_robot",         # are you a robot / a real person / AI?
    "who_is_this",      # who is this? who are you? where are you calling from?
    "how_got_number",   # how did you get my number?
    "goodbye",          # bye, have to go (not an objection)
    "objection",        # see OBJECTIONS; `objection` holds which
    "schedule",         # wants to meet / talks about a time for a meeting
    "repeat",           # what? sorry? say that again
    "question",         # asks us something we can answer generally (price of homes, how it works)
    "affirm",           # yes, sure, sounds good, correct
    "deny",             # no, nope, not really
    "greeting",         # hello? hi, yes this is she
    "inform",           # gives information (facts were found)
    "unclear",          # nothing recognised
)

OBJECTIONS = (
    "not_interested",   # not interested
    "has_agent",        # already have an agent / working with a realtor
    "just_looking",     # just browsing, just looking, not ready
    "busy",             # busy / call me later / bad time (a `when` may say when)
    "send_email",       # send me an email / just email me the info
    "price_worry",      # prices too high, can't afford
    "market_worry",     # waiting for rates to drop / the market to crash
)


@dataclass
class Fact:
    name: str
    value: object  # str | int | bool per FACT_NAMES
    words: str = ""  # the lead's words it came from
    high: int | None = None  # the top of a range (budget)
    toward: bool | None = None  # a place said as where they go ("moving to omaha"), not where they are (location)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class When:
    """A time the lead named, resolved in the lead's zone: an exact moment, or a range to choose from."""

    start: dt.datetime  # aware, in the lead's zone
    end: dt.datetime
    exact: bool  # True: the lead named a moment ("tomorrow at 3"); start == end
    words: str = ""
    day_start: dt.time | None = None  # a daily limit within the range ("next week after 5" → 17:00)
    day_end: dt.time | None = None
    around: dt.date | None = None  # the day a distance names inside a wider range ("in two weeks": 14 days on)
    # only a part of the day ruled out, no day or hour put forward ("i work nights"): a limit for a search, not a
    # time to call back
    ruled_out_only: bool = False


@dataclass
class Understanding:
    intent: str = "unclear"
    objection: str = ""
    facts: list[Fact] = field(default_factory=list)
    when: When | None = None
    language: str = "en"
    unsure: str = ""  # for a turn we asked to hear again ("repeat"): the intent its doubtful words suggested
    ruled_out: list[str] = field(default_factory=list)  # days (ISO, lead-local) the lead said they cannot do
    hostile: bool = False  # swore at us, "how dare you": an apology and no more calls
    corrects: bool = False  # takes back what they said ("actually", "I meant"): it may replace an earlier answer
    doesnt_know: bool = False  # "not sure", "no idea": an answer of sorts; the question is not asked again
    already_done: str = ""  # "bought" or "sold": what they say they already did ("we already bought a place")
    bare_hello: bool = False  # "hello?" and nothing else: they did not hear us
    firm: bool = False  # said outright they are not interested ("not interested", "I don't want to talk about
    #                     houses"), also beside a question about us: thanked and let go, not asked again
    asks: str = ""  # what the lead asks of us that a meeting answers: "valuation" (what's my house worth) or
    #                 "together" (my husband handles that: a time when both can talk)
    by_text: bool = False  # asks to be texted ("just text me"): what they asked for is sent by text, and an opt-out
    #                        that picks a time keeps it ("the second one, just text me the address, don't call")
    busy_too: bool = False  # asked to be sent it and cannot talk now either ("text me instead, i'm at work")
    asks_why: bool = False  # who_is_this that asks what the call is about ("what's this about", "is this about...")
    asks_where: bool = False  # asks where the meeting is ("what's the address", "at the office or at our place?")
    calls_us: bool = False  # they will call us when they can ("I'll call you guys when I'm free"): no time asked
    defers: bool = False  # offered a meeting, they will get back to us ("we ain't close, i'll holler at y'all")
    cancels: bool = False  # calls off a meeting already booked ("cancel my appointment", "I can't make it")
    time_offered: When | None = None  # a time to meet named while we asked something else ("no agent, and if dana
    #                                   could do friday morning i'm in"): kept for when a meeting is offered
    wants_person: bool = False  # asks to talk to a person now ("can I speak to a real agent", "put me through to
    #                             someone"): a live transfer, where the campaign offers them
