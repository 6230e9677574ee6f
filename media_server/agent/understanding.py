"""What a lead's turn means, by rules and without an LLM: intent, objection, typed facts and any time they named.

`understand(text, now=..., dtmf=..., expecting=..., language=...)` reads one Whisper transcript (any casing,
no punctuation guaranteed, fillers) and returns an `Understanding`. It runs on every turn of a live call,
so everything is compiled at import and `dateparser` is only reached through `when.py`'s fallback.

Conventions:
- The intent is the first applicable one in `INTENTS` order, with two exceptions the agent relies on:
  when facts were found, "inform" beats affirm/deny/greeting ("yeah we're pre-approved" informs), except
  when `expecting` is "confirm" or "slot_choice" (a read-back wants the yes or no); and a lead who says
  goodbye but asks for a call back ("I have to go, call me tomorrow") is a "busy" objection.
- "don't call me before noon" is a time preference, not an opt-out: a "busy" objection with a When whose
  day_start is 12:00. "don't call me (again)" and DTMF 9 are opt-outs.
- An unsolicited "I already have an agent" is the has_agent objection plus Fact(has_agent=True); when the
  agent asked (`expecting == "has_agent"`), yes/no and such statements are plain facts (intent inform).
- `when` is only filled when a time is about the call: a busy objection, a schedule intent, or an answer
  to `expecting` "callback_time" / "slot_choice". "we want to move in three months" is a timeline fact.
- `expecting == "slot_choice"`: "the first one" / "the earlier one" / "either" → Fact("slot_choice", 1),
  "the second" / "the later one" → Fact("slot_choice", 2), intent "schedule". "slot_choice" is not one of
  FACT_NAMES: it answers the offer, it is not something we learn about the lead. A named time ("Tuesday
  works") comes back as the When instead, for the caller to match against the slots it offered.
- Fact values: intent "buy"/"sell"/"both"/"rent"; location as said, proper names capitalised ("Round
  Rock", "north side", "Elm Street"); budget via words.find_money (low end, `high` for a range);
  motivation one of MOTIVATIONS or, answering the motivation question, the cleaned answer; preapproved
  "yes"/"no"/"in_progress"/"cash"; timeline in whole months from `now` to the earliest moment the lead
  named ("six months to a year" → 6, "next spring" → to March 20, "not for a while" → 18); bedrooms the
  smaller number said ("three or four bedrooms" → 3).
- Other languages: a `language` other than "en" from Whisper, or Spanish words ("hablo español") → intent
  "other_language", with `language` set ("es" for Spanish text).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterator

from .facts import MOTIVATIONS, OTHER_NUMBER, Fact, Understanding, When
from .places import (
    DIRECTIONS,
    NAMESAKE_TIMES,
    NICKNAMES,
    SOUND_MIN_PEOPLE,
    STREETS,
    an_island_town,
    better_known_namesake,
    heard_likeness,
    is_a_base,
    is_a_name,
    most_zips_in_a_state,
    people,
    place_kind,
    postal_codes,
    state_code,
    town_heard_as,
    written_as,
    zip_codes,
)
from .when import (
    BUSY_THEN,
    FEDERAL_HOLIDAYS,
    SAME_TIME,
    SCHOOL_OUT,
    SEASON_STARTS,
    THE_WEEKDAY_AFTER,
    names_a_day,
    names_a_period,
    next_holiday,
    ruled_out_days,
    spanish_times,
    weekend_meant,
    when_in,
    with_preferred_part,
    without_ruled_out,
)
from .words import NUMBER_WORDS, DigitText, Money, all_money, tokenize

SLOT_CHOICE = "slot_choice"  # the fact name for the offered slot a lead picked (1 or 2); not in FACT_NAMES


_FILLERS_FIRST = {"uh", "um", "oh", "well", "so", "like", "maybe", "probably", "yeah", "ok", "okay"}  # (the answer's
# first word as said: "uh round knoxville" stays as it always read)
_NOT_AROUND_BEFORE = {"a", "the", "year", "all", "first", "second", "third", "last", "next", "another", "one", "this",
                      "that", "whole", "final", "each", "every"}


def _round_is_around(before: list[str], after: list[str]) -> bool:
    """"round" said for "around": before a place ("a cabin round pigeon forge"), unless the two make a place of
    their own (Round Rock, Round Lake) or "round" is a noun ("the first round", "year round")."""
    return bool(after) and bool(before) and before[-1] not in _NOT_AROUND_BEFORE | _FILLERS_FIRST \
        and bool(place_kind(after[0])) and not place_kind(f"round {after[0]}")


def _rx(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# --- normalisation ---------------------------------------------------------------------------------------

# Every pattern below reads the word on the right ("prolly" and "y'all" are spelled once, here).
_REWRITES = {
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "y'all": "you all", "yall": "you all",
    "yalls": "your", "y'alls": "your", "y'all's": "your", "yall's": "your",  # "off y'all's list": possessive
    "amen": "yes",  # "amen yes thank you": said as a yes
    "whatsapp": "text", "imessage": "text",  # "send me whatsapp message": a text, whichever app
    "somewheres": "somewhere", "anywheres": "anywhere", "nowheres": "nowhere", "everywheres": "everywhere",
    "kinda": "kind of", "sorta": "sort of", "probly": "probably", "prolly": "probably", "lemme": "let me",
    "gimme": "give me", "dunno": "don't know", "oui": "yes", "non": "no",  # Cajun or Quebec, in an English line
    "rn": "right now", "idk": "i don't know", "tbh": "to be honest", "hella": "really",  # as texted, said
    "cuz": "because", "cos": "because", "bout": "about", "im": "i'm", "dont": "don't", "cant": "can't",
    "didnt": "didn't",
    "doesnt": "doesn't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "havent": "haven't",
    "hasnt": "hasn't", "wouldnt": "wouldn't", "wont": "won't",
    # "tomorrowd be fine": the 'd unheard
    **{f"{day}d": f"{day} would" for day in ("tomorrow", "today", "monday", "tuesday", "wednesday", "thursday",
                                            "friday", "saturday", "sunday")},
    "couldnt": "couldn't", "thats": "that's", "whats": "what's", "forenoon": "morning",
    "thatll": "that'll", "thatd": "that'd", "babys": "baby's",
    "whos": "who's", "wheres": "where's", "hows": "how's", "theres": "there's", "youre": "you're", "ive": "i've",
    "whod": "who'd", "whered": "where'd", "howd": "how'd", "whatd": "what'd",
    "aight": "all right", "ima": "i'm going to", "imma": "i'm going to", "finna": "going to",
    "yinz": "you all", "youse": "you all", "yous": "you", "youve": "you've", "youd": "you'd", "theyre": "they're",
    # ("budgets like 350", "everythings like five hundred": the apostrophe unheard)
    "theyve": "they've", "weve": "we've", "budgets": "budget's", "everythings": "everything's",
    "shes": "she's", "hes": "he's", "werent": "weren't", "aint": "ain't", "shouldnt": "shouldn't",
    "wouldve": "would've",
    # Pidgin and dialect: "no call dis number no moa", "two hunnid"
    "dis": "this", "dat": "that", "moa": "more", "hunnid": "hundred", "hunned": "hundred",
    "hunnerd": "hundred", "hunderd": "hundred", "fitty": "fifty", "fiddy": "fifty",  # "like 3 fitty", "four hunnerd"
    "cyaan": "can't", "kyaan": "can't", "caan": "can't",  # Jamaican: "thursday mi cyaan do"
    "nuh": "not", "yuh": "you",  # Jamaican: "mi nuh interested", "yuh a robot"
    "okay": "ok", "okey": "ok", "alright": "all right", "mhm": "yes", "mmhmm": "yes", "yea": "yeah",
    "yah": "yeah", "ya": "yeah", "mmhm": "yes", "mhmm": "yes", "uhhuh": "yes",
    "realtors": "realtor", "e-mail": "email", "txt": "text", "maam": "ma'am", "pre-approved": "preapproved",
    # as speech-to-text mishears them
    "realter": "realtor", "realators": "realtor", "realator": "realtor", "morgage": "mortgage", "mortage": "mortgage",
    "morgages": "mortgages", "preproved": "preapproved", "prequal": "prequalified",
}
_PAIRS = {("a", "m"): "am", ("p", "m"): "pm",
          ("uh", "huh"): "yes", ("mm", "hmm"): "yes", ("mm", "hm"): "yes", ("m", "hm"): "yes",
          ("e", "mail"): "email", ("pre", "approved"): "preapproved",
          ("pre", "approval"): "preapproval", ("pre", "qualified"): "prequalified", ("a", "i"): "ai",
          ("real", "tor"): "realtor", ("real", "tors"): "realtor", ("real", "ter"): "realtor",
          ("real", "tour"): "realtor", ("real", "tours"): "realtor",
          ("pre", "proved"): "preapproved", ("pre", "qual"): "prequalified", ("pre", "qualed"): "prequalified"}
_TRIPLES = {("pre", "a", "proved"): "preapproved", ("pre", "a", "approved"): "preapproved",
            ("pre", "uh", "proved"): "preapproved", ("pre", "approve", "ed"): "preapproved",
            ("pre", "approve", "d"): "preapproved",
            # a year said in words: "the spring of twenty twenty seven"
            **{("twenty", "twenty", unit): f"202{digit}" for digit, unit in enumerate(
                "zero one two three four five six seven eight nine".split()) if digit}}
# the verbs after an "i'll" written without its apostrophe ("ill call yall", "ill be in touch")
_WILL_VERBS = {"call", "be", "get", "let", "have", "need", "think", "talk", "take", "see", "reach", "give", "text",
               "send", "check", "ask", "look", "wait", "try", "holler", "hit", "just", "probably", "definitely",
               "go", "make", "figure", "email", "ring", "shoot", "keep", "pass", "know"}
# "a buck fifty", "a buck seventy five": a hundred and the tens said after it, as a price is said ("one fifty")
_BUCK_TENS = {"ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
# Dropped g's, as Whisper writes casual speech ("callin'", "lookin"): the -ing forms the rules read.
_G_DROPPED = {word[:-1]: word for word in (
    "calling", "texting", "bothering", "ringing", "harassing", "contacting", "looking", "buying", "selling",
    "moving", "trying", "going", "thinking", "planning", "hoping", "wanting", "renting", "listing", "working",
    "talking", "asking", "saying", "kidding", "breaking", "hearing", "cutting", "waiting", "getting",
    "something", "nothing", "anything", "seeing",
    # the everyday verbs a lead says with the g dropped (what they are doing, what they plan, how it is going)
    "driving", "walking", "cooking", "shopping", "sleeping", "eating", "packing", "leaving", "showing", "closing",
    "signing", "paying", "saving", "searching", "building", "flipping", "downsizing", "upsizing", "relocating",
    "retiring", "expecting", "growing", "having", "doing", "making", "taking", "coming", "living", "staying",
    "holding", "pushing", "figuring", "starting", "running", "wondering", "helping", "handling", "letting",
    "putting", "sitting", "telling", "picking", "keeping", "hunting", "needing", "fixing", "remodeling", "hiring",
    "meeting", "traveling", "visiting", "commuting", "dealing", "messing", "joking", "lying", "freaking", "heading",
    "finishing", "hiding", "losing", "spending", "sending", "emailing", "messaging", "bugging", "pestering",
    "spamming", "hounding", "harassing", "dialing", "splitting", "pcsing", "deploying", "transferring", "transfering",
    "phoning", "considering", "leaning", "aiming", "shooting",
    "watching", "babysitting", "feeding", "changing", "bringing", "dropping", "landing", "boarding", "flying",
    "teaching", "studying", "showering", "painting", "fishing", "golfing", "cleaning", "kicking", "browsing",
    "scrolling", "poking", "using", "raising",
    "everything", "morning", "evening")}


@functools.lru_cache(maxsize=4096)
def _g_dropped(word: str) -> str:
    """A dropped g the list above does not know ("throwin", "fixin", "killin"): the -ing form when that is a common
    English word and the word as said is not one, or far rarer ("cousin", "within" and "austin" stay)."""
    bare = word.rstrip("'")
    if len(bare) < 5 or not bare.endswith("in") or not bare.isalpha():
        return word
    from wordfreq import zipf_frequency

    said, with_g = zipf_frequency(bare, "en"), zipf_frequency(bare + "g", "en")
    # (or one written often in the g-dropped spelling, far less than the word: "killin", "drivin", "lookin")
    return bare + "g" if with_g >= 3.0 and said < 2.5 or with_g >= 2.5 and with_g - said >= 1.4 else word
_G_DROPPED.update({"mornins": "mornings", "evenins": "evenings"})
# Words a lead runs into "is" ("ten's good", "friday's better"): times, days and numbers, read apart.
_IS_AFTER = {*"one two three four five six seven eight nine ten eleven twelve noon morning afternoon evening tonight "
             "tomorrow today weekend week monday tuesday wednesday thursday friday saturday sunday".split(),
             *(f"{n}:{m:02d}" for n in range(1, 13) for m in (0, 15, 30, 45)), *map(str, range(1, 13))}
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PLURAL_DAYS = {f"{day}s" for day in _DAY_NAMES}
_GOOD_WORDS = {"good", "fine", "great", "better", "perfect", "ok", "best"}
_DAY_OR_PART = {*_DAY_NAMES, "morning", "afternoon", "evening"}
_ONE_AFTER = {*_DAY_OR_PART, "today", "tomorrow", "early", "earlier", "later", "late", "other", "first", "second",
              "next", "following"}
_FILLERS = {"uh", "um", "umm", "uhm", "uhh", "uhhh", "er", "erm", "ah", "ahh", "hmm", "hm", "mm", "mmm", "eh",
            "ope"}  # (the Midwest's "ope, no sorry")
_FILLER_SOUND = re.compile(r"u+h+m*|u+m+|e+h+|a+h+|h+m+|m{2,}|e+r+m+")  # "ehh", "hmmm", "ummm", as drawn out
_WH = {"what", "who", "how", "where", "when", "why", "which", "that"}
# Numbers speech-to-text writes as words: "to fifty" (two fifty), "for hundred" (four hundred), "ate months",
# "in like sick months". Read as the number only where the word itself makes no sense: right before a number that
# it can lead ("fifty", "hundred") or, for those that are no preposition, before a unit; "for" and "to" before a
# unit only after words that lead a number ("like to months"); never where "to" or "for" does its own job ("up to
# fifty", "from forty to fifty", "for twenty years").
_HEARD_AS_A_WORD = {"to": "two", "too": "two", "for": "four", "fore": "four", "ate": "eight", "sick": "six",
                    "won": "one"}
_LEADS_TENS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand",
               "grand", "k", "million", "mil"}
_TIME_UNITS = {"months", "month", "weeks", "week", "years", "year", "days"}
_ROOM_UNITS = {"bed", "beds", "bedroom", "bedrooms", "bath", "baths", "bathroom", "bathrooms", "br"}
_THEN_A_NUMBER = {"like", "in", "about", "bout", "maybe", "probably", "say", "around", "or"}
_KEEPS_TO = {"up", "close", "closer", "from", "down", "go", "goes", "went", "going", "come", "comes", "came", "get",
             "got", "back", "talk", "talked", "speak", "listen", "next", "due", "used", "want", "wanna", "need",
             "have", "had", "has", "able", "ready", "trying", "how", "what", "where", "nearer", "anywhere", "moving",
             "move", "moved", "relocate", "relocating", "drop", "dropped", "lower", "lowered", "raise", "raised"}
_NOT_COUNTED_AFTER = {"years", "year", "minutes", "acres", "percent", "people", "bucks", "dollars", "days", "weeks",
                      "months", "hours", "miles", "bedrooms", "beds", "kids"}


def _said_a_number(raw: list[str], i: int, out: list[str]) -> bool:
    word, nxt = raw[i], raw[i + 1:i + 3]
    if not nxt:
        return False
    prev = out[-1] if out else ""
    if prev in _KEEPS_TO or prev in NUMBER_WORDS or prev[:1].isdigit():
        return False
    if nxt[0] == "or" and len(nxt) == 2 and nxt[1] in NUMBER_WORDS:
        return True  # "for or five months"
    if nxt[0] == "point" and len(nxt) == 2 and (nxt[1] in NUMBER_WORDS or nxt[1] in _HEARD_AS_A_WORD):
        return True  # "won point to million": one point two million
    if nxt[0] in _LEADS_TENS:
        after = raw[i + 2:i + 4]
        return not (after and (after[0] in _NOT_COUNTED_AFTER
                               or after[0] in NUMBER_WORDS and after[1:2] and after[1] in _NOT_COUNTED_AFTER))
    if re.fullmatch(r"[1-9]\d", nxt[0]) and (not prev or prev in _THEN_A_NUMBER):
        # "like for 50 maybe for 75", "to 75 tops": four fifty, two seventy five (not "for 30 years")
        return not (nxt[1:] and nxt[1] in _NOT_COUNTED_AFTER | _TIME_UNITS | {"minutes", "mins", "hours", "percent"})
    if nxt[0] in _TIME_UNITS:
        return word in ("ate", "sick") or not prev or prev in _THEN_A_NUMBER
    if nxt[0] in _ROOM_UNITS:  # "a for bedroom", "to bath"
        return word in ("ate", "sick") or not prev or prev in _THEN_A_NUMBER | {"a", "an", "least", "need", "want"}
    return False


_ASKED_WHO = {"you", "u", "ya", "y'all", "yall", "i", "we", "they", "he", "she", "someone", "somebody", "anyone",
              "anybody", "dana", "it", "that", "this", "your", "she'd", "he'd"}


_ES_UNITS = {"uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
             "diez": 10, "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
             "ochenta": 80, "noventa": 90,
             **{f"veinti{word}": 20 + value for word, value in (("uno", 1), ("dos", 2), ("tres", 3), ("cuatro", 4),
                                                                ("cinco", 5), ("seis", 6), ("siete", 7), ("ocho", 8),
                                                                ("nueve", 9))}}
_ES_HUNDREDS = {"cien": 100, "ciento": 100, "doscientos": 200, "trescientos": 300, "cuatrocientos": 400,
                "quinientos": 500, "seiscientos": 600, "setecientos": 700, "ochocientos": 800, "novecientos": 900}
_ES_ROOMS = {"cuartos", "recamaras", "recámaras", "habitaciones", "dormitorios"}


def _spanish_numbers(raw: list[str]) -> list[str]:
    """Numbers said in Spanish inside an English line, in digits ("like tres cincuenta" → 350, as "three fifty" is
    read; "trescientos mil" → 300000; "tres cuartos" → 3 bedrooms). "mil" is a thousand only after a Spanish number
    ("three hundred mil" stays English: millions); "once" and "un" stay English. Which language a line is in is
    judged on its words before this (`_Turn.as_said`)."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        j, parts, big = i, [], False
        while j < len(raw):
            word = raw[j]
            if word in _ES_HUNDREDS and any(p in _ES_HUNDREDS for p in parts) and parts[-1] != "mil":
                break  # "trescientos trescientos veinte": a second figure begins
            if word == "cientos" and parts and parts[-1] in _ES_UNITS and _ES_UNITS[parts[-1]] < 10:
                parts[-1] = f"{parts[-1]}cientos"  # "dos cientos" as "doscientos"
                big = True
            elif word in _ES_UNITS or word in _ES_HUNDREDS:
                parts.append(word)
                big = big or word in _ES_HUNDREDS
            elif word == "y" and parts and j + 1 < len(raw) and raw[j + 1] in _ES_UNITS and parts[-1] in _ES_UNITS:
                parts.append(word)
            elif word == "mil" and parts:
                parts.append(word)
                big = True
            else:
                break
            j += 1
        if not parts:
            out.append(raw[i])
            i += 1
            continue
        if big:
            total = current = 0
            for word in parts:
                if word == "mil":
                    total, current = (total + (current or 1)) * 1000, 0
                elif word.endswith("cientos") and word not in _ES_HUNDREDS:
                    current += 100 * _ES_UNITS[word.removesuffix("cientos")]
                elif word != "y":
                    current += _ES_UNITS.get(word) or _ES_HUNDREDS[word]
            out.append(str(total + current))
        else:  # "tres cincuenta": 350, as "three fifty" is read ("setenta y cinco": 75)
            figures, k = [], 0
            while k < len(parts):
                joined = k + 2 < len(parts) and parts[k + 1] == "y"
                figures.append(_ES_UNITS[parts[k]] + (_ES_UNITS[parts[k + 2]] if joined else 0))
                k += 3 if joined else 1
            while figures:
                if len(figures) >= 2 and figures[0] < 10 and 20 <= figures[1] < 100:
                    out.append(str(100 * figures[0] + figures[1]))  # "tres cincuenta" → 350
                    figures = figures[2:]
                else:
                    out.append(str(figures.pop(0)))
        if j < len(raw) and raw[j] in _ES_ROOMS:
            out.append("bedrooms")
            j += 1
        i = j
    return out


def _normalise(text: str, *, spanish_numbers: bool = True) -> list[str]:
    raw = _spanish_numbers(tokenize(text)) if spanish_numbers else tokenize(text)
    if raw in _UH_UH:
        raw = ["no"]  # "uh-uh" as speech-to-text writes it, said alone: a no (its "uh"s are no fillers)
    out: list[str] = []
    i = 0
    while i < len(raw):
        t = raw[i]
        triple = _TRIPLES.get(tuple(raw[i:i + 3]))
        if triple:
            out.append(triple)
            i += 3
            continue
        if t == "buck" and out and out[-1] == "a" and (raw[i + 1:i + 2] and raw[i + 1] in _BUCK_TENS
                                                        or raw[i + 1:i + 4] == ["and", "a", "half"]):
            out[-1] = "one"  # "a buck fifty" is one fifty, "a buck and a half" one fifty too
            if raw[i + 1:i + 4] == ["and", "a", "half"]:
                out.append("fifty")
                i += 3
            i += 1
            continue
        pair = _PAIRS.get((t, raw[i + 1])) if i + 1 < len(raw) else None
        if pair:
            if pair != "ai" or (out and out[-1] in ("this", "you", "an", "a", "it", "that's")):
                out.append(pair)
                i += 2
                continue
        if t in _HEARD_AS_A_WORD and _said_a_number(raw, i, out):
            t = _HEARD_AS_A_WORD[t]  # "for fifty" is four fifty, "ate months" eight: a number heard as a word
            if raw[i + 1][:1].isdigit():
                t = {"two": "2", "four": "4", "eight": "8", "six": "6"}[t]  # "for 50": 4 50, as "4 50" is said
        if t == "ill" and i + 1 < len(raw) and raw[i + 1] in _WILL_VERBS:
            t = "i'll"  # "ill call you guys when im ready": the apostrophe unheard
        if t == "well" and out and i + 2 < len(raw) and raw[i + 1] in ("call", "text", "get", "reach") \
                and raw[i + 2] in ("you", "y'all", "yall", "ya", "back"):
            t = "we'll"  # "talk to my husband first, well call you back": not a "well," opening the sentence
        if t == "d" and out and out[-1] in ("how", "what", "where", "why", "who", "when"):
            out[-1] += "'d"  # "how d you get this number": the apostrophe heard as a space
            i += 1
            continue
        if t == "were" and i + 1 < len(raw) and raw[i + 1] in _WERE_THEN and (
                not out or set(out) <= _OPENING_WORDS
                or out[-1] in _CLAUSE_START | _CLAUSE_ENDED and (raw[i + 1] not in _WERE_STATES
                                                         or raw[i + 1:i + 2] == ["not"] and raw[i + 2:i + 3]
                                                         and raw[i + 2] in _WERE_NOT_THEN)):
            t = "we're"  # "were already workin with a realtor", "so were movin back": the apostrophe unheard
        if t == "no" and raw[i + 1:i + 2] == ["can"] and (i + 2 >= len(raw) or raw[i + 2] not in _ASKED_WHO):
            out.append("can't")  # pidgin "no can talk right now", "wednesday no can" ("no, can you...?" asks)
            i += 2
            continue
        if t in _FILLERS or _FILLER_SOUND.fullmatch(t):
            i += 1
            continue
        if t == "you" and i + 1 < len(raw) and raw[i + 1] == "know" and not (out and out[-1] in (
                "do", "did", "would", "if", "don't")) and (i + 2 >= len(raw) or raw[i + 2] not in _WH):
            i += 2  # "you know" as a filler
            continue
        t = _G_DROPPED.get(t.rstrip("'")) or _g_dropped(t)  # "quit callin' me" → calling
        t = _R_DROPPED.get(t, t)  # "lose my numbah", "fall rivah": the r New England leaves off
        if t in ("fixin", "fixing", "fixen") and raw[i + 1:i + 2] == ["to"]:
            t = "going"  # "the market's fixin to crash": about to
        if t == "us" and out and out[-1] in ("got", "get", "gotten") and raw[i + 1:i + 2] in (["a"], ["an"]):
            i += 1  # "we already got us a realtor": got one
            continue
        if t == "round" and (out and out[-1] in ("somewhere", "right", "just", "out", "up", "down", "over", "from")
                             or _round_is_around(out, raw[i + 1:i + 3])):
            t = "around"  # "somewhere round hattiesburg", "a cabin round pigeon forge" ("year round", "round trip",
            # Round Rock stay)
        if t == "good" and out and out[-1] == "a" and raw[i + 1:i + 2] and (
                raw[i + 1] in NUMBER_WORDS or raw[i + 1].isdigit()) and raw[i + 2:i + 3] and re.match(
                r"(?:year|month|week)s?$", raw[i + 2]):
            out.pop()  # "not for a good two years": two years, at least
            i += 1
            continue
        if t == "ya" and out and out[-1] in _YOU_AFTER:
            t = "you"  # "how ya doin", "thank ya", "i'll call ya" (elsewhere "ya" is a yeah)
        if t == "one" and out and out[-1] in _ONE_AFTER and (len(out) >= 2 and out[-2] in ("the", "that") or (
                out[-1] in _DAY_OR_PART and raw[i + 1:i + 2] in ([], ["works"], ["is"], ["sounds"], ["please"]))):
            i += 1  # "the thursday one", "thursday one works": the option, not one o'clock ("thursday at one" is)
            continue
        if t in _PLURAL_DAYS and i + 1 < len(raw) and raw[i + 1] in _GOOD_WORDS:
            t = t[:-1] + "'s"  # "wednesdays good": the apostrophe unheard, one Wednesday meant
        if t.endswith("'s") and _G_DROPPED.get(t[:-2], t[:-2]) in _IS_AFTER:  # "ten's perfect", "mornin's better"
            raw[i + 1:i + 1] = ["is"]
            t = _G_DROPPED.get(t[:-2], t[:-2])
        for word in _REWRITES.get(t, t).split(" "):
            if not (out and out[-1] == word and not word[0].isdigit() and word not in NUMBER_WORDS
                    and word not in _SAID_AGAIN_TO_PICK and word not in _UNITS_SAID_AGAIN
                    and place_kind(f"{word} {word}") != "town"):  # "i i want" ("walla walla" is a town)
                out.append(word)
        i += 1
    if out[:2] == ["no", "yeah"] and not _NEGATION_WORDS.intersection(out[2:6]):
        out = out[1:]  # "no yeah go ahead", "no yeah we do": the West Coast yes ("yeah no" stays a no)
    return _homophones(out)


_UH_UH = (["uh", "uh"], ["unh", "unh"], ["uh", "uh", "no"], ["uh", "uh", "nope"])
_NEGATION_WORDS = frozenset("no not don't didn't can't won't isn't aren't ain't never nope nah".split())


# a day said twice is one picked: "tuesday or thursday, thursday at eleven" (the times read it so)
_SAID_AGAIN_TO_PICK = set(_DAY_NAMES)
# "a year, year and a half": two figures, the second not the first said again
_UNITS_SAID_AGAIN = frozenset("year years month months week weeks".split())


def _r_dropped(word: str) -> set[str]:
    """How a New England or New York accent drops the r after a vowel, as speech-to-text writes it: "number" →
    numbah, "harbor" → hahbah (and harbah), "park" → pahk, "car" → cah."""
    final = re.sub(r"(?:er|or|ar|re)$", "ah", word)
    return {final, re.sub(r"ar(?=[^aeiou])", "ah", final), re.sub(r"ar(?=[^aeiou])", "ah", word)} - {word}


# the words the rules read that an r-dropping accent changes
_R_DROPPED = {heard: word for word in (
    "number", "river", "harbor", "park", "car", "yard", "water", "after", "later", "better", "never", "over",
    "quarter", "summer", "winter", "center", "corner", "realtor", "sooner", "father", "mother", "daughter",
    "brother", "sister", "lawyer", "broker", "either", "neither", "whatever", "together", "dinner", "here",
    "there", "where", "sure", "bigger", "smaller", "cheaper", "closer", "farther", "further", "mortgage",
    "apartment", "garden", "market", "harder", "partner", "part", "start", "hard", "far")
    for heard in _r_dropped(word)} | {"numba": "number", "foah": "four", "fouah": "four",
                                      "bah": "bar"}
# "ya" is a "you" after these ("how ya doin", "thank ya", "see ya"), a "yeah" elsewhere ("ya sure")
_YOU_AFTER = {"how", "are", "do", "did", "can", "could", "will", "would", "thank", "thanks", "see", "call", "text",
              "tell", "for", "to", "with", "got", "reach", "let", "bother", "bug", "ask", "get", "help", "hear",
              "doing", "told", "called", "were", "have", "owe", "give", "send", "email"}


_CLAUSE_START = {"so", "and", "but", "because", "cause", "now", "then", "yeah", "well"}  # where a new clause begins
# "were" is "we're" after nothing but opening words ("oh were all set"), or after a word that ends a clause ("...all
# set were already workin with an agent"): we're, twice
_OPENING_WORDS = {"oh", "ah", "yeah", "yes", "yep", "no", "nah", "nope", "ok", "okay", "hey", "well", "so", "and",
                  "honestly", "actually", "right", "sorry"}
_CLAUSE_ENDED = {"set", "good", "fine", "covered", "thanks", "sorry"}
_WERE_NOT_THEN = {"gonna", "going", "selling", "sellin", "buying", "buyin", "moving", "movin", "looking", "lookin",
                  "interested"}  # "and were not gonna sell after all": we're
_WERE_STATES = {"good", "fine", "all", "set", "covered", "happy", "not"}  # "so were good": we were, or we're fine
_WERE_THEN = {"already", "currently", "just", "still", "working", "workin", "looking", "lookin", "buying", "buyin",
              "doing", "doin",
              "selling", "sellin", "not", "gonna", "going", "good", "all", "fine", "renting", "rentin", "moving",
              "movin", "thinking", "thinkin", "hoping", "planning", "pre", "preapproved", "approved", "paying", "cash",
              "set", "covered", "happy", "retired", "relocating", "in", "slammed", "swamped", "busy"}
# Speech-to-text writes "buy" as "by" and "sell" as "cell": read back where the words around them want the verb
# ("want to by a condo", "by first place", "cell my house"), never "by the water" or "my cell".
_BEFORE_VERB = {"to", "looking", "hoping", "trying", "planning", "ready", "want", "we", "i", "and", "or", "gonna",
                "gotta", "could", "might", "should", "will", "would", "can", "also", "then", "either"}
_BUY_OBJECT = {"a", "an", "first", "our", "my", "something", "somewhere", "house", "home", "condo", "property",
               "land", "another", "one", "investment", "rental", "townhouse", "townhome", "duplex"}
_SELL_OBJECT = {"my", "our", "the", "it", "this", "that", "his", "her", "their", "house", "home", "condo", "place",
                "property", "land", "townhouse", "townhome"}


def _homophones(tokens: list[str]) -> list[str]:
    out = list(tokens)
    for i, word in enumerate(tokens):
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if word == "by" and (after in _BUY_OBJECT or not after) and (before in _BEFORE_VERB or i == 0):
            out[i] = "buy"
        elif word == "cell" and after in _SELL_OBJECT and (before in _BEFORE_VERB or i == 0 or not before):
            out[i] = "sell"
    return out


class _Turn:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _normalise(text)
        self.clean = " ".join(self.tokens)
        self._digits: DigitText | None = None

    @functools.cached_property
    def as_said(self) -> str:
        """The clean words with numbers said in Spanish left in Spanish: which language the line is in."""
        if not any(w in _ES_UNITS or w in _ES_HUNDREDS for w in tokenize(self.text)):
            return self.clean
        return " ".join(_normalise(self.text, spanish_numbers=False))

    @property
    def digits(self) -> DigitText:
        if self._digits is None:
            self._digits = DigitText(self.tokens)
        return self._digits


# --- intents ---------------------------------------------------------------------------------------------

_LEAD = (r"^(?:(?:oh|well|so|and|but|like|hey|ok|cool|yeah|yes|um|uh|eh|hmm|i mean|look|listen|sorry|excuse me|"
         r"please|sir|ma'am|wait|actually) )*")
_REMOVE = (r"(?:take|taken|took|taking|remove|removed|removing|delete|deleted|deleting|erase|erased|scratch|cross|drop|"
           r"purge|wipe|get|getting|scrub)")
_WHOM = (r"(?:me|us|her|him|them|it|that|this|here|(?:my|our) (?:\w+ )?(?:number|name|info|information|details|"
         r"contact|phone|"
         r"cell)|this (?:\w+ )?(?:number|phone|line)|(?:my|our) (?:\w+'s|family's) (?:number|phone|cell|line))")
_WHOM_NUMBER = r"(?:my|this|our|the) (?:\w+ )?(?:number|name|info|information|details|phone number|cell number)"
_LISTS = r"(?:list|lists|system|systems|database|records|files|rolodex|directory|books|dialer)"
_CALLING = (r"(?:calling|calls|call|ringing|texting|texts|contacting|bothering|blowing up|blowin up|dialing|robocalls|"
            r"hitting (?:me|us) up|phoning)")
# "i'd rather you not call before noon" limits the calls, it does not stop them
_NOT_A_TIME_LIMIT = (r"(?! (?:me |us |here )?(?:before|after|until|till|til|past|on weekends|on \w+days|at night|"
                     r"so early|so late|during|in the (?:morning|evening|afternoon)|at work|today|tonight|tomorrow|"
                     r"this week)\b)")
# "get my name off the old mortgage", "my name off the deed": a loan's or a home's papers, not our list
_PAPERS = r"(?! (?:\w+ ){0,2}(?:mortgage|loan|deed|title|lease|note|account|paperwork|insurance|utilities|" \
          r"bills?)\b)"
_OPT_OUT = _rx(
    r"\b(?:stop|quit|cease) (?:calling|texting|contacting|bothering|harassing|messaging|ringing)\b",
    r"\b(?:take|remove|delete|scratch|cross|get|leave) (?:me|us|my (?:phone )?(?:number|name|info|information)"
    r"|this (?:phone )?number|my contact(?: info)?)(?: \w+){0,2}? (?:off|from|out of) (?:your|the|this|ur|all)\b"
    + _PAPERS,
    r"\b(?:take|get|scratch|cross) (?:me|us|my (?:phone )?(?:number|name|info)|this (?:phone )?number) (?:off|out)"
    r"(?: (?:of )?(?:it|there|that|please|now|thanks))?$",
    # ("you might lose me up here on the ridge": the signal, not a request)
    r"\b(?<!might )(?<!may )(?<!could )(?<!gonna )(?<!will )(?<!you'll )(?<!probably )"
    r"(?:remove|delete|erase|lose|scratch|strike|toss|trash|ditch) (?:me|us|my (?:phone )?(?:number|name|info|"
    r"information)|this (?:phone )?number)\b",
    # "wicked sick of you people callin me": fed up with the calls themselves
    r"\b(?:sick|tired|sick and tired|fed up|done) (?:of|with) (?:you|y'all|you all|you guys|you people|your company|"
    r"these|all these|all your|your)(?: people| guys| folks)? (?:calling|calls|phone calls|robocalls)\b",
    r"\bdo not call (?:list|registry)\b", r"\b(?:unsubscribe|opt (?:me )?out|opting out)\b",
    r"\bleave (?:me|us) alone\b", r"\bno more (?:calls|calling)\b", r"\bharass\w*\b",
    r"\b(?:don't|do not|never) want (?:any more|anymore|more|any|your|these) (?:calls|phone calls)\b",
    r"\bi'?ll (?:report|sue)\b(?! back)", r"\b(?:report|sue|suing|reporting) (?:you|y'all|your company|this number)\b",
    # the many ways of asking not to be contacted again (revocation by any reasonable means)
    r"\b(?:want|like|need|asked|ask|wish) (?:to be|you to|that you|for you to) (?:remove|removed|taken off|"
    r"take (?:me|us) off|deleted|put on (?:the|your) (?:do not call|dnc))",
    r"^(?:please )?(?:stop|quit)(?: it| that| now| please| this)*$",
    r"\b(?:stop|enough) with (?:the|these|your) calls\b",
    r"\b(?:don't|do not) (?:want|wish|like) to be (?:contacted|called|bothered|solicited)\b",
    r"\b(?:don't|do not) want (?:you|you all|you guys|you people|anyone|anybody|people|your company) "
    r"(?:calling|to call|contacting|to contact|bothering|to bother)\b" + _NOT_A_TIME_LIMIT,
    r"\bhow (?:do|can) (?:i|we) (?:get|be) (?:off|removed from|taken off) (?:this|your|the) (?:list|calls)\b",
    r"\bwhy (?:do|does|are|do you|are you) (?:you |y'all |you guys |you people )?(?:keep|still|always) (?:calling|"
    r"bothering)\b",
    r"\b(?:never|didn't|did not) (?:give|gave) (?:you |anyone )?(?:my )?(?:permission|consent)\b",
    r"\b(?:don't|do not) (?:consent|agree) to (?:this|these|being|your)\b", r"\brevo[kc]\w*\b",
    r"\bno solicit\w*\b", r"\bcan you (?:not|stop) (?:call|calling|contact)\w*\b",
    r"\b(?:didn't|did not|wouldn't|would not) (?:call|contact) (?:me |us |here )?(?:again|anymore|any more)\b",
    r"\b(?:be|been|get|got) taken off\b", r"^no (?:more )?calls?(?: please)?$", r"\bdnc\b",
    rf"\bwant (?:off|out of) (?:your|the|this|that|ur) (?:\w+ ){{0,2}}?(?:{_LISTS}|calls?|calling)\b",
    # "i want it off y'all system for good", "we need our number out of your files"
    rf"\b(?:want|need|would like|'d like) {_WHOM} (?:off|out of|removed from|taken off|deleted from|gone from)"
    rf"(?: \w+){{0,3}}? (?!books\b){_LISTS}\b",
    r"\bcease and desist\b",
    r"\b(?:told|asked|begged|said to) (?:you|y'all|you guys|you folks|you people|them|your company)(?: guys| people)?"
    r"(?: \w+)? (?:to )?(?:stop|not to (?:call|contact|ring|text)|never|take me off|remove)",
    r"\b(?:don't|do not|never) want to hear from (?:you|y'all|your|this|them)\b",
    r"\b(?:no longer|don't|do not) (?:wish|want) to (?:receive|get|be getting) (?:any |these |your |more )?(?:calls|"
    r"phone calls|messages|texts)\b", r"\b(?:stop|quit) (?:bugging|pestering|hounding|spamming)\b",
    r"\bforget (?:my|this) (?:phone )?number\b", r"\bno more (?:phone )?calls\b",
    r"\b(?:can|could|would) you (?:please )?(?:not|stop|quit) (?:call|calling|contact|contacting|ringing)\b",
    r"\b(?:do not|don't|no|not to) (?:call|calling|contact) (?:list|registry)\b", r"\b(?:national|federal) registry\b",
    r"\b(?:scrub|blacklist|block) (?:me|us|my|this)\b", r"\b(?:ftc|fcc|attorney general|better business bureau)\b",
    # Built from parts rather than listed: a removal verb, whom or what it removes, and from what; stopping the
    # calls in any words; not wanting them; Spanish, the language of most US leads who speak another.
    rf"\b{_REMOVE}(?: \w+){{0,2}}? {_WHOM}(?: \w+){{0,2}}? (?:off|from|out of)(?: \w+){{0,3}}? {_LISTS}\b",
    rf"\b{_WHOM_NUMBER} (?:\w+ )?(?:removed|taken off|deleted|erased|scrubbed|purged|wiped|dropped|"
    rf"off (?:your|the|this|that))\b"
    + _PAPERS,
    # ("did you get my number off zillow": where we found it, asked)
    rf"\b(?:take|(?<!you )(?<!you all )(?<!they )get|scratch|cross) {_WHOM} off\b"
    r"(?! (?:of )?(?:work|the hook|my hands|guard))" + _PAPERS,
    rf"\b(?:stop|quit|cease|knock it off|cut it out|enough|lay off|done with)(?: \w+){{0,3}}? {_CALLING}\b",
    r"\b(?:rather|prefer(?: that| if)?|want) (?:you|y'all|you guys|you all|you folks|your company|nobody|no one)"
    r"(?: guys)? "
    r"(?:not |never |didn't |wouldn't |don't )(?:\w+ )?(?:call|contact|ring|text|phone)\b" + _NOT_A_TIME_LIMIT,
    rf"\b(?:don't|do not|never|not|no) (?:you |you all |you guys |you people )?(?:ever )?(?:be )?"
    rf"(?:call|contact|ring|text|phone|dial)(?:ing)? {_WHOM}"
    rf"(?: \w+){{0,2}}? (?:again|anymore|any more|ever again|neither|no more)\b",
    r"\bno (?:me|nos|le|les) (?:llame|llamen|llames|vuelva|vuelvan|vuelvas|moleste|molesten|marque|marquen)\b"
    r"(?!(?: a (?:llamar|marcar))? (?:antes|después|despues|hasta|en la|por la|a las|temprano|tarde)\b)",  # a limit
    r"\b(?:quíteme|quiteme|sáqueme|saqueme|bórreme|borreme|elimine|eliminen|quiten|saquen|borren) "
    r"(?:mi|me|de|nuestro)\b",
    r"\b(?:don't|do not|never|no longer|won't|wouldn't) (?:want|need|like)(?: (?:any|more|of|these|those|your|the|"
    r"such|kind|sort|type|anymore|any more|all|this|spam))* (?:calls|phone calls|robocalls|calling|sales calls)\b"
    r"(?! (?:(?:before|after|until|till|til|past) (?!today|this|now|that)|at|on|during|in the|so early|so late|"
    r"today|tonight|tomorrow|while|when|from))",
    r"\bcall (?:me|us|here|this number) never\b", r"\b(?:number|info|information|contact)\b.{0,40}\band lose it\b",
    # not liking being called again: "i'd not appreciate y'all calling me again", "don't want you calling no more"
    r"\b(?:wouldn't|would not|'d not|won't|don't|do not|didn't|did not) (?:appreciate|like|want|need)(?: it if)? "
    r"(?:you|y'all|you all|you guys|you people|your company|anybody|anyone|nobody)(?: guys| people)? "
    r"(?:calling|to call|call|called|ringing|contacting|bothering)(?: \w+){0,3}? (?:again|anymore|any more|no more)\b",
    # nobody, no one or none of you calling again ("i'd appreciate it if nobody called me again")
    r"\b(?:nobody|no one|noone|none of (?:you|y'all|your people))(?: guys| people| (?:from|at|in|with) (?:your|the|"
    r"that|this) \w+)? (?:should |will |would |is to |are to |can |may |needs to )?(?:ever )?(?:calls?|called|calling|"
    r"contacts?|contacted|rings?|rang|bothers?|bothered) (?:me|us|here|this number|this house)?(?: \w+){0,3}? ?"
    r"(?:again|anymore|any more|ever again)\b",
    # the number forgotten, this call the last, being off a list, "... so stop" closing a sentence
    r"\bforget (?:(?:you|y'all|you guys|you folks|you all) )?(?:ever )?(?:had |have |got )?(?:my|this|our) "
    r"(?:phone |cell )?number\b",
    r"\b(?:this|that|today)(?:'s| is| was| will be| better be| should be| has to be)? (?:the|your|my) (?:last|final) "
    r"(?:call|phone call|time (?:you|y'all|anyone|i hear))\b",
    r"\b(?:be|get|stay|kept|keep (?:me|us)|put (?:me|us)) off (?:of )?(?:your|the|this|that|all|ur|any) "
    rf"(?:\w+ ){{0,2}}?{_LISTS}\b",
    r"\b(?:so|just|now|please) stop(?: it| now| already| please| calling)*$",
    r"\bno (?:más|mas) llamadas\b",
    # "the location is off your call list, that's where": wherever they are, off the list
    r"(?<!get )(?<!i get )(?<!am i )\b(?:is|be|put (?:me|us)|keep (?:me|us)) off (?:your|the|ur) "
    r"(?:call(?:ing)? |contact |phone |marketing )list\b",
    # "no llame mas a este numero", "no vuelvan a llamar": not again, or not this number (a limit names an hour)
    r"\bno (?:me |nos |le |les )?(?:llame|llamen|llames|marque|marquen)\b"
    r"(?=.*\b(?:más|mas|nunca|número|numero|otra vez|jamás|jamas)\b)",
    # "volver a" is "again": "y no vuelvan a llamar" needs nothing more
    r"\bno (?:me |nos |le |les )?(?:vuelva|vuelvan|vuelvas) a (?:llamar|marcar|molestar)\b"
    r"(?! (?:antes|después|despues|hasta|en la|por la|a las|temprano|tarde)\b)",
    # "bórrame de esa lista", "quítenme de la lista": any verb that takes them off a list
    r"\b[a-záéíóúñ]+(?:me|nos) de (?:la|las|su|sus|esa|esas|esta|estas|tu|tus) (?:lista|listas|base de datos|"
    r"sistema)\b",
    r"\bno (?:quiero|queremos|quiere|quieren) (?:más |mas )?(?:llamadas|que (?:me|nos|le|la|lo|les) llamen)\b",
    # German and Japanese; refusing any time at all; a lawyer if the phone rings again; "no calls" said before
    # and Pennsylvania Dutch as the Amish speak it ("ruf mich nimmi aa": nimmi for nicht mehr, aa for an)
    r"\b(?:rufen sie|ruft|ruf|rufe) (?:mich|uns|mir) (?:nicht mehr|net mehr|nimmi|nimmie|nimmer|nie mehr|nie wieder) "
    r"(?:an|aa|aah|ah)\b|\b(?:nicht mehr|nimmi|nimmer|nie wieder) (?:anrufen|angerufen|aarufe\w*|aagerufe)\b",
    r"電話しないで|電話をかけないで",
    # Bosnian, Croatian and Serbian: "molim vas nemojte me vise zvati", "ne zovite me vise", "prestanite me zvati"
    r"\b(?:nemojte|nemoj) (?:me|nas) (?:vi[sš]e |uop[cćč]e )?(?:zvati|zvat)\b|\bne zovite (?:me|nas)\b|"
    r"\bprestanite (?:me |nas )?(?:zvati|zvat)\b|\b(?:izbri[sš]ite|obri[sš]ite) (?:moj|na[sš]) broj\b",
    # Cape Verdean Kriolu "ka bu liga-m más" (don't call me again) and "para di liga-m"; Marshallese "kwon jab bar
    # kūr eō" (don't call me again): a negation before the verb to call
    r"\bka (?:bu |nhos |nho |nha |es )?liga\w*\b|\bpara di liga\w*\b|\bjab (?:bar |kwon )?k[uū]r\w*\b",
    r"\b(?:how about|what about|let's say) never\b|\bnever works for me\b",
    # "never, that's when you can call me back: never"
    r"\bcall (?:me |us )?(?:back )?never\b|^never(?:'s| is)? (?:that's |thats |that is )when\b",
    r"\b(?:rings?|calls?|calling) (?:me |here |this number )?again\b.*\b(?:attorney|lawyer|sue|police|report)\w*\b",
    r"\b(?:said|told (?:you|y'all|you guys|them)|asked)\b.*\bno (?:more )?(?:phone )?calls\b",
    r"\bno more (?:(?:robo|robot|phone|sales|cold|spam|junk) ?)?calls\b" + _NOT_A_TIME_LIMIT,
    r"\b(?:rather|prefer(?: that| if)?) (?:you|you all|you guys|your company|nobody|no one) (?:not |never |didn't |"
    r"wouldn't )(?:reach out|contact|call|email|message|text)\b" + _NOT_A_TIME_LIMIT,
    # Tagalog, Vietnamese, Portuguese, French, Polish, Haitian Creole, Chinese (pinyin and characters), Korean
    r"\b(?:wag|huwag)(?: \w+){0,4}? (?:tumawag|tatawag|tawagan|tawagin)\b",
    r"\b(?:alisin|tanggalin|burahin|paki ?(?:tanggal|alis|bura)\w*)(?: \w+){0,4}? (?:number|numero|pangalan)\b",
    r"\bđừng (?:gọi|goi)\b|\bdung goi\b",
    r"\bha (?:ii|i|noo|na|igu) (?:soo )?(?:wicin|wac|wacin|wacina)\b",  # Somali: "fadlan ha ii soo wicin mar dambe"
    # Nepali "malai phone nagarnus" (don't phone me), romanised and in Devanagari
    r"\b(?:phone|fon|call) (?:na ?garnus|na ?garnu|na ?gara|nagarnuhos)\b|(?:फोन|फ़ोन|कल) (?:\S+ )?नगर्नु",
    # Samoan "aua le toe telefoni mai" and Tongan "'oua 'e toe ui mai" (don't phone again); Amharic "አትደውሉልኝ"
    r"\b(?:aua|'?oua)(?: (?:le|e|'e|ta))?(?: toe)? (?:telefoni|vili|valaau|ui)\b|(?:አት|እንዳት)ደው(?:ሉ|ል|ይ)",
    # don't call (again) in Arabic, Farsi and Dari, Urdu, Hindi, Bengali, Gujarati, Punjabi, Khmer, and Oromo and
    # Jamaican patois as written in Latin letters
    r"لا (?:\S+ )?(?:تتصل|تتّصل|تتصلوا|تتصلي|تكلمني|تكلموني|ترن)|(?:زنگ|تماس) (?:\S+ )?(?:نزن|نگیر|نکن)|"
    r"فون (?:\S+ )?(?:مت|نہ) (?:کر|کریں|کرنا)|(?:फ़ोन|फोन|कॉल) (?:\S+ )?(?:मत|न) (?:कर|करें|करना)|"
    r"(?:ফোন|কল) (?:\S+ )?(?:করবেন না|করো না|করিস না|দিবেন না)|(?:ફોન|કૉલ|કોલ) (?:\S+ )?(?:ન|ના) (?:કર|કરશો|કરો)|"
    r"(?:ਫ਼ੋਨ|ਫੋਨ) (?:\S+ )?ਨਾ (?:ਕਰ|ਕਰੋ|ਕਰਿਓ)|កុំ\S*(?:ទូរស័ព្ទ|តេ)|"
    r"\b(?:call|phone) (?:mat|na) (?:karo|karna|kijiye|kariye|karein)\b|\bhin bilbil\w*\b|"
    r"\b(?:not|doan|don) (?:badda|bodda) (?:call|ring|phone)\b|\b(?:not|doan) (?:call|ring) (?:mi|me)\b",
    r"\b(?:não|nao) (?:me |nos )?(?:ligue|liguem|ligar|liga|ligam)\b",
    r"\bne (?:m'|m|me |nous )?(?:appelez|appelle|appelles|rappelez|rappelle) (?:plus|jamais)\b",
    r"\b(?:arr[eê]te[sz]?|cessez) de (?:m'|m|me |nous )?(?:appeler|rappeler|d[ée]ranger)\b",
    r"\b(?:para|pare|parem|deixa|deixe|chega) de (?:me |nos )?(?:ligar|liga|ligando)\b",  # "para de me ligar"
    r"\bremove (?:niyo|nyo|mo|ninyo) (?:na )?(?:lang )?(?:ako|kami|number ko|ang number ko)\b",  # Tagalog
    r"\bstop na (?:po )?(?:kayo|ang pagtawag|sa pagtawag|remove)\b",
    r"\b(?:tira|tire|tirem|remova|apague) (?:o )?(?:meu|nosso) (?:n[uú]mero|nome|telefone)\b",
    # Russian (romanised as speech-to-text writes it, and in Cyrillic), Italian
    r"\bne (?:zvonite|zvoni|zvonit) (?:mne|nam|syuda|bolshe)\b|не звоните|не звони",
    # Ukrainian ("не дзвоніть мені більше", "не телефонуйте"), the number deleted in Russian or Ukrainian
    r"\bne (?:dzvonit\w*|telefonuit\w*) (?:meni|nam|bilshe)\b|не дзвон|не телефону|удалите (?:мой|наш) номер|"
    r"видаліть (?:мій|наш) номер",
    r"\bnon? (?:mi |ci )?chiam\w* (?:più|piu)\b",  # ("non" is written "no" where French is read)
    r"\bnie dzwo[nń]\w*\b", r"\bpa rele (?:mwen|m) ank[oò]\b", r"\bbie (?:zai )?da (?:dian hua|lai)\b",
    r"不要(?:再)?(?:打|给我打|联系)|别(?:再)?(?:打|联系)", r"전화 ?하지 마|전화 그만|그만 전화|연락 ?하지 마",
    # the calls made to stop, for someone else, the number erased
    r"\bhow (?:do|can|would) (?:i|we) (?:make|get) (?:these|the|your|this|all these) (?:\w+ )?(?:calls?|calling) "
    r"(?:to )?(?:stop|end)\b",
    r"\b(?:he|she|they|my \w+) (?:doesn't|does not|don't|do not) want (?:any more|anymore|any|more|your|these) "
    r"(?:\w+ )?calls\b",
    r"\b(?:number|info|information)\b.*\b(?:erase|delete|scrub|lose) it\b",
    rf"\btake (?:my|our) (?:\w+ )?(?:mother|mom|father|dad|husband|wife|son|daughter|grandma|grandpa|grandmother|"
    rf"grandfather|parents?|aunt|uncle|brother|sister) off (?:your|the|this|ur|all) (?:\w+ )?{_LISTS}\b",
    # someone else's name off the list ("my husband passed, take his name off your list")
    rf"\b(?:take|get|scratch|cross|remove) (?:his|her|their|(?:my|our) \w+'?s) (?:name|number) off (?:of )?"
    rf"(?:your|the|this|ur|all) (?:\w+ )?{_LISTS}\b",
    # contact ended in formal words, the calls wished to an end, being left alone, not being on anyone's list, the
    # number not to be used, a call wished to be the last one heard, a conditional "if you didn't call anymore"
    r"\b(?:cease|discontinue|halt|end|terminate)(?: all| any| further| these| your| the| of)* (?:contact|contacting|"
    r"communications?|correspondence|calls|calling|phone calls|messages|texts|solicitations?)\b",
    r"\b(?:these|the|your|all these|all the|all your|all this|this|those) (?:\w+ )?(?:calls|calling|phone calls|"
    r"robocalls|texts)(?: \w+){0,2}? (?:to|must|need to|needs to|has to|have to|should|got to|are going to|better) "
    r"(?:stop|end|cease|quit)\b",
    r"\b(?:call|calls|calling|ringing|texting)\b.*\b(?:want|need|would like|'d like) (?:it|this|that|them|all this|"
    r"all of this|this stuff|it all) to (?:stop|end)\b",
    r"\b(?:be|been|being|get|got|to be) left alone\b", r"\bleave (?:me|us) be\b",
    r"\b(?:don't|do not|never|no longer) want (?:to be|me|us|my (?:\w+ )?number|this number|my name)(?: \w+)? on "
    rf"(?:\w+'s |any |anyone's |anybody's |your |a |the |some |any of your |no )?(?:\w+ )?{_LISTS}\b",
    r"\b(?:number|phone|cell|line)\b.*\b(?:don't|do not|never) (?:use|dial|try) (?:it|this|that)(?: one)? (?:again|"
    r"anymore|any more|ever again)\b",
    r"\b(?:don't|do not|never) (?:use|dial) (?:this|my|our) (?:\w+ )?(?:number|cell|phone|line)\b",
    r"\b(?:last|final) time (?:i|we) (?:want|need|care|intend|plan|am going|'m going|will|'ll|should)(?: \w+){0,2}? "
    r"(?:to )?(?:hear from|get a call|get called|be called|answer|pick up)\b",
    rf"\b(?:didn't|did not|wouldn't|would not) (?:call|contact|ring|text|phone)(?: {_WHOM})? (?:again|anymore|"
    r"any more|ever again)\b",
    r"\b(?:if|when) (?:you|you all|you guys|you people|your (?:company|office|people)|they) (?:\w+ )?(?:stopped|"
    rf"quit|ceased|would stop|could stop) {_CALLING}",
    # for someone else: a caregiver, a relative ("he can't handle these calls, please remove him")
    r"\b(?:calls?|calling|list|number)\b.*\b(?:remove|delete|take off|drop) (?:him|her|them)\b",
    r"\b(?:don't|do not|never) (?:call|contact|ring) (?:me|us)(?: back)? at all\b",
    # a complaint about being called again and again is a request to stop (revocation by any reasonable means)
    r"\bhow many (?:more )?times (?:do|does|did|must|should|will|have) (?:i|we|she|he|my \w+)(?: \w+)? "
    r"(?:have to |gotta |got to |need to |to )?(?:tell|ask|say|told|asked|said)\b",
    r"\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|twenty|a dozen|a million|so many|all these) "
    r"(?:\w+ )?calls? (?:a|per|every) (?:day|week)\b",
    r"\b(?:you|y'all|you guys|you people|your (?:company|people|office)|they|people) (?:just )?keeps? (?:on )?"
    r"(?:calling|ringing|calling me|bugging me)\b",
)
# What is not an opt-out although it says the words: a list they are not on, someone else told to stop, another
# number, another channel with calls allowed ("take me off the email list but calls are fine").
_NOT_OPT_OUT = re.compile(
    # asking our calling hours ("what time do you guys stop calling people"): a question, not a request
    r"\b(?:what time|when|how late|what hours)(?: do| does| will| would)? (?:you|you all|you guys|y'all|your company)"
    r"(?: \w+)? (?:stop|quit|finish|end)\b|"
    r"\b(?:not|never been|never was|isn't|aren't) (?:on|in) (?:any|the|a|your|no)(?: \w+){0,3}? (?:list|registry)\b|"
    # what someone else did ("the listing expired and she quit calling")
    r"\b(?:she|he|they|the agent|our agent|my agent|the realtor|the lender|the bank)(?: just| finally| eventually| "
    r"never| kind of| sort of)? (?:quit|stopped|ceased) (?:calling|contacting|texting|returning)\b|"
    # the registry named as a fact, then leave given in the same breath ("we're on it for the solar guys, but go ahead")
    r"\b(?:(?:national|federal) )?(?:do not call|dnc|no call)(?: \w+){0,2}? (?:list|registry|thing)\b(?=.*\b(?:but|"
    r"though|anyway|nah)\b.*\b(?:go ahead|you're (?:good|fine|ok|okay)|(?:this|that|it|you)(?:'s| is| are) (?:fine|ok|"
    r"okay|good)|i (?:did )?fill(?:ed)? (?:out|in)|(?:i'm|we're|i am|we are) (?:still )?interested|i don't mind|"
    r"keep going|carry on|that's (?:my|our) \w+'s (?:landline|number|phone))\b)|"
    r"\btold (?:her|him|my agent|our agent|the agent|my realtor|our realtor|the other (?:company|agent|guy)|"
    r"that agent|that company)(?: \w+){0,2}? (?:to )?(?:stop|not to|never|quit|remove|take)\b.*|"
    r"\b(?:don't|do not|never) (?:ever )?(?:call|text|contact|ring) (?:my|his|her|our) (?:\w+'s |work |office |other "
    r"|home )(?:cell|number|phone|line|mobile)\b.*|"
    rf"\b(?:{_REMOVE} )?(?:\w+ ){{0,4}}?(?:email|e mail|mailing|newsletter|text|texting|sms) list\b"
    r"(?=.*\b(?:calls? (?:are|is) (?:fine|ok|okay|good)|"
    r"(?:you can|you may|feel free to) (?:still )?call|calling (?:is|me is) (?:fine|ok|okay)))")
_PUT_ON_THE_LIST = re.compile(
    r"(?:^|\b(?:please|can you|could you|would you|will you|you can|you should|you better|just|go ahead and|i want "
    r"you to|i need you to|(?:but|so|and|now) you) )(?:put|add|place|sign|list|get) (?:me|us|my number|this number|"
    r"my name) (?:on|to|up for|"
    r"onto) (?:\w+ ){0,2}?(?:do not call|dnc|no call)\b|"
    r"\b(?:i|we) (?:want|wanna|need|would like|'d like) (?:to be|my number|our number|this number) (?:put )?"
    r"(?:on|added to) (?:\w+ ){0,2}?(?:do not call|dnc|no call)\b")
# A request negated right before it ("don't take me off", "i'm not saying stop calling"); a negation further back
# belongs to another clause ("not interested, lose my number" is an opt-out).
_NOT_OPT_OUT_BEFORE = re.compile(r"\b(?:(?:don't|do not|didn't|did not|won't|never)(?: you| ever| even| just)?|"
                                 r"(?:not|never) (?:saying|said|asking|telling you)(?: to| you to)?|"
                                 r"(?:didn't|did not) (?:say|ask|mean)(?: to| you to)?|no need to|"
                                 r"(?:you )?(?:don't|do not) (?:have|need) to) $")
_NEGATION_FIRST = re.compile(r"(?:don't|do not)\b")
_NEVER_ANSWER = re.compile(r"^(?:(?:uh|um|oh|well|honestly|how about|try) )*never(?: ever)? $")
# ("tomorrow at noon or don't bother", "if not, don't bother": a condition on a time they want, not a request)
_DONT_CALL = re.compile(r"(?<!that )(?<!which )(?<!who )\b(?!(?:(?<=\bor )|(?<=\bor just )|(?<=otherwise )|"
                        r"(?<=if not ))(?:don't|do not) bother\b)(?:don't|do not|never|quit) "
                        r"(?:you |you all |you guys |you people |anybody |anyone )?"
                        r"(?:ever )?(?:call|contact|text|phone|ring|bother)"
                        r"(?: me| us| this number| here)?\b(.*)")
_LIMIT_WORDS = {"before", "after", "until", "till", "til", "past"}
_TIME_PREFERENCE = re.compile(
    r"^ (?:before|after|until|till|til|at|on|in|during|between|early|late|this|tomorrow|today|tonight|next|past|"
    r"around|while|when|so early|so late|mornings?|evenings?|afternoons?|weekends?|at night|on \w+days?)\b")
# A call screen (Google's, a carrier's) asks who is calling: a machine, left a message like a voicemail
_SCREENING = _rx(r"\b(?:call )?screening service\b|\b(?:state|say) your name and (?:why|the reason|what|your "
                 r"business)\b|\b(?:record|say) your name (?:after|at) the (?:tone|beep)\b|"
                 # "if you record your name and reason for calling i'll see if this person is available"
                 r"\b(?:record|state|say) your name and (?:the )?reason\b|\bsee if (?:this|the) person is available\b")
# An answering machine's greeting (what a person never says to a caller).
_VOICEMAIL = _rx(
    r"\b(?:leave|record) (?:me |us )?(?:a |your |one )?(?:brief |short )?(?:message|name and number|voicemail)\b"
    r"(?:.*\b(?:after|at) the (?:tone|beep))?",
    r"\b(?:after|at) the (?:tone|beep)\b", r"\b(?:mailbox|voice ?mail ?box) (?:is )?(?:full|not set up)\b",
    r"\bhas not set up (?:their|his|her) voice ?mail\b", r"\bis not available(?: right now| at the moment)?\b"
    r"(?=.*\b(?:message|tone|beep)\b)",
    r"\byou(?:'ve| have) reached the voice ?mail\b",
    r"\b(?:forwarded to|you have reached|you've reached) (?:an? )?(?:automatic |automated )?voice ?(?:message|mail)",
    r"\bvoice (?:message|messaging) system\b",
    # a greeting of the household's own: "hi you've reached the hendersons, we can't come to the phone right now"
    r"\byou(?:'ve| have) reached (?:the )?[\w']+(?: [\w']+)?\b.*\b(?:can't|cannot|can not|are unable to|"
    r"aren't able to) (?:come to|get to|answer|take) (?:the )?(?:phone|call|your call)\b",
    r"\b(?:you have|you've) reached the (?:voice ?)?(?:mail ?box|mailbox|voicemail) of\b",
    r"^(?:hey |hi |hello )?(?:it's|this is) \w+(?: \w+)? (?:leave (?:one|it|a message)|you know what to do)$",
    # "hey it's tyler, can't get to the phone, i'm out on the river": a greeting of their own
    r"^(?:hey |hi |hello |yo )?(?:it's|its|this is|you got|you've got) \w+(?: \w+)?,? (?:i |we )?(?:can't|cannot|"
    r"can not|couldn't) (?:come to|get to|answer|pick up) (?:the )?phone\b",
    r"\bthe (?:person|party|number|wireless customer|customer|subscriber|mobile customer|cellular customer)(?: \w+)? "
    r"you(?: are|'re| have)? (?:calling|trying to reach|dialed|dialled|reached)(?: \w+)? (?:is|has|was|cannot|can't)\b",
    _SCREENING.pattern,
    r"\b(?:mailbox|voice ?mail ?box|voicemail) (?:has not|hasn't|has never) been set up\b",
    r"\byou(?:'ve| have) reached [a-z' ]{1,30}?(?:cell|phone|line|voicemail|office|number)\b",
    r"\bdej[ae] (?:tu|su) mensaje\b|\b(?:has|ha) llamado a\b",
    # Ukrainian and Russian: "залиште повідомлення після сигналу", "оставьте сообщение после сигнала"
    r"залиш\w* (?:своє |ваше )?повідомлення|після сигналу|оставьте (?:ваше |своё |свое )?сообщение|после сигнала",
    r"\bi (?:don't|do not|never|rarely) (?:check|listen to) (?:these|this|my voice ?mails?|voice ?mails?|"
    r"(?:my )?messages)\b",
)
_WRONG_NUMBER = _rx(
    # a business's desk answered: "no this the front desk at the marriott on hilton head"
    r"\b(?:this is|this|you've reached|you reached|you called) (?:the )?(?:front desk|reception desk|switchboard|"
    r"nurses'? station|nurse's station|service desk|main office) (?:at|of|for)\b",
    # "dale moved out years ago, this is a new number" ("the kids moved out years ago" is no wrong number)
    r"\bthis is a new number\b|\b(?:this|the|my) number is (?:brand )?new\b",
    # "nope, no jessica here, that's my ex wife's old number"
    # (someone else's: "that's my old number" is the lead's own, and they answered it)
    r"\b(?:that's|this is|that was|it's|this was) (?:my|our) (?:[\w']+ ){1,2}old (?:number|phone|cell)\b",
    # "nah this ain't kevin, kevin moved out a long time ago": the one asked for is not here, and why
    # (the name said twice is written once: "this ain't kevin moved out")
    r"\bthis (?:ain't|aint|isn't|is not|'s not) (?P<asked>[a-z]+)\b(?:.* (?P=asked))? (?:moved|passed|died|left|"
    r"is gone|doesn't live|does not live|don't live)\b",
    r"\bthis (?:ain't|aint|isn't|is not|'s not) the (?:number|place|line|phone) for (?:that|this|it|him|her|them)\b",
    r"\bwrong (?:number|numba|numbah|person|guy|lady|house|people|phone|one)\b",
    # "that was my dad's number, he passed": the one asked for is gone
    r"\b(?:that|this|it) (?:was|used to be) (?:my|our) (?:\w+'?s?) (?:number|phone|cell)\b.*\b(?:passed|died|"
    r"gone|deceased|moved)\b",
    # "this is a business, this is lucky nails": nobody here asked about a home
    r"^(?:(?:uh|um|yeah|hi|hello) )*this is a (?:business|store|shop|salon|restaurant|office|clinic)\b",
    # "this used to be my mom's number ... it's not me": the number changed hands
    r"\b(?:this|that|it) used to be (?:my|somebody|someone|some) ?(?:\w+'?s? )?(?:number|phone|cell)\b",
    # "this ain't steve's phone anymore, i got this number a year ago"; "the business line for a pool company, you want
    # a different number"
    r"\b(?:this|it) (?:ain't|aint|isn't|is not|'s not) [a-z]+'?s (?:phone|number|cell)(?: any ?more)?\b",
    r"\byou (?:want|need|must want) (?:a |the )?(?:different|other) number\b",
    # "this a business line, ain't no danielle here": nobody of that name at this number
    r"\b(?:ain't|aint|there ain't|there's|there is|ain't got) no (?!(?:rush|hurry|agent|agents|realtor|room|space|"
    r"time|money|problem|need|way|reason|house|home|interest|deal|pressure|worries|worry|yard|garage|basement|one|"
    r"body|thing|point|signal|service|reception)\b)[a-z]+ (?:here|at this number|on this line|that works here)\b",
    r"\b(?:this|that)(?: is|'s)? (?:a )?(?:business|work|office|company) (?:line|number|phone)\b(?=.*\b(?:no|ain't|"
    r"aint|nobody|never)\b)",
    r"\b(?:you've|you have|you got|you must have|you've got|you must've) (?:the |a )?wrong\b",
    r"\bno ?(?:one|body) (?:here )?(?:by|with|named|called) (?:that|this|the)\b",
    r"\bthere(?:'s| is) no (?:one|body) (?:here )?(?:by|named|called)\b",
    r"\bthere(?:'s| is) no (?:[\w']+ ){1,2}(?:here|at this number|living here|in this house)\b",
    r"\b(?:doesn't|does not|don't|do not) live here\b", r"\b(?:doesn't|does not|don't|do not) stay here (?:no more|"
    r"any ?more)\b", r"\bnever heard of (?:him|her|them|that person)\b",
    r"\bi don't know (?:who that is|anyone (?:by|named)|any(?:one|body)? (?:by )?that name)\b",
    r"\bnot (?:the )?(?:right|correct) (?:person|number)\b",
    r"\bno(?:body| one) (?:here )?(?:named|called(?! (?:me|us|here|again|back|this))|by the name|with the name)\b",
    r"\b(?:doesn't|does not|don't|do not) have this (?:number|phone)(?: any ?more| now)?\b",
    r"\b(?:hasn't|has not|haven't|have not) had (?:this|that|the) (?:number|phone)\b",
    r"\bthis is (?:his|her|their|my) \w+'s (?:phone|number|line|cell)\b",
    r"\bthis (?:ain't|isn't|is not|aint) (?:his|her|their|\w+'s) (?:phone|number|line|cell)(?: no more| anymore)?\b",
    r"\bwhoever had (?:it|this number|the number|this phone) before\b",
    # "whoever you lookin for ain't me", "the person you want isn't here"
    r"\b(?:whoever|whoever it is|who|the (?:person|one|lady|guy|man|woman)) (?:you're|you are|you) (?:looking for|"
    r"lookin for|looking to reach|trying to reach|tryin to reach|want|wanting|calling for|after) (?:ain't|aint|isn't|"
    r"is not|'s not) (?:me|here|at this number)\b",
    # someone else's number, now theirs: "she moved to houston, this is her old number"
    r"\b(?:this|that|it)(?:'s| is| was) (?:his|her|their|my \w+'s) old (?:number|phone|cell|line)\b",
    r"\b(?:just|only|recently) got this (?:number|phone)\b",
    r"\bthis is a (?:\w+ )?(?:business|work|office|company) (?:line|number|phone)\b",  # ("a marina business line")
    r"\b(?:he|she|they) (?:changed|got a new|switched) (?:numbers?|phones?)\b",
    # dialled wrong, the person long gone from here, in Spanish
    r"\b(?:dialed|dialled|punched in|typed in|misdialed|misdialled) (?:the )?wrong\b|\bmisdial\w*\b",
    # "i think somebody typed their number in wrong"
    r"\b(?:typed|put|entered|punched|wrote) (?:their|his|her|a|the) (?:phone )?number (?:in |down )?wrong\b",
    r"\b(?:he|she|they) (?:hasn't|has not|haven't|have not|hadn't|no longer|hasn't ever) (?:lived|lives|live|been) "
    r"(?:here|at this (?:address|number))\b",
    r"\bn[uú]mero equivocado\b|\bequivocad[oa]s?\b", r"^wrong [a-z]+(?: buddy| pal| man| lady| dude| sir| ma'am)?$",
    r"\b(?:had|used to have) (?:this|the|that) (?:number|phone) before (?:me|us)\b",
    r"\b(?:just|only) got (?:it|this|this number|this phone) (?:in|last|a few|a couple|this)\b",
    r"\bthis is a (?:dental|medical|doctor's|dentist's|law|insurance|business|accounting|vet) (?:office|practice|"
    r"line|firm|clinic)\b",
    r"\bthis (?:ain't|isn't|is not) [a-z]+ (?:he|she|they) (?:had|used to have) (?:this|the) number\b",
    r"\b(?:he|she|they) (?:ain't|hasn't|has not|haven't|have not) (?:had|used) (?:this|that|the|it)"
    r"(?: phone| number)?\b(?=.*\b(?:years?|months?|long time|while)\b)|"
    r"\b(?:he|she|they) (?:ain't|hasn't|has not|haven't|have not) (?:had|used) (?:this|that|the) (?:phone|number)\b",
    r"\b(?:mixed|mixing) (?:me )?up with (?:somebody|someone) (?:else)?\b|\bmy name(?:'s| is) not \w+\b",
    r"\bthis is [a-z']+(?:'s| and sons?| brothers) (?:auto|body|shop|salon|restaurant|diner|bar|pizza|garage|plumbing|"
    r"dental|law|insurance|towing|hardware|bakery|store|market|office|clinic)\b",
)
# "wrong number? no, this is the right number": taken back in the same breath
_RIGHT_NUMBER = re.compile(r"\b(?:this|it|that)(?:'s| is) the right (?:number|person|one)\b|"
                           r"\b(?:you've got|you have|you got) the right (?:number|person)\b|"
                           r"\bi'?m the one (?:who|that) (?:filled|signed|asked|put|sent"
                           r"|submitted|reached)\b|"
                           # someone answering for them: "this is my grandma's phone, she's right here, i can help"
                           r"\b(?:she's|he's|they're|she is|he is|they are) (?:right )?(?:here|next to me|with me|"
                           r"sitting here)\b|\bi can (?:help|translate|talk for)\b")
_SPANISH = re.compile(
    r"\b(?:habla|hablo|hablas|hablan|español|espanol|inglés|hola|bueno|quién|quien|gracias|entiendo|señor|señora"
    r"|mande|al[oó]|por favor|no ingles|estamos|buscando|queremos|necesito|necesitamos|casa|llamar"
    r"|ustedes|sí)\b")
# a yes in Spanish or Portuguese, maybe with an English word ("si gracias", "sí perfect", "sim claro")
_SPANISH_YES = re.compile(r"^(?:s[ií]|sim|claro|dale|ok|yes|yeah|yep|dạ|vâng|oui|wi|t[aá] bom|opo|oo po|ja)"
                          r"(?: (?:s[ií]|sim|gracias|obrigad[oa]|t[aá] bom|m[eè]si|wi|"
                          r"muchas gracias|claro|perfecto|perfeito|bueno|est[aá] bien|por favor|se[nñ]ora?|dale|"
                          r"perfect|yes|yeah|okay|ok|great|sure|good|thanks|thank you|go ahead|dạ|vâng|cảm ơn|cam on|"
                          r"merci|oui|salamat|"
                          r"po|mahalo))*$")
# a goodbye in another language, after words of thanks or yes ("perfeito valeu tchau", "ok gracias adiós")
_OTHER_GOODBYE = re.compile(r"^(?:\w+ ){0,4}(?:tchau|adi[oó]s|chau|ciao|tsch[uü]ss|au revoir|paalam|zaijian|"
                            r"do svidaniya|hasta luego|até logo|ate logo|a hui hou|a hui ho|bye bye|bye|goodbye)"
                            r"(?: \w+)?$")
# how Spanish speakers answer the phone ("hello hello bueno", "alo"): a hello, whatever language follows
_PHONE_HELLO = re.compile(r"^(?:(?:hello|hi|hey|alo|aló|allo|bueno|diga|dígame|digame|oigo|yes)\s*)+$")
# a grumble, then leave to go on: "ugh you people call every day fine i got a minute what"
_GRUMBLE_THEN_YES = re.compile(r"\b(?:fine|ok|okay|alright|all right|whatever)\b,? (?:i (?:got|have|guess i "
                               r"(?:got|have)) a (?:minute|sec|second)|go ahead|make it quick|what is it)\b(?: what)?$")
# "my english is not so good pero go ahead": they go on in English all the same
_GO_ON_ANYWAY = re.compile(r"\b(?:but|pero) (?:go ahead|go on|continue|keep going|it's ok|its ok|is ok|ok|sigue|"
                           r"dale|i understand|i can understand)\b|"
                           # someone beside them speaks for them: "my mom don't speak english that good so i can help"
                           r"\b(?:i|i'll|i can|i will|let me|i'm|i am)(?: \w+)? (?:help|translate|interpret|talk for "
                           r"(?:her|him|them)|speak for (?:her|him|them)|answer for (?:her|him|them))\b")
_SPANISH_ASKED = _rx(r"\b(?:speak|speaks|talk|in) spanish\b", r"\bspanish (?:please|speaker|speaking)\b")
_PORTUGUESE = re.compile(r"\b(?:não|você|voce|português|portugues|inglês|obrigad[oa]|alô|falando|desculpa|tá|"
                         r"falo|fala|tenho|olha|ligar|valeu|tchau|perfeito|agora|estou|também)\b")
_CHINESE_PINYIN = re.compile(r"\b(?:wo bu|bu hui|yingwen|ying wen|zhongwen|zhong wen|putonghua|ni hao|xie xie|"
                             r"ting bu dong)\b")
_VIETNAMESE = re.compile(r"\b(?:tiếng việt|tieng viet|nói tiếng|noi tieng|được không|duoc khong|không biết|khong biet|"
                         r"xin chào|xin chao)\b")
_HAITIAN = re.compile(r"\b(?:mwen pa|kreyòl|kreyol|ayisyen|bonjou)\b")
# Korean and Persian as speech-to-text writes them in Latin letters ("yeoboseyo", "salam farsi baladid")
_KOREAN_ROMANISED = re.compile(r"\b(?:yeoboseyo|yoboseyo|yeobuseyo|annyeong\w*|nuguseyo|hangugeo|hangukmal|"
                               r"gamsahamnida|kamsahamnida|mollayo|yeongeo)\b")
# "I don't speak English" in Tongan and Samoan, as speech-to-text writes them ("talofa" alone is a hello in English)
_POLYNESIAN = re.compile(r"\b(?:(?P<to>fakap[aā]langi|lea faka ?tonga|malo e lelei)|fa'?aperetania|"
                         r"gagana (?:samoa|peretania)|tautala (?:fa'?a)?samoa|te le malamalama)\b")
_FARSI_ROMANISED = re.compile(r"\b(?:baladid|balad nistam|baladam|mamnoon|khodahafez|khoda hafez|farsi baladi\w*)\b")
_HINDI_ROMANISED = re.compile(r"\b(?:angrezi|angreji|nahi aati|nahin aati|hindi (?:mein|me|main) (?:baat|bolo|boliye)|"
                              r"samajh nahi|samajh nahin|aap kaun|kaun bol rahe|dekh rahe hain|hum log)\b")
_FRENCH = re.compile(r"\b(?:je (?:ne )?parle|parlez|bonjour|anglais|français|francais|oui|merci)\b")
_OTHER_LANGUAGE = re.compile(r"\b(?:speak|speaks|talk|in) (chinese|mandarin|cantonese|vietnamese|korean|russian|"
                             r"portuguese|french|arabic|hindi|tagalog|farsi|persian)\b|"
                             r"\b(?:no|don't|do not) (?:speak )?english\b"
                             r"|\bno english\b|\b(chinese|mandarin|cantonese|vietnamese|korean|russian|portuguese|"
                             r"french|arabic|hindi|tagalog|farsi|persian) (?:speaker|speaking|person|only)\b|"
                             r"\b(?:my )?english (?:is )?(?:not|no) (?:so |very |too )?good\b")
_LANGUAGE_CODES = {"chinese": "zh", "mandarin": "zh", "cantonese": "zh", "vietnamese": "vi", "korean": "ko",
                   "russian": "ru", "portuguese": "pt", "french": "fr", "arabic": "ar", "hindi": "hi",
                   "tagalog": "tl", "farsi": "fa", "persian": "fa"}
_IS_ROBOT = _rx(
    r"\bis there (?:a |an )?(?:real |actual |live )?(?:human|human being|person|people) (?:on (?:this|the) "
    r"(?:line|phone|call)|there|at all)\b",
    r"\b(?:the|that|this|another) (?:ai|robot|bot) (?:thing|call)\b",
    r"\b(?:are you|is this|is that|am i (?:talking|speaking) (?:to|with)|you're|you are|this is|is it|r u|are u) "
    r"(?:a |an |just a |like a |like an |some (?:kind of |sort of )?(?:a )?|actually a |even a |really a )?"
    r"(?:robot|bot|machine|computer|ai|artificial intelligence|recording|recorded|automated|automatic|real person|"
    r"real human|human|live person|live human|actual human|human being|person|real|actual person|chat ?bot|"
    r"robocall|robo call|chat ?gpt)\b",
    r"\bsound(?:s)? like a (?:robot|machine|computer)\b",
    r"\bdid (?:you|u) (?:just )?say (?:an? )?(?:ai|robot|automated|bot|computer|machine|assistant)\b",
    r"(?<!have to )(?<!need to )\b(?:talk|speak) (?:to|with) (?:a |an )?(?:real|live|actual) (?:person|human|agent)\b",
    r"\bis this (?:a |just |some )?(?:another )?(?:one of (?:those|them|these|your) )?(?:robo ?calls?|machine)\b",
    r"\bare you (?:a )?(?:bot|ai)\b",
    r"\bsound(?:s|ing)? (?:like|just like) (?:a |an )?(?:bot|robot|machine|computer|recording|ai)\b",
    r"\bchat ?gpt\b", r"\b(?:sound|sounds|sounding) (?:just |exactly )?like (?:siri|alexa|a siri|an alexa)\b",
    r"\b(?:you|are you|is this) (?:a |an |just a )?(?:\S+ )?(?:machine|robot|bot) or what\b",
    r"\b(?:one of those|one of them|some kind of|some sort of|some) (?:ai|robot|bot|automated|computer) "
    r"(?:things?|calls?|voices?)\b",
    r"\bis this (?:an? )?(?:ai|bot|robot)\b", r"\banother (?:robo ?call|robot|bot|automated call|computer call)\b",
    # "wait an ai like a computer is calling me right now"
    r"\b(?:an? )?(?:ai|robot|bot|computer|machine) (?:\w+ ){0,3}?(?:is |'s )?(?:calling|talking to|on the phone with) "
    r"(?:me|us)\b",
    r"\bchat ?bots?\b",
    # "you a bot aint you"
    r"^(?:\w+ )?you(?:'re| are)? (?:a |an |just a )(?:bot|robot|machine|computer|recording|ai)\b",
    # "one of them ai bots or a real lady", "is there an actual human on this line", "i don't talk to machines"
    r"\bone of (?:those|them|these) (?:ai )?(?:bots?|robots?|ai|machines?|computers?|recordings?|robo ?calls?)\b",
    r"\bor (?:a |an )?(?:real|actual|live) (?:person|human|lady|guy|man|woman|one|people|voice)\b",
    # "this a real lady or a machine im talkin to": the person first, then the machine
    # (not asked of someone else: "is dana a real person or another ai")
    r"^(?!.*\b(?:is|are) (?:dana|she|he|they|the agent|your agent|that agent|the realtor|them)\b)"
    r".*\b(?:real|actual|live) (?:person|human|lady|guy|man|woman|voice) or (?:a |an |some )?(?:\w+ )?(?:machine|"
    r"robot|bot|computer|recording|ai)\b",
    r"\b(?:is there|there's|is this|is that) (?:an? |even an? )?(?:actual|real|live) (?:human|person|voice)\b",
    # "i aint talkin to no machine" (not interested, and why: not interested)
    r"^(?!.*\binterested\b).*\b(?:don't|do not|won't|will not|never|ain't|aint|am not|i'm not) (?:talk|speak|"
    r"talking|speaking) (?:to|with) (?:a |an |no )?(?:machines?|robots?|computers?|bots?|ai|recordings?)\b",
    r"\b(?:is this|is that|are you|is it) (?:a |an |some )(?:damn |darn |freaking |stupid |fake |real |actual )"
    r"(?:robot|bot|machine|computer|recording|ai)\b",
    # "hold on youre not a real person are ya"
    r"\b(?:you're|you are|you) not (?:a |an )?(?:real|actual|live)? ?(?:person|human|human being)"
    r"(?=$| (?:are (?:you|ya|u)|right|huh|is it|am i)\b)",
    # "y'all got robots callin folks now"; "are you a eye" (the letters a i, as speech-to-text spells them)
    r"\b(?:y'all|yall|you|you all|you guys|your company|your office|they) (?:\w+ )?(?:got|have|has|using|use|"
    r"sending|send|sendin|usin) (?:a |them |those |these )?(?:robots?|bots?|ai|computers?|machines?) (?:\w+ )?"
    r"(?:calling|callin|to call|dialing|dialin|making (?:the )?calls|makin (?:the )?calls|doing (?:the )?calls)\b",
    r"\b(?:are you|is this|is that|you're|you) (?:a |an |just a )?(?:a eye|an eye|eh eye|a i|a\.i\.?)(?: or| right|"
    r" huh|$)",
)
# Asking to be put through to a person now (a live transfer), not asking what we are: "can I talk to a real person",
# "put me through to someone", "is there a human I can speak with", "get me an agent". "Am I talking to a person?"
# asks what we are (is_robot) and is not here; nor is a meeting ("can we sit down with an agent": schedule).
_WANTS_PERSON = _rx(
    r"\b(?:talk|speak|chat) (?:to|with) (?:a |an |the |your )?(?:real |live |actual |human )?(?:person|human|"
    r"people|agent|realtor|representative|rep|someone|somebody|one of (?:your|the) (?:agents|realtors|people))"
    r"(?: (?:now|right now|instead|please|directly|there))?\b",
    r"\b(?:put|transfer|connect|patch|send) me (?:through |over |straight )?(?:to|with) (?:a |an |the |your )?"
    r"(?:real |live |actual )?(?:person|human|agent|realtor|someone|somebody|manager|representative)\b",
    r"\b(?:get|give) me (?:a |an |to )?(?:real |live |actual )?(?:person|human|agent|realtor|representative)\b",
    r"\bis there (?:a |an )?(?:real |live |actual )?(?:person|human|someone|somebody|agent) (?:i|we) can "
    r"(?:talk|speak)\b",
    r"\b(?:i'd|i would|i want|i wanna|i need|i'd rather|i prefer|i'd prefer) (?:to )?(?:talk|speak|deal) (?:to|with) "
    r"(?:a |an )?(?:real |live |actual )?(?:person|human|agent|realtor|someone|somebody)\b",
)
# Calling off a meeting already booked (a lead who calls back): "cancel my appointment", "I can't make it on Tuesday".
_CANCELS = _rx(
    r"\bcancel(?:l?ing)? (?:my |the |our |that |this )?(?:appointment|meeting|showing|consultation|call|visit|it)\b",
    r"\b(?:can't|cannot|can not|won't be able to|not able to) make (?:it|the (?:appointment|meeting|showing))\b",
    r"\b(?:call|calling) off (?:the |my |our )?(?:appointment|meeting|showing)\b",
)
_A_MEETING = re.compile(r"\b(?:sit down|meet|meeting|appointment|tour|showing|visit|come (?:by|over)|stop by)\b")
_NO_PERSON = re.compile(r"\b(?:don't|do not|no need to|doesn't|does not) (?:need to |want to |have to )?"
                        r"(?:talk|speak)\b|\bnot (?:right )?now\b.*\b(?:person|agent)\b")
# What the call is about, more than who we are ("what's this about", "is this about the house on maple")
_ABOUT_WHAT = _rx(
    r"\bwhat(?:'s| is| was) (?:this|it|that|the call) (?:about|regarding|for)\b",
    r"\bwhat are you calling (?:about|for)\b", r"\bwhy are you calling\b", r"\bwhat (?:do )?you want\b",
    r"\bwhat(?:'s| is| was) (?:this|it|that|the call) (?:in (?:reference|regards?) to|concerning|pertaining to)\b",
    r"\b(?:is|was) (?:this|it|that) (?:call )?(?:about|regarding|concerning|in reference to)\b"
    r"(?!.*\b(?:yeah|yes|sure|go ahead|i can talk|i have a (?:minute|sec))\b)",
    r"\b(?:the )?reason (?:for|of) (?:your|the|this) call\b",
)
_WHO_IS_THIS = _rx(
    # "what the hell do you want": a stranger's call, answered rudely ("what do you want from me" asks it too)
    r"^(?:(?:yeah|yes|hello|um|uh|ok|so) )*what (?:the (?:hell|heck|fuck) )?(?:do|does) (?:you|y'all|you all|"
    r"you people) (?:want|need)(?: (?:from me|now|this time))?$",
    r"\b(?:who's|who is|whos|what's|what is|whats) the \w+ (?:team|realty|group)\b(?=.*\b(?:don't know|never heard|"
    r"no)\b)",
    r"\bwho(?:'s| is| are| was)? (?:this|you|calling|speaking|it|that)\b",
    r"\bwhat(?:'s| is| was) (?:the|your) (?:name of (?:the|your) (?:team|company|agency|brokerage|firm|office)|"
    r"(?:team|company|agency|brokerage|firm)(?:'s)? name)\b",  # "what was the name of the team again"
    r"^(?:hi |hello |hey |yes |yeah )*is this (?:the )?[\w']+(?: [\w']+)? (?:team|realty|real estate|group|office|"
    r"company|realtors?)$",
    r"\bwho (?:did you say|do you work for|do you represent|are you with|is calling|'s calling)\b",
    r"\bwho(?: is| are|'s)? (?:the|that|those|these|you) (?:\w+ )?(?:people|folks|guys|outfit|company)\b",
    r"\bwhere (?:are|r) you calling from\b", r"\b(?:what|which) company\b(?! (?:sold|gave|got|passed))",
    # "which team did you say you're with", "smith team what is that, is that the roofing company"
    r"\bwhich (?:team|office|agency|realty|group|outfit|brokerage)\b",
    r"^(?:\w+ )?(?:who's|who is|who are) (?:the |this )?\w+ (?:team|realty|group|real estate)$",  # "whos the x team"
    r"\bis (?:this|that|it|you all|you) (?:the |a |some )?\w+ (?:company|outfit|people|guys)\b(?! (?:that|who|which))",
    r"\bwhat(?:'s| is) (?:your name|the name of your company|your company)\b",
    r"\bwho (?:am i|are we) (?:speaking|talking) (?:with|to)\b",
    r"\bis this (?:a |some )?(?:sales|marketing|telemarketing|spam|scam) call\b",
    r"\b(?:state|say) your name\b",
    r"\bnever heard of (?:y'all|you|you guys|your company|your (?:realty|agency|firm)|(?:\w+ )?realty|them)\b",
    r"^(?:and )?(?:who are you|you are|and you are|who might you be)$",
    r"\bwho(?:'d| did| do) you say (?:you(?:'re| are| were| was)? (?:with|from|work for|working for|work with|"
    r"working with|"
    r"representing|called|calling (?:for|from))|"
    r"this (?:is|was)|your name)\b",
    r"\bwhat(?:'s| is| was) (?:the|your) (?:company|agency|brokerage|firm|outfit)(?:'s)? (?:called|name)\b",
    r"\b(?:you're|you are) calling (?:from )?where\b", r"\bwho the \S+ (?:is|are|'s) (?:this|calling|you)\b",
    r"\bwhose (?:\w+ )?(?:is this|is that|are you|is calling|this is)\b",
    r"^(?:(?:sorry|um|uh|wait|huh|hold on|and|excuse me) )*[a-z']+ who$",
    # "smith team who now"
    r"^(?:(?:sorry|um|uh|wait|huh|and) )*(?:[a-z']+ ){0,2}(?:team|realty|group|company) who(?: now)?$",
    r"\b(?:which|what) (?:realty|agency|brokerage|real estate company|company|outfit|office) (?:is this|are you|is "
    r"that|did you say)\b",
    # "whom i speakin with", "what team you callin from", "what realtor is this again"
    r"\b(?:whom?|who'm) (?:am )?i (?:speaking|speakin|talking|talkin) (?:with|to)\b",
    r"\bwhat (?:team|office|agency|realty|group|outfit|brokerage|realtor|agent) (?:is (?:this|that|calling)|"
    r"(?:are )?(?:you|y'all|you all|you guys) (?:calling|callin|with|from|said|say)|did you say)\b",
)
_HOW_GOT_NUMBER = _rx(
    r"\b(?:is|was) (?:this|that|it) from (?:zillow|realtor|realtor com|redfin|trulia|facebook|craigslist)\b",
    # "did you get my number off zillow or somethin"
    r"\bdid (?:you|you all|you guys|they) (?:get|buy|find|pull) (?:my|this|our) (?:\w+ )?(?:number|info|name)\b",
    r"\b(?:how|where|why)(?: in the world| on earth| the heck| the hell)?(?: did|'d| do|) (?:you|you all|y'all|"
    r"you guys) (?:even |ever |actually )?(?:get|find|have|got|obtain) (?:a hold of )?"
    r"(?:my|this|our|me)"
    r"(?: \w+)?\b",
    r"\bwho gave (?:you|you all|you guys|you people|your company)(?: \w+)? (?:my|this|our|me)\b",
    # "i never gave nobody my number, how you got it"
    r"\bnumber\b.*\bhow(?:'d| did)? (?:you|y'all|you guys) (?:get|got|find|found) (?:it|that)\b",
    r"\bwho (?:told|asked|had) (?:you|y'all|you all|you guys) (?:to )?call (?:me|us|here)\b",
    r"\bhow(?: did| do|'d) (?:you|you all|you guys|you people|y'all)(?: even| ever)? (?:find|track|get to) "
    r"(?:me|us)\b",
    r"\bwhat (?:website|site|form|ad|app|page) (?:did (?:i|we)|was (?:that|it|this))\b",
    r"\bwhich (?:website|site|form|ad|app|page) (?:did (?:i|we)|was (?:that|it|this)|(?:are|were) you (?:talking about|"
    r"on about))\b",
    # "did my brother in law give you guys my number"
    r"\bdid (?:my|our) (?:\w+ ){1,3}(?:give|pass|send|hand) (?:you|y'all|you guys|you all|you people|you folks|"
    r"your company) (?:my|our|this) (?:number|info|information|name|cell|details)\b",
    r"\b(?:what|which) (?:website|site|company|app|list|ad) (?:gave|sold|got) (?:you|y'all|you all) (?:my|this|our)\b",
    r"\b(?:never|didn't|did not) (?:gave|give) (?:anybody|anyone|you|y'all|you all) (?:this|my|our) "
    r"(?:number|cell|info)\b",
    r"\bhow (?:do|did|come) you (?:still )?(?:have|got) (?:my|this|our) (?:number|info|cell)\b",
    r"\b(?:is|was) (?:this|that|it) (?:the|that|a) (?:form|ad|thing|survey) (?:on|from) \w+",
    r"\b(?:unlisted|private|new) number\b.*\bhow(?:'d| did| do) you (?:get|find|have) it\b",
    r"\b(?:how|where) (?:do|does|did|are|is) (?:you|you all|you guys|you people|your company|y'all)(?: \w+)? "
    r"(?:keep )?(?:getting|get|finding|having|got) (?:a ?hold of )?(?:my|this|our)\b",
    r"\bhow (?:do|did) you (?:know|have) (?:my|about me)\b",
    r"\bwhere(?:'d| did)? (?:you|you all|you guys) get (?:my|this|that|our) \w+\b", r"\bhow'?d you get (?:my|this)\b",
    r"\bhow(?:'d| did| do)? (?:you|y'all|yeah) (?:even |guys |people |all |folks )?(?:get|find|have|got) "
    r"(?:a ?hold of |hold of )?(?:my|this|our|me)\b",
    r"\bwhere(?:'d| did| does| do)? (?:my|this|our) (?:number|info|information|name|details) come from\b",
    r"\b(?:don't|do not|never) (?:remember|recall) (?:ever )?(?:filling|signing|giving|asking|putting|sending|"
    r"entering|submitting)\b",
    r"\bhow (?:do|did) you (?:even )?have (?:it|that|this)\b",
    r"\b(?:is|was) (?:this|that|it) from (?:that|the|my|some) (?:\w+ ){0,2}(?:thing|form|ad|website|site|app|post|"
    r"page|inquiry|request|zillow|realtor|redfin|trulia|facebook)\b",
    r"\b(?:did|do) you (?:buy|get|pull|purchase|scrape) (?:my|this|our) (?:number|info|information|name|details)\b",
    r"\b(?:sell|sold|give|gave|pass|passed) (?:you |y'all )?(?:my|our|this) (?:number|info|information|name|details|"
    r"data|contact)\b",
    r"\b(?:number|info|information|details)\b.{0,40}\bhow (?:did|do|'d) you (?:get|find|have) (?:it|that|them)\b",
    r"\b(?:never|didn't|did not) (?:put|give|enter|fill|leave) (?:my|this|our|out) (?:\w+ )?(?:number|info|form|"
    r"anything)\b",
    # "did i fill out somethin", "where'd this come from": what they did (or did not) to be called
    r"\bdid (?:i|we|my (?:wife|husband|son|daughter)) (?:fill out|fill in|sign up for|put in|submit|request|click on|"
    r"enter) (?:something|anything|a form|some form|one of)\b",
    r"\bwhere(?:'d| did| does| do|'s)? (?:this|that|this call|that call|all this|y'all|you all|you guys) "
    r"(?:even )?(?:come|coming) from\b",
)
_GOODBYE = _rx(
    r"^(?:(?:ok|k|all right|alright|thanks|thank you|kindly|well|yeah|no|ok thanks|then|mahalo|shoots|later|dude|man|"
    r"bro) )*"
    r"(?:bye|goodbye|"
    r"bye bye|good bye|see ya|a hui hou|"
    r"see you|cya|peace|peace out|ttyl"
    r"|take care|have a (?:good|nice|great|blessed) (?:day|one|night|evening|afternoon|weekend)"
    r"|(?:but )?good day(?: to you)?)(?: now| then| bye)*$",
    # ("the house gotta go": the house, not the lead)
    r"\b(?:goodbye|bye bye|good bye|(?<!so we )(?<!we )(?<!house )(?<!it )(?<!place )(?<!that )(?<!this )(?<!has )"
    r"(?<!do i )(?<!do we )(?<!would i )(?:gotta go|got to go|have to go|need to go)(?! to (?:the|your|an?|their)\b)|"
    r"gotta run|"
    r"have to run|got to run|i'm hanging up|(?:gonna|going to|about to) hang up|hanging up now|"
    r"talk to (?:you|ya|you all) later|"
    r"talk later|bye now|see ya|see yeah|see you|later then|"
    r"have a (?:good|nice|great|blessed) (?:one|day|night|evening|weekend)|(?:i'll|i'm going to|i'm gonna|let me) "
    r"let you go|that's all i needed)\b",
    r"\b(?:take care|talk soon|talk to you soon|talk to you then|see you then|catch you later)(?: now| then| bye)*$",
    r"^(?:(?:aight|alright|all right|ok|okay|bet|cool|yeah|yep) )+(?:later|laters)(?: man| bro| dude)?$",  # "bet later"
    r"\bbye$",
)
_SEE_YOU_THEN = re.compile(r"\bsee (?:you|ya|y'all) (?:then|there)$")
# "it's crazy this week": a time they are *not* free
_BUSY_PERIOD = re.compile(r"\b(?:crazy|busy|hectic|swamped|slammed|packed|nuts|insane|booked)"
                          r"(?: (?!call|try|ring|reach|text|catch)\w+){0,2} "
                          r"(?:this|next|all) (?:week|month|weekend)\b")
# The lead will ring us ("I'll call you guys when I'm free", "let me get back to you"): nothing to ask them.
# offered a meeting: "he's offshore till april 2nd, ill call yall back when he in": when, not a time to meet
_CALLS_BACK_WHEN = re.compile(r"\b(?:i'll|ill|i will|we'll|we will) (?:call|get back to|reach out to|holler at)"
                              r"(?: you| y'all| yall| you all| you guys)?(?: back)? (?:when|once|after)\b")
_CALLS_US = re.compile(r"\b(?:i'll|i will|we'll|we will|let me|i can|i'm gonna|i'm going to|i'd|i|"
                       # the one who decides will ring: "he'll have to call y'all back"
                       r"(?:he|she|they)(?:'ll| will)|(?:my|our) (?:husband|wife|spouse|partner|hubby) (?:will|'ll))"
                       r"(?: (?:have to|need to|just|probably))? (?:call|ring|get "
                       r"back to|reach out to|hit|holler at|give) (?:you|y'all|ya|you all)"
                       r"(?: guys| all| back| later| when| once| myself)*\b|"
                       r"\b(?:i'll|i will|we'll|we will|i'm gonna|i'm going to) reach out\b")  # "i'll reach out when"
_DECLINE = re.compile(r"\b(?:no thanks|no thank you|not interested|nope|nah|(?:ain't|am not|'m not|are not|'re not) "
                      r"(?:buying|selling|interested))\b")
# what follows "call me" / "try us" when it asks for a call another time
_LATER = (r"(?:back|later|again|another time|some other time|tomorrow|tonight|next|in|at|after|around|on|this|"
          r"(?:once|when)(?= (?:the )?(?:school|kids|holidays|new year|christmas|thanksgiving|easter|summer|spring|"
          r"fall|winter))|"
          r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)")
_ON_ANOTHER_LINE = (r"\b(?:call|ring|try|reach) (?:me |us )?(?:(?:on|at) )?(?:my|our) "
                    r"(?:cell|mobile|other|personal|home)\b")
# someone or something else calling them: "a place that don't call me at 2 am about the toilet"
_NOT_US = r"(?<!that don't )(?<!that doesn't )(?<!that won't )(?<!which )(?<!who )(?<!video )(?<!zoom )"
_CALLBACK = _rx(
    rf"{_NOT_US}\b(?:call|ring|try|reach|hit|text) (?:me |us )?{_LATER}\b", _ON_ANOTHER_LINE,
    r"\bcall back\b", rf"{_NOT_US}\bcall me\b",
)
# Brokerages a lead names when they already have an agent ("we signed with Keller Williams last week").
_BROKERAGES = (r"(?:keller williams|kw|re ?max|remax|compass|coldwell(?: banker)?|century (?:21|twenty one)|"
               r"exp(?: realty)?|redfin|berkshire(?: hathaway)?|sotheby's|sothebys|douglas elliman|howard hanna|"
               r"weichert|era|"
               r"long and foster|better homes and gardens|exit realty|realty one|united real estate|fathom|"
               r"the real brokerage|william raveis|windermere|john l scott|engel (?:and|&) volkers|corcoran)\b")
_AGENT_NOUN = rf"(?:(?:agent|realtor|real estate agent|broker|listing agent|buyer's agent)\b|{_BROKERAGES})"
# Hostility: swearing at us, "how dare you", "you people". Read as not interested, answered with an apology
# and the offer to take the number off our list (Understanding.hostile).
_HOSTILE = _rx(
    r"\b(?:fuck\w*|f off|shit\w*|damn you|goddamn\w*|piss off|screw you|go to hell|bastards?|assholes?|jerks?|"
    r"shut up|bugger off|get lost|drop dead|bite me)\b",
    r"\bhow dare you\b", r"\b(?:you|y'all) people\b(?! (?:are|r) (?:for|supposed to|the experts|the pros))",
    # (not the ones they met elsewhere: "tried it by owner and got nothing but scammers")
    r"(?<!nothing but )(?<!got )(?<!all the )(?<!bunch of )(?<!lot of )(?<!lotta )"
    r"\b(?:scam|scammers?|scamming|vultures|leeches|parasites)\b",
    r"\bget a (?:real )?job\b", r"\bwho the hell\b", r"\bsick and tired\b",
)
_WHEN_BACK = re.compile(r"\b(?:when|once|after) (?:i'm|i am|we're|we are|i get|we get|i come|we come|i'm home|i return|"
                        r"we return) ?(?:back|home|return)?\b")  # "back on the 20th" is _BACK_ON's
_LEAVING = re.compile(r"\b(?:leaving|leave|heading out|flying out|fly out|going away|go away|taking off|shipping out|"
                      r"deploying|deploy)\b")
_BACK_ON = re.compile(r"\b(?:back|home|return|returning) (?:on|by|the|next|this|in|after)\b")
_SEND_INSTEAD = re.compile(r"\b(?:text|email|send|shoot) (?:me|us) (?:some |a few |the |any )?(?:listings|homes|houses|"
                           r"links|options|info|information|properties|stuff)\b")
_JUST_BROWSING = re.compile(r"\bjust (?:window shopping|browsing|looking around|seeing what's out there|curious|"
                            r"looking)\b|\bwindow shopping\b")
_SENT_BY = re.compile(r"\b(?:send|text|email|shoot) (?:me|us) (?:\w+ ){0,3}(?:info|information|details|number|contact|"
                      r"card|listings)\b(?: \w+){0,2} (?:by|in an|over|via) (?:email|e-mail|text|mail)\b")
_REFUSES_MEETING = re.compile(r"\b(?:don't|do not) (?:think (?:i|we) )?(?:really )?(?:want|need) (?:a|an|the|any|to) "
                              r"(?:meeting|appointment|call|meet|talk)\b(?!(?: (?:with|to))?(?: \w+)? yet\b)|"
                              # "i dont wanna sit down with nobody right now" ("don't need a sit down, text me": texts)
                              r"\b(?:don't|do not) (?:really )?(?:want|need) to sit down (?:with )?(?:anyone|anybody|"
                              r"nobody|no one|you|an agent|someone)\b(?! yet\b)|"
                              r"\b(?:don't|do not) (?:really )?(?:do|take) (?:meetings|appointments)\b")
# Not now, we will come back to you: a lead who defers the meeting has not picked a slot.
_DEFERS_MEETING = re.compile(r"\b(?:we'll|i'll|we will|i will|we can|we'd|well) (?:reach out|be in touch|"
                             r"get in touch|contact you|call(?: you| y'all| you guys)?(?: back)? when (?:we're|we are|"
                             r"i'm|i am|(?:we|i) (?:get|figure|decide|know)|ready))\b|"
                             r"\bbefore (?:we|i) (?:meet|talk|sit down|sign)(?: with| to)? (?:anyone|anybody|an agent|"
                             r"someone|you)\b|"
                             # "i'd rather wait till he retires to meet anybody": not until then
                             r"\b(?:rather|want to|wanna|going to|gonna|like to|prefer to|need to) wait (?:till|"
                             r"until|til|for|on)\b(?: [\w']+){0,6}? (?:to |before (?:we |i )?)(?:meet|talk|sit down|"
                             r"get together)(?: with)? (?:anyone|anybody|an agent|someone|you|nobody|her|him|them)\b|"
                             # "i dont need to meet with anybody yet": not now, not never
                             # (not "i dont wanna meet anyone yet just send me listings": that asks for listings)
                             r"\b(?:don't|do not) (?:really )?(?:want|need) (?:to (?:meet|talk|sit down)(?: with| to)? "
                             r"(?:(?:anyone|anybody|an agent|someone|you|nobody) )?|"
                             r"(?:a|an|any) (?:meeting|appointment) )yet\b(?!.*\b(?:send|email|text|listings)\b)|"
                             # "not yet, i wanna look around on my own a bit more first"
                             r"\b(?:want to|wanna|going to|gonna|need to|like to|rather) (?:look|shop|poke) around "
                             r"(?:on (?:my|our) own|by (?:myself|ourselves)|myself|ourselves|a bit|a little|some)\b")
# offered a time, not now and no reason given as an objection: "we're gonna wait and see how things shake out", "see
# how the spring goes and maybe give you folks a call", "let's hold off for now"
_PUTS_OFF_MEETING = re.compile(r"\b(?:wait and see|wait it out|sit tight|see how (?:\w+ ){1,3}?(?:goes|go|shakes? out|"
                               r"plays? out|pans? out|turns? out)|"
                               # "nah we good for now let me see what rates do"
                               r"see what (?:the )?(?:rates|market|prices|interest rates) (?:do|does|"
                               r"are going to do))\b|"
                               r"\b(?:let's|lets|we'll|i'll|gonna|wanna|just|better) hold off\b|"
                               r"\b(?:maybe|then|and|just) (?:we'll |i'll |we |i )?(?:give|call) (?:you|y'all|yall|ya)"
                               r"(?: folks| guys| all)? (?:a (?:call|ring|shout|holler)|back)\b")
# "just looking to buy", "only looking for a rental": looking for something is a plan, not browsing
_LOOKING_FOR_SOMETHING = (r"(?! to (?:buy|rent|sell|get|move|find|purchase)| for (?:a|an|some) (?:rental|place to rent|"
                          r"apartment|lease)| at rentals)")
# No agent wanted at all ("i don't need no realtor"; not "don't need one, we got our own"), or selling it themselves
# and no agent for it ("selling it ourselves, no agents no commission"): not interested, though the plan is said
# (not one they tried: "no agent, we tried selling it ourselves for a bit"; "so no agent" alone is the answer, "no
# agents, no commission" a refusal)
_FSBO = r"(?<!tried )(?<!were )(?<!was )(?:(?:selling|sell|doing|doin|listing|list) it (?:ourselves|myself|" \
        r"on (?:our|my) own)|" \
        r"by owner|fsbo)"
_NO_AGENT_WANTED = _rx(
    r"\b(?:don't|do not|ain't) (?:really )?need (?:no |a |an |any )?(?:realtor|agent|real estate agent|broker)s?\b"
    r"(?!.*\b(?:got|have|'ve got|our own|my own|already)\b)",
    rf"\b{_FSBO}\b.*\b(?:don't need|no agents|no realtors|no commissions?|(?:don't|do not) want (?:an? |any )?"
    r"(?:agent|realtor)|(?:not|ain't|aren't|won't be|don't wanna|don't want to) (?:paying|pay) (?:a |no |any |the )?"
    r"(?:commission|realtor|agent)s?)\b",
    rf"\b(?:don't need (?:one|an? agent|an? realtor)|(?:don't|do not) want (?:one|(?:an? |any )?(?:agent|realtor)))\b.*"
    rf"\b{_FSBO}\b",
)
# "not interested" said outright (the reason said with it is not the objection)
_SAYS_NOT_INTERESTED = re.compile(r"\b(?:not|no longer|never been|isn't|aren't|ain't) (?:really |even |at all |that |"
                                  r"very |too )?interested\b|\bno interest\b")
_OBJECTIONS = [
    ("not_interested", _rx(
        _SAYS_NOT_INTERESTED.pattern, _LEAD + r"(?:no|nah|nope)(?: thanks| thank you)\b",
        r"\b(?:we're|i'm|we are|i am) not doing (?:this|that|it|any of (?:this|that))\b",
        # "eh forget it, i don't think we're gonna do this"
        r"\b(?:don't|do not) think (?:we're|i'm|we are|i am|we'll|i'll) (?:going to|gonna) do (?:this|it|that)\b",
        r"\b(?:we're|were|i'm|we are|i am) not (?:really )?(?:doing|doin) (?:this|that|it) any ?more\b",
        r"^(?:(?:nah|no|nope) )?(?:i'm|we're) (?:good|ok|okay|all set|fine) (?:on|with|for) (?:the |a |that )?"
        r"(?:meeting|appointment|call|that)\b",
        r"\b(?:i'm|we're|i am|we are) (?:all set|good thanks|good thank you|fine thanks|not interested)\b",
        # thanked and declined: "mahalo but we're good", "appreciate it but we're all set"
        r"\b(?:thanks|thank you|thank u|mahalo|gracias|appreciate (?:it|you|that)|nice of you)(?: \w+)? but (?:i'm|"
        r"we're|were|i am|we are) (?:good|fine|ok|okay|all good|set|covered)$",
        r"\bnot (?:for me|for us|my thing)\b", r"\bnot in the market\b",
        r"\b(?:we're|i'm|we are|i am) not (?:looking|planning|thinking|going|trying|wanting) (?:to |on |of |about )?"
        r"(?:buy|sell|mov|list)\w*",
        r"\b(?:don't|do not) (?:want|plan|need|intend) to (?:buy|sell|move)\b",
        r"\b(?:don't|do not) need (?:anything|nothing|a thing|any of (?:this|that|it)|your (?:help|services?))\b",
        r"\b(?:don't|do not|ain't) (?:want|need) (?:nothing|anything) (?:from|off|outta|out of) (?:you|you all|your)\b",
        r"\bwent (?:a |in a |with a )?different (?:direction|route|way)\b",
        r"\b(?:don't|do not) (?:really )?need (?:you|you guys|you all|y'all|your company|your team)\b",
        _NO_AGENT_WANTED.pattern,
        r"\b(?:just|recently) refinanced\b", r"\b(?:not|ain't|aren't|isn't) going anywhere\b",
        r"\b(?:i'm|i am|we're|we are|i'll|we'll|i will|we will) (?:going to |just going to |gonna )?pass\b",
        r"\b(?:no longer|not) (?:looking|searching|interested)(?: any ?more)?\b",
        r"\bforget it\b(?=.*\b(?:don't|do not) (?:want|wanna|feel like)\b)",
        r"\b(?:i|we) (?:ain't|am not|'m not|are not|'re not) (?:\w+ )?(?:buying|selling|moving) (?:nothing|anything|"
        r"neither|either|no house|a thing)\b",
        r"\balready (?:bought|found|closed|moved|purchased)\b", r"\b(?:staying put|happy where (?:we|i) (?:are|am))\b",
        # a buyer who sold is ready ("soon as possible, we already sold ours")
        r"^(?!.*\b(?:cash|buy|buying|preapproved|looking|soon as|asap|right away|ready)\b).*\balready sold\b",
        r"\bstay put\b", r"\bchanged (?:our|my|their) minds?\b", r"\b(?:filled|clicked|signed up) (?:\w+ ){0,3}by "
        r"(?:accident|mistake)\b",
        # "we decided to just pay it and stay"
        r"\bdecided (?:to (?:just |go ahead and )?(?:(?:\w+ ){1,3}and )?(?:refinance|refi|stay|rent|wait|hold off|"
        r"keep (?:it|the house|the place))|not to|against)\b",
        # (not "i aint really sellin, just wonderin what my house would bring": a value asked)
        # (nor "we're not moving, i'm just selling my mother's house": what they do instead)
        r"^(?!.*\bjust (?:wondering|curious|seeing|checking|selling|sellin)\b)"
        r".*\b(?:(?:we're|i'm|we are|i am) (?:not|no longer)|(?:we|i) ain't|(?:nobody|no one)(?:'s| is)?) "
        r"(?:really )?(?:moving|selling|buying)\b(?! (?:yet|until|till|for|before|right now|this year|during|then|in "
        r"the middle))"
        # ("im not moving in august with the storms": not then)
        r"(?! in (?:the )?(?:january|february|march|april|may|june|july|august|september|october|november|december|"
        r"spring|summer|fall|winter)\b)",
        _REFUSES_MEETING.pattern, _HOSTILE.pattern,
        r"\b(?:i'm|we're) good(?: (?:thanks|thank you|appreciate it|though|tho|but thanks))*$",
    )),
    ("has_agent", _rx(
        # "we're gonna relist with the same lady next month": the agent they had, kept
        r"\b(?:re ?list|relisting|list it again|go|going|gonna go|stay|staying|stick|sticking) (?:it )?(?:again )?"
        r"with (?:the same|our|my) (?:lady|guy|agent|realtor|woman|man|gal|fella|broker|company|one)\b",
        r"\b(?:already )?(?:got|have) (?:somebody|someone|a guy|a fella|a lady|a friend) (?:helping|working with) "
        r"(?:me|us)\b",
        r"\balready (?:got|have) (?:an?|our|my) (?:own )?(?:agent|realtor|real estate agent|broker)\b",
        r"\b(?:agent|realtor)s?\b.*\b(?:we|i)(?:'ve)? (?:already|actually) (?:got|have) (?:one|someone|somebody)\b",
        r"\b(?:sells|selling|sell|does|doing|is in|works in) (?:houses|homes|real estate)\b.*\b(?:(?:using|going with|"
        r"goin with|go with|working with|go through|going through|gonna use|use) (?:her|him|them)|(?:he's|she's|"
        r"they're|he is|she is|they are) (?:handling|handlin|doing|taking care of|takin care of) (?:it|that|all that)|"
        r"(?:he'll|she'll|they'll) (?:handle|do|take care of) (?:it|that))\b",
        # "my daughters a realtor in sarasota shes handlin all that"
        r"\b(?:my|our) (?:[\w']+ ){0,3}?(?:[a-z]+'?s|is) (?:a |an )?(?:realtor|agent|real estate agent|broker)\b.*"
        r"\b(?:she's|he's|they're|she is|he is|they are) (?:handling|doing|taking care of) (?:it|that|all that|"
        r"all of that|everything)\b",
        # "my son in law sells houses so we're covered"
        r"\b(?:my|our) (?:\w+ ){1,3}(?:sells|sell|does|do|is in) (?:houses|homes|real estate)\b.*\b(?:we're|we are|"
        r"we|i'm|i am|that's) (?:covered|set|good|all set|taken care of)\b",
        # ("we already signed with a different company last week": a listing with another brokerage)
        r"(?<!n't )(?<!not )(?<!never )\bsigned (?:with|on with|up with) (?:someone|somebody|one|a guy|a lady|a woman|"
        r"a man|an? (?:\w+ )?(?:agent|"
        r"realtor|broker)|(?:another|a different|some other|an other) (?:agent|realtor|broker|company|brokerage|firm|"
        r"team|agency|office))\b",
        r"\b(?:i|we)(?:'ve| have|'ve got| got| already have| already got| do have| already| do) (?:already )?"
        r"(?:got |have )?(?:an?|my|our) (?:own )?(?:agent|realtor|real estate agent|broker|guy|person)\b",
        r"\b(?:i|we)(?: (?:actually|really|already|also|just|currently))+ (?:have|got|do have|'ve got) (?:an?|my|our) "
        r"(?:own )?(?:agent|realtor|real estate agent|broker)\b",
        r"\b(?:i'm|we're|i am|we are|(?:i|we)(?: (?:actually|really|also|just|currently))+ (?:am|are)|"
        r"(?:i|we)(?= already )) "
        r"(?:(?:already|actually|really|also|just|currently) )*(?:working|work|signed|going|dealing|listed) with "
        r"(?:(?:an?|my|our|another|a different) (?:agent|realtor|broker|real estate agent|company|team)"
        r"|someone|somebody)\b(?! (?:at|from|with) (?:the |a |our )?(?:bank|lender|credit union|mortgage))",
        r"\b(?:my|our) [\w' ]{0,30}?(?: is| was|'s) (?:an?|our|my) (?:realtor|agent|real estate agent|broker)\b",
        # the subject left unsaid: "already workin with somebody through the base relocation office"
        r"^(?:already|currently) (?:working|dealing|signed|going) with (?:someone|somebody|(?:an?|my|our) (?:agent|"
        r"realtor|broker|real estate agent))\b"
        r"(?! (?:at|from|with) (?:the |a |our )?(?:bank|lender|credit union|mortgage))",
        # the copula dropped: "my sister in law a realtor so we good"
        r"\b(?:my|our) (?:brother|sister|cousin|uncle|aunt|auntie|son|daughter|nephew|niece|husband|wife|mama|daddy|"
        r"mom|dad)(?: in law)? an? (?:realtor|agent|real estate agent|broker)\b",
        r"\b(?:i'm|i am) (?:actually |also |myself |a licensed |licensed )*(?:an?|myself an?) (?:licensed |real estate "
        r"|practicing )?(?:realtor|agent|real estate agent|broker)\b",
        r"\b(?:we're|i'm|we are|i am|they're|she's|he's|neighbor's|neighbour's) (?:already |also |actually )*(?:with|"
        r"using|listed with|signed with) " + _BROKERAGES,
        r"\b(?:guy|lady|woman|man|gal|agent|someone|somebody|person|friend|realtor|folks|buddy|pal|cousin|brother|"
        r"sister|uncle|aunt|neighbor|neighbour) (?:from|at|with) "
        + _BROKERAGES + r"(?= (?:already|is|was|has|sent|showed|helping|found|showing))",
        # listed with one: "we listed it with remax", "it's listed with an agent" (not one that ended: see _objection)
        r"(?:\b(?:we|i)(?:'ve| have)?(?: already| just)? listed (?:it |the \w+ |our \w+ |my \w+ )?|"
        r"\b(?:it's|its|it is|house is|home is|place is)(?: already| currently| still| now)? listed )(?:with|through) "
        r"(?:(?:an?|our|my) (?:agent|realtor|broker|real estate agent|company|team)\b|" + _BROKERAGES + ")",
        r"\b(?:representing|represent) (?:myself|ourselves)\b",
        r"\b(?:got|have|has|'ve got) it listed with\b(?! (?:nobody|no one))",  # ("had it listed": an old listing)
        r"\b(?:talking|speaking|interviewing|meeting|working) (?:to|with) (?:another|other|a couple|a few|some other|"
        r"a different|two|three) (?:agents?|realtors?|brokers?)\b",
        r"\balready (?:listed|has an agent|have someone|got someone)\b", r"\bhave someone (?:already|helping)\b",
        r"\b(?:signed|working|work|went|listed|going|dealing|listing) with (?:\w+ ){0,3}?" + _BROKERAGES,
        r"\b(?:someone|somebody|an agent|a realtor|a guy|a lady|a broker) (?:at|from|with) " + _BROKERAGES,
        r"\b(?:our|my) [\w']+(?:'s|s)? (?:realtor|agent) (?:is|has been|'s) (?:handl\w*|help\w*|doing|listing|"
        r"selling)\b",
        r"\b(?:our|my) (?:agent|agents|agent's|realtor|real estate agent|broker|buyer's agent|listing agent)"
        r"(?! (?:is|was)n't)"
        r"(?! we (?:let|fired|dropped))\b(?! (?:before|last time|back then|retired|quit))",
        r"\b(?:my|our) [\w' ]{0,25}?(?:'s| is| does) (?:an? )?(?:realtor|agent|real estate agent|broker|in real estate|"
        r"real estate)\b(?=.*\b(?:help\w*|handl\w*|do(?:ing)? it|represent\w*|for us|take care)\b)",
        # composed: they (i, we, my wife…) + a verb of engaging one (signed, hired, picked, went with…) + an agent
        rf"\b(?:i|we|i've|we've|i have|we have|my \w+|our \w+)(?: already| just| recently| actually| finally)* "
        rf"(?:signed|hired|picked|chose|found|got|went|listed|contracted|committed|partnered|been working|started "
        rf"working)(?: up)?(?: with| on with)? (?:an?|our|my|another|the|one) ?(?:\w+ )?{_AGENT_NOUN}",
    )),
    ("just_looking", _rx(
        r"\bjust (?:kind of |sort of |really |mostly )?(?:looking" + _LOOKING_FOR_SOMETHING + "|browsing|scrolling|"
        r"curious|checking|seeing|"
        r"getting (?:started|an idea|a feel)|window shopping|"
        r"kicking (?:the )?tires|researching|poking around|starting to look|looking around|dreaming)\b",
        r"\b(?:just |only )?clicked (?:on )?(?:a|an|the|some|your) (?:listing|ad|link|house|home)\b",
        r"\b(?:only|simply) (?:looking" + _LOOKING_FOR_SOMETHING + r"|browsing)\b",
        r"\bnot (?:quite |really |even )?ready(?: yet)?\b",
        r"\bwindow shopping\b", r"\bearly stages?\b", _DEFERS_MEETING.pattern, r"\bfor fun\b",
        r"\bno real (?:timeline|plans?|rush)\b",
        # "no rush just kinda watchin the market": following it, no move planned
        r"\bjust (?:kind of |sort of |really |mostly )?(?:watching|keeping (?:an )?eye on|following|tracking) "
        r"(?:the )?(?:market|listings|prices|zillow|what's out there)\b",
        r"\b(?:was|am|i'm) (?:only|just) curious\b", r"\bwasn't (?:serious|really looking)\b",
        r"\blikes? to look at (?:houses|homes|listings)\b",
        r"\bjust (?:wanted|want|wanting|trying) to (?:see|know|check|get an idea|get a feel|look|find out)\b"
        r"(?! what (?:my|our|the|this) (?:house|home|place|property|condo))",  # that asks for a valuation
    )),
    ("send_email", _rx(
        r"\b(?:email|mail|text) (?:me|us|it|that|the info|the information|something|over)\b",
        r"\bsend (?:me |us |it |that |over )?(?:an? |the |some |your )?(?:email|info|information|details|listings|"
        r"something|stuff|text|link|it over|brochure)\b",
        r"\bsend (?:it|that|something|everything) (?:in|by|through|via) (?:an? )?(?:email|e mail|text|the mail)\b",
        r"\b(?:shoot|drop) me an? (?:email|text|line)\b", r"\bby email\b", r"\bto my email\b", r"\bmy email\b",
        r"\bput (?:it|that|something|everything) in writing\b", r"\b(?:over|via|through|by) (?:e ?mail|text)\b",
        r"\bput (?:it|that|this|everything|something|all (?:of )?(?:it|that|this)|it all) in (?:an? )?(?:email|text|"
        r"message|letter)\b",
        r"\b(?:don't|do not) (?:really )?do (?:phone calls|the phone|calls)\b",
        r"\b(?:m[aá]ndame|m[aá]ndenme|env[ií]ame|env[ií]enme) (?:un |una |el |la )?(?:text|texto|mensaje|correo|"
        r"email|info)\b",  # Spanish inside an English line: "mandame un text with the info"
    )),
    ("busy", _rx(
        r"\b(?:can|could) (?:this|it|that) wait\b",
        r"\b(?:ahorita|ahora) no (?:puedo|se puede)\b",  # "ahorita no puedo, im on the tractor"
        # "i just got off a twelve, im headed to bed": off a night's work, going to sleep
        r"\b(?:headed|heading|going|goin|about to go|fixing to go|finna go) to bed\b",
        # "night shift, i just got home, i need to sleep" (not "make it ten, i gotta sleep a little": a reason)
        r"\b(?:just got (?:home|off|in)|worked (?:all )?nights?|night shift|graveyard)\b.*\b(?:need|have|got|gotta) "
        r"to (?:go )?(?:sleep|get some sleep)\b|\b(?:need|have|got|gotta) to (?:go )?sleep (?:now|right now)\b",
        r"\bjust got off (?:a |my |the )?(?:twelve|double|shift|night shift|nights|work)\b",
        r"(?:\b(?:i'm|i am|we're|we are) (?:really |kind of |a little |a bit |pretty |so |super |very |just |actually |"
        r"literally |currently |still |right |\w+ly )?(?:out |up |down )?|"
        r"^(?:(?:oh|uh|um|sorry|well|so|look|yeah|super|really) )*)"
        r"(?:busy|swamped|slammed|buried|tied up|jammed up|driving|at work|working(?! on| with| it| through)|"
        r"(?:walking|heading|going|pulling|running) (?:into|in to) (?:a |the |my )?(?:\w+'s )?\w+|"
        r"heading (?:out|to work|to (?:a|my) (?:meeting|appointment|class))|"
        r"about to (?:board|get on|take off|head|start|jump|go into|walk into|clock in|go on|go live|tee off)|"
        r"on (?:a|the|my) (?:plane|flight|train|"
        r"bus|way)|"
        r"in a meeting|in class|in (?:a |my )?(?:lecture|seminar|lab|surgery|clinic|court)|on rounds|"
        r"on (?:set|the set|a shoot|location)|"
        r"in the middle of(?! (?:getting|buying|selling|moving|looking|searching|house hunting|"
        r"applying|refinancing|closing|the (?:process|paperwork|approval|preapproval|loan|mortgage|application|"
        r"appraisal|inspection|sale|refi)|a (?:move|sale|purchase|search)|(?:my|our) (?:preapproval|loan|"
        r"application|mortgage)))|"
        r"with (?:a |my )?(?:client|customer|"
        r"patient|kids)|at dinner|eating|about to (?:go|leave|walk)|on the other line|on another call|in the car|"
        r"cooking|making (?:dinner|lunch|breakfast)|feeding|shopping|at the store|walking the dog|boarding|"
        r"putting the kids|picking up|dropping off|getting the kids|in traffic|on the road|on the highway|"
        r"(?:trying to|tryna|try to) sleep|sleeping|asleep|on a rig|offshore|on shift|on my shift|"
        # at the wheel or mid-shift: "im in the combine right now", "on a twelve at the hospital, between patients"
        r"(?:in|on) (?:the|a|my) (?:combine|tractor|swather|cab)|on (?:a|my) (?:twelve|12|double)(?! (?:month|year))|"
        r"on the (?:golf )?course|on the clock|on (?:the|a) (?:job ?site|ladder|roof)|"
        r"between (?:patients|meetings|classes|clients|customers|calls|appointments|loads|runs))\b",
        r"\b(?:can't|cannot|can not) (?:right )?now\b",
        r"\b(?:can|could) we do this (?:later|another time|some other time|tomorrow)\b",
        r"\b(?:i'm|i am|we're) (?:literally |currently |still )?(?:in|at) (?:a |the |my |our )?(?:\w+ ){0,2}"
        r"(?:meeting|standup|stand up|service|practice|rehearsal)\b",
        r"\b(?:got|have|'ve got|i've got) (?:like |literally |really )?(?:no|zero) time\b"
        r"(?! ?(?:frame|line|table|limit|to (?:waste|lose)))",
        r"\b(?:i'm|i am|we're) on (?:my|a|our) (?:\w+ )?break\b",
        # company in the house ("i got company right now", "we have guests over")
        r"\b(?:i|we) (?:got|have|'ve got|have got) (?:company|guests|people|folks|family|visitors)"
        r"(?: (?:over|here|in town|visiting|staying))?(?: (?:right now|at the moment|today|tonight|this week))\b",
        r"\b(?:don't|do not|ain't got|haven't got) (?:have )?(?:a|the|one) (?:minute|second|sec|moment)\b",
        r"\b(?:bad|(?:not|isn't|is not|ain't) (?:really |exactly )?a (?:good|great|real good)|not the greatest|"
        r"terrible|inconvenient|busy|"
        r"not the best) time\b(?! to (?:sell|buy|list|move))",
        r"\b(?:can't|cannot|can not) (?:really )?talk\b", r"\bnot (?:right )?now\b", r"^later$",
        r"\bnow(?:'s| is|s)? (?:really |just |kind of |a )?(?:bad|terrible|not good|no good)\b",  # "nows really bad"
        r"\b(?:can't|cannot|can not|cant) do (?:this|it|that|a call|calls) (?:right )?now\b",
        r"\b(?:can't|cannot|can not) do this$",  # "running a load through okc right now, i can't do this"
        r"\b(?:i'm|im|i am|we're) (?:\w+ )?(?:running|hauling|pulling|delivering) (?:a |the |my )?(?:load|freight|"
        r"cattle|hay|grain)\b",
        r"\b(?:i'm|im|i am|we're) (?:mid|in the middle of (?:a|my)) ?shift\b",
        rf"{_NOT_US}\b(?:call|ring|try|reach|hit) (?:me |us )?{_LATER}\b", _ON_ANOTHER_LINE,
        r"\bcall back\b", r"\bcan you call\b", r"\banother time\b",
        # "my husband decides, he is home after 6, call then": a time said, then a call asked for at it
        r"\b(?:after|at|around|before|tonight|tomorrow|evening|morning)\b.*\b(?:call|ring|try) (?:me |us |him |her )?"
        r"then\b",
        r"\b(?:can i|i'll|i will|let me|i'm going to|i can|i'm gonna) (?:call|get back to) you(?: back| later)?\b",
        r"\b(?:i'm|i am|we're|we are) (?:at|in) (?:the )?(?:doctor|dentist|gym|store|hospital|school|church|airport|"
        r"office|game)\b",
    )),
    ("price_worry", _rx(
        # "it's insane" is about prices only in a sentence about them ("after tax season, it's insane right now")
        r"(?:\b(?:prices|price|homes|houses|rents)|^(?=.*\b(?:pric\w*|cost\w*|afford\w*|expensive|market|homes|"
        r"houses|rents?|payments?|mortgages?|bucks|dollars|million|mil|grand|shack)\b).*?\b(?:everything|it's|its|"
        r"that's|they're)) "
        r"(?:are |is )?"
        r"(?:just |way |so |really |pretty |kind of |sort of )*"
        r"(?:too (?:high|expensive|much(?! (?:house|home|space|room|yard|land|work|"
        r"upkeep|maintenance|stairs|to (?:keep|clean|maintain))))|expensive|overpriced|crazy high|insane|"
        r"ridiculous|outrageous|through the roof|out of control|crazy|nuts|wild|bonkers|depressing|absurd|brutal)\b",
        r"\bnothing (?:under|below|for less than|less than) (?:like |about )?[\w.]+ (?:around here|here|out here|"
        r"anymore|any more|in this area)\b",
        r"\btoo expensive\b", r"\boverpriced\b",
        # a seller's worry: "with all the flood damage nobody's gonna pay what its worth", "we'd never get full price"
        r"\b(?:nobody|no one|nobody's|no one's|won't|wouldn't|never|can't|couldn't|ain't|aint)\b(?: [\w']+){0,3}? "
        r"(?:pay|get|give)(?: us| me)? (?:what (?:it's|its|it is|it was|the house is|the place is|we paid)(?: worth)?|"
        r"full price|a fair price|top dollar|asking)\b",
        # "between the flood insurance and the wind policy the payment gonna be too high"
        r"\b(?:the |our |my |a )?(?:monthly )?(?:payments?|mortgage|note)(?: \w+){0,3}? (?:too high|too much|"
        r"out of reach|outta reach|through the roof)\b",
        # "everything in sun city west went up so much its ridiculous"
        r"\b(?:everything|prices|houses|homes|values|it all)(?: [\w']+){0,4}? (?:went|gone|have gone|has gone) up so "
        r"(?:much|high|fast)\b",
        # "the way prices are in destin we'd never afford it", "nothin under a million is livable"
        r"\b(?:we|i|you|they)(?:'d| would|'ll| will| could| can)? never (?:be able to )?afford\b",
        r"\bnothing (?:\w+ ){0,3}(?:under|below|for less than|less than) (?:a |like |about )?[\w.]+ "
        r"(?:is|that's|thats) (?:livable|decent|worth (?:it|anything|living in)|any good)\b",
        # "everything in saint george is so expensive now"
        r"\b(?:everything|homes|houses|prices|stuff)(?: (?:in|around|out|up|down|over) [\w' ]{1,30}?)? (?:is|are|'s) "
        r"(?:just |way |so |really |pretty |gotten |getting )*(?:expensive|overpriced|through the roof|insane|"
        r"ridiculous|outrageous|out of control|"
        r"(?:over|more than|above) what (?:we|i) (?:can|could) (?:do|afford|swing|pay|spend))\b",
        # "homes out here cost way more than we got saved"; the agent's fee ("i don't wanna pay no big commission")
        r"\b(?:hoa|fees|taxes|insurance|payments?)(?: \w+){0,4} (?:scares?|scaring|freak\w*) (?:me|us)\b",
        r"\bcosts? (?:way |a lot |so much )?more than (?:we|i|we've|i've|we'd|i'd) (?:have|got|can|could|make|"
        r"saved)\b",
        # "houses in chapel hill cost way too much for a grad student"
        r"\b(?:houses|homes|places|condos|prices|rents?|everything)\b.*\b(?:costs?|run|runs|running|go|goes|going|"
        r"sell|sells|selling|priced|are|is|(?:round|around|out|in|up|down) \w+)(?: for)? (?:way |just |so |far )*too "
        r"(?:much|high)\b"
        r"(?! (?:house|home|space|room|yard|land|work|upkeep))",
        r"\b(?:don't|do not|won't|can't|ain't) (?:want to |wanna )?pay (?:no |a |the |your |that )?(?:big |huge |"
        r"high |\d+ percent )?(?:commission|fees?|realtor fees?)\b",
        r"\b(?:can't|cannot|can not|couldn't|don't think (?:i|we) can|unable to) (?:really |even )?afford\b",
        r"\b(?:can|could) (?:barely|hardly|just barely) afford\b",  # "we can barely afford anything"
        # "insurance done tripled, we cant swing a house payment on top of that"
        r"\b(?:can't|cannot|can not|couldn't|ain't gonna|won't be able to) (?:really |even )?(?:swing|handle|manage|"
        r"make|carry|cover) (?:a|the|another|no|any) (?:\w+ )?(?:payment|mortgage|note)\b",
        r"\bout of (?:my|our) (?:price range|budget|league)\b", r"\bnot in (?:my|our) budget\b",
        r"\b(?:out of|outta) (?:our|my) (?:price )?(?:range|reach|budget|league)\b",
        r"\bpriced out\b(?! of (?:renting|rentin|rent|rentals?|apartments?)\b)",
        r"\bnothing (?:at|in|for|under) (?:that|our|my|this) (?:price|budget|range)\b",
        r"\b(?:can't|cannot) find anything (?:in|at|for|under) (?:our|my|that)\b",
        r"\b(?:go|going|goes|sell|selling|sold) (?:for )?(?:like )?(?:\w+ )?(?:over|above) asking\b",
        r"\b(?:taxes|insurance|payments?|mortgage|note|hoa|prices|costs?)\b(?: \w+){0,5}? (?:(?:are |is )?killing|"
        r"(?:would|will|'d|"
        r"gonna|going to) kill) (?:me|us)\b",
        # "i dont see how we afford nothin on the island", "with how high prices are in manhattan"
        r"\b(?:don't|do not|can't) see how (?:we|i|anybody|anyone|folks|people)(?: \w+)? (?:ever |even )?afford\b",
        r"\bhow (?:high|expensive|crazy|insane|nuts) (?:prices|houses|homes|rents|everything|the market)(?: \w+){0,3}? "
        r"(?:are|is|got|have gotten|has gotten)\b",
        r"\b(?:if|whether) (?:we|i) (?:can|could) (?:even |ever |really )?afford\b",
        r"\b(?:buys|gets|get) (?:you |us |me )?(?:nothing|jack|zilch) (?:around here|here|out here|in this market)\b",
        r"\bhouse poor\b", r"\bat (?:these|those|today's|current|the current) (?:prices|rates and prices)\b",
        r"\bwho (?:can|could|would) (?:even |ever |actually )?afford\b",  # "who can afford one point two for a condo"
        # "i don't think we'd qualify for nothing", "the payments are insane"
        r"\b(?:don't|do not|dont) think (?:we|i)(?:'d| would| could| will|'ll)? (?:even )?(?:qualify|get approved)\b",
        r"\b(?:the )?(?:monthly )?payments? (?:are|is|would be|look|looks) (?:just |so |way |really )?(?:insane|crazy|"
        r"nuts|ridiculous|too high|outrageous|brutal|scary)\b",
        r"\bowe more (?:on it )?than (?:it's|it is) worth\b|\bunderwater\b", r"\bless than (?:what )?(?:we|i) owe\b",
        r"\bin (?:our|my) (?:price )?range (?:is|are) (?:a |all )?(?:dumps?|junk|garbage|teardowns?|trash|fixer)\b",
        r"\bcommission(?:'s| is)? (?:going to |gonna )?eat\b",
        r"\b(?:swing|afford) (?:a|the|our) (?:monthly )?payments?\b",
        r"\b(?:fees?|commissions?)\b(?: [\w']+){0,6}? (?:too (?:much|high|steep)|a lot|highway robbery|crazy)\b",
        r"\b(?:don't know|not sure|no idea) (?:if|whether) (?:we|i) (?:can|could) (?:really |even )?(?:do it|swing it|"
        r"afford (?:it|that|one|anything)|manage (?:it|that))\b",
        r"\b(?:bank|lender|banks|lenders)(?: \w+){0,2} (?:would|will|won't|wouldn't|gonna|going to) (?:\w+ )?(?:give|"
        r"lend|loan) (?:us|me) enough\b",
        r"\bwith (?:prices|the prices|home prices|house prices) (?:like (?:this|that|these)|where they are|"
        r"the way they are)\b",
        r"\b(?:no way|can't|cannot|couldn't) (?:we |i )?(?:can |could )?(?:swing|afford|manage) (?:it|that)\b",
        # "with what houses cost in naples i dont see us buyin", "with what they want for a twin now", "with these
        # payments i dunno"
        r"\bwith what (?:houses|homes|places|condos|prices|they want|they're asking|everything|things) "
        r"(?:cost|costs|go for|goes for|are going for|sell for|are)?\b",
        r"\bwith (?:these|those|the|today's) (?:monthly )?payments\b",
        r"\b(?:can't|cannot|not sure (?:we|i) can|don't know if (?:we|i) can) (?:really )?swing (?:it|that)\b",
    )),
    ("market_worry", _rx(
        # "with all these hurricanes im scared to buy on the coast right now": afraid of the move, because of the times
        r"^(?=.*\b(?:right now|these days|market|rates?|economy|hurricanes?|storms?|flood\w*|tornado\w*|wildfires?|"
        r"insurance)\b).*\b(?:scared|afraid|nervous|worried|leery|hesitant|skittish|spooked) (?:to|of|about) "
        r"(?:buy|buying|sell|selling|list|listing)\b",
        r"\bwith (?:these|the|today's|current) (?:interest )?rates\b.*\bshould (?:we |i )?(?:even )?(?:be )?"
        r"(?:buy|buying|sell|selling)\b",
        r"\b(?:market|economy)(?:'s| is)? (?:so |really |just |kind of |pretty )?(?:weird|crazy|uncertain|shaky|scary|"
        r"nuts|messed up)\b", r"\bwait(?:ing)? (?:for|on) (?:the|a) (?:crash|correction|bubble)\b",
        r"\b(?:interest )?rates? (?:are |is )?(?:\w+ )?(?:scar\w*|freak\w*|killing|insane|crazy|nuts|"
        r"through the roof)\b",
        # "depends what rates do, they're killing us"
        r"\brates?\b(?: \w+){0,3}? (?:they're|they are|theyre|it's|its) (?:just )?(?:killing|killin) (?:us|me)\b",
        r"\bwith the economy (?:the way it is|like (?:this|it is)|how it is)\b", r"\bnobody(?:'s| is)? buying\b",
        # "the market's softening out here, i don't wanna give it away"; "values are dropping, i'm nervous to list";
        # "rates gotta come down first"
        r"\bmarket(?:'s| is)? (?:\w+ )?(?:softening|cooling|slowing|dropping|tanking|turning)\b",
        r"\b(?:values|prices)(?: in [a-z ]+?)? (?:are |is )?(?:dropping|falling|going down|coming down|sliding)\b"
        r"(?=.*\b(?:nervous|scared|worried|afraid|wait|hold)\b)",
        r"\brates? (?:gotta|got to|have to|has to|need to|needs to) (?:come|go) down\b",
        # "if i list now im gonna take a bath, the market up there is dead"
        r"\b(?:market|buyers?)(?: (?:up|down|out|over) (?:there|here))?(?:'s| is| are)? (?:just |pretty |totally )?"
        r"(?:dead|dried up|frozen)\b", r"\b(?:take|taking) a bath\b",
        r"\bmarkets? (?:is )?(?:going to|about to) (?:crash|tank|drop)\b",
        # "lowkey waiting to see if the tariffs tank everything first"
        r"\b(?:tariffs?|inflation|the economy|stocks?|stock market)\b(?: \w+){0,2}? (?:tanks?|crash\w*|collapses?|"
        r"drops?|tanking)\b",
        r"\bwait\w* to see (?:if|what|how|whether)\b.*\b(?:rates?|market|prices?|economy|tariffs?|inflation)\b",
        r"\b(?:sitting|sit) (?:forever|for months)\b",
        r"\blayoffs?\b",
        r"\bbad time to (?:sell|buy)\b",
        r"\bwith (?:these|the|today's|current|rates like) (?:interest )?rates?\b.*\b(?:wait|hold off|sit tight)\b",
        # "with the rental rules changin i dont know if its a good time to buy"
        r"\b(?:don't know|not sure|wondering)(?: if| whether)? (?:it's|its|it is|now's|now is|this is) (?:a |the )?"
        r"(?:good|smart|right|wise) (?:time |idea |move )?to (?:buy|sell)\b",
        r"\b(?:with )?(?:everything|all) (?:going on|that's going on) (?:in|with) the (?:economy|market|world)\b",
        r"\binterest rates? (?:like |at |around |near )?(?:\w+ ){0,2}percent\b.*\b(?:not sure|worth it|wait|crazy)\b",
        r"\bgive up (?:my|our|a|this|that) (?:\w+ ){0,3}?(?:rate|mortgage)\b", r"\blocked in at\b",
        r"\b(?:interest )?rates? (?:are |is )?(?:just |way |so |really |too |pretty |still )*(?:high|crazy|insane|"
        r"ridiculous|through the roof)\b",
        r"\bwait(?:ing)? (?:for|until|till|til|on) (?:the )?(?:interest )?(?:rates?|market|prices?|things|economy)\b",
        r"\b(?:sit tight|sitting tight|hold off|holding off|wait it out|waiting it out|ride it out)\b(?: \w+){0,3}? "
        r"(?:till|until|til|for|while) (?:the )?(?:interest )?(?:market|rates?|economy|things settle)\b",
        r"\brates? (?:at|are|is|of|around) (?:like |almost |over |nearly )?(?:one|two|three|four|five|six|seven|eight|"
        r"nine|ten)\b(?: \w+){0,3}? percent\b",
        r"\b(?:rates?|prices?|market) (?:to |will |going to |is going to |are going to )?(?:come down|go down|drop|"
        r"fall|crash|cool|settle|correct)\b",
        # "prices are dropping right", "whenever the market crashes": a bet on the market
        # (not asked: "are prices dropping or what")
        r"(?<!\bare )(?<!\bis )(?<!\bare the )(?<!\bis the )\b(?:rates?|prices?|market|values?) "
        r"(?:are |is |keep |keeps )?(?:dropping|falling|crashing|tanking|coming down|going down|crashes|tanks)\b"
        r"(?! (?:or what|anytime|any time))",
        r"\b(?:market|housing) (?:crash|bubble|correction)\b", r"\bbubble\b", r"\brecession\b", r"\bwait and see\b",
        # "depends on rates, if they come down maybe": the move waits on them
        r"\bdepends? (?:on|upon) (?:the )?(?:interest )?rates?\b(?!.*\b(?:what|how|where)\b)",
        r"\bbad time to (?:buy|sell)\b", r"\bmarket is (?:bad|terrible|crazy|insane|too hot|slow|dead|weird|awful)\b",
        r"\brates? (?:at|are|is|of|around) (?:like |almost |over |nearly )?\d+(?:\.\d+)? ?(?:percent|%)",
        r"\b(?:market|prices?|housing|rates?)(?:'s| is| are)? (?:going to|gonna|about to|fixing to|fixin to|fixin') "
        r"(?:crash|drop|fall|tank|come down)\b",
        r"\blocked in at\b", r"\b(?:low|great|good) (?:interest )?rate (?:we have|we've got|we locked)\b",
        r"\b(?:nervous|worried|scared|afraid|anxious|uneasy|unsure|iffy) (?:about |of |with )(?:\w+ ){0,4}?(?:the "
        r"|this )?(?:market|economy|rates?)\b",
        r"\b(?:see|seeing|watch|watching) (?:what|where|how) (?:the )?(?:market|rates?|economy|prices?) "
        r"(?:does|do|goes|go|is going|are going)\b",
        r"\b(?:gonna|going to|about to|due for|heading for) (?:be )?an? (?:market |housing |real estate )?crash\b",
        r"\ba (?:market |housing |real estate )?crash (?:is )?(?:coming|soon|on the way)\b",
        r"\b(?:buy|buying|sell|selling) at the (?:top|peak|bottom)\b",
        # "with the market how it is we're gonna wait it out", "with these rates i dont know if its a good time"
        r"\bwith (?:the |this )?market (?:how it is|the way it is|like (?:this|it is)|being what it is|right now)\b",
        r"\bwith (?:these|the|today's|current) (?:interest )?rates\b.*\b(?:don't know|not sure|no idea)\b",
        # "idk if nows the right time with the market and all"
        r"\b(?:don't know|not sure|no idea|idk) (?:if|whether) (?:it's|its|now's|nows|now is|this is) (?:the |a )?"
        r"(?:right|good|best|smart) time\b(?=.*\b(?:market|rates?|economy)\b)",
        # "florida condos are about to crash so we're holdin off"
        r"\b(?:condos?|homes|houses|townhomes|townhouses|values)\b(?: \w+){0,2}? (?:are |is )?"
        r"(?:going to|gonna|about to|fixing to) (?:crash|drop|fall|tank|come down)\b",
        r"\b(?:with|the way|given) (?:the |these |interest )*rates? (?:where|the way|like|as) (?:they|it)\b",
        r"\b(?:holding|hold|holdin) off\b(?=.*\b(?:rates?|market|prices?|economy)\b)|"
        r"\b(?:rates?|market|prices?|economy)\b.*\b(?:holding|hold) off\b",
    )),
]
_HAS_AGENT = dict(_OBJECTIONS)["has_agent"]
_BUSY = dict(_OBJECTIONS)["busy"]
_TEXT_ME = re.compile(r"\b(?:text|message) (?:me|us)\b|\b(?:by|via|over|through) text\b|"
                      r"\b(?:send|shoot|drop) (?:me|us) (?:a )?text\b")
# where they cannot talk: "i can't hear nothing at work", "can't really talk on the phone here"
_CANT_TALK_HERE = re.compile(r"\b(?:at|from) (?:work|my desk|the office|the job|school)\b|"
                             r"\b(?:can't|cannot|can not) (?:really )?(?:hear|talk)\b|"
                             r"\b(?:it's |its |in an? |in the )?(?:too |really |super |so )?(?:loud|noisy)\b")
_WORRIES = {name: dict(_OBJECTIONS)[name] for name in ("market_worry", "price_worry")}
_BUY_OR_SELL_NOW = re.compile(r"\b(?:buy|buying|sell|selling|move|moving)(?: right)? now\b")
_HOW_ARE_YOU = re.compile(r"\bhow(?: are|'re) (?:you|you all)(?: doing| today)?\b|\bhow's it going\b|"
                          r"\bhow (?:you|you all) doing\b")
_SCHEDULE = _rx(
    r"\b(?:set up|setup|schedule|book|arrange|make) (?:a |an |some )?(?:time|meeting|appointment|call|showing|tour|"
    r"viewing|consultation|visit|walkthrough)\b",
    r"\b(?:can|could|should) we (?:meet|set|schedule|get together|do a)\b",
    r"\b(?:i'd|i would|we'd|we would|i want|we want|want|love) (?:like |love )?to (?:see|tour|look at|visit|check "
    r"out|meet|view) (?:some |a few |the |a |that |this |those |these |with )?(?:houses|homes|properties|places|"
    r"listings|condos|house|home|property|place|it|them|an agent|a realtor|someone|you)\b",
    r"\b(?:see|tour|view) (?:some |a few )?(?:houses|homes|properties|listings)\b",
    r"\bwhen can (?:we|you|i) (?:meet|see|come|talk)\b", r"\b(?:come|stop) (?:by|over|out)\b",
    r"\b(?:sit down|meet|talk|speak) with (?:someone|somebody|an agent|a realtor|one of your agents|you|dana|"
    r"a person|a human)\b", r"\b(?:can|could) (?:we|you) make it\b", r"\bhow about (?:a |the )?\w+ (?:instead|one)\b",
    r"\b(?:push|move|change|switch|bump) (?:it|that|the (?:meeting|appointment|time))(?: back| up)? to\b",
)
# A time said with words about meeting is about the meeting, whatever we asked ("when we meet, does Monday work").
_PROPOSES = r"(?:can|could|should|shall) (?:we|you|i) (?:do|say|go with|make it|book)\b"  # "can we do tuesday at ten"
# "how about the day before thanksgiving in the morning", said to any question: a time to meet proposed
_HOW_ABOUT_A_TIME = re.compile(r"^(?:(?:ok|okay|so|well|um|uh|alright|all right) )*(?:how|what) about\b")
_PROPOSES_MEETING = re.compile(rf"\b{_PROPOSES}|\b(?:i'm|we're|i am|we are) (?:free|available)\b|"
                               r"\b(?:is|would|will|could) (?:dana|she|he|the agent|your agent|[a-z]+) (?:be )?(?:free|"
                               r"available|open)\b|"  # "is dana free any lunch hour next week"
                               # "i'm drivin truck all week, could she do saturday at ten": the agent asked to meet
                               r"\b(?:can|could|would|will) (?:dana|she|he|the agent|your agent) (?:do|meet|come)\b|"
                               r"\b(?:video|zoom|facetime|teams|virtual) (?:call|chat|meeting)\b")  # a meeting held so
_MEETING_TALK = re.compile(r"\b(?:when we meet|meet|meeting|appointment|i'm free|we're free|i am free|available|"
                           r"(?:i'm|we're|he's|she's|they're|i am|we are|he is|she is) off(?! to| for| work)|"
                           r"(?:has|have|needs? to|wants? to|gotta|got to) (?:to )?be there|"
                           # "he off on fridays" (the copula dropped): a day they are free
                           r"(?:i|we|he|she|they) off on (?:mon|tues|wednes|thurs|fri|satur|sun)days?|"
                           r"sit down|come (?:look|out|by|over|see)|(?:is|are) (?:\w+ ){1,2}(?:open|free)|"
                           # "could she come saturday the 21st": the agent asked over, that day
                           r"(?:can|could|would|will) (?:she|he|they|you|you all|somebody|someone|dana|the agent|"
                           r"your (?:agent|lady|guy)) (?:come|stop by|swing by|drop by)|"
                           # "next tuesday the seventeenth anytime": a day they are free, whatever we asked
                           r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|\w+(?:st|nd|rd|th)) any ?time|"
                           rf"(?:does|would|will|could) \w+(?: \w+)? work|{_PROPOSES})\b")
_SCHEDULE_WITH_TIME = re.compile(
    rf"\b{_PROPOSES}|\b(?:works|work for me|would work|is good|is fine|how about|what about|let's do|let's say|"
    r"i'm free|we're free|available|can do|could do|good for me|better|i can|we can|free|"
    r"(?:can|could) (?:dana|she|he|they|you|y'all|you all) (?:do|meet|come))\b")
_REPEAT = _rx(
    r"^(?:what|huh|sorry|pardon|pardon me|excuse me|come again|say again|what was that|what did you say|what's that"
    r"|sorry what|i'm sorry|what now|what now)$",
    r"^(?:huh |sorry |uh |wait |ok |okay )*what(?: did| do|'d)? you (?:say|said)$",
    r"^huh(?: what| when| where| who)+$",
    # "the uh sorry the forklift's beeping what": they did not hear us over the noise
    r"\b(?:sorry|beeping|barking|crying|screaming|loud|noisy|noise)\b.* what$",
    r"\b(?:say|repeat) (?:that|it|again|what you said)\b",
    r"\b(?:didn't|did not|couldn't|can't|cannot|could not) (?:catch|hear|understand|get) (?:that|you|what you said|"
    r"the last part|a word)\b",
    r"\bone more time\b", r"\bbreaking up\b", r"\byou broke up\b", r"\bcan you repeat\b", r"\bspeak up\b",
    r"\bcome again\b",
    r"\b(?:what|which) (?:were|was|are|is) (?:the|those|that|these|them|dem) (?:times?|days?|options?|dates?|slots?) "
    r"again\b",
    r"\bsay (?:the|that|it|those|them|em|'em) (?:\w+ )?again\b",
    r"\bwhat (?:was|is) the question\b", r"\bwhat (?:were|was) you saying\b", r"\bwhere were we\b",
    # "sorry which days": the options not caught
    r"^(?:sorry|i'm sorry|huh|wait|what)(?: what| sorry)?,? (?:which|what) (?:days?|times?|ones?|dates?|were they)$",
    r"\bwhat (?:was|is) the (?:first|second|last|other) (?:part|question|thing)\b",
    r"\byou were saying\b", r"\byou're cutting out\b",
    r"\b(?:missed|didn't hear|did not hear|lost) (?:that|the (?:first|last) (?:part|bit)|what you said|you there)\b",
    r"\bpre what\b", r"\b(?:cut|cutting|cuts) out\b", r"\bwhat was that$", r"^(?:huh|what|sorry) (?:what|huh)$",
    r"\b(?:didn't|did not|couldn't|could not) (?:catch|hear|get) (?:any|a word|all|half|most) of (?:that|it|what)\b",
    r"^(?:wait |sorry |hold on )*what (?:day|time|date) (?:was|is) (?:that|it)\b",
    r"\bwhat (?:were|are) (?:the|those) (?:times|days|options|slots)\b", r"\brepeat the question\b",
    r"\b(?:breaking up|cutting out)\b.*\bwhat did you say\b",
    r"\bsay (?:them|those|the|your) (?:times|days|options|dates) (?:again|one more time)\b",
    r"\b(?:what|which) (?:time|day|date|times|days|dates) (?:did|was it) (?:you|she|he) (?:say|said)\b",
    r"\b(?:tunnel|bad signal|lost you|dropped)\b.*\bwhat (?:did you say|was that)\b",
    r"\bwhat (?:did|do|were) you (?:ask|asking|just ask|just say)(?: me| us)?(?: again)?$",  # "... what did you ask"
    # "what you say im on the speaker and i dont hear too good": they did not hear us
    r"^(?:huh |sorry |uh |wait )*what(?:'d| did)? you say\b"
    r"(?=.*\b(?:speaker|hear|loud|noise|truck|car|signal|tractor)\b)",
    r"\bi (?:don't|do not|can't|cannot) hear (?:too |so |real |very )?(?:good|well|you good|you well)\b",
)
_BETTER_THEN = re.compile(r"\b(?:works|would work|is|'s|be|'d be) (?:a lot |much )?(?:better|best)\b|"
                          r"\bbetter (?:time|day)\b")
_NO_FIRST = re.compile(r"^(?:(?:actually|wait|um|uh|oh|hmm|sorry|well),? )*(?:no|nah|nope|naw)\b")
_HOLD_ON = re.compile(r"\b(?:hold on|hang on|one sec|one second|just a sec|just a second|gimme a sec|give me a (?:sec|"
                      r"second|minute)|let me (?:just )?(?:check|think)|lemme (?:just )?(?:check|think))\b|"
                      r"\bnot you\b(?=.*\b(?:talking to|talking with|speaking to)\b)")
_REPEAT_FIRST = re.compile(_LEAD + r"(?:(?:can you |could you )?(?:say (?:that|it) )?one more time|"
                           r"say (?:that|it) again|come again|repeat (?:that|it|the question)|what was that)\b")
# "what was the second time?" asks for an offered slot again, it does not pick it
_WHAT_WAS_SLOT = re.compile(r"\bwhat (?:was|were|is|are) the (?:first|second|other|last|later|earlier)(?: (?:one|time|"
                            r"option|day|slot)s?)?(?: again)?$|"
                            r"\bwhat (?:were|are) the (?:two|2|three|3) (?:times|days|options|slots)(?: again)?$")
_QUESTION = _rx(
    _LEAD + r"(?:how|what(?!'s up$| is up$| was i\b)|what's(?! up$)|why|where|which|who)\b",  # "what was i saying"
    # ("yeah do it", "ok do that then": a yes to what was asked, no question)
    _LEAD + r"(?:is|are|do(?! (?:it|that)(?: \w+)?$)|does|did|can|could|would|will|should|have|has) (?:you|it|there|"
    r"this|that|the|a|an|your|"
    r"prices|homes|houses|rates|now|we|they|i)\b",
    _LEAD + r"(?:does|do) \w+(?: \w+){0,4} (?:cost|charge|mean|include|work|matter|take)\b",
    r"\bhow much\b", r"\bhow does (?:this|it|that) work\b", r"\bwhat's the market\b",
    r"^(?:no|nope|nah)(?: but)? (?:can|could|is|are|do|does|what|how|why|would|will|should)\b",
)
# A question put after an answer or on its own without the asking word first: about the market, whether
# something is so, what the lead should know ("not yet why", "four hundred for a three bedroom is that realistic").
_ASKS_BACK = _rx(
    r"\b(?:what|how)(?:'s| is| are| about)? (?:the |you all |your )?(?:interest )?(?:rates|prices|homes|houses|"
    r"the market|things|inventory|taxes|property taxes|hoa|insurance|schools)(?: \w+){0,3} (?:like|doing|going|looking|"
    r"at|these days|right now)\b",
    # a tag question after a figure: "my house should go for bout three and a half don't you think"
    r"\b(?:don't|dont|wouldn't|right) you think\s*$",
    r"\b(?:is|are|does|would|will) (?:that|this|it|there|they) (?:\w+ ){0,3}?(?:realistic|okay|ok|normal|possible|"
    r"the same(?: thing)?|a difference|different|true|free|a fee|a charge|doable|a problem|an issue|enough|"
    r"too (?:much|low|high))\b",
    r"\b(?:do|does|did|can|could|would) (?:you|y'all|she|he|dana|they) (?:know|tell me|say|recommend|suggest|"
    r"think)\b(?! (?:that|so)\b)",
    # about the person they would meet: "is dana a real person or another ai"
    r"\b(?:is|are) (?:dana|she|he|they|your agent|the agent|\w+) (?:a )?(?:real|actual|live) (?:person|people|human)\b",
    r"\b(?:how long|how much|how many)(?: \w+){0,4} (?:does|do|would|will|is|are|take|cost|gonna)\b",
    r"\bis (?:this|it|that) (?:gonna|going to) (?:take|cost|be)\b",
    # about the agent they would meet ("can she come look at the house", "is he the one who'd show us homes")
    r"\b(?:can|could|does|do|will|would|is|are) (?:she|he|they|dana|your agent|the agent|the realtor|someone|"
    r"somebody) (?:\w+ ){0,2}?(?:come|show|speak|help|meet|look|work|charge|bilingual|available|licensed|the one|"
    r"do (?:a|it by|it over|it on) )\b",
    # "y'all do rentals too", "we need a 3 bedroom in pooler whats that runnin these days"
    r"^(?:so |and |oh )?(?:y'all|you all|you guys|you) (?:also )?(?:do|handle|help with|work with|cover|sell) "
    r"\w+(?: \w+)? (?:too|also|as well)$",
    r"\bwhat(?:'s| is| are| do| does) (?:that|those|these|they|it|one|them)(?: \w+)? (?:running|go(?:ing)? for|"
    r"selling for|costing|cost|run|rent for)\b(?: \w+){0,3}$",
    r"\b(?:what's|whats|what is|how's|how is) the (?:\w+ ){1,2}like\b",  # "whats the hoa like out there"
    # a question put after a fact: "we're lookin in wasilla, hows the market up there", "we want a 3 bedroom in
    # queen creek, what do those go for now", "cash but whats the hoa on these usually"
    r"\b(?:how's|hows|how is) the (?:market|area|neighborhood|school district|schools)\b",
    r"\bwhat (?:do|does|would|will) (?:those|these|they|homes|houses|condos|places|cabins|townhomes|that|it) "
    r"(?:usually |typically |even )?(?:go|sell|rent|list|cost)\b",
    r"\b(?:what's|whats|what is|what are) the (?:hoa|hoas|taxes|property taxes|fees|insurance|flood insurance)\b",
    r"\b(?:is|are) (?:it|they|that|those|these|it all)(?: even)? (?:in|on) (?:a |the )?flood ?(?:zone|plain)\b",
    r"\b(?:are|is) (?:they|rates|prices|those)(?: ever)? (?:coming|going) (?:down|up)\b",
    r"\bis (?:that|this|it|both) an? (?:option|thing)\b",
    r"\b(?:are|is) (?:short term rentals?|airbnbs?|vrbos?|rentals|pets|dogs|chickens)(?: even)? allowed\b",
    r"\bdo people (?:even )?(?:do|get|use)\b",
    # who the agent is: "is dana the one that does ranches", "is dana a man or a woman"
    r"^(?:\w+ )?is (?:dana|she|he|your agent|the agent|the realtor|[a-z]+) (?:the one (?:that|who)|a (?:man|woman|guy|"
    r"lady|he|she)\b)",
    r"\bis (?:that|this|it) (?:something|somethin) (?:\w+ ){0,2}(?:can|could|would) (?:help|do)\b",
    r"^(?:(?:no|nope|nah|not yet|not really) )(?:why|how come)$",
    # asked back why we ask: "schaumburg, why?", "long story, why do you need to know"
    r"(?<!that's )(?<!is )(?<!know )(?<!see )(?<!wonder )\b(?:why|how come)$",
    r"\bwhy (?:do|would|does|did) (?:you|you all|she|he|they) (?:need|want|have|ask)(?: to know)?\b",
    # a yes-or-no question after what they said: "we're looking to rent, is that something y'all do", "does she do
    # zoom", "not yet, do i need to be", "do you guys help people rent"
    r"\bis (?:that|this) (?:something|somethin|ok|okay|alright|possible|normal|a problem|an issue|a thing|doable|"
    r"crazy)\b(?: [\w']+){0,4}$",
    r"\bdo (?:you guys|you all|you) (?:\w+ ){0,2}?(?:do|help|handle|work with|have|cover|offer|deal with)\b",
    r"\bdoes (?:she|he|dana|the agent|my \w+(?: in law)?) (?:\w+ ){0,2}?(?:do|count|work|speak|handle|have|offer|"
    r"charge|cover)\b",
    r"\bdo (?:i|we) (?:need|have) to\b(?: [\w']+){0,3}$|\bdo (?:i|we) need (?:one|it|that|to be)\b",
    # asked for someone, or wondered aloud: "my husband wants to know if you guys do property management", "can my
    # husband join on zoom"
    r"\b(?:wants?|wanted|wanting|needs?) to know (?:if|whether|what|how|when|who|why)\b|"
    r"\b(?:was|were|am|i'm|we're) (?:just )?wondering (?:if|whether|what|how|when|who)\b",
    _LEAD + r"(?:is|are|can|could|would|will|should|does|did) (?:my|our) (?:\w+ )?(?:husband|wife|partner|hubby|son|"
    r"daughter|mom|dad|brother|sister|family|kids|wife's|husband's|realtor|agent|lender|friend)\b",
)
_AFFIRM = _rx(
    # "let me ask my husband roy roy he says yeah": the yes of the one they asked
    r"\b(?:he|she|they) (?:says?|said) (?:yeah|yes|yep|sure|ok|okay|that's fine|that works|fine)$",
    r"^(?:(?:ja|yes|yeah|ok|okay|oh) )*that is (?:good|fine|great|perfect|right|correct|ok|okay)$",
    _LEAD + r"(?:yes|yessir|si|claro|yeah|yep|yup|ayuh|ayup|ayeh|shoots|sure|certainly|absolutely|definitely|of course|"
    r"correct|"
    r"right(?! away| now)|"
    r"exactly|perfect|ok|all right|sounds (?:good|great|perfect|fine)|that works|works for me|that's fine|fine|great|"
    r"(?:that|it|this|that one) should (?:work|be (?:fine|good|ok|okay))|"
    r"go ahead|go for it|please do|for sure|totally|you bet|you betcha|i guess|i reckon(?: so)?|reckon so|"
    r"i suppose(?: so)?|why not|roger(?: that)?|copy that|"
    r"ten four|10 4|book it|lock it in|cool|awesome|sweet|bet$|bet that|say less|"
    r"affirmative|that's right|that's correct|that's it|"
    r"no problem|not a problem|no worries|that'd be great|good(?! morning| afternoon| evening))\b",
    r"\b(?:sounds (?:good|great|perfect|fine|right|about right|ok|okay)|that works|works for me|that's (?:correct|"
    r"right|fine|perfect|great|"
    r"good|ok|okay|cool|doable)(?! (?:for|with) (?:her|him|them|my)\b)|that(?:'d| would|'ll| will) (?:work|do)|"
    r"that would be (?:great|fine|perfect)|let's do (?:it|that)|(?<!don't )(?<!not )book it|lock it in)\b",
    r"\b(?:i suppose|suppose so|i guess so|i think so)\b",
    r"^(?:(?:yeah|yes|sure|ok|okay|hey|hi|hello|go ahead)(?: sure)? )?(?:what's|whats|what is) up$",  # go on, then
    r"(?:^|\b(?:ok|okay|yeah|yes|sure|alright|all right)(?: yeah| yes| sure)? )(?:do it|book it|let's do it)$",
    # a word of their own, then a plain yes: "shoots yeah", "right on yeah", "oh for sure yes"
    r"^(?!.*\b(?:no|not|nah|nope|never|don't|can't|won't|wait|what|huh)\b)(?:[\w']+ ){1,2}(?:yeah|yes|yep|yup)$",
    r"\b(?:go ahead|go on|fire away|shoot|i'm listening|make it quick|what's up)$", r"\b(?:i|we) do want to talk\b",
    r"\bdon't hang up\b",
    # "on break, got like five minutes": the time they have for it (not "you got a minute?", asked)
    r"(?<!you )(?<!they )(?<!he )(?<!she )\b(?:(?:i|we)(?:'ve| have)? )?got (?:like |maybe |about )?"
    r"(?:a|one|two|three|five|ten|a few|a couple|a couple of) (?:minutes?|mins?|secs?|seconds?)\b",
)
_DENY = _rx(
    _LEAD + r"probably not\b(?! sure)",
    _LEAD + r"(?:(?:probably|maybe|honestly|i guess|i'd say|kinda|kind of|sorta|sort of) )?"
    r"(?:no(?! problem| worries| doubt| idea| clue)|nope|nah|naw|not really|not at all|negative|no way|not yet|"
    r"i don't think so|not that i know of|never|no sir|no ma'am|not quite|wrong|incorrect|neither|none)\b",
    r"\b(?:that doesn't work|that does not work|doesn't work|won't work|that's not (?:right|correct|it|true)|"
    r"that's wrong|not correct|(?:i|we) (?:can't|cannot|can not|won't be able to|don't think i can|don't think we "
    r"can) (?:do|make) (?:that|it)|that's incorrect|neither)\b",
    # "i cant do either of those, im on nights": none of the times offered
    r"\b(?:can't|cannot|can not|couldn't) (?:do|make) (?:either|any|both) (?:of )?(?:those|them|these|one|times|"
    r"days)\b",
    r"\b(?:actually|on second thought|come to think of it),? no\b", r"\bso no$",
    r"\b(?:i )?(?:guess|reckon|suppose|expect) not\b(?: actually| then| sorry)?$",  # "i reckon not": a no
    r"\b(?:not|nope|nah|never)\b(?: [\w']+){0,4} no$",
    # declining to say is a no to the question: it is not asked again
    r"\b(?:(?:i'd|id|i would|we'd|wed|we would) )?(?:rather|prefer(?: to)?) not (?:to )?(?:say|share|answer|"
    r"get into (?:that|it|all that|numbers|the numbers))\b",
    r"\b(?:rather|prefer to) keep (?:that|it) (?:to (?:myself|ourselves)|private)\b",
    r"\bnot comfortable (?:saying|sharing|giving)\b",
    r"\b(?:i'm|i am|we're|we are) not (?:gonna |going to )?(?:tell|telling|tellin|share|sharing|give|giving) "
    r"(?:you )?(?:that|it|my (?:number|budget|price))\b",
    # not ready to meet anyone: a no to the meeting offered
    r"\b(?:ain't|aint) ready (?:to|for) (?:meet|talk|sit down|a meeting)\b",
    r"\b(?:don't|do not) think (?:we're|we are|i'm|i am|we|i) (?:quite |really )?ready (?:to|for) "
    r"(?:meet|talk|sit down|a meeting)\b",
    # "i don't really have one yet" to a price range, an agent or a lender: there is none
    _LEAD + r"(?:(?:honestly|actually) )?(?:i|we) (?:(?:honestly|really|actually) )?(?:don't|do not) "
    r"(?:really |actually |even )?have (?:one|any|a "
    r"(?:number|budget|price|range|figure))(?: yet| right now| in mind| at the moment)?$",
)
_GO_AHEAD = re.compile(r"\b(?:go ahead|go on|fire away|shoot|carry on|keep going|i'm listening)(?: then| please)?$")
# A yes with a limit on it ("yeah but i'm driving so keep it short", "sure, only got like two minutes", "i'm at work
# but go ahead"): leave to go on, briefly; not a request to be called back.
_BRIEF_YES = re.compile(
    r"^(?:(?:uh|um|well|oh|ok|okay|i mean) )*(?:yeah|yes|yep|yup|sure|ok|okay|i guess(?: so| yeah)?|go ahead)\b"
    r"(?!.*\b(?:call (?:me )?back|call me later|another time|later|tomorrow|tonight|not now|bad time)\b)"
    r".*\b(?:keep it (?:short|quick|brief)|make it (?:quick|fast|short|snappy|brief)|(?:be|real|really|super) quick|"
    r"quickly|(?:only |just )?(?:got|have|gotta|got like) (?:like |about |maybe )?(?:a minute|a sec|a second|\d+|one|"
    r"two|three|four|five|ten|a couple|a few)(?: \w+)? (?:minutes?|mins?|secs?|seconds?))\b"
    r"|\b(?:but |so )?go ahead(?: i guess| then)?$|\bgo ahead (?:real quick|quick|but make it quick|but be quick)$"
    # "yeah im on my lunch break go"
    r"|^(?:(?:uh|um|well|oh|ok|okay) )*(?:yeah|yes|yep|sure|ok|okay)\b(?!.*\b(?:call (?:me )?back|later|not now|"
    r"bad time)\b).*\b(?:break|lunch) (?:so )?(?:go|shoot)$"
    # "yeah im in the car, you're on speaker": driving, and listening
    r"|^(?:(?:uh|um|well|oh|ok|okay) )*(?:yeah|yes|yep|sure|ok|okay)\b(?!.*\b(?:call (?:me )?back|later)\b).*"
    r"\b(?:you're|you are|you're on|i got you|i have you|i've got you) (?:on )?(?:speaker|speakerphone|bluetooth)$"
    # "well i reckon if it's quick, i'm fixing to go feed"
    r"|^(?:(?:uh|um|well|oh|ok) )*(?:i reckon|i suppose|i guess)(?: so)? (?:if|as long as) (?:it's|its|it is|you're|"
    r"you are|you make it|you keep it) (?:quick|fast|short|brief)\b")
_GREETING_IDENTITY = re.compile(
    r"\b(?:this is (?:he|she|him|her|me)|speaking$|that's me|it's me|you(?:'ve)? got (?:him|her|me)|"
    r"(?:yes|yeah) this is \w+$|^this is \w+$|\bi'?m the one (?:who|that) (?:filled|signed|asked|put|sent|submitted)|"
    r"^(?:(?:yeah|yes|yep|uh|um) )+(?:hello|hi|hey)(?: there)?$)")
_GREETING = _rx(
    _LEAD + r"(?:hello|hi|hey|hiya|howdy|yello|hallo|hullo|aloha|good (?:morning|afternoon|evening)|hello hello)\b",
    r"\bhow are you\b", r"\bhow's it going\b", r"\bwhat's up\b", r"^(?:good )?(?:morning|afternoon|evening)$",
    # "not too bad, how bout yourself": the how-are-you answered and returned
    r"^(?:(?:oh|well|uh) )*(?:not (?:too |so )?bad|good|fine|doing good|doing well|pretty good|alright)(?: thanks?| "
    r"thank you)?,? (?:how (?:bout|about) (?:yourself|you)|and (?:you|yourself))$",
    r"\b(?:you there|are you there|still there|can you hear me)\b",
    # "salam alaikum", "sat sri akal": a greeting in another language, said in an English call
    r"^(?:a?s?s?alaa?m(?:u)? (?:alaikum|alaykum|aleikum|alikum|alaikom)|shalom|namaste|sat sri akal)\b",
    r"^(?:(?:hey|well|yeah) )*where (?:y'at|yat|ya at|y'all at)\b",  # New Orleans: "where y'at baby"
)

# --- facts -----------------------------------------------------------------------------------------------

_NEGATED = re.compile(r"\b(?:not|don't|do not|never|no|won't|wouldn't|aren't|isn't|can't|didn't|ain't)"
                      r"(?: (?!maybe\b|probably\b|prolly\b)[\w']+){0,2} $|"  # ("i dunno, maybe buy": a hedged plan)
                      # the second of a list refused: "not interested in selling or buying or nothing"
                      r"\b(?:not interested in|no interest in|not looking to|not planning (?:on|to)|(?:don't|do not) "
                      r"want to) (?:[\w']+ ){1,2}(?:or|nor|and) $|"
                      # "we ain't got the credit to buy", "don't have the money to": not their plan, their want
                      r"\b(?:not|no|don't|do not|can't|ain't|haven't|didn't) (?:got |have |get |had )?(?:the |enough |"
                      r"good |any )?(?:credit|money|funds|income|down payment)(?: [\w']+){0,2} (?:to|for) $")
_INTENT_PREFIX = r"(?:(?:looking|want|wanting|planning|trying|hoping|going|need|needing|like|thinking about|" \
                 r"thinking of|ready|wanted|plan) (?:to )?)?"
_BUY = re.compile(_INTENT_PREFIX + r"\b(?:buy|buying|purchase|purchasing|buyer|buyers|first (?:home|house)|"
                  r"new construction|(?:eyeing|looking at|looking for|interested in) (?:\w+ ){0,3}?new builds?|"
                  r"(?:pick|picking) up (?:a |some |a couple |a few |another )?(?:more )?(?:rental|investment|"
                  r"propert|house|home|condo|duplex|doors)\w*|find (?:something|a place|a house|a home)|"
                  # "a landlord, got ten doors, looking to add a couple more"
                  r"(?:add|adding) (?:a couple|a few|one|two|three|another)(?: more)?(?= (?:doors|rentals|units|"
                  r"properties|houses)|$| to (?:it|that|them))|"
                  r"(?:looking for|find|get|move into) (?:a|an|our|my) (?:new |bigger |smaller )?(?:house|home|place|"
                  r"condo|property|townhouse|townhome)|"
                  r"(?:looking for|find|get|want|need|picking up|pick up) (?:a couple |a few |some |more |another |"
                  r"two |three |a )?(?:duplex|duplexes|triplex|triplexes|fourplex|fourplexes|"
                  r"rental propert\w*|investment propert\w*|multi ?family|multifamily|flips?|fixer uppers?)|"
                  # "a rental" alone is a home to rent ("just looking for a rental"); more of them, an investor's
                  r"(?:looking for|find|get|want|need|picking up|pick up) (?:a couple |a few |some |more |another |"
                  r"two |three )?rentals?|"
                  # "sell and then build something new": a home of their own built is one bought
                  r"(?:build|building) (?:(?:a|our|my) (?:new )?(?:house|home|place)|(?:something|somethin) new|"
                  r"new))\b")
_SELL = re.compile(_INTENT_PREFIX + r"\b(?:sell|selling|sellers?|fsbo|for sale by owner|unload|offload|"
                   r"(?:has|have|needs|need|got|gotta) to be sold|"
                   r"(?:current|old|our|my) (?:one|house|home|place|condo) (?:needs|has|got) to go|"
                   r"(?:selling|sell|doing) it (?:ourselves|myself|on our own|on my own)|"
                   r"list (?:my|our|the) (?:house|home|place|condo|"
                   r"property)|listing (?:my|our|the)|put (?:my|our|the) (?:house|home|place) (?:on the market|up for "
                   r"sale)|relist\w*|(?:back|put it back) on the market|"
                   # listed with an agent: "we already listed with a agent last week", "it's listed with remax"
                   r"(?:we|i|we've|i've|we have|i have)(?: already| just)? listed (?:it |the \w+ |our \w+ |my \w+ )?"
                   r"(?:with|through)|"
                   r"(?:it's|its|it is|house is|home is|place is)(?: already| currently| still| now)? listed\b(?! as)|"
                   # an expired listing: "it was listed with somebody for six months and never sold"
                   r"(?:(?:it|we|i)(?: was| were| had it| had| got it| put it)?|(?:our|my|the) (?:house|home|place|"
                   r"condo)(?: was)?) (?:listed|on the market)\b(?: [\w']+){0,8}? (?:never|didn't|did not|wouldn't|"
                   r"would not) "
                   r"(?:sold|sell|got sold|get sold|got an offer|moved))\b")
_RENT = re.compile(r"\b(?:(?:looking|want|wanting|need|trying|hoping|planning|like) to rent"
                   r"(?! (?:it|them|\w+) out\b)|(?:we'd|we would|i'd|"
                   r"i would|we'll|we will|we'd be|we're|i'm) (?:be )?renting\b"
                   r"(?! (?:now|right now|currently|at the moment))|"
                   r"(?:rent|lease) (?:a|an|"
                   r"something|for now)|looking (?:for|at) (?:a )?(?:rental|rentals|lease|place to rent)|for rent|"
                   # "we just need somethin to rent for a few months": a home to rent
                   r"(?:need|want|looking for|find|get) (?:something|a place|a house|a home|an apartment|a unit) "
                   r"to (?:rent|lease)(?!(?: \w+)? out\b))\b")
_RENT_FIRST = re.compile(r"\b(?:rent|lease)\b(?: [\w']+){0,7}? (?:before|till|until|then) (?:we|i) (?:buy|decide)\b")
_INTENT_ANSWER = re.compile(_LEAD + r"(?:(?:honestly|actually|probably|i guess|i think) )*(?:just )?"
                            r"(both|buy|buying|sell|selling|rent|renting|leasing)\b")

_PLACE_STOP = {
    "and", "or", "but", "so", "because", "cause", "with", "for", "to", "in", "at", "on", "by", "near", "around",
    "we", "i", "you", "they", "it", "that", "this", "which", "where", "maybe", "probably", "like", "area", "areas",
    "neighborhood", "neighborhoods", "region", "is", "are", "was", "were", "would", "could", "be", "if", "then",
    "right", "now", "too", "also", "somewhere", "hopefully", "though", "thanks", "please", "under", "about", "within",
    "preferably", "ideally", "something", "budget", "price", "range", "yet", "soon", "next", "anywhere",
    "i'm", "we're", "there", "here", "the", "of", "ok", "yes", "yeah", "no", "pretty", "really", "some",
    # what a lead calls the caller ("sorry hon, not interested")
    "hon", "honey", "dear", "sweetie", "sweetheart", "darling", "babe", "man", "bro", "brah", "dude", "buddy", "pal",
    "sir", "ma'am", "maam", "mate", "boss", "chief", "lady", "miss", "mister",
}
_THE_LAND = {"country", "countryside", "city"}  # "out in the country", "the city": a kind of place, not a town
_NOT_A_PLACE = {
    "country", "countryside",  # "out in amish country": the land, not a town
    "winters", "summers",  # "full time instead of just winters": seasons (Winters, California is asked by name)
    "sells", "sold",  # "whenever it sells": not Sells, Arizona
    "a", "an", "my", "our", "your", "his", "her", "their", "it", "this", "that", "these", "those", "mind", "fact",
    "general", "case", "order", "time", "touch", "person", "cash", "advance", "market", "process", "meantime",
    "middle", "future", "hurry", "rush", "morning", "afternoon", "evening", "spring", "summer", "fall", "winter",
    "months", "weeks", "years", "days", "month", "week", "year", "between", "any", "all", "love", "need", "debt",
    "school", "college", "contract", "escrow", "charge", "interest", "line", "way", "terms", "regards", "addition",
    "place", "front", "back", "then", "now", "which", "what", "one", "end", "beginning", "start", "early", "late",
    "mid", "next", "last", "town", "there", "here", "total", "full", "particular", "mine", "us", "me",
    "them", "him", "law", "lieu", "half", "most", "both", "either", "good", "shape", "theory", "trouble", "talks",
    "doubt", "tonight", "today", "tomorrow", "christmas", "june", "july", "august", "september", "october",
    "november", "december", "january", "february", "march", "april", "may", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "work", "house", "home", "condo", "apartment", "weekends", "bed",
    "payments", "deckers", "decker", "budget", "price", "range", "bit", "while", "sense", "mood", "position",
    "together", "myself",
    "ourselves", "homes", "houses", "places", "property", "properties", "something", "schools", "family",
    "parents", "kids", "job", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand", "million", "couple", "few",
    "several", "spanish", "english", "agent", "realtor", "lender", "bank", "approved", "preapproved",
    "owner", "far", "chance", "accident", "phone", "email", "text", "mail", "contrast", "comparison",
}
_GENERIC_PLACE_WORDS = {"anywhere", "north", "south", "east", "west", "northeast", "northwest", "southeast",
                        "southwest", "side", "downtown", "uptown", "midtown", "area", "the", "of", "near", "by",
                        "and", "or", "part", "end", "town", "suburbs", "city", "county", "outskirts", "lake"}
_ANSWER_LEAD = {"uh", "um", "probably", "maybe", "i", "think", "guess", "like", "well", "so", "somewhere", "in",
                "around", "near", "the", "we're", "we", "are", "looking", "look", "at", "want", "to", "be", "would",
                "say", "i'd", "ideally", "hopefully", "preferably", "definitely", "close", "by", "thinking", "about",
                "oh", "yeah", "yes", "just", "over", "out", "there", "it's", "i'm", "interested", "prefer", "really",
                "mostly", "mainly", "either", "kind", "of", "sort", "honestly", "basically", "because", "cause",
                "ok", "mean", "we'd", "love", "hoping", "for", "more", "or", "less", "pretty", "much"}
_ANSWER_TAIL = {"area", "or", "so", "i", "think", "probably", "maybe", "somewhere", "like", "please", "neighborhood",
                "region", "there", "something", "thereabouts", "guess", "i'd", "say", "around", "ish", "really"}
# An answer that says there is no answer (yet): the question is not asked again. The move waiting on something else
# is one ("whenever the house sells", "soon as we settle up", "idk depends on the market").
_WAITS_ON = re.compile(r"^(?:(?:um|uh|well|honestly|probably|i guess|i mean|oh|idk|i don't know|no idea|not sure) )*"
                       r"(?:whenever|once|(?:as )?soon as|(?:it |all |that )?depends(?: on)?|depending on) "
                       r"(?:the|our|my|his|her|their|we|i|it|he|she|they|when|if|how|what)\b")
_DONT_KNOW = re.compile(
    r"\b(?:don't know|not sure|no idea|dunno|haven't (?:\w+ )?(?:thought|decided)|can't say|no clue|"
    r"doesn't matter|not really|(?:couldn't|can't|could not|cannot) (?:really )?tell you|wouldn't (?:even )?know|"
    r"(?:hoping|hope|want|wanted|need|thought) (?:for )?you(?:'d|'ll)?(?: guys| all| folks)?"
    r"(?: to| can| could| would| will| were gonna)? tell (?:me|us)|"
    r"what(?:ever)? (?:it's|its|it is|they're) worth|whatever (?:gets|it takes|we can get|i can get|the market)|"
    r"nothing (?:really|specific|in particular|special)|no (?:particular |real |special )?reason|"
    r"no rush|no hurry|not in a hurry|whenever (?:the right|we find|i find|it sells|something)|"
    r"^(?:(?:um|uh|well|i mean|honestly|oh) )*(?:it )?(?:all )?depends$|"  # said alone: on what, they do not say


    r"(?:sometime|some time|at some point) this year\b|\bthis year sometime|"  # an answer, if no figure
    r"as soon as (?:i|we) find|(?:rather|prefer to|prefer) not (?:say|share|get into|tell)|(?:that's|thats|it's|its) "
    r"(?:kind of |kinda |a bit |pretty )?(?:personal|private)|none of your business)\b")

# the family a home is left by ("my mama left us the house", "granddaddy's place") and the homes it may be
_ELDERS = (r"dad|daddy|mom|mama|mamma|momma|mother|father|parents|grandma|grandpa|grandmother|grandfather|"
           r"granddaddy|granddad|grandmama|granny|nana|aunt|auntie|uncle|pawpaw|papaw|mawmaw|meemaw|big mama|"
           r"grandmere|grandpere|mamere|papere")  # (Cajun: "my grandmere left it to us")
_HOME_KINDS = (r"house|home|place|property|land|farm\w*|ranch|rowhouse|row house|townhouse|townhome|condo|duplex|cabin|"
               r"trailer|co ?op|two flat|bungalow|casa")  # ("es la casa de mi mama, she passed")
_MOTIVATION_RULES = [(name, re.compile(pattern)) for name, pattern in (
    ("relocating", r"\b(?:relocat\w*|"
                   # "so we movin closer to the work"
                   r"(?:(?:moving|move|get|be) (?:up |down |out |back )?|^(?:(?:um|uh|well|just|so|to be) )*)closer to "
                   r"(?:the |my |our |his |her )?"
                   r"(?:(?:wife|husband|wife's|husband's|wifes|husbands|partner's|fiance's|daughter's|son's) )?"
                   r"(?:work|job|"
                   r"office|plant|base|hospital|new job)\b|"
                   # "moving in with my daughter in atlanta": to family somewhere else
                   r"(?:moving|move|going) in with (?:my|our|the) (?:\w+ )?(?:daughter|son|kids|family|mom|dad|parents|"
                   r"mother|father|sister|brother|in ?laws|grandkids) (?:(?:out|down|up|over) )?in [a-z]+|"
                   r"(?:moving|move back) (?:back |down |up |over |out )?(?:from \w+(?: \w+)? )?to "
                   r"(?!a |the |an |our |my |owning|buying|renting|own\b|be\b)\w+|"
                   # "done shovelin, movin to the carolinas": a region, with its "the"
                   r"moving (?:back |down |up |over |out )?(?:from \w+(?: \w+)? )?to the (?:carolinas|dakotas|"
                   r"(?:gulf |east |west )?coast|keys|mountains|midwest|south|north|west|east|cities|twin cities|"
                   r"valley|islands|panhandle|lowcountry|upstate|peninsula)\b|"
                   # "we going back to puerto rico, my mother is sick"
                   r"(?:going|heading|goin) back to (?!(?:a|the|an|our|my|his|her|work|school|bed|sleep|church|it|that|"
                   r"them|him|her|owning|buying|renting|being|doing|what|how|you|office)\b)[a-z]+|"
                   r"(?:company|job|work|employer|army|navy|air force)(?:'s|s| is)? (?:moving|moved|relocating|"
                   r"relocated|transferring|transferred|sending|sent) (?:us|me|him|her|them)|"
                   # "walmart moved my husband up there": an employer by its name, moving someone elsewhere
                   r"(?<!mom )(?<!dad )(?<!mama )(?<!daddy )(?<!parents )(?<!folks )"
                   r"(?:moved|transferred|relocated|sent) (?:us|me|him|her|them|my (?:husband|wife|hubby|partner)) "
                   r"(?:up|down|out|over) (?:here|there|to)\b|"
                   # "i start at the hyundai plant in may": a new job
                   r"(?:i|he|she|we|my (?:husband|wife)) (?:start|starts|am starting|is starting|'m starting) "
                   r"(?:at|with) (?:the |a )?(?:[\w']+ ){0,3}?(?:plant|hospital|base|factory|mill|company|firm|"
                   r"university)\b|"
                   # "wife got on at the hospital in hays": hired somewhere else
                   r"(?:got on|hired on|got hired|was hired|got a spot) (?:at|with) (?:[\w']+ ){1,4}?"
                   r"(?:in|near|up near|out near|down near|over near|out by) [a-z]+|"
                   r"transferr?(?:ed|ing)|job transfer|new job|(?:my|our|his|her) (?:pcs )?orders|"
                   # "im on orders to fort drum", "we got pcs orders"
                   r"(?:on|got|have|has|received|with) (?:pcs |new |permanent change of station )?orders\b|"
                   # "took a staff job at tampa general": a new job at a hospital or a plant, or one in a town
                   r"(?:got|took|landed|accepted) (?:a |an )(?:new |staff |permanent |full ?time )?(?:job|position) "
                   r"(?:at|with) (?:[\w']+ ){0,4}?(?:in [a-z]+|(?:hospital|general|medical center|plant|base)\b)|"
                   # "i took a job at ole miss", "took a civilian job at wright pat": a job taken is a move for it
                   r"(?:took|landed|accepted) (?:a |an )(?:[\w']+ ){0,2}?(?:job|position|post ?doc|fellowship|"
                   r"residency) (?:at|with|in|for) (?=\w)|"
                   # "my wife got a post doc at cornell", "my husband got a job at sanford": the family follows
                   r"(?:husband|wife|hubby|spouse|partner|fiance|fiancee|he|she) got (?:a |an )(?:[\w']+ ){0,2}?"
                   r"(?:job|position|post ?doc|fellowship|residency) (?:at|with|in|for) (?=\w)|"
                   r"(?:my|our|his|her|husband's|wife's|\w+'s) transfer\b|"
                   r"(?:i'm|im|i am|he's|she's|we're) (?:in the )?(?:navy|army|air force|marines|military)|"
                   r"(?:i'm|im|i am|she's|he's|my \w+ is|we're) starting (?:a (?:new )?(?:job|position|residency) )?at "
                   r"(?!(?:around|about|like|maybe|under|over|\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b)"
                   r"(?:the )?[a-z]+(?: in \w+)?$|"
                   r"(?:for|with) (?:my |a |the |his |her |our |their )?(?:\w+'?s )?(?:new )?(?:\w+ ){0,2}?"
                   r"(?:job|position|promotion|residency)|(?:for|with) (?:(?:my|his|her|our|their|\w+'s) )?new work|"
                   r"(?:for|with) (?:my|his|her|our|their|\w+'s) work|"
                   r"(?:moving|(?<=we're )coming|(?<=i'm )coming|(?<=we are )coming|(?<=i am )coming) "
                   r"(?:down |up |over |out |back )?from (?:(?!(?:the|a|an|our|my|this|that|renting|"
                   r"an apartment|apartments?|condos?|here|there|work|school|church|home|lunch|class)\b)\w+|"
                   # "half backs movin up from the villages" (not "from the house", "from the old place")
                   r"the (?!(?:house|home|apartment|condo|rental|place|old|other|same|one|first|last|duplex|"
                   r"trailer|farm|ranch|cabin|lake|beach|city|country|hospital|base|plant)\b)\w+)|"
                   # school or training somewhere else: "got into the phd program at pitt", "matched at mass general"
                   r"(?:got into|accepted (?:in|into|to)|matched (?:at|with|in)) (?:the |a |an )?(?:[\w']+ ){0,3}?"
                   r"(?:program|grad school|law school|med school|college|university|residency|fellowship|"
                   r"general|hospital)|"
                   r"(?:moving|move|relocate|relocating) (?:[\w']+ ){0,4}?for (?:work|a job|my job|his job|her job|"
                   # a pastor called to a church elsewhere: "we're movin for the church"
                   r"(?:the|a|his|her|my|our) (?:new )?(?:church|ministry|congregation|parish))\b|"
                   r"military|pcs|pcsing|pcsd|pcs.d|pcsed|"
                   # leaving where they live: "getting out of chicago", "get outta the bay", work gone remote
                   r"(?:get|getting|move|moving|want|wanna) (?:out of|away from) (?!(?:this|that|our|my|the|an?) "
                   r"(?:house|home|place|apartment|condo|rental|lease|neighborhood|debt|city)\b|here\b|there\b|debt\b|"
                   r"renting\b|town\b|(?:the )?(?:snow|cold|heat|winters?|rain|humidity|traffic|noise|rat race|"
                   r"suburbs|mortgage|lease|hoa|school|work|class|bed|jail|hospital|contract|deal)\b)(?:the )?[a-z]+|"
                   r"(?:work|working|job|jobs|company|employer)(?: \w+){0,2} (?:went |gone |is |are |now )?(?:fully |"
                   r"all |now )?remote\b|(?:went|gone|going) (?:fully |all )?remote\b|"
                   r"remote (?:job|work|worker)|"
                   # a job somewhere else that makes them move: "got a job at the hospital up there, so we gotta move"
                   r"(?:got|have|took|accepted|landed|starting) (?:a |an |the )?(?:new )?(?:job|position|offer)\b"
                   r"(?=.*\b(?:so (?:we|i) (?:got to|have to|need to|must|gotta) move|(?:up|down|out|over )?there)\b)|"
                   r"\borders (?:say|said|came|come|are for)\b|"  # "orders say we report in june"
                   # back in the office and the commute too long: "state wants us back in the office four days"
                   r"\bback (?:in|to|into) the office\b(?=.*\b(?:closer|commute|drive)\b)|"
                   r"(?:can't|cannot|can not) (?:do|take|handle) the (?:drive|commute)|"
                   r"(?:the )?(?:drive|commute)(?: is)? (?:killing|too long|too much|brutal)|"
                   r"(?:got|getting|have|received) (?:our |my |his |her |new )?(?:orders|pcs orders)|"
                   # ("our first house while he's stationed at parris island": where they are, the reason is the house)
                   r"(?<!while he's )(?<!while she's )(?<!while we're )(?<!while i'm )stationed|"
                   # "we're selling in brooklyn and moving up for good"
                   r"(?:moving|move|coming) (?:up|down|out|over) (?:here |there )?(?:for good|full time|"
                   r"permanently)|"
                   r"^(?:pcs |military |new )?orders$|\bpcs(?:ing)?\b|(?:moving|move|going|coming) back home\b|"
                   r"got (?:a |an )?(?:job|offer) (?:in|out)(?! \w+(?: \w+)? (?:all day|today|tomorrow|this week|"
                   r"till|until|til))|job (?:in|out of state)(?! \w+(?: \w+)? (?:all day|today|tomorrow|this week|till|"
                   r"until|til)))\b"),
    ("growing family", r"\b(?:custody of|"
                       # "we have three kids now and the apartment is too small": the family grew
                       r"(?:(?:we|i) (?:have|got)|(?:we've|i've) got) (?:two|three|four|five|six|\d) (?:kids|children|"
                       r"babies|boys|girls) now\b|"
                       # "we bought it when we had one kid, now we got four"
                       r"(?:had|with) (?:one|two|three|a) (?:kid|kids|child|baby)\b.*\bnow (?:we|i) (?:got|have|"
                       r"'ve got) (?:two|three|four|five|six|\d)\b|"
                       r"raising (?:our |my |his |her )?grand\w+|grand(?:son|daughter|kids?|children|"
                       r"babies) (?:we're|were|we are|i'm|i am) raising|adoption|fostering|"
                       # "my daughter and her three kids are moving in with us"
                       r"(?:kids|grandkids|grandchildren|grandbabies|children|babies) (?:are |is )?(?:moving|coming) "
                       r"in with (?:us|me)|"
                       r"(?:got|have|took in|taking in) (?:our |my |the )?(?:\w+ )?grand(?:babies|kids|children)"
                       r"(?= now| with us| full time| living with)|"
                       r"(?:adopt|adopted|adopting|foster) (?:a |an |our |two |three )?(?:baby|child|children|kids?|"
                       r"son|daughter|sibling\w*)|babies|(?:growing|bigger|expanding|starting a) family|"
                       # a baby of theirs, not one they call the caller ("go ahead baby", "hold on baby")
                       r"(?:(?:a|the|our|my|new|another|first|second|third|fourth|her|his|their|one) )baby"
                       # (what the baby is doing now is no reason: "the baby's asleep so we're good")
                       r"(?!(?:'s|s| is|'s finally| is finally)? (?:asleep|sleeping|napping|down|crying|screaming|"
                       r"fussing|awake|up|eating|in (?:bed|the bath)))|"
                       r"baby(?:'s)? (?:is|was|due|coming|came|on the way|number|girl|boy|arriv\w*|gets|comes|in)\b|"
                       r"(?:family|fam[ií]lia) (?:is|keeps|'s|just keeps) growing|pregnant|"
                       r"expecting (?:a baby|a (?:boy|girl)|our (?:first|second|third|fourth|baby|little)|twins|"
                       r"another(?: one| baby| kid)?\b)|(?:we're|were|we are|she's|shes|she is|is|are|i'm|im|i am) "
                       r"(?:\w+ )?expectin[g']?(?=$| in\b| this\b| next\b| again\b| soon\b| any day\b| so\b| and\b)|"
                       r"another kid|more kids|twins|having kids|"
                       r"(?:one|baby|another|second|third|fourth|number \w+) on the way|(?:second|third|fourth|"
                       r"new|fifth) (?:kid|child|baby)|(?:house|place) is bursting|bursting at the seams)\b"),
    ("downsizing", r"\b(?:downsiz\w*|something smaller|(?:go|going|get|getting) smaller|"
                   r"(?:a )?smaller (?:place|house|home|one)|too big|empty nest\w*|"
                   r"kids (?:moved|are) out(?! of school)|too much house|kids are grown|rattling around|"
                   # ("call me after three thirty when the kids are gone": out for the day, a time)
                   r"(?<!when the )(?<!after the )(?<!once the )(?<!till the )(?<!until the )kids are gone|"
                   r"(?:don't|do not) need (?:\w+ )?(?:bedrooms|rooms|that much (?:house|space|room)) any ?more|"
                   r"(?:don't|do not|no longer) need (?:the |a |such a |that |this )?(?:big|large|huge) (?:house|place|"
                   r"home)|"
                   r"(?:done|tired of) (?:mowing|yard work|the yard|the stairs|keeping up)|"
                   # "we getting too old for all that yard" (too old to work, farm or ranch: retiring)
                   r"(?:too old|getting old|gettin old|getting too old|gettin too old) "
                   r"(?:for|to keep up|to take care of|to mow) (?:all )?(?:that |the |this |a |our |my )?(?:big )?"
                   r"(?:yard|yards|stairs|steps|upkeep|house|place|lawn|mowing|grass)\b|"
                   r"(?:house|place|home|yard|upkeep|property)(?: is| has)? (?:just |way |getting |become |gotten )?"
                   r"(?:too much|a lot) (?:for (?:me|us|one person|her|him)|to (?:keep up|take care|handle|manage))|"
                   r"(?:house|place|home|yard|upkeep) is (?:just |way |getting )?too much\b(?! money)|"
                   # "the stairs in this split level are too much for us"
                   r"(?:stairs|steps)(?: in [\w' ]{1,25}?)? (?:are|is) (?:just |getting |way )?too much\b|"
                   r"(?:stairs|steps) (?:are |is )?(?:just |getting |way )?(?:too much|too hard|hard)|"
                   # "too many stairs at my age", "she can't do the stairs anymore"
                   r"too many (?:stairs|steps)|(?:can't|cannot|can not) (?:do|handle|manage|climb) (?:the |those |"
                   r"all (?:the|those) )?(?:stairs|steps)|"
                   r"(?:it's|its|it is) (?:just|only) (?:me|us|the two of us)(?: now)? (?:in|rattling around in) "
                   r"(?:this|that|a|our|my) (?:\w+ ){0,2}(?:house|place|home))\b"),
    ("upsizing", r"\b(?:upsiz\w*|(?:a )?(?:bigger|larger) (?:place|house|home|one)|something bigger|"
                 # "we're in a condo and we need a house with a yard"
                 r"(?:in|out of) (?:a|an|our|my|this) (?:condo|apartment|one bedroom|two bedroom|studio)\b.*\b(?:need|"
                 r"want) (?:a |an )?(?:house|yard|real house|single family)\b|"
                 r"need (?:a )?(?:bigger|more room|more space)\b|(?:two|three|both|all the) kids (?:in|share|sharing) "
                 r"(?:one|a) (?:room|bedroom)|"
                 # "three kids in a two bedroom", "five of us in a one bedroom apartment"
                 r"need (?:a |an )?(?:third|fourth|fifth|extra|another|4th|3rd|5th) (?:bedroom|room|bathroom)|"
                 r"(?:kids|of us|people|us) (?:in|crammed in|squeezed in|stuck in) (?:a|an|our|this) (?:tiny |small "
                 r"|little )?(?:one|two|1|2|three|3) (?:bedroom|bed|br)|crammed|cramped|on top of each other|"
                 # "we need a shop and more acreage for the horses"
                 r"more (?:room|space|acreage|acres|land)|(?:need|want) (?:a )?(?:bigger )?(?:shop|barn)\b|"
                 r"outgr[eo]w\w*|upgrade|upgrading|move up(?! (?:to|north|there|here|closer|near))|"
                 r"anything bigger|(?:out of|running out of|ran out of|no more) (?:room|space)\b|"
                 r"(?:kids|boys|girls|they|each)(?: \w+)? (?:need|needs|want|wants|should have) (?:their|his|her) own "
                 r"(?:rooms?|bedrooms?)|"
                 r"too small)\b"),
    ("investment", r"\b(?:invest\w*|(?<!looking for a )(?<!need a )(?<!want a )(?<!find a )(?<!into a )(?<!in a )"
                   r"rentals?(?! not| lease| agreement| contract| car| application)(?: (?:property|properties|income|"
                   r"units?))?|(?<!rotation )(?<!schedule )(?<!shift )(?<!coin )flip\w*|airbnbs?|vrbos?|"
                   r"income propert\w*|cash flow|cap rate|portfolio|(?:more|few|couple|two|three|four|five|six|seven|"
                   r"eight|nine|ten|eleven|twelve|dozen|fifteen|twenty|\d+) "
                   r"(?:more )?doors|multi ?family|duplex\w*|"
                   r"1031|ten thirty one|"
                   r"fourplex|short term rental|str|to rent (?:it |them )?out|"
                   # "somethin down the shore we can rent out in the summer"
                   r"(?:we|i) (?:can|could|would|will|'d|'ll|gonna) rent (?:it |them )?out|"
                   # living in part and renting the rest: "live downstairs rent out the top"
                   r"rent (?:out )?the (?:other |extra |spare )?(?:room|rooms|top|upstairs|downstairs|basement|"
                   r"other (?:side|half|unit)|apartment)\b|"
                   # "i own two triple deckers already and want a third"
                   r"(?:own|have|got) (?:\w+ )?(?:two|three|four|five|six|several|a few|a couple of|\d+) (?:\w+ )?"
                   r"(?:triple deckers|three deckers|rentals|rental properties|properties|units|multi ?families|"
                   r"two families|three families))\b"),
    ("first home", r"\b(?:first (?:home|house|time|place)|primera casa|primer hogar|nuestra propia casa|"
                   r"tired of (?:renting|paying rent)|stop renting|"
                   r"stop paying rent|"
                   r"(?:done|sick of) renting|(?:sick|done|tired) (?:of|with) (?:paying|payin) rent|"
                   r"own (?:our|my) own|(?:place|home|house) of (?:our|my) own|time to (?:finally )?own\b|"
                   r"(?:wanna|want to|to) finally own|finally own (?:something|somethin|a (?:home|house|place))|"
                   r"(?:get|buy|want|have) (?:our|my) own (?:place|home|house|casa|spot|property)|"
                   # "rentin for too long", "we rent apartment now want first own house" (a learner's words)
                   r"(?:renting|rented) (?:\w+ ){0,2}?(?:for )?(?:too long|so long|long enough|forever)|"
                   r"(?:want|need|buy|get) (?:a |our |my )?first own (?:house|home|place)|"
                   # said for a parent: "they rent now, they want their own house"
                   r"\brent(?:s|ing)?\b.*\b(?:get|buy|want|wants) (?:their|her|his) own (?:place|home|house)|"
                   r"(?:throwing|wasting|burning) (?:\w+ )?money (?:at|on|away on) rent|"
                   r"paying (?:somebody|someone|some) ?(?:body )?else's mortgage|(?:rent|renting) forever)\b"),
    # retiring (theirs or a spouse's: "once he retires"), not someone who has ("we had an agent but she retired",
    # "my uncle has his license but he's retired")
    ("retiring", r"\b(?:done|quitting|quit|hanging it up|calling it quits|getting out)\b(?: \w+){0,3} after "
                 r"(?:\w+ ){1,2}years\b|"  # "sell the dairy, we're done milking after forty years"
                 # "gettin too old to run cattle": the work given up (not "too old for the stairs": a smaller home)
                 r"\b(?:too old|getting old|gettin old|gettin too old|getting too old) (?:to|for) (?:run|running|work|"
                 r"working|farm|farming|ranch|ranching|keep (?:working|farming|ranching|running)|the (?:farm|ranch|"
                 r"cattle|business))\b|"
                 r"\bretir(?!ed\b)\w*\b|(?<!he's )(?<!she's )(?<!he is )(?<!she is )(?<!he )(?<!she )(?<!they )"
                 r"(?<!they're )(?<!who's )(?<!who )\bretired\b"),
    ("divorce", r"\b(?:divorc\w*|separat(?:ed|ing|ion)|split(?:ting)? up|"
                # "my ex and me own it together and the judge says we gotta sell"
                r"(?:me and my|my) ex(?: and (?:me|i))? (?:still )?(?:own|owns|co own)\b|"
                r"the judge (?:says|said|ordered)\b|"
                r"(?:me and my|my) (?:ex|husband|wife|partner)"
                r"(?: and i| and me)? (?:split|broke up)|(?:we|they) (?:just |recently )?split\b"
                r"(?! (?:the|it|that|everything|a|an|our|half|costs?|bills?|\d+|fifty)\b))\b"),
    # a death with a home in the sentence ("selling mama's place, she passed in january"); a death with a phone
    # ("this was his number, he passed") is not about a home
    ("inherited", rf"\b(?:inherit\w*|probate|estate sale|(?:my|our|his|her) late (?:\w+ )?(?:{_ELDERS}|husband|wife|"
                  r"brother|sister)|"
                  rf"(?:passed|passed away|died)\b(?=.*\b(?:{_HOME_KINDS})\b)|"
                  # "the house of my mother, she die in january": a death said as a speaker of another language says it
                  r"(?:house|home|place|property)\b.* (?:she|he|they) dies?\b|\b(?:she|he|they) dies?\b.*\b(?:house|"
                  r"home|place|property)\b|"
                  rf"(?:{_HOME_KINDS})\b.* (?:passed|passed away|died)\b|"
                  rf"(?:(?:my|our) (?:\w+ )?)?(?:{_ELDERS}) left (?:me|us|it to (?:me|us|all (?:of )?us|"
                  r"(?:all )?(?:the |us )(?:\w+ )?(?:kids|family|cousins|grandkids|children|siblings))|"
                  r"(?:the|his|her|their) (?:house|home|place) to (?:me|us))|"
                  # ("selling mama's place" is not said to be left to them: only these, as before)
                  r"(?:mom|dad|mother|father|parents|grandma|grandmother|grandpa|grandfather|aunt|uncle)'?s? "
                  r"(?:old )?(?:house|home|place)|passed (?:and|on)|"
                  # "me and my sisters got granddaddys place": theirs now (not "selling mama's place", said of hers)
                  rf"\b(?:we|i|me and (?:my|our) \w+|my \w+ and (?:me|i)) (?:got|have|own|ended up with) (?:my |our )?"
                  rf"(?:{_ELDERS})'?s? (?:old )?(?:house|home|place|land|farm)|"
                  r"left (?:me|us) (?:the|his|her|their) (?:house|home|place)|ended up with (?:his|her|their|the) "
                  r"(?:house|home|place)|"
                  # land handed down: "it was grandmama land, heirs property", "granddaddy's homeplace"
                  # ("my parents land in august": they fly in)
                  rf"heirs'? property|heir property|(?:{_ELDERS})'?s? (?:old )?(?:land(?! (?:in|at|on|tomorrow|"
                  r"next|this|today|tonight)\b)|farm|acreage|homeplace|home place|property))\b"),
)]
_MOTIVATION_LEAD = {"well", "so", "oh", "i", "guess", "mean", "because", "cause", "honestly", "basically", "yeah",
                    "ok", "just", "um", "really", "mostly", "mainly"}

_PRE_CASH = re.compile(r"^cash\b(?! (?:out|flow|back|offer from))|"
                       # the last of answers said in a row: "buy in tampa by summer cash", "two hundred grand cash"
                       r"\b(?:grand|k|thousand|hundred|million|summer|spring|fall|winter|asap|months?|years?|\d+|"
                       + "|".join(sorted(NUMBER_WORDS)) + r") cash$|"
                       # "one twenty five to one fifty cash for a rental"
                       r"\b(?:grand|k|thousand|hundred|million|\d+|" + "|".join(sorted(NUMBER_WORDS))
                       + r") cash for (?:a|an|the|my|our) |"
                       # "around two fifty cash from my half of the sale": paid with the money from a home sold
                       r"\b(?:grand|k|thousand|hundred|million|\d+|" + "|".join(sorted(NUMBER_WORDS))
                       + r") cash (?:from|out of|after) (?:(?:my|our|the|his|her) (?:half|share|sale|equity)|"
                       r"selling)\b|"
                       # "sell the co op and buy a little house cash from the sale"
                       r"\b(?:buy|buying|get|getting) (?:a |an |the |our |my )?(?:[\w']+ ){0,3}?"
                       r"(?:house|home|place|condo|one) (?:with )?cash (?:from|out of) (?:the|our|my) sale\b|"
                       r"\b(?:(?:pay|paying|buy|buying|pay for it|"
                       r"paying for it|purchase|purchasing)(?: it)? (?:in |"
                       r"with |all )?cash|cash (?:buyer|buyers|offer|purchase|deal)|all cash|in cash|"
                       r"(?:i|we) (?:got|have|'ve got|has) (?:the )?cash (?:for|to buy|to pay|ready|on hand|in hand|"
                       r"saved|sitting)\b|\bcash (?:is |'s )?(?:ready|on hand|in hand)\b|"
                       # "another double in norwood, cash no loan": cash, and no loan said with it
                       r"\bcash,? (?:no|without a|without any|don't need a|don't need no) "
                       r"(?:loan|mortgage|financing|bank)\b"
                       r")\b")
# who a buyer's loan is with: a meeting with one is their own appointment, and a sign the loan is under way
_LENDERS = r"lender|bank|loan officer|loan (?:lady|guy|man|woman|person)|broker|credit union|mortgage \w+"
_PRE_PROGRESS = re.compile(
    # "our loan officer is still running numbers": a lender at work on it, whatever we asked
    r"\b(?:loan officer|lender|mortgage (?:guy|lady|broker))(?:'s| is| are)? (?:still )?(?:running|crunching|working "
    r"(?:up|on)) (?:the |our )?numbers\b|"
    r"\b(?:(?:talking|(?<!n't )(?<!not )(?<!never )(?<!even )(?:talked|spoke|spoken)) (?:to|with) "
    r"(?:a |our |my |the |some |an? )?"
    r"(?:(?:guy|lady|woman|man|person|someone|somebody|gal|fella) (?:at|from) (?:a |our |my |the )?)?"
    r"(?:lender|lenders|bank|banks|credit union|"
    r"loan officer|mortgage|"
    r"broker)|(?:still |it's |is |are |we're )in (?:process|progress)\b|"
    r"working (?:with|on) (?:a |our |my |the )?(?:va |fha |usda )?(?:lender|bank|loan|preapproval|approval|"
    r"financing|getting (?:pre ?)?approved|getting preapproved|the preapproval)|"
    r"in (?:the )?process of (?:getting )?(?:pre ?)?approv\w*|"
    # "we're doing the pre approval now with the credit union"
    r"(?:we're|i'm|we are|i am|currently|still|now) (?:doing|doin|filling out|finishing|working through) "
    r"(?:the |our |my |a )?(?:pre ?approval|preapproval|pre ?qual\w*|prequal\w*|application|loan application)\b|"
    r"(?<!to )(?<!won't )(?<!not )(?<!never )(?:getting|get) (?:preapproved|prequalified|approved)|"
    r"in the middle of (?:the |my |our )?(?:pre ?approval|preapproval|approval|loan|application)|"
    r"working on (?:the |my |our )?(?:coe|certificate of eligibility|full (?:pre ?approval|preapproval))|"
    r"(?:prequalified|prequaled|pre qualed)\b.*\bnot (?:the |a )?(?:full )?(?:pre ?approval|preapproval|preapproved|"
    r"approved)|"
    # "we're doin it now with the bank"
    r"(?:doing|doin) (?:(?:it|that) (?:right )?now|the (?:papers|paperwork|application)(?: right now| now)?) with "
    r"(?:the |a |our |my )?(?:" + _LENDERS + ")|"
    r"(?:just )?(?:sent|submitted|turned in|uploaded) (?:my |our |the |all )?(?:w2s?|pay ?stubs|paystubs|tax returns|"
    r"bank statements|documents|paperwork|application)|"
    r"trying to get (?:pre ?)?(?:approved|"
    r"preapproved|prequalified)|applied|(?:lender|lender's|bank|bank's|loan officer|credit union)(?: is| are)? "
    r"(?:supposed to|going to|gonna) (?:call|get back|send)|(?:haven't|have not) (?:gotten|got|received) the letter|"
    r"in the middle of (?:it|that|the process|getting)(?= with| right now|$| the (?:loan|lender|bank|mortgage|credit))|"
    r"waiting (?:on|for|to hear)(?: from)? "
    r"(?:the |our |a )?(?:lender|bank|approval|preapproval)|"
    r"(?:meeting|appointment|meet|call|sit down|sitting down) (?:with|at) (?:a |the |our |my )?(?:" + _LENDERS + ")|"
    r"(?:supposed to|should|going to|gonna|about to|hope to|waiting to|fixing to) (?:be|get) (?:pre ?)?approved|"
    r"(?:loan|mortgage|financing|approval|preapproval|letter) (?:is |should be )?(?:pending|in the works))\b")
_PRE_LAPSED = re.compile(r"\b(?:preapproved|prequalified|approved|preapproval|approval|letter)\b(?: \w+){0,4}? "
                         r"(?:expired|lapsed|ran out|run out|fell through|was pulled|got pulled|got denied|"
                         r"was denied)\b")
_PRE_NO = re.compile(r"\b(?:(?:not (?:going to|gonna)|won't|wouldn't|don't think (?:i|we)(?:'d| would| will| can)?|"
                     # "probably not gonna qualify honestly with my credit": no letter to be had
                     r"can't|cannot) (?:\w+ )?qualify\b)|"
                     r"\b(?:not|haven't|have not|aren't|are not|never|no|didn't|did not|don't|do not|nobody|won't|"
                     r"will not|ain't)"
                     r"(?: been| gotten| got| get| getting| yet| even| really| done| have| a| any| that| the)* "
                     r"(?:preapproved|"
                     r"prequalified|approved|preapproval|approval|pre ?qual|talked to (?:a |the )?(?:lender|bank))\b|"
                     # the question's word said back, then the answer: "pre approved nah not yet"
                     r"^(?:(?:uh|um|so|oh) )*(?:preapproved|prequalified|approved)\?? (?:nah|no|nope|not yet|naw)\b")
# Turned down: "we talked to the bank, they said no", "got denied last year"
_PRE_DENIED = re.compile(r"\b(?:they|bank|lender|union|officer|it|he|she) said no\b|\bturned (?:us|me) down\b|"
                         r"\bdenied (?:us|me)\b|"
                         r"\b(?:got|we were|i was|we got|i got) (?:denied|declined|turned down)\b")
# Meaning to get preapproved is not having started: "we want to get preapproved first", "still need to get approved"
_PRE_INTENDS = re.compile(r"\b(?:want|wanna|need|plan|planning|going|have|hope|hoping|should|would like|'d like|"
                          r"gotta|got) to get (?:pre ?)?(?:approved|preapproved|prequalified)\b|"
                          r"\b(?:we'll|i'll|will) (?:get|be getting) (?:pre ?)?(?:approved|preapproved|prequalified)\b")
_BARE_CASH = re.compile(r"\bcash\b")
_HAD_ONE_LAPSED = re.compile(r"\b(?:had|got) (?:one|it)\b(?: \w+){0,4}? (?:expired|lapsed|ran out|run out)\b|"
                             # "we was but it expired"
                             r"^(?:(?:uh|um|well|yeah) )*(?:we|i) (?:was|were|had been) but (?:it|that|the letter) "
                             r"(?:expired|lapsed|ran out)\b")
_GOT_THE_LETTER = re.compile(r"\b(?:got|have|received) (?:a|the|our|my) (?:pre ?approval |approval )?letter\b|"
                             # "we got the certificate and the pre approval letter"
                             r"\b(?:got|have|received) (?:[\w']+ ){1,4}?and (?:a|the|our|my) (?:pre ?approval|"
                             r"approval) letter\b")
_PRE_YES = re.compile(r"\b(?:approved (?:up )?to|approved (?:us|me) for|preapproved|prequalified|"
                      # "three fifty, va approved": approved for a kind of loan
                      r"(?<!not )(?<!n't )(?:va|fha|usda|conventional|jumbo) (?:loan )?approved|"
                      r"(?:have|got|did|received) (?:a |our |my |the )?(?:\w+ )?(?:preapproval|approval letter|"
                      r"pre ?qual)|approved for|"
                      r"got approved|(?:loan|mortgage|financing) (?:is |was |got |has been )?(?:already )?approved|"
                      r"(?:we're|we are|i'm|i am) already approved|"
                      r"(?:preapproval|approval|letter|loan|financing) (?:\w+ )?(?:came|went|come) through|"
                      r"(?:preapproval|approval|letter) came back(?! (?:denied|declined|rejected|no|not|short|low|"
                      r"too|with|and|but))|"
                      r"have financing|financing (?:is )?(?:lined up|in place|ready|set)|"
                      # "the va letter says we qualify up to four twenty five"
                      # (not "the bank says we qualify for": a figure talked of, fresh8's writer)
                      r"letter says (?:we|i) (?:qualify|are approved|got approved)|"
                      # "we have paper from lender yes": the letter, in a learner's words
                      r"(?:have|got|received) (?:the |a |our )?(?:paper|papers) from (?:the |our |a )?"
                      r"(?:lender|bank|credit union|loan officer))\b")
_WORKING_ON_IT = re.compile(r"\bworking on (?:it|that)\b|\bin (?:the )?process\b|\bin progress\b|\bgetting there\b|"
                            # "the lender said we're good but i aint got the letter yet": on its way
                            r"\b(?:ain't|aint|haven't|have not|don't have|didn't get|not) (?:got |gotten |received )?"
                            r"(?:the|a|our|my) (?:pre ?approval |approval )?letter yet\b|"
                            r"\b(?:still )?processing\b|"
                            r"\b(?:lender|bank|broker|loan officer)(?:'s| has|s)? (?:got |gotten )?(?:all |everything|"
                            r"(?:all )?(?:our|my|the) (?:stuff|paperwork|docs|documents|application))\b|"
                            r"\bwaitin[g']? (?:on|for) (?:the|our|my|a) (?:\w+ )?letter\b|"
                            r"\b(?:bank|lender|loan officer|broker|credit union)(?:'s|s| is| are|s are)? (?:still )?"
                            r"(?:looking (?:at|over)|reviewing|going over|checking|verifying|waiting on|pulling|"
                            r"running|processing|gathering)\b|"
                            r"\b(?:in the )?middle of it\b|\bgoing through (?:our |the )?(?:paperwork|application|"
                            r"it)\b|\bpaperwork\b|\bunderwriting\b|\bapplied\b|\bapplication\b|"
                            r"\b(?:started|starting|begun|began|opened) (?:the |a |an |our |my )?(?:\w+ ){0,2}"
                            r"(?:thing|process|application|paperwork|loan|file) (?:with|at|through) "
                            r"(?:the |a |our |my )?(?:\w+ )?(?:bank|lender|credit union|broker|loan officer)\b|"
                            # "we started the preapproval last week"
                            r"(?<!not )(?<!n't )(?<!never )(?<!n't even )(?<!not even )(?<!not yet )(?<!n't yet )"
                            r"\b(?:started|starting|begun|began) (?:the |a |our |my )?"
                            r"(?:pre ?approval|pre ?qual\w*|"
                            r"mortgage|loan)(?: process| application| paperwork)?\b")
_HAVE_NOT_STARTED = re.compile(r"\b(?:haven't|have not|hasn't|ain't|not) (?:even )?(?:started|done|gotten|applied|"
                               r"looked into)(?: \w+)?"
                               r"(?: yet)?\b|\bnot yet\b")

_AMOUNT = r"(\d+(?:\.\d+)?|an?|a couple(?: of)?|couple(?: of)?|a few|few)"
_TL_UNIT = r"(day|week|month|year)s?"
_TL_RANGE = re.compile(rf"\b{_AMOUNT}\s+(?:{_TL_UNIT}\s+)?(?:to|or|-)\s+(?:\d+(?:\.\d+)?|an?)(?:\s+{_TL_UNIT})?\b")
_TL_NEIGHBOURS = re.compile(rf"\b(\d+) (\d+) {_TL_UNIT}\b")  # "two three months": two or three
_TL_IN = re.compile(rf"\b(?:in|within|about|around|maybe|probably|like|next|another|the next|over the next|"
                    rf"less than|under|could be|might be|give (?:us|me|it)|need|take (?:us|me))\s+"
                    rf"(?:the next\s+|about\s+|like\s+|maybe\s+|another\s+)?{_AMOUNT}\s+{_TL_UNIT}\b"
                    rf"|\b{_AMOUNT}\s+{_TL_UNIT}\s+from now\b")
_TL_BARE = re.compile(rf"^(?:{_LEAD[1:]})?(?:probably |maybe |about |around |like |hopefully |i'd say |i think |idk |"
                      rf"i dunno |dunno |i don't know |not sure |honestly |hmm |oh |(?:no|not) (?:any ?time|time) soon "
                      rf"|not (?:soon|right away|yet) )*{_AMOUNT}\s+{_TL_UNIT}\b")
_TL_ALONE = re.compile(_TL_BARE.pattern + r"(?: (?:or so|or something|ish|tops|maybe|probably|i think|i guess|from "
                                          r"now|out))*$")
# asked when, the span that ends the answer: "soon as we settle things up with my sisters, couple months"
_TL_LAST = re.compile(rf"\b{_AMOUNT}\s+{_TL_UNIT}(?: (?:or so|or something|ish|tops|maybe|probably|i think|i guess))?$")
_TL_ROUGH = re.compile(r"\b(?:a few|few|a couple(?: of)?|couple(?: of)?|several|some) (?:months|weeks)\b")
_TL_ASAP = re.compile(r"\b(?:asap|a s a p|(?:as )?soon as (?:humanly )?(?:possible|we can|i can)|right away|"
                      # "soon as it sells": as soon as it can be, unless a figure is said ("soon as we settle up,
                      # couple months")
                      r"(?:as )?soon as (?:the|it|we|i|our|my|something|they|he|she)\b|"
                      r"(?<!me )(?<!us )(?<!it )(?<!this )immediately|yesterday|"
                      r"(?:move|moving|ready|buy|sell) (?:right )?now|ready to go|this month|(?:the )?sooner the "
                      r"better|(?:as )?(?:fast|quick|quickly) as (?:possible|we can|i can|we could|i could)|"
                      r"any ?(?:time|day) now|"  # "anytime now if the deal is good"
                      # "wanted it gone last month": overdue, so now
                      r"(?:wanted|want|needed|need) (?:it|this|that|the (?:house|place|home)) "
                      r"(?:gone|sold|done|listed) "
                      r"(?:last (?:month|week)|a (?:month|while) ago))\b")
_TL_NOW = re.compile(_LEAD + r"(?:(?:pretty much|basically|honestly|like|probably|kind of|kinda) )?"
                     r"(?:right now|now|soon(?! as\b)|pretty soon|very soon|really soon)\b")  # ("soon as it sells")
# asked when: "we're in temp lodging so like now" (the answer at the end of the line)
_TL_SO_NOW = re.compile(r"\bso (?:like |basically |pretty much )?(?:right )?now$")
# (no rush / no hurry say how, not when: no timeline of their own, and the question is not asked again)
_TL_WHILE = re.compile(r"\b(?:not for a while|a while|not (?:any ?time|any time) soon)\b")
_TL_YEARS = re.compile(r"\b(?:could be|might be|probably|maybe|it'll be|it's) years\b|\byears (?:away|out|from now)\b")
# "i got the letter yesterday": the day something happened, not "we needed it yesterday"
_DONE_YESTERDAY = re.compile(r"\b(?:got|received|called|signed|talked|spoke|heard|filled|sent|came|had|saw|emailed|"
                             r"texted|applied)\b(?: [\w']+){0,5} $")
_TL_VAGUE = re.compile(rf"{_TL_WHILE.pattern}|{_TL_YEARS.pattern}|{_TL_ASAP.pattern}|^(?:{_TL_NOW.pattern[1:]})$")
_TL_NEXT_YEAR = re.compile(r"\b(?:next year|(?:first|1th|1st) of the year|after the new year|new year|"
                           r"beginning of (?:the |next )?year)\b")
_TL_MONTH = re.compile(r"\b(next|this) month\b")
_TL_NOT_FOR = re.compile(rf"\b(?:not|no plans?|nothing planned) (?:for|until|till|til|before) "
                         rf"(?:another |at least |like |about )?{_AMOUNT}\s+"
                         rf"{_TL_UNIT}\b")
_TL_NOT_ANOTHER = re.compile(r"\bnot (?:for|until|till|til|before) another (year|month)\b")
_TL_THIS_TIME_NEXT_YEAR = re.compile(r"\b(?:this time|around this time|same time) next year\b")
_TL_QUARTER = re.compile(r"\b(?:(end of|by the end of|late|early|beginning of|start of|in|by|during) )?(?:the )?"
                         r"(?:q ?|quarter )([1-4])\b")
_TL_WEEKS = re.compile(r"\b(?:(?:the )?week after next|(?:next|this|in a|in two|in a couple|a couple) weeks?|(?:the )?"
                       r"(?:end|rest) of (?:the|this) month|(?:in )?a few weeks)\b")
_TL_YEAR = re.compile(r"\b(?:in|by|around|early|until|till|sometime in|come)\s+(20\d\d)\b")
_MONTH_NUMBERS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                               "august", "september", "october", "november", "december"), 1)}

_BEDROOMS = re.compile(r"\b(\d+)(?:\s*(?:or|to|-)\s*\d+)?\s*(?:bed|beds|bedroom|bedrooms|br|bd|bdr|bedroomed)\b")
_BARE_NUMBER = re.compile(r"^(?:[\w']+ ){0,4}?(\d+)\b")

# A day of the month in digits ("how about the 2nd") and "first thing" (early in the day) pick no option.
_DIGIT_PICK = r"(?= (?:one|option|slot|time|choice)\b)"
# "the first of next month", "the second week of april", "the first monday in may" count days, not the times offered;
# "second shift", "first home" are no option either
_COUNTS_DAYS = r"(?! of\b| week| part| half| (?:mon|tues|wednes|thurs|fri|satur|sun)day)" \
    r"(?! (?:shift|job|home|house|floor|kid|child|baby|marriage|mortgage|opinion|round|grade|car|husband|wife|place|" \
    r"story|income|loan|thought|time buyer)s?\b)"  # "i'm on second shift": no option picked
# ("paid on the first", "after the first": the first of a month)
_A_MONTHS_FIRST = r"(?<!on the )(?<!after the )(?<!by the )(?<!before the )(?<!until the )(?<!till the )" \
    r"(?<!paid the )(?<!since the )"
_SLOT_FIRST = re.compile(rf"\b(?:(?<!twenty )(?<!thirty ){_A_MONTHS_FIRST}first(?! thing){_COUNTS_DAYS}|"
                         rf"1st{_DIGIT_PICK}|"
                         r"earlier|"
                         r"earliest|sooner|soonest|former|"
                         r"option (?:one|1|a)|number (?:one|1)|"
                         # ("meet with anyone": no one of ours picked)
                         r"either(?! one of)?|whichever|doesn't matter|don't matter|"
                         r"(?<!with )(?<!to )(?<!meet )(?<!see )any(?:one| of them| is fine)|"
                         r"(?:you|y'all|you all|you guys) (?:pick|choose|decide))\b")
# An ordinal names an option when it stands for one ("the first", "first one", "second is better", "first please");
# after a verb it is an adverb ("we want to get preapproved first", "I'd talk to my wife first") and picks nothing.
_ORDINAL_ADVERB = re.compile(r"\b(?!(?:the|that|your|with|take|takes|book|do|pick|choose|go|prefer|'ll|like|ones|comes|"
                             r"want|s|is|and|or|yeah|yes|sure|ok|okay|um|uh|oh|so|well|maybe|probably|just)\b)"
                             r"[a-z']+ (?:first|second|1st|2nd)"
                             r"(?: (?:before|then|and|so|though|anyway|we'll|i'll|he|she|they|we|i|it|you|because|"
                             r"cause|since|but|he's|she's|they're|well|ill|hell|he'll|she'll|they'll|ok|okay|when|once|"
                             r"after|if|until|till|call|text|email|send|let|give|tell|ask|can|could|please|maybe)\b.*)?$|"
                             r"^(?:well |so |um |uh |but |okay |ok )?(?:at )?first (?:we|i|let|you|we'd|i'd|we'll|i'll|"
                             r"things|of all)\b")
_SLOT_SECOND = re.compile(rf"\b(?:(?<!twenty )second{_COUNTS_DAYS}|2nd{_DIGIT_PICK}|later one|later time|"
                          r"the later|latter|last one|other one|option (?:two|2|b)|number (?:two|2))\b")

_TIME_CUE = re.compile(r"\d|\b(?:today|tonight|tomorrow|mornings?|afternoons?|evenings?|nights?|noon|lunch|"
                       r"lunchtime|weeks?|weekends?|weekdays?|month|monday|tuesday|tues|wednesday|thursday|thurs|"
                       r"friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|jan|"
                       r"feb|apr|jun|jul|aug|sept|sep|oct|nov|dec|am|pm|oclock|hour|hours|minute|minutes|mins?|days?|"
                       r"after|before|until|till|between|at|around|about|from|in|half|quarter|first|second|third|"
                       r"[a-z]+th|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
                       r"fifty|school|spring|summer|fall|autumn|winter|holidays|christmas|thanksgiving|easter|tax|"
                       r"taxes|labor|memorial)\b")


# "what? oh ...", "huh, what was that, oh yes": a word missed, then heard and answered
# ("pre what? oh, the loan thing": the word they caught, then what)
# "hold on now, you a robot?", "wait who is the smith team": a pause, then the question asked (the question read)
_PAUSE_THEN_ASKS = re.compile(r"^(?:hold on|hang on|hold up|wait|whoa)(?: now| a (?:minute|second|sec))?,? "
                              r"(?=(?:who|what|are|is|you|this|how|why|where)\b \w)")
_HEARD_IT_THEN = re.compile(r"^(?:\w+ )?(?:(?:what|huh|sorry|pardon|pardon me|come again|what was that|"
                            r"what did you say|say again) )+(?=(?:oh|ah|okay|ok) \w)")


def understand(text: str, *, now: dt.datetime, dtmf: str = "", expecting: str = "", language: str = "en",
               state: str = "") -> Understanding:
    """What one lead turn meant (see the module conventions). `now` is aware, in the lead's zone; `state` is the
    lead's own two-letter state, when known (their address): the likeliest state of a town speech-to-text misheard."""
    language = language or "en"
    if "9" in dtmf:
        return Understanding(intent="opt_out", language=language)
    if not language.lower().startswith("en"):
        # Whisper heard another language: we cannot talk it, but a request to stop calling is honoured in it
        other = _Turn(text).clean
        return Understanding(intent="opt_out" if other and _is_opt_out(other, "") else "other_language",
                             language=language)
    turn = _Turn(text)
    if (heard := _HEARD_IT_THEN.match(turn.clean)) and len(turn.clean) > heard.end():
        turn = _Turn(turn.clean[heard.end():])  # "what? oh, we'd like to spend under two hundred": the answer
    elif (pause := _PAUSE_THEN_ASKS.match(turn.clean)) and (_IS_ROBOT.search(asked := turn.clean[pause.end():])
                                                           or _WHO_IS_THIS.search(asked)):
        turn = _Turn(asked)
    if (english := _courtesy_in_english(turn.clean)) is not None:
        turn = _Turn(english)  # "haa yes i have time": the lead's own word for yes, in the English they speak
    c = turn.clean
    if not c:
        return Understanding(language=language)
    time_preference = _time_preference(c)
    if _is_opt_out(c, time_preference):  # compliance first, whatever else the sentence says; its facts are kept,
        # unless it is said in another language, whose words the English rules would misread ("retire" in Haitian
        # Creole's "retire nimewo m nan lis la" takes the number off the list: no retirement)
        facts = [] if _other_language(turn.as_said) else _facts(turn, expecting, now, state)
        # (a reason in their own words, asked why they move, is the opt-out itself: "what's behind it is i'm sick
        # of robots calling me, so cross me off")
        facts = [f for f in facts if f.name != "motivation" or f.value in MOTIVATIONS]
        return Understanding(intent="opt_out", language=language, facts=facts,
                             by_text=bool(_TEXT_ME.search(c)))
    if _VOICEMAIL.search(c):
        return Understanding(intent="voicemail", language=language)
    # ("this is my wife's phone, call me on my cell": the lead, on someone else's phone, giving their own number)
    if _WRONG_NUMBER.search(c) and not _RIGHT_NUMBER.search(c) and not _OTHER_NUMBER_CUE.search(c):
        return Understanding(intent="wrong_number", language=language)
    other = _other_language(turn.as_said)
    if expecting and _SPANISH_YES.match(c) and (other or c.split()[0] not in ("ok", "yes", "yeah", "yep")):
        # "si gracias" to our English question: a yes (to "are you preapproved?", the answer)
        yes = [Fact(expecting, _YES_NO_VALUES[expecting][1], c)] if expecting in _YES_NO_VALUES else []
        return Understanding(intent="affirm", language=language, facts=yes)
    if other and (expecting or re.search(r"\bbye\b", c)) and _OTHER_GOODBYE.match(c):
        return Understanding(intent="goodbye", language=language)
    facts = _facts(turn, expecting, now, state)
    # what a line all in Spanish says of the plan ("queremos comprar una casa") goes with it to the Spanish speaker
    said_in_spanish = [f for f in facts if f.name == "intent" and _SPANISH_INTENT.fullmatch(f.words or "")]
    # (a figure said in Spanish answers in a line with English in it: "trescientos mil more or less"; a line all in
    # Spanish, "cien mil mas o menos", is the Spanish speaker's)
    in_english = turn.as_said == c or any(w in _FUNCTION_WORDS or w in _ENGLISH_AROUND_A_FIGURE
                                          for w in turn.as_said.split())
    if other and (said_in_spanish or not (expecting in _FACT_QUESTIONS and in_english
                                          and (expecting != "location" or _place_said_first(c, facts))
                                          and any(f.name == expecting for f in facts))):  # ("casa": Casa, Arkansas)
        return Understanding(intent="other_language", language=other, facts=said_in_spanish)
    # ("buy una casa para mi familia" to "buy, sell or both?": the answer, in the English they have been speaking)
    u = Understanding(language=language)
    u.facts = facts
    final = turn  # the words that stand: after the last "no wait", "scratch that", "make it" (what they take back)
    if (back := _taken_back(c, expecting)) and c[back[-1].end():].strip():
        final = _Turn(c[back[-1].end():])
        later = _facts(final, expecting, now, state)
        said = next((f for f in facts if f.name == "timeline"), None)
        if said is not None and not any(f.name == "timeline" for f in later) \
                and (unit := re.search(r"\b(months?|years?|weeks?)\b", said.words or "")) \
                and (bare := _BARE_COUNT.match(final.clean)):
            # "two months no wait three": three of what was said before
            later += [f for f in _facts(_Turn(f"{bare.group(1)} {unit.group(1)}"), "timeline", now, state)
                      if f.name == "timeline"]
        for i, fact in enumerate(later):  # "this fall, no wait, next fall": the one after the one taken back
            if fact.name == "timeline" and (season := re.match(r"(?:by |in )?next (spring|summer|fall|autumn|winter)\b",
                                                               fact.words or "")) \
                    and re.search(rf"\bthis {season.group(1)}\b", c[:back[-1].start()]) and fact.value < 12:
                later[i] = Fact("timeline", fact.value + 12, fact.words)
        taken_back = {f.name for f in later} | {SLOT_CHOICE}
        u.facts = [f for f in u.facts if f.name not in taken_back] + later
    slot = any(f.name == SLOT_CHOICE for f in u.facts)
    said = final.digits.s
    if any(w in _FUNCTION_WORDS for w in said.split()):  # Spanish time words in an English line ("mañana no, next
        said = spanish_times(said)  # wednesday at ten": tomorrow ruled out)
    u.ruled_out = [day.isoformat() for day in ruled_out_days(said, now)]
    trimmed = _BUSY_PERIOD.sub(" ", without_ruled_out(weekend_meant(said)))  # "not thursday, friday?"
    trimmed = _proposed_part(trimmed)  # "this week's a zoo, call me next week" → next week
    if final is not turn and (expecting in ("confirm", "slot_choice")
                              or _CLOCK_SAID.search(_Turn(c[:back[-1].start()]).digits.s)) \
            and (bare := _BARE_CLOCK.match(trimmed)):  # a time taken back: "thursday at ten, no, make that eleven"
        trimmed = f"at {trimmed[bare.start(1):]}"  # "no wait, make that two": a time of day, not a count
        trimmed = _WHY_AFTER.sub("", trimmed)  # "make it two, i'll be sleeping till one": the reason is no limit
    if expecting == "slot_choice" and (pick := _BARE_PICK.match(trimmed)):
        trimmed = f"at {pick.group(1)}"  # "10 works", "3:30 please": an offered time picked by its hour
    elif expecting in ("slot_choice", "callback_time") and (loose := _LOOSE_CLOCK.search(trimmed)) \
            and not _CLOCK_SAID.search(trimmed[loose.start():]):  # ("i eat at 12 so like 1 tomorrow": 1)
        trimmed = f"{trimmed[:loose.start()]}at {trimmed[loose.start(1):]}"  # asked when: "early, like 9" is 9
    timed = _Turn(trimmed) if trimmed != final.digits.s else final
    when = when_in(timed.digits, now, timed.clean) if _TIME_CUE.search(timed.clean) and not slot else None
    if when is not None and final is not turn and not names_a_day(when.words):
        when = _on_the_day_said(when, c[:back[-1].start()], now)  # "thursday at 4, actually make it 4 30"
    elif when is not None and final is not turn and SAME_TIME.search(final.clean):
        when = _at_the_time_said(when, c[:back[-1].start()], now)  # "monday at ten no wait tuesday same time"
    if when is not None and when.words and names_a_period(when.words) and expecting != "callback_time" \
            and not _CALLBACK.search(c):
        when = None  # "hoping to move in the spring" is a timeline; "call me in the spring" a call back
    if when is not None and _MOVE_DEADLINE.search(c) and expecting not in ("slot_choice", "confirm", "callback_time") \
            and not _CALLBACK.search(c) and not re.search(r"\b(?:meet|meeting|sit down|appointment|talk|come by)\b", c):
        when = None  # "we need to be there by may first": when the move must be done, not a time to meet
    if when is not None and u.ruled_out and _only_days(when, u.ruled_out):
        # "not thursday": the day named is the one they cannot do; "any day but wednesday we got church wednesday
        # monday afternoon would be best": the day they can, said after it
        out = {dt.date.fromisoformat(day) for day in u.ruled_out}
        near = {"today": now.date(), "tomorrow": now.date() + dt.timedelta(days=1)}
        names = "|".join(sorted({day.strftime("%A").lower() for day in out} | {w for w, d in near.items() if d in out}))
        rest = _Turn(re.sub(rf"\b(?:{names})s?\b", " ", timed.clean))
        when = when_in(rest.digits, now, rest.clean) if _TIME_CUE.search(rest.clean) else None
        if when is not None and (_only_days(when, u.ruled_out) or not names_a_day(when.words)):
            when = None
    if when is not None and _WHEN_BACK.search(c) and _LEAVING.search(c) and not _BACK_ON.search(c):
        when = None  # "i'm leaving on a trip tomorrow, call me when i'm back": not tomorrow; when back is asked
    if when is not None and (habit := _HABIT.search(c)) and when.words and when.words in habit.group(0) \
            and not _AVAILABLE.search(c):
        when = None  # "my cousin goes fishing every morning": what someone does, not a time offered to meet
    if when is not None and (shift := _THEIR_SHIFT.search(c)) and when.words and when.words in shift.group(0):
        when = None  # "i'd have to talk to my husband, he works nights": when he works, not a time offered
    if when is not None and _THEIR_APPOINTMENT.search(c) and not _AVAILABLE.search(_THEIR_APPOINTMENT.sub(" ", c)):
        when = None  # "meeting with the bank thursday": a time taken by someone else, not one offered to us
    u.intent, u.objection, attach_when = _intent(turn, expecting, when, u.facts, time_preference)
    if expecting == "motivation" and u.objection == "price_worry" and _WHAT_IT_COSTS_TO_KEEP.search(c) \
            and any(f.name == "motivation" for f in u.facts):
        u.intent, u.objection = "inform", ""  # why they move: "the property taxes in this township are killin us"
    if u.objection == "busy" and when is None and any(f.name == OTHER_NUMBER for f in u.facts) \
            and not _BUSY.search(_OTHER_NUMBER_CUE.sub(" ", c)):
        # "call me on my cell instead, it's ...": a number, not a call back ("yes but call my cell": a yes too)
        u.intent, u.objection = "affirm" if expecting == "confirm" and _AFFIRM.match(c) else "inform", ""
    if u.intent in ("greeting", "unclear") and u.ruled_out and expecting in ("", "slot_choice", "confirm",
                                                                             "callback_time"):
        u.intent = "schedule"  # "hey before i forget, my wife says we can't do monday": a day they cannot do
    if u.objection == "busy" and expecting != "motivation":
        u.facts = [f for f in u.facts if f.name != "motivation"]  # "bad time, the baby is screaming": why not now
    if expecting != "location" and any(f.name == "intent" and f.value == "buy" for f in u.facts) \
            and (here := _WHERE_THEY_ARE_NOW.search(c)):
        # "buyin, we're in florida now": where a buyer is now, not where they look (asked next)
        there = set(here.group(1).split())
        u.facts = [f for f in u.facts
                   if not (f.name == "location" and f.words and set(f.words.split()) - {"in"} <= there)]
    if u.objection in ("market_worry", "price_worry"):  # "scared to buy right now, feels like a bubble": not now
        u.facts = [f for f in u.facts
                   if not (f.name == "timeline" and f.value == 0 and _BUY_OR_SELL_NOW.search(f.words))]
    if u.intent not in ("inform", "affirm", "deny", "unclear"):
        # "you know what, we're just not interested anymore": a refusal or a question is no reason in its own words
        u.facts = [f for f in u.facts if f.name != "motivation" or f.value in MOTIVATIONS]
    if expecting in _YES_NO_VALUES and u.intent in ("affirm", "deny") and not u.facts and len(turn.tokens) <= 4 \
            and not _DONT_KNOW.search(c) and not _HEDGED_YES_NO.search(c) and not _ACCEPTS_ONLY.fullmatch(c):
        # a bare yes or no in words the fact patterns do not list ("negative", "you bet") answers what was asked
        # ("ok well..." goes on to something else; "i think so" is not sure)
        u.facts = [Fact(expecting, _YES_NO_VALUES[expecting][u.intent == "affirm"], c)]
    if expecting == "confirm" and when is not None and (
            u.intent in ("unclear", "inform", "deny") or u.intent == "question" and final is not turn
            or (u.intent == "affirm" or u.intent == "question" and _AFFIRM.match(c)) and _YES_BUT.search(c)):
        u.intent, attach_when = "schedule", True  # "no wait, make that two", "yes but the morning": another time
    if expecting == "callback_time" and when is not None and u.objection == "send_email" \
            and re.search(r"\bcall (?:me|us)\b", c):
        u.intent, u.objection, attach_when = "schedule", "", True  # "just text me or call me monday after 3:30"
    u.hostile = bool(_HOSTILE.search(c))
    if expecting == "permission" and _GRUMBLE_THEN_YES.search(c) and not _is_opt_out(c, time_preference):
        u.intent, u.objection, u.hostile = "affirm", "", False  # "ugh you people call every day, fine, i got a minute"
    u.corrects, u.doesnt_know = bool(_CORRECTION_CUE.search(c)), bool(_DONT_KNOW.search(c) or _WAITS_ON.search(c))
    u.bare_hello = bool(_BARE_HELLO.match(c))
    if done := _ALREADY_DONE.search(c):
        u.already_done = "sold" if "sold" in done.group(0) else "bought"
    # (selling it themselves with no agent wanted: the move is theirs, only we are not wanted)
    u.firm = u.objection == "not_interested" and bool(_FIRM_REFUSAL.search(c) or _NO_AGENT_WANTED.search(c)) \
        or u.intent in ("is_robot", "who_is_this", "how_got_number") and bool(_SAYS_NOT_INTERESTED.search(c))
    u.asks = "valuation" if _VALUATION.search(c) else "together" if _SOMEONE_ELSE_DECIDES.search(c) else ""
    if u.asks == "together" and u.intent == "unclear":
        u.intent = "inform"  # "she's the one handles all that": who decides, told
    u.asks_why = u.intent == "who_is_this" and bool(_ABOUT_WHAT.search(c))
    if expecting in ("has_agent", "preapproved") and u.intent == "inform" and not u.hostile:
        u.intent = _yes_or_no(c, expecting, u.facts) or u.intent
    if u.hostile and u.intent not in ("wrong_number", "voicemail", "is_robot", "other_language", "how_got_number",
                                      "who_is_this"):
        u.intent, u.objection = "objection", "not_interested"
    if u.intent == "repeat":  # asks to hear it again: "one more time, slower" is no figure, no pick, no reason
        u.facts = []
    if u.intent in ("how_got_number", "is_robot"):
        # "did you buy my number off some list?" asks about us, says nothing about them; what they said before
        # asking is theirs ("four hundred, and how'd you get my number anyway")
        asked = (_HOW_GOT_NUMBER if u.intent == "how_got_number" else _IS_ROBOT).search(c)
        said = c[:asked.start()] if asked else ""
        u.facts = [f for f in u.facts if f.words and said and f.words in said and f.name != SLOT_CHOICE]
    elif u.intent == "question" and _QUESTION_FIRST.match(c):
        # "is now a good time to sell?" says nothing about them; "how much are homes in Austin?" says where only
        # when where was asked or the home is theirs ("what's my house in hershey worth"); else it may be anywhere
        # they are curious about
        where = expecting == "location" or bool(_THEIR_HOME.search(c))
        # ("what are rates at right now, we're thinking like 350": the answer said after the question stands)
        told = next((m for m in _THEY_SAY_AFTER.finditer(c) if m.start() > 0), None)
        u.facts = [f for f in u.facts if f.name == SLOT_CHOICE or f.name == "location" and where
                   or told is not None and f.words and f.words in c[told.start():]]
    elif (u.intent in ("inform", "affirm", "unclear", "deny", "who_is_this") or u.objection == "not_interested") \
            and not u.hostile \
            and any(f.name == "has_agent" and f.value is True for f in u.facts):
        u.intent, u.objection = "objection", "has_agent"  # an agent of their own, asked or said in passing
    if u.ruled_out and expecting in ("slot_choice", "confirm", "callback_time") and (
            u.intent in ("unclear", "deny", "inform") or u.objection == "busy"):
        u.intent, u.objection = "schedule", ""  # "any day but monday, i'm slammed mondays": a day ruled out
    if when is not None and not attach_when and expecting in _FACT_QUESTIONS and u.intent in (
            "inform", "deny", "affirm", "unclear") and when.end - when.start <= dt.timedelta(days=14) \
            and (_SCHEDULE_WITH_TIME.search(c) or _MEETING_TALK.search(c)):
        u.time_offered = when  # "no agent, and if dana could do friday morning i'm in": for when we offer a time
    if attach_when and when is not None:
        u.when = when
        said = DigitText(tokenize(when.words)).s
        u.facts = [f for f in u.facts if not (f.name == "timeline" and f.words and (
            f.words in when.words or DigitText(tokenize(f.words)).s in said))]  # "call me in two weeks"
    u.calls_us = (u.objection in ("busy", "just_looking") or u.asks == "together") and u.when is None \
        and bool(_CALLS_US.search(c))  # ("i can't pick a time without my husband, he'll call y'all back")
    u.busy_too = u.objection == "send_email" and bool(_BUSY.search(c) or _CANT_TALK_HERE.search(c))
    u.by_text = u.by_text or (u.objection == "send_email" and bool(_TEXT_ME.search(c)))
    u.asks_where = bool(_ASKS_WHERE.search(c))
    puts_off = bool(_PUTS_OFF_MEETING.search(c))
    declines = u.intent in ("deny", "objection", "unclear", "inform")
    # a time said as why, not when: "he's on afternoons, we'll call you when we figure it out", "he's offshore till
    # april 2nd, i'll call y'all back when he's in"
    put_off_beside_a_time = u.intent == "schedule" and u.when is not None and (
        bool(_CALLS_BACK_WHEN.search(c)) or not names_a_day(u.when.words) and bool(_DEFERS_MEETING.search(c)))
    u.defers = expecting in ("slot_choice", "confirm") and not u.ruled_out and (
        declines and bool(_DEFERS_MEETING.search(c) or _CALLS_US.search(c)) or put_off_beside_a_time
        # "let's hold off for now", "we'll see how the spring goes": put off, no time named and none picked
        or puts_off and u.when is None and (declines or u.intent == "affirm"
                                            and not any(f.name == SLOT_CHOICE for f in u.facts)))
    u.cancels = bool(_CANCELS.search(c)) and u.intent != "opt_out"
    u.wants_person = bool(_WANTS_PERSON.search(c)) and not _NO_PERSON.search(c) and not _A_MEETING.search(c) \
        and u.when is None and u.intent not in ("opt_out", "wrong_number", "voicemail")
    return u


# A yes or a no to a yes-or-no question is that, whatever it adds about the thing asked ("nope, just us", "yes
# ma'am, with chase", "we had one but she retired, so no"); a statement that answers it is information ("we're
# selling it ourselves", "got a letter from the credit union").
_OPENS_YES = re.compile(_LEAD + r"(?:(?:uh|um|i think so) )?(?:yes|yeah|yep|yup|mhm|uh huh)\b")
_OPENS_NO = re.compile(_LEAD + r"(?:(?:uh|um|eh) )?(?:no|nope|nah|naw|not yet|not really|not at the moment|"
                       r"not right now|nobody)\b|\b(?:so|but) (?:no|nope|nah|not anymore|not any more)$")


def _yes_or_no(c: str, expecting: str, facts: list[Fact]) -> str:
    """affirm or deny for a bare answer to has_agent or preapproved; "" when the line says more than that."""
    if [f.name for f in facts] != [expecting]:
        return ""
    value = facts[0].value
    if value in (False, "no") and _OPENS_NO.search(c):
        return "deny"
    if value == "yes" and _OPENS_YES.match(c):
        return "affirm"
    return ""


# A seller asking what the house is worth: a valuation is what our agents do in a meeting.
_HOME = (r"(?:(?:my|our|the|this|that|his|her|their|(?:\w+)'s) (?:\w+ )?(?:house|home|place|property|condo|townhouse|"
         r"townhome|farm|land|lot|unit|duplex)|it)")
_WORTH = (r"(?:(?:is|'s|s|would be|'d be|could be|might be|will be|be|was) )?(?:(?:even|actually|really|roughly|"
          r"honestly|currently|still) )?(?:worth|valued at|going for)|"
          r"(?:(?:would|could|might|will|can|'d|d|should) )?(?:list|sell|go|appraise|get|fetch)(?: \w+)? for")
_VALUATION = re.compile(
    rf"\bwhat(?:'s| is| (?:do|would|d) you (?:think|say|guess)| you think)? {_HOME}(?:'s|s|'d|d)? (?:{_WORTH})\b|"
    # "what my house in york is worth"
    rf"\bwhat {_HOME} (?:in|on|out in|over in|up in|down in) (?:[\w']+ ){{1,3}}?(?:{_WORTH})\b|"
    rf"\bwhat's {_HOME} worth\b|\bwhat (?:would|could|might|will|do you think) {_HOME} (?:(?:even|actually|really) )?"
    r"(?:sell|go|list|appraise) for\b|\bwhat (?:it'd|itd|its|it's) (?:{_WORTH})\b|"
    r"\bhow much (?:is|would|could|can|will|might|do you think) (?:my|our|the|this) (?:\w+ )?(?:house|home|place|"
    r"property|condo)\b|"
    r"\bhow much (?:could|would|can|might|will) (?:i|we) (?:get|sell (?:it|my|our))\b|"
    r"\b(?:home|house|property) (?:value|valuation|appraisal|worth)\b|"
    r"\bwhat (?:could|would|can|might) (?:i|we) (?:get|sell it|list it|ask) for\b")
# A refusal said outright: respected at once, never argued with ("no thanks" alone gets one gentle question).
_FIRM_REFUSAL = re.compile(r"\b(?:not|no longer|never been|isn't|aren't|ain't) (?:\w+ )?interested\b|"
                           r"\bno interest\b|"
                           r"\b(?:don't|do not|not going to|won't) (?:want to |wanna )?(?:talk|speak|deal)\b|"
                           # a decision made: "we decided to stay put", "we changed our minds"
                           r"\bdecided (?:to stay|not to (?:move|sell|buy)|against (?:it|moving|selling|buying))\b|"
                           r"\bchanged (?:our|my) minds?\b|"
                           # "we're not moving anymore, that's off the table"
                           r"\boff the table\b|"
                           r"\b(?:not|no longer) (?:moving|selling|buying)(?: \w+)? (?:anymore|any more|after all)\b|"
                           # "we talked it over with the family and we're not going to sell after all"
                           r"\bnot (?:going to|gonna) (?:move|sell|buy)(?: \w+)? (?:after all|anymore|any more)\b|"
                           r"\b(?:talked it over|talked about it|slept on it|thought it over)\b.*\bnot "
                           r"(?:going to |gonna )?"
                           r"(?:move|moving|sell|selling|buy|buying)\b")
# Someone else decides or holds the facts: a time when both can talk.
_SOMEONE_ELSE_DECIDES = re.compile(
    r"\b(?:my|our) (?:husband|wife|spouse|partner|fiance|fiancee|boyfriend|girlfriend|hubby|wife's|husband's) "
    r"(?:handles|does|takes care of|would know|deals with|is the one|makes|decides|has to|needs to|does all|knows)\b|"
    r"\b(?:i'd|i would|i'll|i will|i) (?:have|need|got) to (?:ask|check with|talk to|run it by) (?:my )?(?:him|her|"
    r"husband|wife|spouse|partner)\b|"
    r"\b(?:talk|speak|check) (?:to|with) my (?:husband|wife|spouse|partner|fiance|fiancee)\b|"
    # "i can't pick a time without my husband"
    r"\b(?:can't|cannot|can not|won't|not going to|don't)\b(?: [\w']+){0,4}? without (?:my|our) (?:husband|wife|"
    r"spouse|partner|fiance|fiancee|hubby)\b|"
    r"\b(?:she|he|shes|hes)(?:'s| is)? the one (?:handling|doing|who|that|handles|does|deals|decides|makes)\b")
_THEIR_HOME = re.compile(r"\b(?:my|our) (?:\w+ )?(?:house|home|place|condo|property|townhouse|townhome)\b")
# a statement of their own after a question: "..., we're thinking like 350"
_THEY_SAY_AFTER = re.compile(r"(?<!\bdo )(?<!\bdid )(?<!\bcan )(?<!\bshould )(?<!\bwould )(?<!\bwill )(?<!\bif )"
                             r"\b(?:we're|were|we are|i'm|i am|we|i|we've|i've)(?: (?:just|really|probably|kinda|"
                             r"kind of|already))? (?:thinking|looking|want|wanna|hoping|figure|figured|figuring|"
                             r"planning|budgeted|paying|spending|selling|buying)\b|"  # "what do you think i'm selling"
                             # "what do you think it's worth, it's a three bedroom rambler": their home, told
                             r"\b(?:it's|its|it is) (?:a|an)\b|\b(?:it's|its|it) (?:got|has)\b")

# a question about rates or prices, asked as one ("can i ask you something, are rates gonna go down this year")
_ASKS_THE_MARKET = re.compile(r"^(?:(?:can i ask (?:you )?(?:something|a question)|quick question|question|so|hey) )*"
                              r"(?:are|is|will|(?:what |when )?do (?:you|you all|you guys) think|where are|what are|"
                              r"when (?:will|are|is)) (?:the )?(?:\w+ )?"
                              r"(?:rates|prices|interest|the market|home prices|house prices)\b(?!.*\b(?:i|we)\b)")
_QUESTION_FIRST = re.compile(_LEAD + r"(?:(?:honestly|uh|hmm|i mean|okay|real quick|quick question) )*"
                             r"(?:how|what|what's|why|when|where|which|who|is|are|do|does|did|can|could|would|"
                             r"will|should)\b")


# Where the lead puts forward the time they mean; a time said before it is context ("we're away till Sunday, how
# about next Monday at ten", "this week's a zoo, call me next week").
_PROPOSAL_CUE = re.compile(r"\b(?:call (?:me|us)(?: back)?|call back|try (?:me|us)|reach (?:me|us)|ring (?:me|us)|"
                           r"how about|what about|can we (?:do|make it|say)|could we (?:do|make it|say)|"
                           r"let's (?:do|say|make it)|(?:can|could|would|will) (?:she|he|they|you|dana|someone|"
                           r"somebody|your agent|the agent) (?:do|make it|meet|come)|"
                           r"is(?= \w+(?: \w+)? (?:possible|available|open|an option)\b))\b")
_CALL_ME_BACK = re.compile(r"\b(?:call (?:me|us) back|call back|(?:can|could) you (?:call|try|ring) (?:me|us)?|"
                           r"call (?:me|us) (?:next|on|in|after|tomorrow|tonight|monday|tuesday|wednesday|thursday|"
                           r"friday|saturday|sunday))\b")


def _proposed_part(text: str) -> str:
    """The words after the last proposal cue, when they name a time; else all of them."""
    cues = [m for m in _PROPOSAL_CUE.finditer(text)
            if not re.search(r"\b(?:don't|do not|never|not|no)(?: \w+)? $", text[:m.start()])]  # "don't call me before"
    if cues:
        rest = text[cues[-1].end():]
        if "next week" in text[:cues[-1].start()]:  # "away next week, can we do the week after": after next week
            rest = re.sub(r"\bthe week after\b(?! next)", "the week after next", rest, count=1)
        if (bare := _BARE_CLOCK.match(rest)) and _A_DAY.search(text[:cues[-1].start()]) \
                and not _A_DAY.search(rest):
            # "thursday but earlier, can she do nine": nine on the day said before
            return f"{text[:cues[-1].start()]} at {rest[bare.start(1):]}"
        if _A_DAY.search(text[:cues[-1].start()]) and not _A_DAY.search(rest) and _CLOCK_SAID.search(rest):
            return text  # "i'm up in salinas next tuesday, can dana meet me after 11": after 11 on that tuesday
        if _TIME_CUE.search(rest) and not _POINTS_BACK.search(rest) and not _POINTS_BACK_AFTER.match(rest) \
                and not THE_WEEKDAY_AFTER.search(rest):
            return with_preferred_part(text[:cues[-1].start()], rest)  # "afternoons are better, how about tuesday"
    return text


# "i'm off tuesday, can we do that afternoon": the day was said before the cue
_POINTS_BACK = re.compile(r"\b(?:that|the same) (?:day|morning|afternoon|evening|night)\b")
# "in a meeting til two, try me after": after the time said before the cue
_POINTS_BACK_AFTER = re.compile(r"\s*(?:after|afterwards|after that|then|later)(?: then| please| ok| okay)?\s*$")


def _only_days(when: When, days: list[str]) -> bool:
    """Does the When cover nothing but days the lead ruled out?"""
    day, last = when.start.date(), when.end.date()
    while day <= last:
        if day.isoformat() not in days:
            return False
        day += dt.timedelta(days=1)
    return True


def _time_preference(c: str) -> str:
    """"don't call me before noon" → "before": a time preference, not an opt-out ("" when there is none)."""
    m = _DONT_CALL.search(c)
    if m and _TIME_PREFERENCE.match(m.group(1)) and not re.search(r"\b(?:again|anymore|ever)\b", m.group(1)):
        return m.group(1).split()[0]
    return ""


# A routine ("he goes fishing every morning", "she works every weekend") is no time offered, unless the line says
# the lead is free then ("i'm off every friday", "mornings work, i'm home every morning")
_HABIT = re.compile(r"\bevery (?:single )?(?:morning|afternoon|evening|night|day|weekend|week|monday|tuesday|wednesday|"
                    r"thursday|friday|saturday|sunday)s?\b")
_THEIR_SHIFT = re.compile(r"\b(?:he|she|they|my \w+|(?:husband|wife|son|daughter)(?:'s)?)(?:'s| is| are)? (?:works?|"
                          r"working|on) (?:the )?(?:nights|days|mornings|evenings|overnights?|graveyard|night shift|"
                          r"day shift|second shift|third shift|swing shift)\b")
_THEIR_APPOINTMENT = re.compile(r"\b(?:meeting|meet|appointment|closing|call|sit down|walkthrough|inspection|"
                                r"showing) (?:with|at) (?:a |the |our |my |his |her )?(?:" + _LENDERS + "|attorney|"
                                r"lawyer|inspector|builder|appraiser|doctor|landlord|other agent|accountant|cpa)\b")
_AVAILABLE = re.compile(r"\b(?:free|available|off|home|open|works?|good|better|best|suits?|prefer|can|could|how about|"
                        r"what about|let's|book|meet|call)\b")


def _is_opt_out(c: str, time_preference: str) -> bool:
    if _PUT_ON_THE_LIST.search(c):
        return True  # asked for outright: nothing said after it takes that back
    vetoed = [m.span() for m in _NOT_OPT_OUT.finditer(c)]

    def counts(m: re.Match) -> bool:
        inside = any(start <= m.start() < end for start, end in vetoed)
        # a request that is itself a "don't" is not undone by a "never" before it ("never, don't call me at all")
        emphatic = _NEGATION_FIRST.match(m.group(0)) is not None
        # "never, lose my number" to "when's a better time?": the answer, then the request
        answer = _NEVER_ANSWER.match(c[:m.start()]) is not None
        return not inside and (emphatic or answer or not _NOT_OPT_OUT_BEFORE.search(c[:m.start()]))

    if any(counts(m) for m in _OPT_OUT.finditer(c)):
        return True
    m = _DONT_CALL.search(c)
    return bool(m and not time_preference and counts(m))


def _on_the_day_said(when: When, before: str, now: dt.datetime) -> When:
    """A correction that names only a new hour ("tuesday the 24th at 10, no wait, 11") keeps the day said before
    it: the hour moves to that day."""
    said = _Turn(before)
    earlier = when_in(said.digits, now, said.clean) if _TIME_CUE.search(said.clean) else None
    if earlier is None or not names_a_day(earlier.words) or earlier.start.date() != earlier.end.date() \
            or when.start.date() != when.end.date():
        return when
    days = dt.timedelta(days=(earlier.start.date() - when.start.date()).days)
    return dataclasses.replace(when, start=when.start + days, end=when.end + days,
                               words=f"{earlier.words} {when.words}")


def _at_the_time_said(when: When, before: str, now: dt.datetime) -> When:
    """A correction that names only a new day and keeps the hour ("monday at ten, no wait, make it tuesday same
    time"): that day, at the hour said before it."""
    said = _Turn(before)
    earlier = when_in(said.digits, now, said.clean) if _TIME_CUE.search(said.clean) else None
    if earlier is None or not earlier.exact or when.exact or when.start.date() != when.end.date():
        return when
    start = dt.datetime.combine(when.start.date(), earlier.start.timetz())
    return dataclasses.replace(when, start=start, end=start, exact=True, words=f"{when.words} {earlier.words}")


_ENGLISH_AROUND_A_FIGURE = {"more", "less", "tops", "max", "around", "about", "maybe", "probably", "under", "over"}


def _place_said_first(c: str, facts: list[Fact]) -> bool:
    """Asked where, a town said first and Spanish after it ("doral por el trabajo de mi esposo"): the answer, in
    the English the call is in; a Spanish word that is also a town ("casa", "mesa") is not one."""
    said = next((str(f.words or "") for f in facts if f.name == "location"), "")
    first = said.removeprefix("in ").split()[:1]
    return bool(first) and c.startswith(said.removeprefix("in ")) and first[0] not in _SPANISH_WORDS


def _other_language(c: str) -> str:
    if _SPANISH_ASKED.search(c):
        return "es"
    if _PHONE_HELLO.match(c) or _GO_ON_ANYWAY.search(c):
        return ""
    # "casa grande", "el paso" are English; so is a line of English with a Spanish word ("si bueno yes i have a minute")
    if _SPANISH.search(c) and _SPANISH.search(_without_place_names(c)) and not _mostly_english(c):
        # ("olha não tenho interesse ... por favor": Portuguese words outnumber the Spanish ones)
        return "pt" if len(_PORTUGUESE.findall(c)) > len(_SPANISH.findall(c)) else "es"
    letters = [ch for ch in c if ch.isalpha()]
    if letters and (sum(not ch.isascii() for ch in letters) > len(letters) / 3
                    or any(ord(ch) > 0x024F for ch in letters)) and not _english_around_a_word(c):
        return "und"  # written in another script, or mostly in accented letters: not English
    if _CHINESE_PINYIN.search(c):
        return "zh"
    if _HAITIAN.search(c):
        return "ht"
    if _KOREAN_ROMANISED.search(c):
        return "ko"
    if _FARSI_ROMANISED.search(c):
        return "fa"
    if polynesian := _POLYNESIAN.search(c):  # "ikai ke u lea fakapalangi": no English, in Tongan (or Samoan)
        return "to" if polynesian.group("to") else "sm"
    if _VIETNAMESE.search(c):
        return "vi"
    if _HINDI_ROMANISED.search(c):
        return "hi"
    if _FRENCH.search(c) and not (_english_words(c) >= 2 and len(_FRENCH.findall(c)) == 1) \
            and not _one_word_in_english(c, _FRENCH):
        return "fr"  # ("oui yeah go ahead cher": a Cajun word in an English line)
    if _PORTUGUESE.search(c) and not _one_word_in_english(c, _PORTUGUESE):
        return "pt"  # ("yes thats good obrigado", "perfect obrigado": thanked in their own, answered in English)
    said = list(_OTHER_LANGUAGE.finditer(c))
    if said:  # the language named, wherever in the line ("english no good, korean only")
        named = next((m.group(1) or m.group(2) for m in said if m.group(1) or m.group(2)), "")
        return _LANGUAGE_CODES.get(named, "und")
    return "und" if _not_english(c) else ""


_SHORT_ANSWERS = frozenset("sure yup alright thanks thank please nope right great fine good perfect".split())


def _english_around_a_word(c: str) -> bool:
    """English with a word or two in another script, no more of them than of English words ("yes дякую", "так
    yes", "ok 谢谢"): the lead answers in English and thanks in their own."""
    words = c.split()
    other = sum(any(ord(ch) > 0x024F for ch in w) for w in words)
    english = sum(w.strip(",.!?") in _FUNCTION_WORDS or w.strip(",.!?") in _SHORT_ANSWERS for w in words)
    return 0 < other <= 2 and english >= other and english + other == len(words)


# A courtesy word of the lead's own language in an English line ("haa yes i have time", "kamsahamnida have a good
# day", "ok fa soifua"): read as the English word it is, so the line is read as the English around it. Spanish,
# French, Portuguese, Tagalog and Vietnamese courtesies have their own rules (_SPANISH_YES, _OTHER_GOODBYE).
_COURTESY_WORDS = {
    # yes: Somali, Ukrainian and Polish, Hmong, Samoan, Amharic, Hindi and Urdu, Oromo; Hindi "bolo" (speak)
    "haa": "yes", "tak": "yes", "yog": "yes", "ioe": "yes", "awo": "yes", "haan": "yes", "haanji": "yes",
    "eeyyee": "yes", "eeyye": "yes", "eeyee": "yes", "bolo": "go ahead",
    "baat": "yes", "baht": "yes", "chaa": "yes",  # Khmer, a man's and a woman's yes ("baat yeah okay")
    # hello: Samoan, Amharic, Arabic and Somali, Ukrainian and Russian, Swahili, Hindi, Oromo (Korean's
    # "annyeonghaseyo" alone is heard as Korean spoken: _KOREAN_ROMANISED)
    "talofa": "hello", "selam": "hello", "salaam": "hello", "salam": "hello", "pryvit": "hello", "privit": "hello",
    "privet": "hello", "jambo": "hello", "namaste": "hello", "nagaa": "hello",
    # thanks: Somali, Korean, Samoan, Ukrainian, Russian, Amharic, Swahili, Arabic, Polish, Japanese, Urdu, Hindi,
    # Twi; goodbye: Japanese, Spanish
    "mahadsanid": "thanks", "kamsahamnida": "thanks", "gamsahamnida": "thanks", "kamsahamida": "thanks",
    "faafetai": "thanks", "fa'afetai": "thanks", "dyakuyu": "thanks", "diakuiu": "thanks", "spasibo": "thanks",
    "ameseginalehu": "thanks", "asante": "thanks", "shukran": "thanks", "dziekuje": "thanks", "arigato": "thanks",
    "shukriya": "thanks", "dhanyavad": "thanks", "dhanyawad": "thanks", "medaase": "thanks",
    "sayonara": "goodbye", "adios": "goodbye", "adiós": "goodbye",  # "ok adios" to our English
}
_COURTESY_PAIRS = {
    ("tsis", "yog"): "no",  # Hmong
    ("nyob", "zoo"): "hello", ("xin", "chao"): "hello", ("a", "lô"): "hello",  # Hmong, Vietnamese
    ("ua", "tsaug"): "thanks", ("xie", "xie"): "thanks",  # Hmong, Mandarin
    ("nabad", "gelyo"): "goodbye", ("fa", "soifua"): "goodbye", ("tofa", "soifua"): "goodbye",  # Somali, Samoan
    ("tam", "biet"): "goodbye", ("do", "pobachennya"): "goodbye",  # Vietnamese, Ukrainian
    ("khuda", "hafiz"): "goodbye", ("allah", "hafiz"): "goodbye",  # Urdu
}
COURTESY_RARE_WORDS = 1  # besides the courtesy words, a line this many rare words (a name: "sione") is English


def _courtesy_in_english(c: str) -> str | None:
    """The line with its courtesy words in English, when they are said in an English line (or alone); None when
    there are none, or when the rest is another language too ("nyob zoo kuv tsis paub lus askiv", "haa waa kuma")."""
    from wordfreq import zipf_frequency

    words, out, rest, i = c.split(), [], [], 0
    while i < len(words):
        pair = _COURTESY_PAIRS.get(tuple(words[i:i + 2]))
        if pair or words[i] in _COURTESY_WORDS:
            out.append(pair or _COURTESY_WORDS[words[i]])
            i += 2 if pair else 1
            continue
        out.append(words[i])
        rest.append(words[i])
        i += 1
    if len(rest) == len(words):
        return None
    rare = sum(w not in _FUNCTION_WORDS and not w[:1].isdigit() and zipf_frequency(w, "en") < 3.0 for w in rest)
    return " ".join(out) if rare <= COURTESY_RARE_WORDS else None


def _one_word_in_english(c: str, language: re.Pattern) -> bool:
    """One word of another language and every other word English ("perfect obrigado", "perfect merci")."""
    words = c.split()
    found = language.findall(c)
    rest = [w for w in words if not language.fullmatch(w)]
    return len(found) == 1 and len(rest) == len(words) - 1 >= 1 and _english_words(" ".join(rest)) == len(rest)


def _english_words(c: str) -> int:
    """How many of the words are common English ones ("yeah", "go", "ahead")."""
    from wordfreq import zipf_frequency

    return sum(w in _FUNCTION_WORDS or zipf_frequency(w, "en") >= 4.0 for w in c.split())


def _mostly_english(c: str) -> bool:
    """As many English function words as Spanish words, and two or more: "we need our own place primera casa"."""
    words = c.split()
    english = sum(w in _FUNCTION_WORDS for w in words)
    return english >= 2 and english >= sum(w in _SPANISH_WORDS for w in words)


_SPANISH_WORDS = frozenset("el la los las de del para por mi mis una un que con en es y casa primera quiero queremos "
                           "quien habla hablo hablas hola bueno gracias estamos buscando necesito necesitamos señor "
                           "señora sí si ustedes llamar mande español espanol inglés ingles porque pero también "
                           "tambien ahorita mañana manana como donde cuando tengo vivo entiendo".split())


# English words no English sentence of five words goes without (a line in another language written in Latin
# letters has at most one of them by chance: "ana ma bahki inglizi", "kuv tsis txawj hais lus askiv").
_FUNCTION_WORDS = frozenset(
    "i me my we us our you your he him his she her it its they them their a an the to of in on at for with from by "
    "about and or but so if that this these those what which who when where why how is am are was were be been do "
    "does did have has had can could would will should may might must not no yes yeah yep ok okay just like um uh "
    "well there here up out i'm i've i'd i'll we're we've we'd we'll you're it's that's there's don't can't didn't "
    "won't isn't aren't".split())
# The trade's words, rare in English text at large but English on these calls ("preapproved yes ma'am through usda")
_TRADE_WORDS = frozenset(
    "preapproved prequalified preapproval realtor ma'am usda fha hoa condo condos townhome townhouse duplex "
    "mortgage lender escrow zillow redfin airbnb acreage fsbo hud heloc".split())


def _without_place_names(c: str) -> str:
    """The line less the places of more than one word in it: a town with a Spanish name is no Spanish."""
    tokens = c.split()
    named = {i for start, end, _, _ in _places(tokens) if end - start > 1 for i in range(start, end)}
    return " ".join(token for i, token in enumerate(tokens) if i not in named)


def _not_english(c: str) -> bool:
    """Five words or more in Latin letters with at most one English function word, most of them rare in English,
    and not mostly places ("raleigh durham area probably durham" is English)."""
    from wordfreq import zipf_frequency

    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", c)
    if len(words) < 5 or sum(word in _FUNCTION_WORDS for word in words) > 1:
        return False
    frequencies = [9.0 if word in _TRADE_WORDS else zipf_frequency(word, "en") for word in words]
    common = sum(frequency >= 4.0 for frequency in frequencies)
    if sum(frequency < 3.0 for frequency in frequencies) < 2:
        return False  # every word an English one: "upsizing, we outgrew it" in few function words
    named = sum(end - start for start, end, _, _ in _places(c.split()))  # a list of places is an answer in English
    return common < len(words) / 2 and named * 4 < len(words)


# Someone else answered and the lead is not there ("she's at work", "call him tonight"), said at the greeting
_LEAD_AWAY = re.compile(r"\b(?:she|he)(?:'s| is|s)? (?:not (?:here|home|in|around|available)|at (?:work|school|church|"
                        r"the \w+)|working|out|away|asleep|sleeping|in the shower|out of town|on a trip)\b|"
                        r"\b(?:call|try|reach) (?:her|him) (?:back )?(?:later|tonight|tomorrow|today|after|at|in|"
                        r"around|on|this|next|when)\b")


def _intent(turn: _Turn, expecting: str, when: When | None, facts: list[Fact], time_preference: str
            ) -> tuple[str, str, bool]:
    """(intent, objection, whether the When is about the call)."""
    c = turn.clean
    for intent, pattern in (("is_robot", _IS_ROBOT), ("who_is_this", _WHO_IS_THIS),
                            ("how_got_number", _HOW_GOT_NUMBER), ("who_is_this", _ABOUT_WHAT)):
        if pattern.search(c):
            return intent, "", False
    answering_time = expecting in ("callback_time", "slot_choice")
    slot = any(f.name == SLOT_CHOICE for f in facts)
    callback = time_preference or bool(_CALLBACK.search(c))
    if slot and _GOODBYE.search(c) and not _DECLINE.search(c):
        return "schedule", "", False  # "the first one, see you then": the pick, then the goodbye
    if expecting == "confirm" and _AFFIRM.match(c) and _SEE_YOU_THEN.search(c) \
            and not re.search(r"\b(?:can't|cannot|can not|won't|not|no|never)\b", c):
        return "affirm", "", False  # "yeah perfecto see you then" to the read-back: a yes (with "bye" a goodbye)
    if _GOODBYE.search(c) and not callback and when is None:
        declined = _DECLINE.search(c) is not None
        return "goodbye", "not_interested" if declined else "", False
    if _REPEAT_FIRST.match(c):
        return "repeat", "", False  # "one more time, i'm in the car": asks to hear it again, whatever the reason
    if expecting in ("permission", "") and _BRIEF_YES.search(c) and not facts:
        return "affirm", "", False
    if expecting in ("permission", "") and _LEAD_AWAY.search(c) and not _AFFIRM.match(c):
        return "objection", "busy", True  # "this is her mom, she's at work, call her after five": not now
    objection = _objection(c, expecting, facts, time_preference)
    if objection in ("market_worry", "price_worry") and _ASKS_THE_MARKET.match(c):
        return "question", "", False  # "are rates gonna go down this year?": asked back, not a reason to wait
    asks_for_a_call = expecting == "slot_choice" and bool(_CALL_ME_BACK.search(c))  # a meeting offered, a call asked
    if objection == "busy" and not asks_for_a_call and (answering_time and (when is not None or slot) or (
            when is not None and when.end - when.start <= dt.timedelta(days=8) and _PROPOSES_MEETING.search(c))):
        objection = ""  # the lead is answering our question about when, or proposing a time to meet
    if objection in ("market_worry", "price_worry") and answering_time and when is not None \
            and when.end - when.start <= dt.timedelta(days=8):
        objection = ""  # "thursday no, that's the layoff meeting, wednesday's ok": the day, and why not the other
    if objection:
        # "don't call me on weekends" names when not to call: no When for that
        about_call = objection == "busy" and (not time_preference or time_preference in _LIMIT_WORDS)
        return "objection", objection, about_call
    if _GOODBYE.search(c):
        return "objection", "busy", True
    if expecting == "permission" and when is not None and when.end - when.start <= dt.timedelta(days=8) \
            and _BETTER_THEN.search(c):
        return "objection", "busy", True  # asked for a minute, "thursday morning works better": not now, then
    # a bare time is about the call unless we asked for a fact, or it is months away ("in three months")
    days_away = when is not None and when.end - when.start <= dt.timedelta(days=8)
    near = days_away and expecting in ("", "confirm")
    # a day this week with a clock time ("tomorrow after six") is never when they mean to move, whatever we asked
    # (a day named with it: "eleven twenty birch lane" and "four hundred to four fifty" are no times)
    clocked = days_away and (when.exact or when.day_start is not None or when.day_end is not None) \
        and bool(_A_DAY.search(when.words)) and not any(f.name == "budget" for f in facts)
    if _WHAT_WAS_SLOT.search(c):
        return "repeat", "", False
    if slot or _SCHEDULE.search(c) or (when is not None and answering_time) or (near and (
            _mostly_time(c, when) or _SCHEDULE_WITH_TIME.search(c))) or (days_away and _MEETING_TALK.search(c)) \
            or clocked or (days_away and _HOW_ABOUT_A_TIME.match(c)):
        return "schedule", "", not slot
    if _REPEAT.search(c):
        return "repeat", "", False
    if _HOW_ARE_YOU.search(c) and not facts:
        return "greeting", "", False
    if (hold := _HOLD_ON.search(c)) and not facts and not _AFFIRM.match(c) and not _AFFIRM.search(c, hold.end()):
        if _DENY.search(c[hold.end():].strip()):  # "lemme think, i guess not actually": decided after the pause
            return "deny", "", False
        if _REPEAT.search(c[hold.end():].strip()):
            return "repeat", "", False  # "uh hold on, ok sorry, what did you say"
        if expecting in ("confirm", "slot_choice") and _NO_FIRST.match(c[:hold.start()]):
            return "deny", "", False  # "actually no, lemme check with my wife first": not yet
        if _ASKS_WHERE.search(c[hold.end():]):
            return "question", "", False  # "hold up, what's the address where we meeting": asked after the pause
        return "unclear", "", False  # "oh no the pasta, hang on": a pause, no answer yet (the question stays)
    # ("sure, what's the address?" is a yes: booked, and where said with it)
    if (_QUESTION.search(c) or _ASKS_BACK.search(c) or _VALUATION.search(c)
            or _ASKS_WHERE.search(c) and not _AFFIRM.match(c)) and not _mostly_affirmation(c):
        return "question", "", False  # "long beach what are prices like over there": answered, and asked back
    informs = bool(facts) and expecting not in ("confirm", "slot_choice")
    if informs:
        return "inform", "", False
    if _GREETING_IDENTITY.search(c):
        return "greeting", "", False
    denied, affirmed = _DENY.search(c), _AFFIRM.search(c)
    if affirmed and denied:
        if corrected := _SAID_OTHERWISE.search(c):  # "no i mean yes, yes book it": the answer they correct to
            return ("affirm" if corrected.group(1) else "deny"), "", False
        if _GO_AHEAD.search(c) or _NO_YEAH.match(c):  # "no, i'm not busy, go ahead", "yeah no yeah that's fine":
            return "affirm", "", False  # the answer given at the end stands
        return ("deny" if denied.start() >= affirmed.start() or denied.start() == 0 else "affirm"), "", False
    if affirmed:
        return "affirm", "", False
    if denied:
        return "deny", "", False
    if _GREETING.search(c):
        return "greeting", "", False
    if facts or (expecting in _FACT_QUESTIONS and _said_something(turn)):
        return "inform", "", False  # "we pay twenty one hundred in rent right now": an answer, though no fact of ours
    return "unclear", "", False


# The questions whose answers are facts, and the words that carry none: a long answer to one of them that we
# cannot read is still an answer ("we want the payment under like twenty two hundred a month"), not a mumble
# ("ok so like um", "uh huh hold on the dog is").
_FACT_QUESTIONS = ("intent", "location", "timeline", "budget", "preapproved", "motivation", "has_agent")
_NO_CONTENT = frozenset("uh um hmm like so ok okay yeah yes well i mean you know the a an and but oh hold on sorry "
                        "just that's it is was what wait".split())
_ANSWER_WORDS = 6


def _said_something(turn: _Turn) -> bool:
    return len([w for w in turn.tokens if w not in _NO_CONTENT]) >= _ANSWER_WORDS


_SOMEONE_ELSE_CALLS = re.compile(r"\b(?:lender|lender's|bank|bank's|loan officer|broker|agent|he|he's|she|she's|they|"
                                 r"they're|someone|somebody|husband|wife)(?: is| are| was)? (?:supposed to |going to |"
                                 r"gonna |will |should |said (?:they'd|he'd|she'd) )?(?:call|ring|get back to) "
                                 r"(?:me|us)(?: back)?(?: \w+){0,3}")


_PRICES_WILL_FALL = re.compile(r"\b(?:going to|gonna|about to|will|bound to|has to|have to|got to) (?:crash|drop|fall|"
                               r"come down|correct|pop|tank)\b|\bbubble\b")
_NO_YEAH = re.compile(r"^yeah no yeah\b")
_SAID_OTHERWISE = re.compile(r"^(?:no|nah|yes|yeah)\b,? (?:i mean|i meant|sorry|wait)\b,? "
                             r"(?:(yes|yeah|yep|sure)|no|nah|nope)\b")
_YES_NO_FACTS = ("timeline", "has_agent", "preapproved")
_HEDGED_YES_NO = re.compile(r"^(?:ok|okay|alright|all right|well|so)\b|"
                            r"\b(?:i think|i guess|maybe|probably|not sure|i believe)\b")
_YES_NO_VALUES = {"has_agent": (False, True), "preapproved": ("no", "yes")}  # (said no, said yes)
# "sounds good" to "is an agent helping you?": agreeing to something (said out of turn), not a yes to the question
_ACCEPTS_ONLY = re.compile(r"(?:(?:oh|uh|um|well) )*(?:sounds? (?:good|great|fine|perfect)|perfect|great|cool|"
                           r"alright|all right|ok|okay|fine)(?: (?:to me|then|thanks|thank you))?")


def _objection(c: str, expecting: str, facts: list[Fact], time_preference: str) -> str:
    for name, pattern in _OBJECTIONS:
        if name == "has_agent" and (any(f.name == "has_agent" and f.value is False for f in facts)
                                    or _A_LISTING_ENDED.search(c) and not _signed_since(c)):
            continue  # no agent, or one whose listing ended ("our listing with coldwell expired")
        m = pattern.search(c)
        if not m:
            continue
        if name == "not_interested":
            if any(f.name == "intent" for f in facts) and "interested" not in m.group(0) \
                    and not _NO_AGENT_WANTED.search(c):
                continue  # "not selling, just buying"
            if expecting in ("confirm", "slot_choice") and "interested" not in m.group(0) \
                    and not _REFUSES_MEETING.search(c):
                continue  # "no thanks" to a yes/no question is a no; "I don't want a meeting" is not interested
            if expecting in ("confirm", "slot_choice") and _SEND_INSTEAD.search(c):
                return "send_email"  # "i don't want to meet yet, just text me some listings": homes, not a meeting
            if "interested" not in m.group(0) and _JUST_BROWSING.search(c):
                return "just_looking"  # "we're not buying anything, just window shopping"
            # (not when they say it outright or want no agent at all: "selling it ourselves, no agents, we don't
            # wanna pay commission, so not interested" is a refusal, the commission only its reason)
            if "interested" not in m.group(0) and not _HOSTILE.search(c) and not _SAYS_NOT_INTERESTED.search(c) \
                    and not _NO_AGENT_WANTED.search(c) and \
                    (worry := next((w for w in ("market_worry", "price_worry") if _WORRIES[w].search(c)), None)):
                return worry  # "a crash is coming, I don't want to buy at the top": the reason is the objection
        if name == "busy" and any(f.name == expecting == "preapproved" for f in facts):
            continue  # "we're in the middle of it, the lender has our stuff": the loan, not the lead, is busy
        if name == "price_worry" and re.search(_HARDSHIP, c):
            continue  # "lost my job, can't afford it anymore": why they sell the home they have, not our prices
        if name == "price_worry" and _PRICES_WILL_FALL.search(c):
            return "market_worry"  # "prices are way too high, it's gonna crash, i'm waiting": a bet on the market
        if name == "busy" and m.group(0) in ("not now", "not right now") and expecting in _YES_NO_FACTS \
                and not pattern.search(c.replace(m.group(0), "", 1)):
            continue  # "no, not right now" to "do you have an agent?" is a no
        if name == "busy" and (other := _SOMEONE_ELSE_CALLS.search(c)) and other.start() <= m.start() < other.end():
            continue  # "the lender's supposed to call us back this week": not a call back asked of us
        if name == "just_looking" and (back := _CALLBACK.search(c)) and _TIME_CUE.search(c, back.end()):
            return "busy"  # "we're not ready yet, call me next month": a call back, when they said
        if name == "just_looking" and _SENT_BY.search(c):
            return "send_email"  # "send me dana's info by email and i'll reach out": sent, then they reach out
        if name == "send_email" and expecting in ("slot_choice", "confirm") and _MEETING_NOTE.search(c) \
                and (_TAKES_IT.search(c) or _A_DAY.search(c)):
            continue  # "wednesday at 10 is fine, just text me the address": the meeting's details, not instead of it
        if name == "busy" and _ROUTINE.match(c, m.end()) and not pattern.search(c[m.end():]):
            continue  # "shorter commute, i'm on the train two hours a day": their days, not this minute
        if name == "busy" and (then := BUSY_THEN.search(c)) and not pattern.search(c[then.end():]):
            continue  # "weekdays i'm busy, saturday between 12 and 2": busy then, not now
        return name
    return "busy" if time_preference else ""


# where the meeting is ("sure what's the address", "will it be at the office or at our place", "where do we meet")
_ASKS_WHERE = re.compile(r"\b(?:what's|what is|whats) (?:the|your) (?:address|location)\b|"
                         r"\bwhere (?:is|will|would|'s) (?:it|that|the meeting)(?: be)?\b(?! (?:from|coming))|"
                         r"\bwhere (?:do|would|will|should) (?:we|i) (?:meet|go|come)\b|"
                         r"\bwhere (?:are|is) (?:you|y'all|your office|the office|dana's office)(?: guys)? (?:located|"
                         r"based|at)\b|"
                         r"\b(?:at|in) (?:the|your) office or (?:at |in )?(?:our|my|the) (?:place|house|home)\b|"
                         r"\b(?:will|would|can|could|does) (?:she|he|they|you|the agent) come (?:to|out to) (?:us|our "
                         r"place|our house|the house|my place|me)\b")


# what a lead who takes the meeting wants sent about it
_MEETING_NOTE = re.compile(r"\b(?:text|email|send|shoot) (?:me|us)(?: \w+){0,3}? (?:the )?(?:address|reminder|"
                           r"confirmation|invite|invitation|directions|location|details|calendar \w+)\b|"
                           r"\b(?:address|reminder|confirmation|invite|directions) (?:by|over|via|in a) "
                           r"(?:text|email)\b")
_TAKES_IT = re.compile(r"^(?:yes|yeah|yep|sure|ok|perfect|great)\b|\b(?:is|sounds) (?:fine|good|great|perfect)\b|"
                       r"\bworks\b|\bbook (?:it|that|me)\b|\bthe (?:first|second|earlier|later|other) one\b")
# what someone does day in, day out ("two hours a day", "every morning"): a routine, not what they are doing now
_ROUTINE = re.compile(r" (?:\w+ )?(?:every (?:single )?(?:day|morning|night|week|weekday)|"
                      r"(?:an? |\w+ )(?:hours?|minutes?) (?:a|each|per|every) (?:day|way|week)|each way|daily|"
                      r"all the time|(?:five|six|\d) days a week)\b")


_A_DAY = re.compile(r"\b(?:today|tonight|tomorrow|monday|tuesday|tues|wednesday|thursday|thurs|friday|saturday|sunday)"
                    r"s?\b")


def _mostly_time(c: str, when: When) -> bool:
    """The utterance is little more than the time ("uh tuesday afternoon", "tomorrow at 3 maybe")."""
    rest = c.replace(when.words, " ").split() if when.words else c.split()
    filler = {"maybe", "how", "about", "what", "like", "probably", "say", "let's", "ok", "yes", "yeah", "sure",
              "is", "good", "fine", "then", "please", "or", "so", "well", "i", "guess", "great", "perfect", "just",
              "sometime", "any", "time", "anytime", "on", "the", "at", "works"}
    return len([w for w in rest if w not in filler]) <= 1


def _mostly_affirmation(c: str) -> bool:
    return bool(re.match(r"^(?:yes|yeah|sure|ok|right)(?: (?:yes|yeah|sure|ok|right|please|thanks|thank you))*$", c))


# --- facts -----------------------------------------------------------------------------------------------

def _facts(turn: _Turn, expecting: str, now: dt.datetime, state: str = "") -> list[Fact]:
    c = turn.clean
    facts: list[Fact] = []
    for fact in (_intent_fact(c, expecting), _location(turn, expecting, state), _budget(turn, expecting),
                 _motivation(turn, expecting), _has_agent(c, expecting), _preapproved(c, expecting),
                 _timeline(turn, expecting, now), _bedrooms(turn, expecting), _slot_choice(c, expecting),
                 _other_number(turn)):
        if fact is not None:
            facts.append(fact)
    return facts


def _positive(pattern: re.Pattern, c: str) -> re.Match | None:
    """The first match not negated just before it ("we're not looking to buy")."""
    for m in pattern.finditer(c):
        if not _NEGATED.search(c[:m.start()]):
            return m
    return None


# Buying or selling that is not the lead's plan: what they were going to do, or what someone else does ("we were
# gonna sell but...", "our landlord's selling the place").
# "we were going to buy, but ...": a plan in the past tense is given up only when the sentence says so; "we were
# thinking about buying" alone is a polite present
_WAS_THE_PLAN = re.compile(r"\b(?:were|was|had been) (?:gonna|going to|planning to|planning on|thinking about|"
                           r"thinking of|about to|supposed to)(?: \w+)? $")
_GAVE_UP = re.compile(r"\b(?:but|until|till|then|anymore|any more|no longer|fell through|changed|not now|instead)\b")
_NOT_THEIR_PLAN = re.compile(r"\b(?:landlord|landlord's|landlords|owner|owners|nobody|nobody's|no one|everybody|"
                             r"everybody's|everyone|people|folks|anybody|anyone|"
                             r"neighbor|neighbors|neighbour|they|they're|he|he's|she|she's|builder|seller|sellers)"
                             r"(?: is| are| was| were)?(?: \w+)? $|"
                             # "my sister's the one looking to buy", "we're not in a spot to buy"
                             r"\b(?:'s|is|are) the ones? (?:who's |who is |who are |who |that's |that is |that )?"
                             r"(?:\w+ ){0,2}$|"
                             r"\bnot in (?:a|the|any) (?:spot|position|place|shape) to $|"
                             # "we're buying, it's my son that's selling"
                             r"\b(?:it's|its|it is) (?:my|our|his|her) \w+(?: in law)? (?:that's|who's|that is|who is|"
                             r"that|who) $|"
                             r"\b(?:can't|cannot|couldn't|can not) afford to $|"
                             # "just curious what homes in boise sell for": the market asked about, not their plan
                             r"\bwhat (?:\w+ ){0,3}?(?:homes|houses|places|condos|properties|townhomes|lots)"
                             r"(?: \w+){0,4}? $")


_A_TRADE = re.compile(r" (?:real estate|(?:houses|homes) for a living|insurance|cars)\b")
_NOT_A_HOME_DEAL = re.compile(r" (?:(?:him|her|them|me|us|each other|the other one|the other|my ex|his half|her half)"
                              r" out\b|(?:off )?(?:some |the |our |a )?(?:\w+ )?(?:ground|acres|acreage|cattle|timber|"
                              r"equipment|stock|stocks|shares|business|truck|car|boat|crop|hay)\b)")


def _own(pattern: re.Pattern, c: str) -> re.Match | None:
    """The first match that is the lead's own plan: not negated, not a plan given up, not someone else's."""
    for m in pattern.finditer(c):
        before = c[:m.start()]
        lead_in = before + "".join(w + " " for w in m.group(0).split()[:-1])  # "we were " + "going to "
        given_up = _WAS_THE_PLAN.search(lead_in) and (_GAVE_UP.search(c[m.end():]) or _GAVE_UP.search(before))
        sold_to_them = m.group(0).endswith(("sell", "selling")) and re.match(
            r" (?:me|us|you|y'all|ya)\b", c[m.end():]) is not None  # "just so you can sell me something"
        if _NOT_A_HOME_DEAL.match(c, m.end()) and not _HOME_WORDS.search(c[m.end():]):
            continue  # "neither of us can buy the other one out", "selling some ground to the neighbor": no home
        if m.group(0).endswith(("sell", "sells", "selling")) and _A_TRADE.match(c, m.end()):
            continue  # "my cousin sell real estate in metairie": a trade, not a home they sell
        if not _NEGATED.search(before) and not _NOT_THEIR_PLAN.search(lead_in) and not given_up and not sold_to_them:
            return m
    return None


# "both" after a list of things is the things, not buying and selling ("the house and the acres both")
_BOTH_THINGS = re.compile(r"\b(?:the|a|an|our|my|his|her) (?:[\w']+ ){0,3}and (?:the |a |an |our |my )?"
                          r"(?:[\w']+ ){1,4}$")


# Asked when they move, what they spend or how they pay, a lead's "buy" or "sell" is the means or the worry, not the
# plan ("cash, we're selling the farm", "we gotta sell ours first", "with rates like this i'm scared to buy"): the
# plan was asked first, and a passing word here is not its answer.
_NOT_ABOUT_THE_PLAN = {"timeline", "budget", "preapproved"}
_PLAN_SAID = re.compile(r"(?:looking|want|wanting|planning|trying|hoping|need|needing|ready|plan) ")


_SPANISH_INTENT = re.compile(r"\b(?:comprar|compramos|vender|vendemos|vendo|rentar|alquilar)\b")
_SPANISH_PLANS = {"com": "buy", "ven": "sell", "ren": "rent", "alq": "rent"}  # by the verb's first letters
_WANTS_A_RENTAL = re.compile(r"\b(?:an? )?(?:investment (?:property|properties|home|house)|rental properties|"
                             r"(?:a |an )?(?:duplex|triplex|fourplex|quadplex|multi ?family))\b")


# the two of them not agreed on it: "my husband wants to sell and i wanna stay, so i dont know"
_NOT_AGREED = re.compile(r"\b(?:he|she|my (?:husband|wife|partner|spouse|hubby)) wants? to (?:sell|buy|move)\b.*"
                         r"\b(?:i|i'd|i would) (?:wanna|want to|rather|prefer to|just wanna) (?:stay|keep|not)\b|"
                         r"\b(?:i|we) (?:wanna|want to) (?:sell|buy|move)\b.*\b(?:he|she|my (?:husband|wife|partner|"
                         r"spouse|hubby)) (?:wants? to|would rather|'d rather) (?:stay|keep|not)\b")


def _intent_fact(c: str, expecting: str) -> Fact | None:
    if not_agreed := _NOT_AGREED.search(c):  # nothing decided yet, unless they settle it after ("so i guess selling")
        return _intent_fact(c[not_agreed.end():], expecting) if c[not_agreed.end():].strip() else None
    # ("we both work at the plant", "both of us": the two of them, not buying and selling)
    both = re.search(r"(?<!we )(?<!they )(?<!you )(?<!us )(?<!we're )(?<!they're )(?<!are )(?<!were )\bboth\b(?! of\b)",
                     c) if expecting == "intent" else None  # ("we're both teachers": the two of them)
    if both and not _NEGATED.search(c[:both.start()]) and not _BOTH_THINGS.search(c[:both.start()]):
        return Fact("intent", "both", "both")  # "kind of both, we'd sell the condo first"
    buy, sell = _own(_BUY, c), _own(_SELL, c)
    if buy and expecting != "intent" and buy.group(0).endswith(("buyer", "buyers")):
        buy = None  # "we're first time buyers", "we signed with a buyer's agent": who they are, said for another answer
    if expecting in _NOT_ABOUT_THE_PLAN:  # only a plan said as one ("we need to sell by may") is the plan
        buy, sell = (m if m and _PLAN_SAID.match(m.group(0)) else None for m in (buy, sell))
    if buy and sell:
        first, last = sorted((buy, sell), key=lambda m: m.start())
        return Fact("intent", "both", c[first.start():last.end()])
    if buy and (m := _RENT_FIRST.search(c)):
        return Fact("intent", "rent", m.group(0))  # "rent something in destin for a year before we buy anything"
    if buy or sell:
        m = buy or sell
        return Fact("intent", "buy" if buy else "sell", m.group(0))
    rent = _own(_RENT, c)
    if rent:
        return Fact("intent", "rent", rent.group(0))
    if expecting == "intent" and (m := _SPANISH_INTENT.search(c)):
        return Fact("intent", _SPANISH_PLANS[m.group(0)[:3]], m.group(0))
    if expecting == "intent" and (m := _WANTS_A_RENTAL.search(c)) and not _SELL.search(c):
        return Fact("intent", "buy", m.group(0))  # "investment property, maybe a duplex"
    if expecting == "intent":
        m = _INTENT_ANSWER.search(c)
        if m:
            word = m.group(1)
            value = "both" if word == "both" else "buy" if word.startswith("buy") else "sell" if word.startswith(
                "sell") else "rent"
            return Fact("intent", value, word)
    return None


def _place_value(words: list[str], *, town: bool = False) -> str:
    """The place as it is written; `town`: a name the gazetteer has, every word of it capitalised ("Old West End",
    not the "west end" of a town)."""
    words = [w for w in words if w not in ("in", "near", "around", "to")]
    if (name := NICKNAMES.get(" ".join(words))) is not None:
        return name  # "san antone": San Antonio
    words = words[1:] if len(words) > 1 and words[0] == "the" else words
    if name := written_as(" ".join(words)):
        return name  # "lees summit": Lee's Summit; "espanola": Española
    named = [town or w not in _GENERIC_PLACE_WORDS for w in words]
    for _ in range(2):  # "city", "lake", "county" beside a name are part of it: Kansas City, Salt Lake City
        named = [named[i] or w in _NAME_WORDS and any(named[max(0, i - 1):i + 2]) for i, w in enumerate(words)]
    value = " ".join(_capitalised(w) if named[i] else w for i, w in enumerate(words))
    return re.sub(r"\b(Ma?c) (?=[A-Z])", r"\1", value)  # "mc kinney" as heard: McKinney


_NAME_WORDS = {"city", "lake", "county", "town"}


def _capitalised(word: str) -> str:
    """A place's word as it is written: "Mckinney" is McKinney, "Macon" stays Macon."""
    return "Mc" + word[2:].capitalize() if word.startswith("mc") and len(word) > 3 else word.capitalize()


_PLACE_INTRO = {"in", "near", "around", "to", "outside", "by", "toward", "towards", "en"}  # ("una casa en sunnyside")
# a place that locates another one said with it ("ocala, out west toward dunnellon")
_RELATIVE_INTRO = {"near", "outside", "by", "around", "toward", "towards"}
_INTRO_SKIP = {"the", "like", "maybe", "probably", "somewhere", "kind", "of", "up", "out", "over", "down", "just",
               "right", "close", "closer", "more", "really"}
_NOT_A_PLACE_START = {"of", "and", "or", "but", "so", "be", "is", "a", "an", "to", "in", "at", "for", "with"}
_NEGATED_PLACE = re.compile(r"\b(?:not|no|except|instead of|rather than|other than|but not|not in|not the one in|"
                            r"not that|from|anywhere but|anything but|no offense to|"
                            r"(?:don't|do not|doesn't|never) (?:want|like|love|"
                            r"care for)(?: to (?:live|be|buy|move))?(?: in| to)?)"
                            r"(?: the one in| like in| like| in| the)? $")
_HOME_WORDS = re.compile(r"\b(?:buy|buying|bought|purchase|sell|selling|list|listing|move|moving|relocat\w*|look|need|"
                         r"bedrooms?|bed|condo|townhouse|townhome|apartment|fixer|duplex|"
                         # land and the homes on it: "land up a holler in spruce pine and a single wide on it"
                         r"(?<!i )(?<!we )(?<!they )(?<!he )(?<!she )(?<!flight )(?<!plane )(?<!'ll )(?<!will )land|"
                         r"acres?|acreage|cabin|trailer|single wide|double wide|mobile home|homestead|farmhouse|"
                         r"lot(?! of\b)|"
                         r"looking|house|home|homes|houses|place|condo|property|properties|rentals|area|neighborhood|live|"
                         r"living|located|find|found|want|wanna|searching|shopping|prefer|like|love)\b")
_ZIP_DIGITS = {"0": "0", "oh": "0", "o": "0", "zero": "0"}
# picks among places said ("fargo, well, moorhead technically", "yakima, well, selah right outside it")
_NARROWING = {"probably", "mostly", "ideally", "preferably", "especially", "mainly", "well", "technically"}
_CORRECTION_CUE = re.compile(r"\b(?:actually|i meant|i mean|sorry|scratch that|correction|no wait|wait no|rather|"
                             r"changed (?:my|our) minds?|instead)\b")
# Taking back what was just said, in the same breath ("june, no wait, july"; "the first one. wait no, thursday")
_TAKES_BACK = re.compile(r"\b(?:no wait|wait no|wait wait|actually no|no actually|scratch that|i mean|i meant|"
                         r"but realistically|"  # "this week if i could lol but realistically sixty days"
                         # "it was april but now my wife says may", "it was three but now the bank says three fifty"
                         r"but now (?:(?:my|our|the) \w+|he|she|they|we|i) (?:says|said|say|wants|want|thinks|think)|"
                         # "we were thinkin june but my husband says august now": the one who decides has the say
                         r"but (?:my|our) (?:husband|wife|hubby|spouse|partner|fiance|fiancee|boyfriend|girlfriend) "
                         r"(?:says|said|wants|thinks)(?= .*\bnow$)|"
                         # "after four when im off, well, four thirty to be safe"
                         r"(?:well|or|say|actually)(?= (?:like )?(?:\d|one|two|three|four|five|six|seven|eight|nine|"
                         r"ten|eleven|twelve)[\w: ]{0,14} to be safe\b)|"
                         r"sorry i meant|make that|make it(?! (?:quick|quicker|fast|short|brief|snappy)\b)|or rather|"
                         r"correction|or no(?= \w))\b|"
                         # "did you say nine? i said ten"
                         r"\bi said(?= (?:at |like |around |on )?(?:\d|one|two|three|four|five|six|seven|eight|nine|"
                         r"ten|eleven|twelve|noon|monday|tuesday|wednesday|thursday|friday|saturday|tomorrow)\b)")
# A time said, refused, and another put in its place: "friday at 3 my wife cannot, 4 oclock better", "3 is no good
# for me, 4 works": the words after the refusal stand, as after "no wait"
_TIME_REFUSED = re.compile(r"\b(?:(?:doesn't|does not|won't|will not|wouldn't|don't|do not) work|"
                           r"(?:is |are )?(?:no good|not good|bad|too early|too late)|"
                           r"(?:can't|cannot|can not|couldn't)(?: (?:do|make) (?:it|that|then))?)"
                           r"(?: for (?:me|us|her|him|them))?,?(?= (?:but |so |how about |what about |maybe )?"
                           r"(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|monday|tuesday|"
                           r"wednesday|thursday|friday|saturday|sunday)\b)")
_CLOCK_BEFORE = re.compile(r"\b(?:\d{1,2}(?::\d{2})?|noon)(?: ?[ap]m| oclock)?(?: [\w']+){0,3}\s*$")


def _taken_back(c: str, expecting: str) -> list[re.Match]:
    """Where the lead takes back what they said before: "no wait", "make that", or a time refused for another."""
    back = list(_TAKES_BACK.finditer(c))
    for m in _TIME_REFUSED.finditer(c):
        before = _Turn(c[:m.start()]).digits.s
        if _CLOCK_BEFORE.search(before) and (expecting in ("confirm", "slot_choice", "callback_time")
                                             or _CLOCK_SAID.search(before)):
            back.append(m)
    return sorted(back, key=lambda m: m.start())


_BARE_COUNT = re.compile(r"^(?:(?:more |probably |maybe )?like |maybe |probably |more |closer to )?"
                         r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple|a few)\b"
                         r"(?! (?:months?|years?|weeks?|days?)\b)")
_YES_BUT = re.compile(r"\b(?:but|if|unless|as long as|only if|rather|instead)\b")
_WHY_AFTER = re.compile(r"\s+(?:i'll|i will|i'm|i am|we'll|we're|cause|because|since) .*$")
# a figure said on its own after "make that" at a time question: "two", "2:30", "ten thirty"
_BARE_CLOCK = re.compile(r"^\s*(?:like |about |around )?(\d{1,2}(?::\d{2})?)\b(?! (?:of|people|kids|bed|bath))")
# an offered time named by its hour alone ("10 works", "3:30 please"), in digits as the digit text writes it
_BARE_PICK = re.compile(r"^\s*(?:the |like |uh |um )?(\d{1,2}(?::\d{2})?)(?: oclock)?(?: one)?"
                        r"(?: (?:works?|is (?:good|fine|great|better|perfect|ok)|sounds (?:good|great)|"
                        r"would (?:work|be (?:good|great|better))|please|for me|is the one|one))?\s*$")
_LOOSE_CLOCK = re.compile(r"\b(?:like|around|about|say|round) (\d{1,2}(?::\d{2}| [0-5]\d)?)\b(?! (?:of|people|kids|"
                          r"bed\w*|bath\w*|months?|weeks?|years?|days?|minutes?|hours?|k|grand|percent|dollars|"
                          r"thousand|hundred)\b)")
_CLOCK_SAID = re.compile(r"\b(?:at|after|before|between|by|until|till|past) \d|\d(?::\d{2})? ?[ap]m\b|\b(?:mornings?|"
                         r"afternoons?|evenings?|noon|lunch)\b")
_BARE_HELLO = re.compile(r"^(?:hello|hi|hey|yes hello|hello hello)$")
_ALREADY_DONE = re.compile(r"\b(?:already|done|went and) (?:bought|purchased|found|closed|moved|sold|signed)\b|"
                           r"\b(?:we|i) (?:bought|found|sold|closed on) (?:a|our|the|my) (?:place|house|home)\b")
# Where the lead is or was, said in passing: not where they mean to buy
_PLACE_LEFT = re.compile(r"\b(?:(?:sold|left|sale of) (?:our|my|the) (?:\w+ )?(?:place|house|home|condo)|"
                         # "we winter in arizona now": where they spend the season, not where they buy
                         r"(?:we|i|they) (?:\w+ )?(?:winter|spend (?:the |our |my )?winters?)|"
                         r"(?:i|we) (?:currently |still )?live|(?:i'm|we're|i am|we are) (?:currently |still )?living|"
                         r"(?:i|we) grew up|(?:i'm|we're|he's|she's|i am|we are|he is|she is) (?:currently )?stationed|"
                         r"(?:already )?(?:bought|closed on) (?:a|our|the|my) (?:\w+ )?"
                         r"(?:place|house|home|condo)|"
                         # where they rent now, what they already own: "we've been renting in trumansburg forever",
                         # "i got two duplexes in pooler already"
                         r"(?:i|we|i've|we've|i'm|we're)(?: been)? (?:currently |still )?(?:renting|rent|rented)"
                         r"(?: an? \w+)?|"
                         r"(?:i|we) (?:got|have|own|already own|already have) (?:\w+ ){0,2}(?:duplex\w*|rentals?|"
                         r"houses|properties|units|doors|condos))"
                         r"(?: right now| currently| now| for now| at the moment)? "
                         r"(?:in|at|out in|up in|down in|over in|back in) $")
# words of moving somewhere: a place after them is where the lead is going, not where they are
_MOVING = ("transferred", "transferring", "moving", "move", "relocating", "relocate", "headed", "heading")
_GOING_TO = re.compile(rf"\b(?:{'|'.join(_MOVING)}|relocated|going|sent|sending|taking (?:us|me|him|her)) "
                       r"(?:back |down |up |out |over )?to $")
_SOLD_THERE = re.compile(r"(?:is |was |got |has |just |already |finally )*(?:sold|closed)\b")
_RENTS = re.compile(r"\b(?:rent|renting|rented)\b")
_OWNS = re.compile(r"\b(?:got|have|own)\b")


# what the home they have costs them to keep: said as why they move, a reason, not a worry about prices
_WHAT_IT_COSTS_TO_KEEP = re.compile(r"\b(?:taxes|insurance|hoa|fees|dues|assessments?|upkeep|utilities)\b")
# a date the move must be done by: "we need to be there by may first", "gotta be out by the 15th", "close by june 1"
_MOVE_DEADLINE = re.compile(r"\b(?:need|needs|have|has|gotta|got|want|wanna|hoping|hope|plan|planning|trying)(?: to)? "
                            r"(?:be (?:there|here|in|out|moved|settled|closed|down there|up there|moved in)|move|"
                            r"moved|close|closed|relocate|get there|get moved)(?: (?:in|out|down|up|over))? by\b")


def _where_they_are(said: str, clean: str, after: str, window: list[str]) -> bool:
    """Is a place said after `said` (words of living, renting, owning or leaving there) where the lead is, not where
    they buy? Where they rent, whatever they want next; what they own, unless they sell it or want more of it said
    after it; where they live, unless a word of moving or buying comes just before ("we want to buy where we live
    in...")."""
    if _RENTS.search(said):
        return True
    if _OWNS.search(said):
        # ("i got 6 doors in joplin already, lookin for more": an investor adds to what they own there; "buy more
        # doors, i already own two rentals in joliet" says what they own, not where the next ones are)
        return not _SELLS_IT.search(clean) and not _MORE_OF_THEM.search(after)
    return not set(window) & _TARGET_WORDS
_MORE_OF_THEM = re.compile(r"\b(?:looking for|look for|want|wanna|buy|buying|pick up|picking up|add|adding|grab|get)"
                           r" (?:a few |a couple |some )?(?:more|another|another one)\b")
_A_PERSON = re.compile(r"\b(?:talk|speak|speaking|talking|meet|meeting|ask|call|text|email) (?:to|with)? ?$|"
                       r"\b(?:with|for) (?:agent|realtor) $")
_TARGET_WORDS = {*_MOVING, "buy", "buying", "looking", "look", "want", "wanna", "find", "searching", "sell", "selling",
                 "listing", "closer", "retiring", "into"}
_CURRENT_WORDS = {"live", "living", "grew", "currently", "rent", "renting", "work", "working", "from", "leaving",
                  "left", "outgrew", "stuck", "stationed"}
_KIND_RANK = {"zip": 3, "town": 3, "state": 2, "part": 1, "street": 0}


def _introduction(tokens: list[str], start: int, value: str = "") -> str:
    """The word that introduces the place at `start` ("in", "near", "moving to"), looking past "the", "like"...;
    "on" too when the place (`value`) is an island town ("something on saint simons", "on hilton head"), not before a
    street, a lake or a house ("the house on maple", "a place on torch lake")."""
    i = start - 1
    while i >= 0 and tokens[i] in _INTRO_SKIP:
        i -= 1
    if i >= 1 and tokens[i] == "to" and tokens[i - 1] in ("close", "closer", "next", "near"):
        return "near"  # "papillion, close to offutt": a place that locates the one said first
    if i >= 0 and tokens[i] == "on" and value and (value.lower().endswith(" island") or an_island_town(value)
                                                   or {"island", "islands"} & set(tokens[:i])):
        return "on"  # ("out on the islands, on nantucket": the island is the town)
    return tokens[i] if i >= 0 and tokens[i] in _PLACE_INTRO else ""


# where the military sends them ("orders to", "pcsing to", "stationed at"): a base
_POSTED_TO = re.compile(r"\b(?:orders|pcs|pcsd|pcs'd|pcsed|pcsing|pcsin|stationed|deployed|deploying) "
                        r"(?:over |out |up |down )?(?:to|at|for|in)(?: the)? $")
_SALUTATIONS = {"aloha", "hello", "hi", "hey", "howdy", "yo", "aloha hi", "hi aloha"}
_QUESTION_WORDS = {"who", "what", "where", "why", "how", "huh", "which", "whose", "who's", "what's", "where's"}


def _location(turn: _Turn, expecting: str, state: str = "") -> Fact | None:
    """The place the lead is buying or selling in: every place the sentence names, found in the gazetteer
    (media_server.agent.places), the preferred one kept. Words that are not a place are never a location,
    whatever question they answer. Outside the location question a place counts only when introduced ("in",
    "near", "moving to") in a sentence about a home or a move. A place the lead negates ("not Round Rock",
    "moving from Ohio") is not kept; of the rest a town or ZIP beats a part of town or a street, and the last one
    said wins ("Boise, or actually Meridian")."""
    tokens = turn.tokens
    asked = expecting == "location"
    home_talk = bool(_HOME_WORDS.search(turn.clean))
    buys_too = bool(_BUY.search(turn.clean) or re.search(r"\bboth\b", turn.clean))  # buying as well as selling
    found = []
    spots = _places(tokens, state)
    for start, end, kind, value in spots:
        before = " ".join(tokens[:start]) + " "
        intro = _introduction(tokens, start, value)
        if _NEGATED_PLACE.search(before) and not any(tokens[spot[1]:start] in _TAKEN_BACK for spot in spots):
            continue  # ("not round rock"; but "sparks no reno": the "no" takes back the place before it)
        rest = [t for i, t in enumerate(tokens) if not start <= i < end and t not in _ANSWER_LEAD | _ANSWER_TAIL]
        corrects = bool(_CORRECTION_CUE.search(" ".join(tokens[max(0, start - 3):start])))  # "I meant Georgetown"
        said_alone = len(rest) <= 1 and not set(rest) & _QUESTION_WORDS  # "ava who?" asks, it names no place
        if not asked and (" ".join(tokens) in _SALUTATIONS or len(tokens) == 2 and tokens[0] in _SALUTATIONS):
            continue  # "aloha" greets (Aloha, Oregon, is asked about only at the location question)
        # (asked what they spend, "one point two million in mclean" says where too: a price, then "in" the place)
        # ("around a million, its on the water in westerly": the price, then where the home is)
        priced_there = expecting == "budget" and intro == "in" and start >= 2 and tokens[start - 1] == "in" \
            and bool(all_money(tokens[:start - 1], expecting_price=True))
        if not asked and not ((intro and (home_talk or priced_there)) or said_alone or corrects):
            continue  # a place said in passing counts when it is where they buy or sell, all they said, or a fix
        if not asked and (left := _PLACE_LEFT.search(before)) \
                and _where_they_are(left.group(0), turn.clean, " ".join(tokens[end:]), tokens[max(0, start - 5):start]):
            continue  # "cash, we sold our place in california", "i live in dallas": where they are, not where to
        if expecting == "preapproved" and _CASH_FROM.search(turn.clean):
            continue  # "cash from sellin our place in ohio": where the money comes from, not where they buy
        if not asked and _SOLD_THERE.match(" ".join(tokens[end:end + 3])) and _BUY.search(turn.clean):
            continue  # "we're buying, our house back in duluth already sold": where they were, not where to
        if start and tokens[start - 1] in ("after", "before", "until", "till", "til", "since"):
            continue  # "after harvest", "before easter": a time (Harvest, Alabama is not meant)
        if start and tokens[start - 1] == "than":
            continue  # "somewhere cheaper than boston": the place measured against, not the one meant
        if _GOING_TO.search(before) and _SELL.search(turn.clean) and not buys_too:
            continue  # "selling, my husband got transferred to charlotte": where they go, not the home they sell
        if not asked and _POSTED_TO.search(before) and (is_a_base(value) or place_kind(f"fort {value}") == "town"
                                                          or place_kind(f"{value} afb") == "town"):
            # "we got pcs orders to lewis mcchord", "orders to riley" (Fort Riley), "orders to maxwell" (Maxwell
            # AFB): the base they are sent to, not where they will live
            continue
        if value.lower() in _STORMS and _STORM_TALK.search(turn.clean) or value == "Hurricane" and end < len(tokens):
            continue  # "the house flooded in ida", "we lost it in hurricane michael": a storm, not a town
        if _PRICED_OUT_AFTER.match(" ".join(tokens[end:end + 6])):
            continue  # "conway probably, myrtle too high": the place they cannot afford is ruled out
        if not asked and _OTHERS_THERE.search(before):
            continue  # "eleven of us and some up in new york": where some of the family are, not the home
        if not asked and _WHERE_AN_AGENT_WORKS.search(before):
            continue  # "my brother in law sells houses out in livonia": where he works, not where they move
        if _A_PERSON.search(before):
            continue  # "can i talk to dana directly": the agent's name, not Dana, Indiana
        if start and tokens[start - 1] in _ASKS_OF and end < len(tokens) and tokens[end] in _DOES_FOR_US:
            continue  # "does dana do the central coast": a person asked about (our agent), not Dana, Indiana
        if not asked and end < len(tokens) and tokens[end] in _A_BUILDING_AFTER and zip_codes(value) < BIG_TOWN_HEARD:
            continue  # "the state farm corporate office": where they work, not a town
        if not asked and end < len(tokens) and tokens[end] in _LENDER_AFTER:
            continue  # "pentagon federal", "first national bank": a lender named after a place, not a place
        if _COVERAGE_ASKED.search(before):
            continue  # "do you guys cover duluth or just the cities": a question about us, not their answer
        if start and tokens[start - 1] in ("a", "an", "my", "our", "your", "his", "her", "their") and end - start == 1:
            continue  # "driving a rig", "my farm": a thing, not a town named after it
        rank = _KIND_RANK[kind] - (intro in _RELATIVE_INTRO)  # "Broken Arrow, just outside Tulsa": Broken Arrow
        rank -= 0.5 * (tokens[end - 1] in ("county", "parish"))  # "Baltimore County, Towson area": the town
        # "Raleigh Durham area, probably Durham": the place they narrow down to
        rank += 0.25 * bool(found and tokens[start - 1] in _NARROWING)  # breaks a tie, never beats a better kind
        # "bend or redmond, bend if we can swing it": the one said again is the one they settle on
        rank += 0.3 * bool(intro not in _RELATIVE_INTRO and any(f[2] == value for f in found))
        window = set(tokens[max(0, start - 5):start])
        # "we live in Frisco but want to buy in Prosper": Prosper
        given_up = bool(window & {"were", "was", "used"})  # "we were looking in Nashville but...": no longer
        rank += 0.5 * bool(window & _TARGET_WORDS and not given_up) - 0.5 * bool(window & _CURRENT_WORDS or given_up)
        rank -= 1.0 * (end < len(tokens) and tokens[end] in ("now", "currently"))  # "we're in Bakersfield now"
        # "both, we're selling in san jose and buying in st george": the place they buy in is the one they look in
        rank -= 0.75 * bool(window & {"sell", "selling", "list", "listing"} and buys_too)
        said = tokens[start - 1:end] if intro and tokens[start - 1] == intro else tokens[start:end]
        # (where they go: "moving to omaha", "closer to our daughter in connecticut")
        found.append((rank, start, value, " ".join(said), end, intro == "to" or bool(_TO_FAMILY_IN.search(before))))
    if (asked or home_talk) and (heard := _town_heard_in_pieces(tokens, asked, state)) is not None:
        # a town heard as other words ("bows man", "core da lane area", "boy see idaho"), where no town is spelled
        # out, or one is only inside the pieces ("spoke in valley washington": not Valley, Washington)
        start, end, fact = heard
        within = end < len(tokens) and tokens[end] == "in"  # "sugarland in first colony": where in it, after "in"
        # (a place spelled out only inside the pieces, or with the state said after them, is no other place; one
        # that runs on past them is: "daly city" is Daly City, not "daly" heard as Dale)
        if not any(f[0] >= _KIND_RANK["town"] and not (start <= f[1] and (f[4] <= end or state_code(
                " ".join(tokens[end:f[4]])))) and not (within and f[1] > end)
                   and not (f[1] >= end and _ON_IT.search(" ".join(tokens[max(0, f[1] - 2):f[1]])))
                   and not f[2].endswith((" County", " Parish")) and not is_a_base(f[2]) for f in found):
            # (a name after the town heard, "on" it or with "the", is its river or lake: "new braun fells on the comal")
            # (the town is in the county; "clerksville close to gate four at fort campbell": a base is no home)
            return fact
        # "chatanooga, hixson area", "lou a vull, st matthews area": the city heard, then the part of it they mean
        part = min((f for f in found if f[1] >= end), key=lambda f: f[1], default=None)
        if part is not None and all(f[1] >= end for f in found) and all(
                t in _BEFORE_A_PART for t in tokens[end:part[1]]) and zip_codes(fact.value) > zip_codes(part[2]):
            return Fact("location", f"{part[2]}, {fact.value}", f"{fact.words} {part[3]}")
    # "sparks no reno reno", "boise, i mean meridian": the place said first is taken back
    found = [f for f in found if not any(tokens[f[4]:g[1]] in _TAKEN_BACK for g in found)]
    if not found and asked:
        return _everyday_town(tokens)
    if asked and max(f[0] for f in found) < _KIND_RANK["part"] and (town := _everyday_town(tokens)) is not None:
        return town  # "york off of market street": the town said first, then the street in it
    if not found:
        return None
    rank = max(f[0] for f in found)
    best = [f for f in found if f[0] == rank]
    if len(best) > 1 and _CORRECTION_CUE.search(_APOLOGY_FIRST.sub("", turn.clean)):
        return _place_fact(best[-1])  # "Boise, or actually Meridian" ("oh sorry, X or Y": both)
    first = best[0]
    city = next((f for f in found if f[1] in (first[4], first[4] + 1) and tokens[first[4]:f[1]] in ([], ["in"])), None)
    if city is not None and _KIND_RANK["town"] <= city[0] and zip_codes(city[2]) > zip_codes(first[2]):
        # "fishtown in philadelphia", "park slope brooklyn": the neighbourhood, in the city it is part of
        return Fact("location", f"{first[2]}, {city[2]}", f"{first[3]} {' '.join(tokens[first[4]:city[4]])}")
    if len(best) > 1 and tokens[first[4]:best[1][1]] == ["or"]:
        # "Cedar Park or Leander": both
        return Fact("location", f"{first[2]} or {best[1][2]}", f"{first[3]} or {best[1][3]}")
    return _place_fact(first)


def _place_fact(found: tuple) -> Fact:
    """One place found as the location; `toward` when it was said as where they go ("moving to omaha")."""
    return Fact("location", found[2], found[3], toward=found[5] or None)


_ASKS_OF = {"does", "can", "will", "would", "could", "did", "is"}
_LENDER_AFTER = {"federal", "bank", "credit", "mortgage", "savings", "financial", "lending", "fcu"}
# "moving over to the state farm corporate office": a building of an employer named after a place, not a town
_A_BUILDING_AFTER = {"corporate", "office", "offices", "headquarters", "hq", "plant", "campus", "factory", "building"}
# The hurricanes people date their houses by ("flooded in ida", "since katrina"): names that are towns too
_STORMS = frozenset("katrina rita ike gustav isaac sandy harvey irma maria michael florence laura delta zeta ida ian "
                    "idalia helene milton beryl francine sally dorian matthew andrew hugo camille wilma charley ivan "
                    "opal".split())
_STORM_TALK = re.compile(r"\b(?:flood\w*|damage\w*|wreck\w*|destroy\w*|tore|torn|storm|hurricane|lost|water|roof|"
                         r"rebuil\w*|fema|insurance|since|after|before)\b")
_KIN = (r"(?:us|them|the (?:family|kids|cousins|grandkids)|(?:my|our) (?:family|kids|cousins|grandkids|siblings|"
        r"brothers|sisters|children))")
_PRICED_OUT_AFTER = re.compile(r"(?:(?:is|'s|are|got|gets|has gotten|is getting|prices are) )?"
                               r"(?:(?:way|just|too|so|getting|gotten|kind of|a little) )*(?:too (?:high|expensive|"
                               r"pricey|rich)|overpriced|out of (?:our|my) (?:range|budget|league|price range))\b")
_OTHERS_THERE = re.compile(r"\b(?:(?:some|most|half|the rest|a few|a couple|others|the others)"
                           rf"(?: of {_KIN})?|(?:one|two|three) of {_KIN})(?: (?:are|is|live|lives|"
                           r"living|stay|stays|staying|moved|went))?(?: (?:up|down|out|over|back))? "
                           r"(?:in|near|around) $")
_WHERE_AN_AGENT_WORKS = re.compile(r"\b(?:sells|sell|selling|does|is in|works in) (?:houses|homes|real estate)"
                                   r"(?: (?:out|up|down|over|around))?(?: in| near| by)? $")
_DOES_FOR_US = {"do", "cover", "work", "speak", "have", "know", "handle", "go", "sell", "come", "meet", "call", "serve"}
_COVERAGE_ASKED = re.compile(r"\b(?:do|does|can) (?:you|y'all|you all|you guys|your team|your company|dana)"
                             r"(?: guys| all| folks)? (?:even )?(?:cover|work|serve|service|go|sell|handle)\b")
_APOLOGY_FIRST = re.compile(r"^(?:(?:oh|um|uh|yeah) )*sorry\b")  # sorry for the answer before, not a correction


_INTRODUCES = {"by", "in", "near", "at", "on", "to", "from", "of", "for", "with", "off", "around", "outside"}
_ON_IT = re.compile(r"(?:^| )(?:on|the)$")  # "on the comal or the guadalupe": rivers (a town takes no "the")
_NEAR_BY = {"out", "over", "up", "down", "right", "somewhere", "close"}  # "out by", "somewhere by": near
_MOVING_TO = {"moving", "move", "relocating", "relocate", "down", "up", "over", "out", "back", "transferring"}


def _town_heard_in_pieces(tokens: list[str], asked: bool, lead_state: str = "") -> tuple[int, int, Fact] | None:
    """A town speech-to-text wrote as other words, run together by how it sounds (places.town_heard_as): "bows
    man" (Bozeman), "core da lane area", "boy see idaho" (a state said after them narrows the towns). Asked where,
    the answer must be those words and nothing else but fillers, the state, "area" or where in the town ("off
    sullivan road"); else they must come right after "in", "near", "outside" or "around" and end the sentence."""
    for start in range(len(tokens)):
        # the answer itself, after nothing but "uh", "in", "around" (asked), or right after "in", "near"...
        if not (asked and all(t in _ANSWER_LEAD for t in tokens[:start])
                or start and tokens[start - 1] in ("in", "near", "outside", "around")
                or start > 1 and tokens[start - 1] == "to" and tokens[start - 2] in _MOVING_TO
                or start > 1 and tokens[start - 1] == "by" and tokens[start - 2] in _NEAR_BY):
            continue  # ("movin down to fair hope": where they move; "out by bass trop": near it)
        heard = [(heard_likeness(found[2].words.split(), found[2].value), found[1], found)
                 for length in (4, 3, 2, 1) if (found := _heard_from(tokens, start, length, asked, lead_state))]
        # ("core dell lane area": Coeur d'Alene, not Cordele with a "lane" left over that names no street)
        heard = [h for h in heard if not (h[1] < len(tokens) and tokens[h[1]] in STREETS)] or heard
        if heard:  # the words that spell the town most nearly ("oh cala horse country": Ocala, not Eau Claire)
            return max(heard)[2]
    return None


def _heard_from(tokens: list[str], start: int, length: int, asked: bool,
                lead_state: str = "") -> tuple[int, int, Fact] | None:
    """The town heard in `length` words from `start`, when the words around them let it be one; with no state
    said, one of the lead's own state (`lead_state`) is looked for when no town anywhere sounds like them."""
    words = tokens[start:start + length]
    pieces = words[:-1] if length == 2 and words[-1] == "town" else words  # "evans town": Evanston
    # a little word inside the pieces ("far go", "cheek to wagga"): only when they spell a town all but exactly
    # (first too, before a piece that is no word: "her miston")
    loose = len(pieces) > 1 and (pieces[0] not in _NOT_A_PIECE and any(w in _NOT_A_PIECE for w in pieces[1:])
                                 or pieces[0] in _NOT_A_PIECE and not any(_common_word(w) for w in pieces[1:])
                                 and len(pieces) == 2 and pieces[0] not in _INTRODUCES) \
        and pieces[-1] not in _INTRODUCES  # ("near the lake by um lakeway": "by" says where, it ends no name)
    if len(words) < length or not all(w.isalpha() and (w not in _NOT_A_PIECE or loose) for w in pieces) \
            or words[0] == "in" or words[-1] == "in" and not (asked and start + length == len(tokens)) \
            or place_kind(" ".join(words)) not in ("", "street"):  # ("dent in", the whole answer: Denton)
        return None  # (a place spelled out, "san jose", "penn hills", is the other finder's to take or leave;
        # "core da lane" is no street)
    if any(state_code(w) for w in words[1:]) or length > 1 and words[-1] in postal_codes():
        return None  # ("gil bert az": the state is said after the pieces, not one of them: Gilbert, not Gilberts)
    if any(place_kind(" ".join(words[a:a + 2])) == "town" for a in range(length - 1)):
        return None  # ("santa fe on the east side": Santa Fe spelled out, not pieces of San Antonio)
    if length == 1 and (not asked or _common_word(words[0])):
        return None  # one word heard for a town ("shamburg", "wacko"): asked where, and no word said every day
    spelled = [w for w in words if place_kind(w) == "town"]
    after = tokens[start + length:]
    state, rest = state_code(" ".join(after[:2])), after[2:]  # "new mexico"
    if not state:
        state, rest = state_code(" ".join(after[:1])), after[1:]
    if not state and after[:1] and after[0] in postal_codes() and len(after) == 1:
        state, rest = after[0], []  # "tack oma wa", "gil bert az": a postal code ends the answer
    if not state:
        rest = after
    # nothing more is said but "area", the state, or where in it ("off sullivan road"): the words are all
    # the answer, not a sentence ("hold on the dog is", "cross us off your list")
    # ("nape revel somewhere by the good schools", "nape revel or like right by there")
    where = [t for t in rest if t not in _ANSWER_TAIL and t not in ("right", "just", "well")][:1]
    # ("frank lin, we want the williamson county schools": a new clause after the answer; "up in talla hassie for
    # our daughter": the place, then what it is for)
    if rest and not all(t in _ANSWER_TAIL for t in rest) and where and where[0] not in _WHERE_IN_IT \
            and not (asked and (rest[0] in _NEW_CLAUSE or _names_a_part(rest))) and not _a_part_next(rest) \
            and not (not asked and rest[0] in _AFTER_A_PLACE) and rest[0] != "where":  # "brawly where my folks are"
        return None
    town = town_heard_as(words, state, answer=asked and all(t in _ANSWER_TAIL for t in rest))
    if loose and town and (heard_likeness(words, town) < SPELLED_ALL_BUT_THE_SAME or heard_likeness(
            [w for w in words if w not in _NOT_A_PIECE], town) >= heard_likeness(words, town)):
        return None  # (the little word must be part of the name: "florida so we don't" is Florida said, then "so")
    if not town and not state and lead_state and not loose:
        town = town_heard_as(words, lead_state.lower(), prior=True)  # their own state's ("lag range", GA: LaGrange)
    # a small town spelled inside a bigger one-word town heard ("evans town", "mac donna", "alamo gordo":
    # Evanston, McDonough, Alamogordo, not Evans, Donna or Alamo: bigger in all, or bigger than the biggest of the
    # piece's name in any one state); a piece that is a town as big is the town meant,
    # and so is one in words that sound like a town of several ("wooster main" is not West Des Moines), unless they
    # are its words, one of them misheard ("san angela": San Angelo)
    names = town.lower().split()
    its_words = len(names) == len(words) and sum(a != b for a, b in zip(words, names, strict=True)) <= 1
    # (a town of ten times their people is meant over the pieces' towns: "leo minister", "core dell lane")
    dwarfs = town and all(people(town) >= max(SOUND_MIN_PEOPLE, NAMESAKE_TIMES * people(w)) for w in spelled)
    if town and (not spelled or " " not in town or its_words or dwarfs) \
            and all(zip_codes(town) > zip_codes(w) or most_zips_in_a_state(town) > most_zips_in_a_state(w) or dwarfs
                    for w in spelled):
        return start, start + length, Fact("location", town, " ".join(words))
    return None


def _common_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= _COMMON_ZIPF


_COMMON_ZIPF = 4.0  # "carry", "sure", "downtown" are said every day; "wacko", "fresco", "juliet" are not


def _a_part_next(rest: list[str]) -> bool:
    """Do the words after a town heard in pieces name a place within it ("hixson area", "maybe signal mountain")?"""
    words = list(rest)
    while words and words[0] in _BEFORE_A_PART:
        words.pop(0)
    return any(place_kind(" ".join(words[:n])) for n in (3, 2, 1) if len(words) >= n)


def _names_a_part(rest: list[str]) -> bool:
    """Do the words after a town heard in pieces name a part of it the gazetteer does not know ("talla hassie the
    killearn area", "oh cala horse country", "pensa cola east side")?"""
    said = rest[:next((i for i, t in enumerate(rest) if t in _NEW_CLAUSE), len(rest))]  # ("..., we need 10 acres")
    return 2 <= len(said) <= 4 and said[-1] in _A_PART_OF_TOWN and not any(t in _NOT_A_PIECE for t in said[1:-1])


_A_PART_OF_TOWN = {"area", "country", "side", "end"}
_AFTER_A_PLACE = {"for", "with", "so", "and", "but", "because", "cause", "since", "where", "now", "already", "we",
                  "i", "she", "he", "they", "my", "our"}  # ("my moms place in iron de quoit, she passed in january")
_BEFORE_A_PART = {"maybe", "probably", "like", "the", "in", "near", "by", "around", "up", "out", "over", "off", "or",
                  "st", "saint"}
_TAKEN_BACK = (["no"], ["nah"], ["no", "no"], ["i", "mean"], ["no", "i", "mean"], ["sorry"])
_WHERE_IN_IT = {"off", "near", "by", "around", "outside", "close", "next", "on", "downtown", "north", "south", "east",
                "walking",
                "west", "up", "down", "over", "out", "in"}  # "rancho cuca monga up near the foothills"


def _everyday_town(tokens: list[str]) -> Fact | None:
    """A town whose name is an everyday word, said first in the answer to "what area?" ("surprise", "golden, we
    love it up there"): asked where, the word is the place."""
    words = list(tokens)
    while words and words[0] in _ANSWER_LEAD:
        words.pop(0)
    while words and words[-1] in _ANSWER_TAIL:
        words.pop()
    for length in (3, 2, 1):
        rest = words[length:]
        # "golden, we love it up there", "york out past the fairgrounds"; not "golden retriever"
        said_alone = not rest or rest[0] in _NEW_CLAUSE or rest[0] in _WHERE_IN_IT
        if len(words) >= length and said_alone and place_kind(" ".join(words[:length]), answer=True) == "town":
            return Fact("location", _place_value(words[:length]), " ".join(words[:length]))
    return None


_NEW_CLAUSE = {"we", "i", "it's", "its", "that's", "thats", "they", "my", "our", "cause", "because", "we're", "i'm",
               "im", "they're"}


def _places(tokens: list[str], lead_state: str = "") -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) of each place in the tokens, longest first, not overlapping; `lead_state` (the
    lead's own, from their address) keeps a town of theirs from giving way to a bigger namesake elsewhere."""
    out = []
    i = 0
    while i < len(tokens):
        zip_code = _spoken_zip(tokens, i)
        if zip_code:
            if place_kind(zip_code[1]):
                out.append((i, zip_code[0], "zip", zip_code[1]))
            i = zip_code[0]
            continue
        for length in (5, 4, 3, 2, 1):
            words = tokens[i:i + length]
            if len(words) < length or words[0] in _NOT_A_PLACE_START or words[-1] in _PLACE_STOP or (
                    length == 1 and words[0] in _NOT_A_PLACE) or tokens[i + length:i + length + 1] in _A_TAX_AFTER \
                    or words[-1] in _THE_LAND and (length == 2 and words[0] == "the" or length == 1 and i
                                                   and tokens[i - 1] == "the"):
                continue  # ("the homestead exemption": a tax break, not Homestead, Florida)
            if length > 1 and words[-1] == "village" and tokens[i + length:i + length + 1] == ["of"]:
                continue  # "the villages village of fenney": The Villages, then which of its villages
            if length == 1 and words[0].endswith("'s") and i and tokens[i - 1] in ("in", "near", "outside", "around") \
                    and place_kind(words[0][:-2]) == "town":
                words = [words[0][:-2]]  # "this house in ocala's too big": Ocala is, not Ocala's
            # "my mom's place", "that's st patrick's day" are no place; "lee's summit", "charlotte's ville" are
            possessive = any(w.endswith("'s") for w in words)
            if possessive and (length == 1 or any(w in _IS_SAID_SHORT for w in words)):
                continue
            kind = place_kind(" ".join(words))
            if not kind and length >= 2 and words[-1] != "city" and zip_codes(" ".join([*words, "city"])) >= 2 \
                    and tokens[i + length:i + length + 1] != ["city"]:
                kind, words = "town", [*words, "city"]  # "lake havasu near the channel": Lake Havasu City
            if not kind and tokens[i + length:i + length + 1] != ["island"] and an_island_town(" ".join(words)):
                kind, words = "town", [*words, "island"]  # "on saint simons", "out on tybee": the island town
            in_pieces = False
            if not kind and length >= 2:  # a town heard in two pieces: "fort lauder dale", "green ville"
                for joined in _joined_pairs(words):
                    if place_kind(" ".join(joined)) == "town":
                        kind, words, in_pieces = "town", joined, True
                        break
            if kind:
                value = _place_value(words, town=is_a_name(" ".join(words)))
                if kind in ("town", "part") and (bigger := _bigger_town_heard(words, value)):
                    kind, value = "town", bigger
                elif kind == "town" and not _state_after(tokens[i + length:]) \
                        and (meant := _namesake_meant(words, value, in_pieces, lead_state)):
                    value = meant  # "ash ville", "up in boon": Asheville, Boone
                out.append((i, i + length, kind, value))
                i += length
                break
        else:
            i += 1
    return out


def _bigger_town_heard(words: list[str], value: str) -> str:
    """A name no postal town has (a neighbourhood's, a hamlet's) heard where a city spelled nearly so is far more
    likely meant ("el grove": Elk Grove), or ""."""
    if len(words) > 2 or not all(w.isalpha() for w in words) or zip_codes(value) or value in NICKNAMES.values() \
            or words[0] in DIRECTIONS:
        return ""  # (a postal town, however small, is meant as said: Mint Hill, Mililani; "south side" is no town)
    heard = town_heard_as(words)
    # (one spelled all but the same, "prescot valley", need not be as big: Prescott Valley)
    big = 2 if heard and heard_likeness(words, heard) >= SPELLED_ALL_BUT_THE_SAME else BIG_TOWN_HEARD
    return heard if heard and heard.lower() != value.lower() and zip_codes(heard) >= big else ""


def _state_after(after: list[str]) -> bool:
    """Is a state said right after a place ("savanna il", "boon michigan")? Then the town there is the one meant."""
    return bool(state_code(" ".join(after[:2])) or state_code(" ".join(after[:1]))
                or after[:1] and after[0] in postal_codes())


def _namesake_meant(words: list[str], value: str, in_pieces: bool, lead_state: str = "") -> str:
    """The city a hamlet's name a letter short of it stands for (places.better_known_namesake), with a direction
    said before it kept ("west ash ville": west Asheville); its words more than the name's are pieces run together."""
    direction = value.split()[0] if value.split()[0] in DIRECTIONS and words[0] in DIRECTIONS else ""
    name = value.removeprefix(direction).strip()
    said = [w for w in words if w not in DIRECTIONS or not direction]
    meant = better_known_namesake(name, in_pieces=in_pieces or len(said) > len(name.split()),
                                  state=lead_state.lower())
    return f"{direction} {meant}".strip() if meant else ""


BIG_TOWN_HEARD = 4  # ZIP codes: a town this big is the one meant over a hamlet spelled nearly as it
SPELLED_ALL_BUT_THE_SAME = 0.95  # Jaro-Winkler: a letter off ("prescot valley", "muncy" is not: Muncy, PA is a town)


def _joined_pairs(words: list[str]) -> Iterator[list[str]]:
    """`words` with a name's ending heard as a word of its own written back onto it ("lauder dale", "jackson ville",
    "gil bert")."""
    for k in range(len(words) - 1):
        first, ending = re.sub(r"'s$", "s", words[k]), _ENDING_HEARD.get(words[k + 1], words[k + 1])  # "charlotte's"
        if ending in _NAME_ENDINGS and first.isalpha() and len(first) >= 3 and first not in _NOT_A_NAME_START:
            yield [*words[:k], first + ending, *words[k + 2:]]


_NAME_ENDINGS = frozenset("ville dale field port land ford burg burgh boro borough ton town wood view mont ridge side "
                          "stead haven wick worth vale crest brook ham bert dorf head".split())
_WHERE_THEY_ARE_NOW = re.compile(r"\b(?:we're|were|we are|we live|i live|i'm|im|i am|we're living|living) "
                                 r"(?:down |up |out |over |still )?in ([a-z' ]+?) (?:right now|now|currently|at the "
                                 r"moment|for now)\b")
_IS_SAID_SHORT = frozenset("that's it's he's she's there's here's what's who's where's let's how's".split())
_A_TAX_AFTER = (["exemption"], ["exemptions"], ["exempt"])
_ENDING_HEARD = {"vill": "ville", "vil": "ville"}  # ("benton vill": Bentonville)
_NOT_A_NAME_START = frozenset("the and off near like need sell buy our my his her any some this that with from into "
                              "around over little small big tiny home down up".split())  # ("a little town called")
# words no town is heard in ("not sure yet", "close to my work"): a town in pieces is made of none of them
_NOT_A_PIECE = (_NOT_A_NAME_START | _NOT_A_PLACE_START | _ANSWER_TAIL | frozenset(
    "i we you they he she it my our your their his her the a an and or but so to of for with at by from not no yes "
    "yeah is are was were be that this there here what when where how um uh like".split()) | {
    "sure", "know", "yet", "got", "get", "hold", "hang", "want", "need", "go", "going", "looking", "buy", "sell",
    "sells", "sold", "buys", "bought",
    "move", "moving",
    "close", "closer", "near", "town", "city", "county", "somewhere", "anywhere", "quiet", "school", "schools",
    "just", "outside", "inside", "past", "right",
    "work", "sorry", "its", "it's", "wait", "actually", "lives", "live", "living", "day", "days", "week", "weeks",
    "month", "months", "year", "years"} | set(NUMBER_WORDS)) - {"in"}  # ("spoke in valley": Spokane Valley)


def _spoken_zip(tokens: list[str], i: int) -> tuple[int, str] | None:
    """A ZIP code said as digits ("78704") or digit by digit ("seven eight seven oh four")."""
    if re.fullmatch(r"\d{5}", tokens[i]):
        return i + 1, tokens[i]
    def digit(j: int) -> str | None:
        return _spoken_digit(tokens[j]) if 0 <= j < len(tokens) else None

    if digit(i - 1) is not None:
        return None  # inside a longer run of digits
    digits, j = "", i
    while j < len(tokens) and len(digits) < 5 and (d := digit(j)) is not None:
        digits += d
        j += 1
    # five digits and no more: "nine eight five five five five oh one four two" is a phone number
    return (j, digits) if len(digits) == 5 and digit(j) is None else None


_DIGIT_WORDS = {w: str(n) for n, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven",
                                                    "eight", "nine"))}


def _spoken_digit(word: str) -> str | None:
    """One digit as said or written: "oh", "seven", "7"."""
    return _ZIP_DIGITS.get(word) or _DIGIT_WORDS.get(word) or (word if re.fullmatch(r"\d", word) else None)



_OTHER_MONEY = re.compile(r"\b(?:paid|bought(?: it)?(?: for)?|rent(?:'s| is)?|owe|mortgage(?: is)?|"
                          # a rent said of a home they let ("it rents for 1200", "section 8 pays 1100")
                          r"rent(?:s|ed)(?: it)?(?: out)? for|(?:tenants?|renters?|section (?:8|eight)|voucher)"
                          r"(?: \w+){0,2} (?:pays?|paying|gives?|covers?)|"
                          # ("bah", the basic allowance for housing, is written "bar" by the r-dropped reading)
                          r"payment(?: is)?|(?:bah|bar|housing allowance|allowance|stipend|salary|paycheck) (?:is|are)|"
                          r"(?:everything|homes|houses|prices|it's all|they're all|stuff)(?: \w+){0,3} "
                          r"(?:is|are|go for|cost|costs|start at)(?: like| about| around)?|way out of|"
                          r"\beverything'?s (?:like|about|around)|"
                          r"nothing (?:under|below|for less than|less than)|who (?:can|could) (?:even )?afford)"
                          r"(?: \w+){0,2} $")
# Money beside the price they have in mind: savings and the down payment, taxes, what a neighbour's house sold for,
# what an appraisal said. `#` stands where the amount was said.
_NOT_THEIR_PRICE = re.compile(
    r"#(?: \w+){0,2} (?:saved|in savings|(?:to )?put down|for (?:the |a )?down ?payment|in (?:property )?tax\w*|"
    r"(?:special )?assessments?|"
    r"a year in tax\w*|(?:in |for |of )?rent\b|a month\b|per month\b|monthly\b|"
    r"in equity|left on)\b|"
    # help from family toward it ("my dad said he'd put in fifty", "her folks are chipping in twenty")
    r"\b(?:dad|mom|father|mother|parents|folks|in ?laws|grandma|grandpa|grandparents|family|he|she|they|he'd|she'd|"
    r"they'd|he'll|she'll|they'll)(?: [\w']+){0,3} (?:put|putting|puts|chip|chipping|chips|throw|throwing|kick|"
    r"kicking|pitch|pitching|give|giving|gives) (?:in|us)(?: like| about)? #|"
    r"\b(?:down ?payment|saved|savings|taxes|tax bill|appraised|appraisal|assessed|assessment|next door|neighbors?|"
    r"neighbou?rs?'s?|down the street|across the street|down the block|down the road|on (?:our|my|the) block|"
    r"across from (?:us|me)|next to (?:us|me)|"
    r"comps?|zestimate)\b(?: [\w']+){0,5} #|"
    # a price marvelled at: "these prices are insane, a bungalow in portage park for 500 grand, are you kidding me"
    r"\b(?:insane|crazy|ridiculous|nuts|absurd|outrageous)\b(?: [\w']+){0,8} for #|"
    r"#(?: [\w']+){0,3}? (?:are you kidding|are you kiddin|you kidding|you gotta be kidding)\b|"
    # what nothing costs less than, what they will not pay: "nothin down here under a million", "i aint payin 400"
    r"\bnothing(?: [\w']+){0,3} (?:under|below|less than|for less than) (?:a |like |about )?#(?: [\w']+){0,2}? "
    r"(?:is|that's|thats|you can|worth)\b|"
    r"\b(?:ain't|aint|not|won't|wont|never) (?:gonna |going to )?(?:pay|paying|payin|spend|spending) #|"
    # a figure beyond them: "payments on four hundred thousand would kill us" ("anything over 400 would kill us" is
    # their cap: kept)
    r"(?<!over )(?<!above )(?<!than )(?<!past )#(?: [\w']+){0,2}? (?:would|will|'d|gonna|is gonna|is going to) "
    r"(?:kill|bury|break|sink) (?:us|me)\b")
# ... unless they take it for their own: "the neighbors just got three forty, so something like that"
_TAKEN_AS_THEIRS = re.compile(r"\b(?:something|somewhere|around|about) (?:like |near |close to )?(?:that|there)\b|"
                              r"\bin that (?:range|ballpark|neighborhood)\b|\bat least (?:that|that much|as much)\b|"
                              r"\blike (?:that|"
                              r"theirs)\b|\bthe same\b|\bsimilar\b|\bthat's what we\b")
# "... after seeing the comps, more like 500": a figure they correct to is theirs whatever was said before it
_THEIRS_BEFORE = re.compile(r"\b(?:more like|closer to|(?:i'd|we'd|i would|we would|i'll|we'll) (?:take|want|ask|go)"
                            # "so i need at least 420"
                            r"|(?:i|we) (?:need|want|gotta get|have to get|need to get) (?:at least|a minimum of)"
                            r"|(?:our|my) (?:budget|max|price|number))(?: \w+){0,2} $|"
                            r"\bso $|"  # "the appraisal came in at 825, so 825": what it said, taken as theirs
                            # "the neighbor got 610 so maybe six hundred", "fine, we'll say seven": their conclusion
                            r"\bso (?:maybe|probably|like|say|i'd say|we'd say|call it) $|"
                            r"\b(?:we'll|we will|let's|i'll|i will) (?:just )?say $|\b(?:just )?call it $")
# "preapproved, plus like 400k down from the stock": the down payment, unless it is their answer to the budget
_DOWN_AFTER = re.compile(r" down\b(?! to\b)")
# a seller's asking price and the least they would take: the two ends of their price
_ASKING_AND_FLOOR = re.compile(r"\b(?:asking|listed (?:it )?(?:at|for)|list (?:it )?(?:at|for))\b.*\b(?:take|accept|"
                               r"settle for|go (?:down )?to|come down to|let it go for)\b")
# "four, but we could stretch to four fifty": the second figure is the top of what they would pay
_STRETCH = re.compile(r"\b(?:stretch|push|go up|go as high|(?:could|can|might) (?:go|do)|max|top out|tops|highest|"
                      r"most|up to|(?:no|not) (?:more|higher) than|(?:but )?not over)\b")
_CAP_MONEY = re.compile(r"\b(?:(?:pre)?approved (?:us |me )?(?:for|up to|to)|"
                        r"qualified (?:for|up to))(?: \w+){0,2} $")
_MIN_PRICE = 10_000  # a home's price; less is rent, a payment or a year
# the most they could pay, said beside what they would rather pay: the two ends of their range
_CEILING = re.compile(r"\b(?:could|can|would|might) (?:go|stretch|do) (?:to|up to|as high as|as much as)(?: \w+)? $|"
                      r"\b(?:max|maximum|ceiling|tops out at|no more than|not a penny over)(?: is| of| at)?(?: \w+)? $")
_PREFERRED = re.compile(r"\b(?:rather|prefer|like to|love to|ideally|hoping to|hope to)\b(?: [\w']+){0,5} $")


# "two point eight, my husband says three": two people's figures are the two ends of the household's range
_ANOTHER_SAYS = re.compile(r"\b(?:my|her|his|our|the) (?:husband|wife|spouse|partner|hubby|wifey|boyfriend|"
                           r"girlfriend|fiance|fiancee|mom|dad|son|daughter|brother|sister|realtor|agent) "
                           r"(?:says|said|thinks|wants|figures|reckons)\b")
_SPLIT_THE_DIFFERENCE = re.compile(r"\b(?:in between|in the middle|between (?:the two|those|them)|"
                                   r"split the difference|somewhere (?:in )?there|in there somewhere)\b")


_DISAGREE = re.compile(r"\b(?:can't|cannot|can not|don't|do not|didn't|couldn't) (?:seem to )?agree\b|"
                       r"\bdisagree\b|\bnot on the same page\b")


_ASKED_A_TIME = ("slot_choice", "confirm", "callback_time", "another_time")


_RANGE_OR_MORE = {"maybe", "or", "to", "probably", "possibly", "like", "up", "tops", "max", "more", "less", "than",
                  "around", "about"}
_SMALL_COUNTS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "1", "2", "3", "4", "5", "6",
                 "7", "8", "9"}


_APPROVED_FOR = re.compile(r"(?:\b(?:yes|yeah|yep|yup|approved|we are|we're|i am|i'm)\b(?: \w+){0,2}?|"
                           # "got the letter last week from the credit union for three ten": what the letter is for
                           r"\b(?:letter|preapproval|approval|prequalified|qualified)\b(?: [\w']+){0,7}?)"
                           r" for (?:like |about |around |roughly |up to |maybe )?(?:\d|one|two|three|four|five|six|"
                           r"seven|eight|nine|a million)")


def _budget(turn: _Turn, expecting: str) -> Fact | None:
    """The price the lead has in mind, said anywhere in the call when the words say money. Of several amounts:
    ones about other money (what they paid, their rent, what the bank approved) give way to the one they want;
    "X maybe Y" and "X or Y" are a range; otherwise the last one said is the one they mean ("three hundred,
    actually more like three eighty")."""
    tokens = turn.tokens
    # asked about a preapproval, "yeah, only for like 280" says what for: the price they can reach
    priced = expecting == "budget" or expecting == "preapproved" and bool(_APPROVED_FOR.search(" ".join(tokens)))
    amounts = [m for m in all_money(tokens, expecting_price=priced,
                                    expecting_time=expecting in _ASKED_A_TIME) if m.amount >= _MIN_PRICE]
    if not amounts:
        return None
    before = [" ".join(tokens[max(0, m.start - 6):m.start]) + " " for m in amounts]
    after = [" " + " ".join(tokens[m.end:m.end + 6]) for m in amounts]
    amounts = [m for m, b, a in zip(amounts, before, after, strict=True)
               # (what they paid is their price when they say so: "we paid five eighty in 2022 so at least that")
               if not (_OTHER_MONEY.search(b) and not _TAKEN_AS_THEIRS.search(" ".join(tokens[m.end:m.end + 9])))
               and not (expecting != "budget" and _DOWN_AFTER.match(a))
               and not (_NOT_THEIR_PRICE.search(b + "#" + a)
                                                      and not _TAKEN_AS_THEIRS.search(a)
                                                      and not _THEIRS_BEFORE.search(b))]
    if len(amounts) >= 2 and _DISAGREE.search(" ".join(tokens)):
        return None  # "my sister wants 200, my brother wants 250, we can't agree": no price of theirs yet
    # "put me down for 425 not 400": the figure they take back after another is not the one they mean
    amounts = [m for i, m in enumerate(amounts) if not (i and tokens[m.start - 1] == "not")]
    capped = [m for m in amounts if _CAP_MONEY.search(" ".join(tokens[max(0, m.start - 4):m.start]) + " ")]
    # (what the bank approved is a ceiling of its own, not the top of what they want: "approved up to 425 but we'd
    # rather stay around 380" is 380)
    ceilings = [m for m in amounts if m not in capped
                and _CEILING.search(" ".join(tokens[max(0, m.start - 4):m.start]) + " ")]
    preferred = [m for m in amounts if m not in ceilings and ceilings and m.amount < max(c.amount for c in ceilings)
                 and _PREFERRED.search(" ".join(tokens[max(0, m.start - 7):m.start]) + " ")]
    if preferred:  # "we could go to 400 but i'd rather stay nearer 350": both
        top = max(c.amount for c in ceilings)
        return Fact("budget", preferred[-1].amount, " ".join(tokens[min(m.start for m in ceilings + preferred):
                                                                    max(m.end for m in ceilings + preferred)]),
                    high=top)
    wanted = [m for m in amounts if m not in capped]
    amounts = wanted or amounts  # "approved up to 425" alone: that is their ceiling
    if not amounts:
        return None
    # "bout three hundred, and four bedrooms for his three and my two": a bare count said after a price is no
    # price, unless it corrects it ("three hundred, actually more like four")
    amounts = [m for i, m in enumerate(amounts) if not (
        i and m.end - m.start == 1 and tokens[m.start] in _SMALL_COUNTS
        and not _CORRECTION_CUE.search(" ".join(tokens[amounts[i - 1].end:m.start]))
        and not _ANOTHER_SAYS.search(" ".join(tokens[amounts[i - 1].end:m.start]))
        and not set(tokens[amounts[i - 1].end:m.start]) & _RANGE_OR_MORE
        and not set(tokens[max(0, amounts[i - 1].start - 2):amounts[i - 1].start]) & {"between", "from"})]
    chosen = amounts[-1]
    if len(amounts) >= 2:
        low, high = amounts[-2], amounts[-1]
        between = tokens[low.end:high.start]
        if high.end - high.start == 1:  # "three seventy five maybe four": four as the first figure was said
            scaled = high.amount
            while scaled >= 5 * low.amount and scaled % 10 == 0:
                scaled //= 10
            high = Money(scaled, high.high, high.start, high.end)
        if _ASKING_AND_FLOOR.search(" ".join(tokens[max(0, low.start - 3):high.start])):
            bottom, top = sorted((low.amount, high.amount))  # "asking 565 but i'd take 540": 540 to 565
            return Fact("budget", bottom, " ".join(tokens[low.start:high.end]), high=top)
        after = " ".join(tokens[high.end:high.end + 5])
        if low.amount != high.amount and (_SPLIT_THE_DIFFERENCE.search(after)
                                          or _ANOTHER_SAYS.search(" ".join(between))):
            bottom, top = sorted((low.amount, high.amount))  # "he says four, i say four fifty, so in between"
            return Fact("budget", bottom, " ".join(tokens[low.start:high.end]), high=top)
        if not between and low.amount < high.amount <= 1.5 * low.amount:
            # "2 80 2 90" as speech-to-text writes "two eighty, two ninety": two figures back to back
            return Fact("budget", low.amount, " ".join(tokens[low.start:high.end]), high=high.amount)
        if between and low.amount < high.amount and (
                set(between) <= {"maybe", "or", "to", "probably", "possibly", "up", "even", "ish", "so", "for", "it"}
                or _STRETCH.search(" ".join(between)) and not _CORRECTION_CUE.search(" ".join(between))):
            return Fact("budget", low.amount, " ".join(tokens[low.start:high.end]), high=high.amount)
    return Fact("budget", chosen.amount, " ".join(tokens[chosen.start:chosen.end]), high=chosen.high)


_SPOUSE_PASSED = re.compile(r"\b(?:my|our) (?:late )?(?:husband|wife|spouse|partner)(?: \w+){0,2} (?:passed|died)\b|"
                            r"\b(?:my|our) late (?:husband|wife|spouse|partner)\b|\bwidow(?:ed|er)?\b")


_PARENT_ALIVE = re.compile(r"\b(?:he's|she's|they're|he is|she is|they are) (?:\w+ )?(?:moving|living|in assisted|"
                           r"in a (?:home|nursing)|going into|staying)\b|\bassisted living\b|\bnursing home\b|"
                           r"\b(?:selling|sell) it for (?:him|her|them)\b|\bnot mine\b|\b(?:i'm|we're) (?:just )?"
                           r"(?:handling|helping)\b")


_CASH_FROM = re.compile(r"^(?:\w+ )?cash\b(?: \w+){0,2}? (?:from|we're|we are|after|once|when|out of)\b")
_PARENTS_PLACE = re.compile(r"(?:mom|dad|mother|father|parents|grandma|grandmother|grandpa|grandfather|aunt|uncle)'?s? "
                            r"(?:old )?(?:house|home|place)")
# ("she left it to me and my brother", "my mom house she pass away", "it was my mom's house": hers no longer)
_A_DEATH = re.compile(r"\b(?:passed|died|dies|inherit\w*|estate|probate|late|pass away|(?:she|he|they) (?:pass|die)|"
                      r"left (?:it |the (?:house|home|place) )?(?:to )?(?:me|us)|"
                      r"(?:it|this|that) was (?:my|our) \w+'?s (?:house|home|place))\b")
_PROPERTY_KIND = re.compile(r"(?:duplex\w*|fourplex|multi ?family)$")  # a rental sold is an investor's: it counts
_SELLS_IT = re.compile(r"\b(?:sell|selling|sold|list|listing)\b")
_BUYS = re.compile(r"\b(?:buy|buying|purchase|purchasing|roll (?:it |that |the money )?into|trade (?:up|into))\b")


_A_RESULT = re.compile(r"moving\b|too many (?:stairs|steps)|"
                       r"(?:can't|cannot|can not) \w+ (?:the |those |all )*(?:stairs|steps)")


# a reason said by its own name ("divorce", "retiring"), not by what it is made of ("need more room")
_NAMED_FIRST = re.compile(r"(?:(?:we're|we are|i'm|i am|it's|its|just|well|so|yeah|um|uh|mostly|mainly) )*")
_TO_INVESTORS = re.compile(r"\b(?:to|no|any|those|these|them|from|of|by|the|all the|other) (?:\w+ )?"
                           r"(?:flipper|investor)s?$")
_CAUSES = {"retiring", "divorce", "inherited"}  # a reason a move is the result of, whenever it is said
# the reason named to sum up what came before it
_SUMMED_UP = re.compile(r"\bso (?:(?:it's|its|it is|kind of|kinda|sort of|sorta|basically|really|mostly|more of) )*"
                        r"(?:an? |for )?(investment|retirement|downsizing|upsizing|relocation|divorce|inheritance|"
                        r"first home)\b")
_SUMMED_AS = {"investment": "investment", "retirement": "retiring", "downsizing": "downsizing", "upsizing": "upsizing",
              "relocation": "relocating", "divorce": "divorce", "inheritance": "inherited", "first home": "first home"}
_REASON_NAMES = {"divorce", "divorcing", "divorced", "retiring", "retirement", "retired", "investment", "investing",
                 "relocating", "relocation", "downsizing", "upsizing", "inheritance", "inherited"}


def _motivation(turn: _Turn, expecting: str) -> Fact | None:
    c = turn.clean
    if expecting == "preapproved" and _CASH_FROM.search(c):
        return None  # "cash from the sale of my mom's place": where the money comes from, not why they move
    said: list[tuple[int, Fact]] = []  # every reason said, in the rules' order
    for name, pattern in _MOTIVATION_RULES:
        m = pattern.search(c)
        if m and name == "inherited" and (_SPOUSE_PASSED.search(c) or _PARENT_ALIVE.search(c)) \
                and not re.search(r"\binherit|\bestate\b|\bprobate\b", c):
            # "my husband passed and the house is too much for me": their own home; "my dad's house, he's moving
            # in with us": a parent's move, not an inheritance (a reason of its own, when it is one)
            if alive := _PARENT_ALIVE.search(c):
                said.append((alive.start(), Fact("motivation", alive.group(0), alive.group(0))))
            continue
        if m and name == "inherited" and expecting != "motivation" \
                and _PARENTS_PLACE.fullmatch(m.group(0)) and not _A_DEATH.search(c):
            continue  # "it's on east 38th, my mom's house", "sellin my dads place": whose it is, not that it was left
        if m and name == "retiring" and re.search(r"\b(?:agent|realtor|broker)\b(?: [\w']+){0,5} retired\b", c):
            continue  # "our agent from 1998 is long retired": theirs, not the lead's
        if m and name == "retiring" and expecting != "motivation" and re.search(r"\b(?:i'm|i am|we're|we are) "
                                                                                r"retired\b", c):
            continue  # "i'm retired honey, any day's fine": why every day suits them, not why they move
        if m and name == "investment" and re.search(r"\bretir\w* (?:\w+ )?from (?:the |my |our )?(?:\w+ )?"
                                                    r"(?:rental|landlord|flipping|investing|investment)", c):
            continue  # "im ready to retire from the rental business": retiring, the rentals are what they leave
        if m and name == "investment" and re.fullmatch(r"(?:flipper|investor)s?", m.group(0)) \
                and _TO_INVESTORS.search(c[:m.end()]):
            continue  # "i aint sellin to no flipper", "tired of investors calling": who buys, not why they move
        if m and name == "investment" and (_PROPERTY_KIND.match(m.group(0)) or m.group(0).startswith("rent ")) \
                and _SELLS_IT.search(c) and not _BUYS.search(c):
            continue  # "selling the duplex on the east end", "we rent out the top floors, we'll sell": what they sell
        if m:
            said.append((m.start(), Fact("motivation", name, m.group(0))))
    if len(said) > 1 and (named := next((f for start, f in said if _NAMED_FIRST.fullmatch(c[:start])
                                          and f.words in _REASON_NAMES), None)):
        # "divorce, i need to sell and get my own place", "we're upsizing, we've got three kids now": the reason
        # named first, then what follows it
        return named
    if said:
        # a move or the stairs said after another reason are its result ("retiring, moving to arizona",
        # "downsizing, the kids are gone, moving down to st george", "retiring and he can't do stairs anymore")
        start, first = said[0]
        if _A_RESULT.match(first.words or "") and (before := [f for f in said[1:] if f[0] < start]):
            return min(before, key=lambda f: f[0])[1]
        if _A_RESULT.match(first.words or "") and (cause := next((f for _, f in sorted(said[1:], key=lambda f: f[0])
                                                                  if f.value in _CAUSES), None)):
            return cause  # "movin to florida when i retire in june": the move is the retirement's
        if summed := _SUMMED_UP.search(c):  # "keep it as a rental when we pcs out, so kind of an investment"
            return Fact("motivation", _SUMMED_AS[summed.group(1)], summed.group(0))
        return first
    # (a husband or wife who passed is no inheritance said: the reason is what comes with it, "to be near my daughter")
    passed = re.search(r"\b(?:passed|passed away|died)\b", c) if expecting == "motivation" \
        and not _SPOUSE_PASSED.search(c) else None
    if passed:
        return Fact("motivation", "inherited", passed.group(0))  # why they move: "she passed in january"
    if (m := _NEAR_FAMILY.search(c)) and _places(list(turn.tokens)):
        return Fact("motivation", "relocating", m.group(0))  # "closer to my parents up in asheville"
    if expecting != "motivation" and (m := _VOLUNTEERED_REASON.search(c)):
        return Fact("motivation", m.group(0), m.group(0))  # a reason said in passing: asking it again would grate
    if expecting != "motivation" or _DONT_KNOW.search(c) or _DENY.match(c) \
            or not _REASON.search(_MOVE_ITSELF.sub("", c)) or _NOT_A_REASON.search(c):
        return None
    words = list(turn.tokens)
    while words and words[0] in _MOTIVATION_LEAD:
        words.pop(0)
    answer = " ".join(words)
    if _A_JOB.match(answer):
        return Fact("motivation", "relocating", answer)  # "job at walmart home office", "work": a job takes them
    if words and words[-1] in _CLIPPED_AFTER:
        return None  # "salt water in the": cut off before the reason was said, so none is stored
    if _PRICE_CUE.search(answer) and _budget(turn, "budget") is not None:
        return None  # "i'd want at least three fifty for it": a price, the answer to another question
    return Fact("motivation", answer, answer) if answer else None


# words that make a figure a price ("three fifty for it", "the neighbors got five fifty"), not an age or a count
_PRICE_CUE = re.compile(r"\b(?:for it|for the (?:house|place|home|land)|asking|neighbors? (?:got|sold|listed)|worth|"
                        r"price|grand|thousand|million|dollars|bucks)\b")
# a sentence ending on one of these was cut off mid-phrase
_CLIPPED_AFTER = frozenset("the a an in on at of to for with from my our his her their and but or so because".split())


# the answer to "what's behind the move?" is a job ("job at walmart home office", "new job", "work"), not work done
# from home ("we both work from home now, we need more space")
_A_JOB = re.compile(r"^(?:(?:a|my|his|her|the|for|new|better|different) )*(?:job|jobs|work|career|position)"
                    r"(?: (?:offer|change|opportunity|thing|transfer|move))?"
                    r"(?: (?:at|with|in|for|over|down|up|out)\b.*)?$|"
                    # "got a job at central", "my wife got hired at wsu": a job taken, the answer to why
                    r"^(?:(?:i|we|he|she|my|our) )?(?:(?:wife|husband|hubby|spouse|partner|son|daughter) )?"
                    r"(?:got|landed|took) (?:(?:a|an|the|new|better) )*(?:job|position|offer|hired)"
                    r"(?: (?:at|with|by|on at|in|for)\b.*)?$")


# Money trouble with the home they have: "laid off and can't make the note", "lost my job, can't afford it anymore"
_HARDSHIP = (r"\b(?:laid off|lost (?:my|his|her|our) (?:job|work|income)|(?:can't|cannot|can not) (?:make|keep up "
             r"(?:with )?) (?:the |my |our )?(?:note|payments?|mortgage)|"
             r"(?:can't|cannot|can not) afford (?:(?:the |my |our )(?:note|mortgage|house)|"
             r"it (?:anymore|no more|any more)|to keep (?:it|the house|the place|up))|"
             r"behind on (?:the |my |our )?(?:note|payments?|mortgage)|foreclos\w*)\b")

# A motivation outside the categories is stored only when the answer gives a reason for moving; a question, a
# time for a meeting, a request to repeat or a refusal is not one ("can we talk about that when we meet").
_REASON = re.compile(r"\b(?:because|cause|so (?:we|i|the|our|my)|closer to|near(?:er)? (?:to )?(?:my|our|the|family|"
                     r"work|school)|want|wanna|need|tired of|sick of|more (?:space|room|land)|better|schools?|commute|"
                     r"family|kids|parents|mom|mama|momma|mother|dad|daddy|father|grandma|grandpa|daughter|son|"
                     r"grandkids|grandchildren|grandbabies|sister|brother|job|hired|work|yard|needs|first floor|"
                     r"one level|single level|nursing home|assisted living|caregiver|take care of|"
                     r"garage|pool|space|room|quiet|safer|cheaper|bigger|"
                     r"smaller|neighbors?|neighborhood|landlords?|lease|rent|out from under|health|weather|closer|"
                     r"single story|"
                     r"stairs|view|water|"
                     r"mountains|beach|city|country|town|knees?|hips?|my back|surgery|doctor|medical|mobility|"
                     r"wheelchair|(?:can't|cannot|can not) (?:do|handle|manage|keep up with|take care of|maintain)|"
                     r"the drive|driving (?:an hour|two hours|forever)|killing (?:me|us)|"
                     r"any ?more|moving in with|move in with|partner|girlfriend|boyfriend|fiance|fiancee|married|"
                     r"wedding|insurance|taxes|hoa|assessments?|flood\w*|hurricanes?|crime|traffic|noise|"
                     # a home they no longer use, or one the weather broke: "it's a second home we just don't use it"
                     r"(?:don't|do not|never|barely|rarely|hardly) (?:use|go to|get up to|get down to) (?:it|there)|"
                     r"second home|vacation home|weekend (?:house|place|home)|(?:tore|torn) up|damaged?|"
                     r"done (?:fixing|repairing)|"
                     # a place or a life they like: "we just like the desert", "stay down here full time"
                     r"(?:we|i|they) (?:just |really |both |kinda |kind of )?(?:like|love|prefer|enjoy|miss) "
                     r"(?:the|being|living|how)|"
                     r"full ?time|year round|"
                     r"desert|lake|ocean|sunshine|warm(?:er)?|slower pace|peace and quiet|change of scenery|"
                     r"fresh start|"
                     # a house the fire took, the smoke they cannot breathe: "our place burned in the gray fire"
                     r"burn(?:ed|t)|fires?|smoke|asthma|allerg\w*|lungs?|breathe|breathing|rebuild\w*)\b|" + _HARDSHIP)
_KIN = r"(?:family|parents|mom|mother|mama|momma|dad|daddy|father|kids|grandkids|grandchildren|daughter|son|sister|" \
       r"brother|in laws|folks)"
# Family to be near: a relocation when the lead names a place ("near the grandkids in atlanta", "down to florida
# to be by my daughter"), else a reason of its own.
_NEAR_FAMILY = re.compile(
    rf"\b(?:to be|moving|move|come|coming|get|living) (?:up |down |out |back )?(?:closer to|near|nearer to|by|"
    rf"close to) (?:(?:my|our|his|her|the|their) )?(?:\w+'s )?(?:{_KIN}|us|them|her|him)\b"
    rf"|\b(?:my|our|his|her|the) {_KIN} wants? (?:me|us|them|him|her) (?:closer|near|nearer|close)\b")
# the place family lives, said as where they go: "we're movin closer to our daughter in connecticut"
_TO_FAMILY_IN = re.compile(rf"(?:{_NEAR_FAMILY.pattern})(?: (?:up|down|out|over|back))? (?:in|to) $")
# Reasons outside the categories that are plain even when nobody asked: family to be near, a home lost.
_VOLUNTEERED_REASON = re.compile(
    rf"{_NEAR_FAMILY.pattern}|\b(?:lost|losing) (?:our|my|the) (?:place|house|home)(?: (?:in|to) (?:the |a )?\w+)?|"
    # a home lost to a disaster: "we got burned out in the park fire", "the fire took ours"
    r"\b(?:burned|burnt|flooded) out\b|\b(?:fire|flood|hurricane|tornado|storm) (?:took|destroyed|wiped out) "
    r"(?:ours|our|my|the)\b|"
    # the damage a storm did: "the tornado tore the roof off", "tornado last may messed up the house"
    r"\b(?:tornado|hurricane|storm|hail ?storm|hail|derecho|wildfire|fire|flood|tree)\b(?: \w+){0,3}? (?:tore|ripped|"
    r"blew|messed up|damaged|wrecked|totaled|totalled|took out|took off|knocked|caved|smashed|crushed) "
    r"(?:\w+ )?(?:the |our |my |that |half )?(?:roof|house|home|place|garage|porch|barn|shop|siding|windows|"
    r"it|us)\b|"
    # what the house costs to keep or risks: "out of the flood zone", "the flood insurance went up like three times"
    r"\b(?:out of|outta|leave|leaving) (?:the |this )?flood (?:zone|plain)\b|\b(?:flood |home |homeowners )?"
    r"(?:insurance|insurer|insurance company|taxes|property taxes|hoa(?: fees| dues)?) (?:went up|going up|doubled|"
    r"tripled|is killing|are killing|(?:is|are) (?:too high|insane|crazy)|(?:just )?(?:dropped|cancelled|canceled) "
    r"(?:us|me)|won't renew (?:us|me)|wont renew (?:us|me))\b"
    r"(?=.*\b(?:want out|need out|needed out|get out|leave|leaving|sell|selling|move|moving)\b)|"
    # storms, the weather, the coast they are tired of: "we rebuilt after sally and i'm done with storms"
    r"\b(?:done|tired|sick|through) (?:with|of) (?:the )?(?:storms|hurricanes|floods|flooding|tornadoes|snow|winters|"
    r"the cold|cold|heat|humidity|the coast|coastal living)\b|"
    r"\b(?:get|getting|move|moving) (?:off|away from) (?:the )?(?:coast|island|gulf|shore|mountain)\b|"
    # the water a storm left, a spouse or parent who needs care, a bill the condo sent: "got four feet of water in
    # helene", "my husband's going into memory care", "hit us with a forty thousand dollar special assessment"
    r"\b(?:got|took on|took in|had) (?:\w+ ){0,2}(?:feet|foot|inches) of water\b|"
    r"\b(?:street|yard|road|basement|neighborhood) (?:floods|flooded|keeps flooding)\b|"  # "the street floods"
    r"\b(?:going|goin|moving|movin|went|gone) into (?:memory care|assisted living|a nursing home|nursing home|"
    r"hospice)\b|"
    # a parent's house sold once they came to live with the lead: "sell my mama house, she moved in with me"
    r"\b(?:she|he|they|mama|mom|momma|dad|daddy|mother|father|grandma|granny|grandpa)(?: has| done)? "
    r"(?:moved|came|went) in with (?:me|us|my (?:sister|brother|daughter|son))\b|"
    r"\bspecial assessments?\b(?=.*\b(?:done|want out|need out|get out|leave|leaving|sell|selling)\b)|"
    + _HARDSHIP)
# "we need to move by april" says when, not why: needing or wanting the move itself is no reason for it
_MOVE_ITSELF = re.compile(r"\b(?:need|needs|want|wants|wanna|gotta|have|has|got)(?: to)? "
                          r"(?:move|be moved|be out|sell|buy|get out|relocate|list)\b")
_NOT_A_REASON = re.compile(r"\b(?:when we meet|are you|robot|what did you|what'd you|say that|let you go|bye|"
                           r"hello|you there|what was i|talk about that|get into (?:all )?that|none of your business|"
                           r"(?:rather|prefer to) not (?:say|get into|share)|(?:that's|it's) (?:private|personal)|"
                           r"why do you (?:need|want) to know|off (?:this|your|the) list|(?:that|this|your|these) "
                           r"questions?)\b|\?$")


# A yes or no to the question just asked. "We are" or "I have" is one only said alone or about the thing asked
# ("we are, with Compass"), not as the start of something else ("we are over on the east side").
_YES_ANSWER = re.compile(_LEAD + r"(?:(?:technically|i mean|i guess|well|uh|um) )*"
                         r"(?:(?:yes|yeah|yep|yup|sure|correct|absolutely|definitely|of course|that's right)\b|"
                         r"(?:we do|i do|we are|i am|we did|i did|we have|i have)(?=$| (?:already|yes|yeah|yep|"
                         r"actually|indeed|sorry|one|someone|somebody|an|a|with|got)\b)|"
                         # "we actually do have one now", "we got one", "i've got somebody"
                         r"(?:we|i)(?:'ve)? (?:actually |already |just |kind of |kinda )*(?:do have|have|got|'ve got) "
                         r"(?:one|someone|somebody|a guy|a lady)(?=$| (?:now|already|too|yes|yeah|actually|thanks|"
                         r"and|but|so|we|i|who|that|lined up|helping|for that)\b))")
_NO_ANSWER = re.compile(_LEAD + r"(?:probably not$|no|nope|nah|naw|not yet|not really|"
                        r"not (?:right )?now(?: no)?$|we don't|i don't|"
                        r"we haven't|i haven't|nobody|"
                        # ("we're not happy with him": they have one)
                        r"(?:we're not|i'm not)(?! (?:really |too |very |that |super |all that )?(?:happy|thrilled|"
                        r"satisfied|pleased|crazy about|in love))|not at the moment|never)"
                        r"\b(?! sure| certain| positive)|"
                        r"(?:.* )?(?:not|so|but|nope|nah)(?: [\w']+){0,4} no$")  # "not out here no", "... so no"
_NO_AGENT_ANY_MORE = re.compile(
    r"\b(?:let (?:him|her|them) go|fired (?:him|her|them|our agent)|not (?:any ?more|anymore)|no longer (?:have|"
    r"working with|with)|(?:listing|contract|agreement) with \w+(?: \w+)? expired|(?:contract|agreement) expired|"
    r"(?:listing|contract|agreement) expired with|"
    r"(?:let|letting) (?:the|our|my|that|her|his) (?:listing|contract|agreement) (?:run out|expire|lapse|go)|"
    r"(?:he's|she's|they're|he is|she is|they are) not (?:helping|working with|representing) us|"
    r"not (?:helping|representing) us|"
    # an agent of long ago: "our agent from 1998 is long retired"; one far away: "a guy in california but nobody here"
    r"(?:agent|realtor|broker)(?: from [\w ]{1,12}?)? (?:is |was |has |have |'s )?(?:long |since |been )?"
    r"(?:retired|passed away|passed|died|moved away|out of the business)|"
    r"(?:used|had) (?:one|an agent|a realtor|somebody|someone)\b.* but (?:she|he|they)(?:'s| is| has| was| have)? "
    r"(?:long |since )?(?:retired|out of the business|moved away)|"
    r"but (?:nobody|no one|not anybody|no agent)(?: \w+)? (?:(?:out|down|up|over) )?(?:here|there|local|locally|"
    r"in town|in \w+)|"
    # "we had one but the contract ran out"
    r"(?:had|used) (?:one|an agent|a realtor|somebody|someone)\b.* (?:but|and) (?:the |our |that )?"
    r"(?:contract|agreement|listing) (?:ran out|expired|lapsed|ended))\b")
# A late answer to the question before ("yes, preapproved through my company's lender" to "do you have an agent?"):
# its yes or no is about what it names, not about the question just asked.
_ABOUT_FINANCING = re.compile(r"\b(?:preapproved|prequalified|preapproval|approved|lender|mortgage|loan|cash)\b")
_ABOUT_AN_AGENT = re.compile(rf"\b{_AGENT_NOUN}")
_LISTING_ENDED = re.compile(r"\blisting (?:expired|ran out|lapsed)\b|"
                            r"\blisted (?:it )?(?:\w+ ){0,3}?with (?:\w+ ){1,5}?but (?:it|that|the "
                            r"(?:listing|contract)) (?:expired|ran out|lapsed|ended)\b|"
                            r"\b(?:didn't|did not|won't|never) renew\b")
_A_LISTING_ENDED = re.compile(r"\b(?:listing|listed)\b.*\b(?:expired|ran out|lapsed)\b")
# "my cousin's a realtor but she's in ohio, so no": the answer they end on
_ENDS_NO = re.compile(r"\b(?:so|but|and|before|in the past|years ago|back then) (?:no|nope|nah|not really|"
                      r"not (?:right )?now|not at the moment|not currently|(?:nobody|no one|none)(?: (?:right )?now| "
                      r"anymore| currently| at the moment| yet)?)$|"
                      r"\bbut (?:(?:we're|were|we are|i'm|i am) not|"
                      r"(?:we|i) (?:ain't|aint|don't|do not)) (?:using|usin|use|gonna use|going to use) "
                      r"(?:her|him|them)\b")  # to "do you have an agent?": no longer
_NO_AGENT_SIGNED = re.compile(r"^(?:(?:uh|um|well|no) )*not officially\b|"  # "not officially, i talked to a guy once"
                              r"\b(?:haven't|have not|didn't|did not|not|ain't|aint) (?:picked|chosen|decided on|"
                              r"committed to|"
                              r"settled on|gone with) (?:one|anyone|anybody|an agent|a realtor|any of them)\b|"
                              r"\b(?:not|aren't|are not|isn't|no one we're|nobody we're) (?:really |currently )?"
                              r"(?:working with|using|signed with|with) (?:anyone|anybody|any of them|nobody)\b|"
                              # "my sister in law is an agent but we're not signed with her"
                              r"\bbut (?:we're|we are|i'm|i am) not (?:really |officially )?(?:signed|working) with "
                              r"(?:her|him|them)\b|"
                              r"\b(?:didn't|did not|haven't|have not|never|ain't) (?:sign|signed) (?:with|up with) "
                              r"(?:anybody|anyone|nobody|no one|any of them|an agent|a realtor)\b|"
                              r"\bnothing official|\bnothin official|"  # "a buddy at century 21 but nothin official"
                              r"\b(?:didn't|did not|haven't|have not|never|ain't) (?:sign|signed) (?:anything|"
                              r"nothing|nothin|a contract|an agreement|any (?:contract|agreement|paperwork))\b|"
                              r"\bnot (?:signed|committed) (?:with|to) (?:anybody|anyone|an agent)\b")
_NO_AGENT = re.compile(r"\b(?:don't|do not|doesn't|haven't|have not|not|no|never|aren't|are not|am not|i'm not|"
                       r"we're not|without)(?: have| got| working with| using| use| signed with| talked to| yet|"
                       r" really| usually| normally)* "
                       r"(?:an?|any)? ?(?:agent|realtor|broker|real estate agent)\b")


# Selling it themselves, to "do you have an agent?", is a no ("we're doing it for sale by owner")
_BY_OWNER = re.compile(r"\b(?:fsbo|for sale by owner|by owner|(?:sell|selling|sold|list|listing|doing|do) (?:it|this|"
                       r"the (?:house|home|place)) (?:ourselves|myself|on our own|on my own))\b")


def _signed_since(c: str) -> re.Match | None:
    """An agent taken on after a listing ended ("our listing expired in january but we already signed with a
    different company"): said after the ending, and not denied there."""
    ended = _A_LISTING_ENDED.search(c)
    if ended is None:
        return None
    after = c[ended.end():]
    if _NO_AGENT_SIGNED.search(after) or _NO_AGENT.search(after) or _NO_AGENT_ANY_MORE.search(after):
        return None
    return _HAS_AGENT.search(after)


def _has_agent(c: str, expecting: str) -> Fact | None:
    if since := _signed_since(c):
        return Fact("has_agent", True, since.group(0))
    if expecting != "has_agent" and _A_LISTING_ENDED.search(c):
        # "sell, our listing (with remax) expired": who helps them now is not said, unless they say so ("the
        # listing expired and we let him go")
        let_go = _NO_AGENT_ANY_MORE.search(_A_LISTING_ENDED.sub(" ", c))
        return Fact("has_agent", False, let_go.group(0)) if let_go else None
    m = _NO_AGENT_ANY_MORE.search(c) or _NO_AGENT.search(c) or (
        (_NO_AGENT_SIGNED.search(c) or _ENDS_NO.search(c) or _positive(_BY_OWNER, c) or _LISTING_ENDED.search(c))
        if expecting == "has_agent" else None)
    if m:
        return Fact("has_agent", False, m.group(0))
    m = _HAS_AGENT.search(c)
    if m:
        return Fact("has_agent", True, m.group(0))
    if expecting == "has_agent" and not _ABOUT_FINANCING.search(c):
        m = _NO_ANSWER.search(c)
        if m:
            return Fact("has_agent", False, m.group(0).strip())
        m = _YES_ANSWER.search(c) or _AGENT_IN_THE_FAMILY.search(c)
        if m:
            return Fact("has_agent", True, m.group(0).strip())
    return None


# asked about an agent: "my brother in law does it on the side", "a cousin handles all that for us"
_AGENT_IN_THE_FAMILY = re.compile(
    r"\b(?:my|our|a) (?:\w+ )?(?:brother|sister|cousin|uncle|aunt|friend|buddy|dad|mom|father|mother|son|daughter|"
    r"nephew|niece|neighbor|neighbour|wife|husband)(?: in law|s in law)? (?:does it|does that|does all that|handles "
    r"(?:it|that|all that)|is doing it|is helping us|sells houses|does real estate)\b")


# "we did a pre qual online, does that count": not sure what they have, so nothing is stored and the question stands
_PRE_UNSURE = re.compile(r"\b(?:does|would|will) (?:that|this|it) (?:count|work|qualify|be enough)\b|"
                         r"\b(?:is|isn't) (?:that|this|it) (?:the same|enough|good enough)\b"
                         r"(?! (?:for|to buy|to get|in|out here|around here))|"  # ("is that enough for tucson": money)
                         r"\b(?:what's|whats|what is|is there) (?:the |a )?difference\b")


_ENDS_ON_NO = re.compile(r"\b(?:so|but) (?:no|nope|nah|not yet|not really)$")
# the lender named, then the answer: "pentagon federal yes", "through usaa yeah we are"
_ENDS_ON_YES = re.compile(r"^(?!.*\b(?:not|no|never|haven't|hasn't|didn't|don't|ain't)\b).*\b(?:yes|yeah|yep|yup)"
                          r"(?: (?:we are|we did|i am|i did|sir|ma'am))?$")


def _preapproved(c: str, expecting: str) -> Fact | None:
    if _PRE_UNSURE.search(c):
        return None
    if (expecting == "preapproved" or _ABOUT_FINANCING.search(c)) and (m := _PRE_DENIED.search(c)):
        return Fact("preapproved", "no", m.group(0))  # turned down, whatever came before ("we talked to the bank")
    if expecting == "preapproved" and (m := _ENDS_ON_NO.search(c)):
        return Fact("preapproved", "no", m.group(0))  # "we talked to a guy at the bank once, but no"
    for value, pattern in (("cash", _PRE_CASH), ("no", _PRE_LAPSED), ("no", _PRE_INTENDS),
                           ("in_progress", _PRE_PROGRESS), ("no", _PRE_NO),
                           ("yes", _PRE_YES)):
        m = pattern.search(c)
        if m and not (value == "cash" and _CASH_AND_LOAN.search(c)):
            return Fact("preapproved", value, m.group(0))
    if expecting == "preapproved" and not (_ABOUT_AN_AGENT.search(c) and not _ABOUT_FINANCING.search(c)):
        for value, pattern in (("in_progress", _WORKING_ON_IT), ("no", _HAVE_NOT_STARTED), ("no", _HAD_ONE_LAPSED),
                               ("yes", _LENDER_SAYS_OK), ("cash", _BARE_CASH),
                               ("yes", _GOT_THE_LETTER), ("no", _NO_ANSWER), ("yes", _YES_ANSWER),
                               ("yes", _ENDS_ON_YES)):
            m = pattern.search(c)
            if m and not (value == "cash" and _CASH_AND_LOAN.search(c)):
                return Fact("preapproved", value, m.group(0).strip())
    return None


# part cash, part a loan: the loan is what pre-approval is about ("we pay some cash some loan, the bank say ok")
_CASH_AND_LOAN = re.compile(r"\b(?:some|part|half) cash\b.*\b(?:loan|mortgage|financ\w*|bank)\b|"
                            # "cash from our oregon house plus a loan, we're pre approved"
                            r"\bcash\b.*\b(?:plus|and|with|and then|then) (?:a |the |some |our )?(?:loan|mortgage|"
                            r"financing)\b|"
                            r"\bcash and (?:a |some )?(?:loan|mortgage|financing)\b")
_LENDER_SAYS_OK = re.compile(r"\b(?:bank|lender|credit union|loan officer|mortgage (?:guy|lady|broker))(?: \w+)? "
                             r"(?:says?|said) (?:ok|okay|yes|(?:we're|we are|we|i'm|i am|i) (?:good|good to go|all set|"
                             r"set|approved|qualify|qualified)|we qualify|it's fine|fine|good to go)\b|"
                             # "i think so yeah the lender sent us somethin last week"
                             r"\b(?:bank|lender|credit union|loan officer|(?:va |fha |usda )?loan (?:guy|lady|man|"
                             r"woman|person|officer)) (?:sent|gave|issued) (?:us|me) (?:something|somethin|"
                             r"a letter|the letter|the approval|the preapproval|a preapproval)\b")


def _months_until(now: dt.datetime, day: dt.date) -> int:
    """Calendar months from now to `day`, as people count them: "in May" or "by May" said on 31 March is 2 (not the
    1.5 months of days between), "the end of the year" said on 10 March 9 (on 25 November: 1)."""
    return max(0, (day.year - now.year) * 12 + day.month - now.month)


def _amount(word: str) -> float:
    return {"a": 1, "an": 1, "a few": 3, "few": 3}.get(word) or (2 if "couple" in word else float(word))


def _in_units(amount: float, unit: str) -> int:
    return round(amount * {"day": 1 / 30.44, "week": 7 / 30.44, "month": 1, "year": 12}[unit])


_TL_PAST = re.compile(r"\b(?:been|lived|owned|had|rented|we've|i've)\b(?: [\w']+){0,4}? "
                      r"(?:for|since)(?: [\w']+){0,2} $|\bsince $|"
                      r"\b(?:it's|its|it is) (?:already |only |still )?$|"  # "i'm a cpa, it's march": the date, no plan
                      # ("school starts back in august", "gets back in may": ahead, not behind)
                      r"(?<!start )(?<!starts )(?<!get )(?<!gets )(?<!be )(?<!come )(?<!comes )(?<!moving )(?<!move )"
                      r"(?<!kids go )(?<!we go )(?<!they go )(?<!i go )(?<!to go )(?<!goes )(?<!going )(?<!head )"
                      r"\b(?:back|last|expired|lapsed|ended) (?:in |on )?(?:the )?$|"
                      # a month after a deed done: "she passed in december", "we took it off the market in january"
                      r"\b(?:she|he|they|who) dies? (?:[\w']+ ){0,3}?(?:in |on |back in )?$|"  # "she die in january"
                      # (not a sale wished for: "we'd like it sold by july", "want it listed by may")
                      r"(?<!be )(?<!get )(?<!got )(?<!to )(?<!been )(?<!like it )(?<!want it )(?<!need it )"
                      r"(?<!have it )(?<!get it )\b(?:passed|passed away|died|took|pulled|listed|"
                      r"sold|bought|closed|expired|lapsed|ended|started|retired|inherited|ran out|"
                      r"(?<=listing )run out)\b"
                      # (not across a clause: "after we get the cattle sold this fall so october")
                      r"(?: (?!so\b|but\b|because\b|cause\b)[\w']+){0,5}? (?:in |on |back in )?$|"
                      # "i got laid off from amazon in january" (not "getting married in june": ahead)
                      r"\b(?:(?:got|was|were|been|i|we|he|she|they|just) (?:laid off|let go|fired|married|divorced|"
                      r"transferred)|graduated)\b(?: (?!so\b|but\b|and\b|because\b|cause\b)[\w']+){0,5}? "
                      r"(?:in |on |back in )?$|"  # ("i got laid off so like asap": the plan, in a clause of its own)
                      # what befell someone: "my dad had a stroke at christmas"
                      r"\bhad (?:a|an|his|her|my|a bad) (?:stroke|heart attack|fall|surgery|accident|bad fall)\b"
                      r"(?: [\w']+){0,3}? (?:at |in |on |around |back in |over )?$|"
                      # something not done for a while: "we haven't heard from her in like two months"
                      r"\b(?:haven't|hasn't|have not|has not|hadn't|didn't)\b(?: (?!but\b|so\b|and\b|maybe\b|"
                      r"probably\b)[\w']+){1,5}? (?:(?:in|for) (?:like |about |almost |over |nearly )?)?$")
_TL_AGO = re.compile(r"^ (?:ago|back)\b")
# a time ruled out ("not moving in august"; "not moving till june" is june)
_TL_NOT_THEN = re.compile(r"\bnot (?:moving|going|selling|buying|listing|doing (?:it|this|that))(?: in| during)? $")
# how long something has gone on: "we been lookin a while now", "been with ours about a month"
_TL_EITHER_WAY = re.compile(r"\b(?:could|might|may) be\b.*\b(?:could|might|may) be\b")
_TL_BEEN = re.compile(r"\bbeen\b(?: [\w']+){0,3}? (?:(?:for|about|like|around|almost|over|nearly|going on) )*$")
_TL_DURATION = re.compile(r"(?:(?:about|like|around|almost|over|nearly|for) )*(?:a while|an? (?:week|month|year)|"
                          r"[\w.]+ (?:weeks|months|years)|a (?:few|couple(?: of)?) \w+|a long time)\b")
_A_MONTH = re.compile(rf"\b(?:{'|'.join(_MONTH_NUMBERS)})\b")
_A_SEASON = re.compile(rf"\b(?:{'|'.join(SEASON_STARTS)})\b")
# A life event the time is said with, when nobody asked when they move
_TL_EVENT = re.compile(r"\b(?:baby|babies|due|born|laid off|deployed|deployment|retir\w*|expecting(?! to)|"
                       r"expectin(?! to)|married|wedding|starts?|starting|graduat\w*|surgery|probate)\b"
                       r"(?: (?!so\b|then\b|but\b|and\b)\w+){0,3} $")
# the move tied to the event: "whenever my husband retires, which is june of next year"
_TL_TIED = re.compile(r"\b(?:whenever|once|as soon as|after|when)(?: [\w']+){0,3}? (?:retir\w*|graduat\w*|"
                      r"gets? married|marry|starts?|finish\w*|is born|comes?)\b")
_MOVE_WORD = (r"move|moving|moved|movers|moving truck|relocate|relocating|be in|be out|settled|"
              r"in a new (?:place|house|home)")
_TL_MOVED = re.compile(rf"\b(?:{_MOVE_WORD})\b")
# ("so like" after a first time is where it leads them: "we close in may so like june")
_TL_MOVE = re.compile(rf"\b(?:{_MOVE_WORD}|so(?= (?:like|probably|maybe|hopefully|ideally|i guess|i'd say) ))\b")
_TL_SCHOOL = re.compile(SCHOOL_OUT + r"|\b(?:end of (?:the )?school year|school (?:year )?(?:is )?(?:out|ends|over)|"
                        r"summer break|after graduation|(?:kids?|son|daughter) graduates?)\b")
_TL_AFTER_HOLIDAYS = re.compile(r"\b(?:after|past) (?:the )?(?:holidays|new year|new years|christmas|first of the "
                                r"year)\b|\b(?:first|start|beginning) of (?:the |next )?year\b|\bnew year\b")
_TL_AFTER_A_HOLIDAY = re.compile(r"\b(?:after|past|following|by|before|around|round|about|near) (?:the )?(labor day|"
                                 r"memorial day|easter|thanksgiving|(?:4th|fourth) of july|halloween|juneteenth|"
                                 rf"{FEDERAL_HOLIDAYS})\b")
_TL_BEFORE_HOLIDAYS = re.compile(r"\b(?:before|by|around|about|near|for|at) (?:the )?(?:holidays|christmas|"
                                 r"thanksgiving|end of (?:the |this )?year)\b|"
                                 r"\b(?:end of (?:the |this )?year|(?<!school )year end)\b")
_TL_NEXT_YEAR_END = re.compile(r"\bend of next year\b")
_MONTH_CUES = r"(?:(?:end|beginning|start|middle) of |early |late |mid |by |in |around |like |probably |maybe |or |" \
              r"about |till |until |after |before |come |this |next )"
_TL_BARE_MONTH = re.compile(rf"\b{_MONTH_CUES}?(january|february|march|april|june|july|august|september|october|"
                            rf"november|december)\b|\b{_MONTH_CUES}(may)\b|"  # "may" only with a cue: "may i ask"
                            r"\b(may)\b(?= (?:maybe|probably|hopefully|or june|ish|at the latest|ideally|of next year|"
                            r"(?:of )?20\d\d|of \d\d|"
                            r"if (?:we|i) can|if possible|if all goes well|if everything goes|"
                            r"\d{1,2}(?:st|nd|rd|th)?)\b| ?$)")
_TL_SEASON_ANY = re.compile(r"\b(?:(next|this|in the|by|by the|by next|around|early|late|in|come|until|till|"
                            r"before|after|this coming|over the|during the|probably|maybe|like|sometime in|"
                            r"(?:by )?(?:the )?end of(?: the)?)\s+)?"
                            r"(spring|summer|fall|autumn|winter)(?:,? (?:of )?(next year|this year|20\d\d))?\b"
                            # a town's name ("fall river", "spring hill", "winter park"), not a season
                            r"(?! (?:river|hill|creek|lake|valley|springs?|branch|city|grove|park|mills?|haven|"
                            r"garden|gardens|harbor|point)\b)")
# a month said with next year or a season of it: "june of next year", "next spring, like march or april"
_TL_OF_NEXT_YEAR = re.compile(r"^ (?:of |in )?next year\b")
_TL_NEXT_BEFORE = re.compile(r"\bnext (year|spring|summer|fall|autumn|winter)\b(?: [\w']+){0,4} $")
_MONTH_THEN_NEXT_YEAR = re.compile(rf"{_A_MONTH.pattern} (?:of |in )?$")  # "june of |next year"
_NEXT_YEAR_THEN_MONTH = re.compile(rf" (?:(?:in|around|like|probably|maybe|by|early|late|mid) )*{_A_MONTH.pattern}")
_TL_YEARS_RANGE = re.compile(r"\b(?:an?|another|one) (year|month)s? or (two|three|so)\b")


_LOAN_TALK = re.compile(r"\b(?:talk|speak|meet|sit down|apply|go|call) (?:to |with |at |in )?(?:a|the|our|my) "
                        r"(?:bank|lender|loan officer|credit union|mortgage (?:guy|lady|broker|person))\b")


# a season said of the weather or of letting the place, not of the move: "where it's cooler in the summer"
_TL_OTHER_SEASON = re.compile(r"\b(?:cooler|warmer|hotter|colder|milder|nicer|greener|brutal|unbearable|miserable|"
                              r"beautiful|gorgeous|dry|humid|windy|snowy|rainy|muggy)(?: out| up| down| there| here)? "
                              r"(?:(?:in|during|through) (?:the )?)?$|"
                              # when a place is let, not when they move: "somethin we can rent out in the summer"
                              r"\brent(?:ed|ing)? (?:it |them )?out (?:(?:in|during|over|for) (?:the )?)?$")


def _timeline(turn: _Turn, expecting: str, now: dt.datetime) -> Fact | None:
    """When the lead wants to move, in whole months from now, read only from words about time. Every time
    phrase is a candidate; one about the past ("we've been looking for a year", "since 2009") is not; of the
    rest, the one said nearest after a word about moving wins ("we close this month so we'd move next month"),
    else the first said ("probably January, after he graduates in December")."""
    d = turn.digits
    s = d.s
    if expecting in _ASKED_A_TIME and not _TL_MOVED.search(s):
        # asked for a time to meet or to be called: "after school lets out", "first of next month", "the week after
        # spring break so like monday the 23rd" name it
        return None
    if expecting == "preapproved" and _LOAN_TALK.search(s) and not _TL_MOVE.search(s):
        return None  # "nope, we were gonna talk to a bank after easter": when they see the bank, not when they move
    candidates = [c for c in _timeline_candidates(d, s, expecting, now)
                  if (c[3].startswith("so ") or not _TL_PAST.search(s[:c[0]])) and not _TL_AGO.match(s[c[1]:])
                  and not (c[3] == "yesterday" and _DONE_YESTERDAY.search(s[:c[0]]))
                  and not _TL_NOT_THEN.search(s[:c[0]])  # "december, im not moving in august with the storms"
                  and not _TL_OTHER_SEASON.search(s[:c[0]])  # "tehachapi, where it's cooler in the summer"
                  and not (_TL_BEEN.search(s[:c[0]]) and _TL_DURATION.match(c[3]))
                  and (expecting == "timeline" or c[2] <= 60)]  # "underwater in ten years": no plan to move
    # "retiring in june", "the baby's due in august": when that happens, not the move ("selling once he retires in
    # the fall" ties the move to it); asked when, an event's time is the answer only when it is the only time said
    # ("i start april 6 so asap": asap)
    moves = [c for c in candidates if not _TL_EVENT.search(s[max(0, c[0] - 30):c[0]])
             or _HOME_WORDS.search(s[:c[0]]) or _TL_TIED.search(s[:c[0]])]
    candidates = moves if expecting != "timeline" or moves else candidates
    if not candidates:
        return None
    # "our lease is up the end of may so june first": what the first time leads them to is their answer
    # ("we're moving in june so we'll start looking in april": the move said first stays the answer)
    if (so := [m.end() for m in re.finditer(r"\bso\b", s)]) and any(c[0] < so[-1] for c in candidates) \
            and (after := [c for c in candidates if c[0] >= so[-1]]) \
            and not any(_TL_MOVE.search(s[max(0, c[0] - 25):c[0]]) for c in candidates if c[0] < so[-1]):
        candidates = after
    # "we'd go tomorrow if the right place came up, but realistically spring": the time on a condition gives way
    if (firm := [c for c in candidates if not re.match(r" if\b", s[c[1]:])]) and len(firm) < len(candidates):
        candidates = firm
    if _TL_EITHER_WAY.search(s) and max(c[2] for c in candidates) - min(c[2] for c in candidates) >= 3:
        return None  # "depends on my orders, could be this summer could be next year": no time of theirs yet
    # "in the fall like october", "spring, probably may": the month they narrow the season to; "once school lets out,
    # end of may": the month they name, not when schools close in general
    if any(_A_MONTH.search(c[3]) for c in candidates):
        candidates = [c for c in candidates if not _TL_SCHOOL.match(c[3])] or candidates
        candidates = [c for c in candidates if not _A_SEASON.search(c[3]) or _A_MONTH.search(c[3])]
        # "in a few months, maybe june": the month is what the few months come to
        candidates = [c for c in candidates if not _TL_ROUGH.search(c[3]) or _A_MONTH.search(c[3])] or candidates
    # "right away, like next month", "no rush, maybe a year": the figure they settle on, not the manner
    concrete = [c for c in candidates if not _TL_VAGUE.search(c[3])]
    candidates = concrete or candidates
    moving = [m.end() for m in _TL_MOVE.finditer(s)]
    after_move = [(min(c[0] - end for end in moving if end <= c[0]), c) for c in candidates
                  if any(end <= c[0] for end in moving)]
    chosen = min(after_move)[1] if after_move else min(candidates, key=lambda c: c[0])
    return Fact("timeline", chosen[2], chosen[3])


def _timeline_candidates(d: DigitText, s: str, expecting: str, now: dt.datetime):
    """(start, end, months, words) for every phrase in `s` that says when."""
    asking = expecting == "timeline"
    today = now.date()
    for m in _TL_RANGE.finditer(s):
        if m.group(2) or m.group(3):
            yield m.start(), m.end(), _in_units(_amount(m.group(1)), m.group(2) or m.group(3)), d.words(*m.span())
    for m in _TL_NEIGHBOURS.finditer(s):
        if int(m.group(2)) == int(m.group(1)) + 1:
            yield m.start(), m.end(), _in_units(int(m.group(1)), m.group(3)), d.words(*m.span())
    for m in _TL_YEARS_RANGE.finditer(s):
        yield m.start(), m.end(), 12 if m.group(1) == "year" else 1, m.group(0)
    # a duration said alone is a time to move whatever was asked: "2 months", answering the question they expected
    alone = bool(_TL_ALONE.match(s))
    for m in [*_TL_IN.finditer(s), *((*_TL_BARE.finditer(s), *_TL_LAST.finditer(s)) if asking or alone else ())]:
        amount, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if s.startswith(" and a half", m.end()):  # "a year and a half": eighteen months
            yield m.start(), m.end() + 11, _in_units(_amount(amount) + 0.5, unit), d.words(m.start(), m.end() + 11)
            continue
        yield m.start(), m.end(), _in_units(_amount(amount), unit), d.words(*m.span())
    m = _positive(_TL_ASAP, s) or ((_TL_NOW.search(s) or _TL_SO_NOW.search(s)) if asking else None)
    if m:
        soon = m.re is _TL_NOW and "soon" in m.group(0)
        yield m.start(), m.end(), 1 if soon else 0, d.words(*m.span()).strip()
    for m in _TL_WHILE.finditer(s):
        yield m.start(), m.end(), 18, m.group(0)
    for m in _TL_YEARS.finditer(s):  # "could be years": a couple of years, as far as anyone can say
        yield m.start(), m.end(), 24, m.group(0)
    for m in _TL_NOT_ANOTHER.finditer(s):  # "not for another year": a year at the soonest
        yield m.start(), m.end(), 12 if m.group(1) == "year" else 1, m.group(0)
    for m in _TL_THIS_TIME_NEXT_YEAR.finditer(s):
        yield m.start(), m.end(), 12, m.group(0)
    for m in _TL_QUARTER.finditer(s):  # "end of q2": june; "in q3": july
        quarter_end = 3 * int(m.group(2))
        month = quarter_end if m.group(1) and ("end" in m.group(1) or m.group(1) == "late") else quarter_end - 2
        target = dt.date(today.year, month, 1)
        yield m.start(), m.end(), _months_until(now, target if target >= today.replace(day=1) else target.replace(
            year=today.year + 1)), m.group(0)
    for m in _TL_NOT_FOR.finditer(s):  # "not for a year at least": a year is the soonest
        yield m.start(), m.end(), _in_units(_amount(m.group(1)), m.group(2)), m.group(0)
    if asking:
        for m in _TL_WEEKS.finditer(s):  # "the week after next", "end of the month": now
            yield m.start(), m.end(), 0, m.group(0)
    for m in _TL_SEASON_ANY.finditer(s):
        cue, season, of_year = m.group(1) or "", m.group(2), m.group(3) or ""
        if not cue and not of_year and not asking:
            continue
        day = _season_day(today, season, cue, of_year)
        if re.search(r"\b(?:end of|late)(?: the)? $", s[max(0, m.start() - 12):m.start()]) or cue == "late" \
                or "end of" in cue:
            # "end of summer": mid-August
            day = max(day, dt.date(day.year, *SEASON_STARTS[season]) + dt.timedelta(days=55))
        yield m.start(), m.end(), _months_until(now, day), m.group(0)
    for m in _TL_SCHOOL.finditer(s):
        target = dt.date(today.year, 6, 1)
        yield m.start(), m.end(), _months_until(now, target if target >= today else target.replace(
            year=today.year + 1)), m.group(0)
    for m in _TL_AFTER_HOLIDAYS.finditer(s):
        yield m.start(), m.end(), _months_until(now, dt.date(today.year + 1, 1, 1)), m.group(0)
    for m in _TL_AFTER_A_HOLIDAY.finditer(s):  # "after labor day": the month it falls in
        yield m.start(), m.end(), _months_until(now, next_holiday(m.group(1), today)), m.group(0)
    for m in _TL_NEXT_YEAR_END.finditer(s):
        yield m.start(), m.end(), _months_until(now, dt.date(today.year + 1, 12, 31)), m.group(0)
    for m in _TL_BEFORE_HOLIDAYS.finditer(s):
        if "next year" not in s[m.end():m.end() + 10]:
            # the end of the year (mid-December), or before the holidays begin
            day = 15 if "end" in m.group(0) else 1
            month = 11 if "thanksgiving" in m.group(0) else 12  # "by thanksgiving": late November
            target = dt.date(today.year, month, day)
            target = target if target >= today - dt.timedelta(days=7) else target.replace(year=today.year + 1)
            yield m.start(), m.end(), _months_until(now, target), m.group(0)
    for m in _TL_NEXT_YEAR.finditer(s):
        # "june of next year", "next year in april": the month says when in it
        month_said = _MONTH_THEN_NEXT_YEAR.search(s[:m.start()]) or _NEXT_YEAR_THEN_MONTH.match(s[m.end():])
        if not _TL_AFTER_HOLIDAYS.search(m.group(0)) and "end of next year" not in s and not month_said:
            yield m.start(), m.end(), _months_until(now, dt.date(today.year + 1, 1, 1)), m.group(0)
    for m in _TL_MONTH.finditer(s):
        yield m.start(), m.end(), 1 if m.group(1) == "next" else 0, m.group(0)
    for m in _TL_BARE_MONTH.finditer(s):
        month = _MONTH_NUMBERS[m.group(1) or m.group(2) or m.group(3)]
        year = today.year + (1 if month < today.month or "next" in m.group(0) and month <= today.month else 0)
        said_with = _TL_NEXT_BEFORE.search(s[max(0, m.start() - 40):m.start()])
        said_year = re.match(r" (?:of )?(20\d\d)\b| of (\d\d)\b", s[m.end():])
        said_year = said_year and int(said_year.group(1) or 2000 + int(said_year.group(2)))
        if said_year and today.year <= said_year <= today.year + 10:
            year = said_year  # "april of 2027", "april of twenty twenty seven", "may of twenty seven"
        elif _TL_OF_NEXT_YEAR.match(s[m.end():]) or (said_with and said_with.group(1) == "year"):
            year = today.year + 1
        elif said_with:  # the month narrows that season: its year
            season = _season_day(today, said_with.group(1), "next", "")
            year = season.year + (1 if season.month == 12 and month < 6 else 0)
        day = 15 if m.group(0).startswith(("mid", "middle", "end of", "late")) else 1  # "end of May": mid-May
        target = dt.date(year, month, day)
        if m.group(0).startswith("before ") and target > today:
            target -= dt.timedelta(days=1)  # "before July": moved before July begins; "by July" is July's
            yield m.start(), m.end(), _months_until(now, target), m.group(0)
        elif day == 1:  # "in June": some time in it, the middle as good as any (said on 20 March: 3 months)
            yield m.start(), m.end(), _months_until(now, target.replace(day=15)), m.group(0)
        else:
            yield m.start(), m.end(), _months_until(now, target), m.group(0)
    for m in _TL_YEAR.finditer(s):
        if today.year <= int(m.group(1)) <= today.year + 10:
            yield m.start(), m.end(), _months_until(now, dt.date(int(m.group(1)), 1, 1)), m.group(0)


def _season_day(today: dt.date, season: str, cue: str, of_year: str) -> dt.date:
    """The first day of the season the lead means: the coming one; with "next" the one after it when the coming
    one has begun or is under six weeks away ("next spring" said in March is a year on, said in November it is the
    coming one); "of next year" in next year."""
    month, day = SEASON_STARTS[season]
    year = today.year + 1 if of_year == "next year" else int(of_year) if of_year.isdigit() else today.year
    target = dt.date(year, month, day)
    if not of_year:
        season_end = dt.date(today.year, month, day) + dt.timedelta(days=92)
        if season_end < today:
            target = dt.date(today.year + 1, month, day)
        elif target < today:
            target = today  # the season has begun: now
        if "next" in cue.split() and (target - today).days < 45:  # "next fall", "by next fall"
            target = dt.date(target.year + 1, month, day)
    return target


# the home they have now ("we're in a one bedroom with two kids"), not the one they want
_WHERE_THEY_LIVE = re.compile(r"(?:\b(?:we're|i'm|we are|i am|we live|i live|living|stuck|currently|we have|i have|"
                              r"we own|i own) (?:in )?(?:a |an |our |my |this |the )?|"
                              # the verb dropped: "we in a two bedroom with three boys"
                              r"\b(?:we|i|they) (?:in|stay in|staying in|renting|rent) (?:a |an |our |my |this |the )|"
                              # "this place is only two bedrooms", "three kids in a two bedroom"
                              r"\b(?:this|our|my|the) (?:place|house|home|apartment|condo|rental|unit)(?: now)? "
                              r"(?:is|has|'s) (?:only |just |like )?|"
                              r"\b(?:kids|us|of us|people|boys|girls|children|babies|grandkids|dogs?|cats?|family) in "
                              r"(?:a|an|our|this) |"
                              # "we need more room, it's a two bedroom": the home they have, too small
                              r"\b(?:more (?:room|space)|too small|too tight|cramped|outgr\w+)\b.{0,40}\b(?:it's|its|"
                              r"it is|this is|that's) (?:only |just )?(?:a |an )?|"
                              # "working from home in a one bedroom is killing me"
                              r"\b(?:home|here|stuck|living|cooped up|crammed) in (?:a|an|our|this|my) |"
                              # "we outgrew the two bedroom", "we've outgrown our 3 bed"
                              r"\b(?:outgrew|outgrown|outgrowing) (?:the |our |my |this |that |a )?|"
                              # "just us rattling around in four bedrooms"
                              r"\b(?:rattling|rattlin|knocking|bouncing) around in (?:a |an |our |this |these |all )?|"
                              # what they no longer need: "don't need four bedrooms and a pool anymore"
                              r"\b(?:don't|do not|doesn't|no longer) need (?:all )?(?:the |those |these |them )?)"
                              r"(?:tiny |small |little |cramped )?$")


_ORDINAL_BEDROOM = re.compile(r"\b(?:a|an|another|one more|the) (second|third|fourth|fifth|sixth) "
                              r"(?:bed|bedroom|room)\b")
_ORDINAL_NUMBER = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}


# the home they have, outgrown: "the two bedroom ain't cutting it", "our 3 bedroom is too small now"
_OUTGROWN = re.compile(r"(?: \w+)? (?:ain't|isn't|is not|aint|is no longer|just isn't) (?:cutting|enough|big enough|"
                       r"working)\b|(?: \w+)? (?:is |'s )?(?:too small|too tight|too cramped)\b")


# a count of rooms corrected right after it: "four bedrooms, well actually five"
_MORE_ROOMS = re.compile(r",? (?:(?:well|no|oh|or) )*(?:actually|i mean|make (?:it|that)) (\d{1,2})\b"
                         r"(?! (?:years?|months?|weeks?|kids|people|minutes?|grand|k|thousand|hundred)\b)")


def _bedrooms(turn: _Turn, expecting: str) -> Fact | None:
    d = turn.digits
    if m := _ORDINAL_BEDROOM.search(turn.clean):  # "we need a third bedroom for the baby": three
        return Fact("bedrooms", _ORDINAL_NUMBER[m.group(1)], m.group(0))
    m = next((m for m in _BEDROOMS.finditer(d.s) if not _WHERE_THEY_LIVE.search(d.s[:m.start()])
              and not _OUTGROWN.match(d.s, m.end())), None)
    if m is None and expecting == "bedrooms":
        m = _BARE_NUMBER.search(d.s)
    if m and m.re is not _BARE_NUMBER and (fix := _MORE_ROOMS.match(d.s, m.end())):
        m = fix  # "four bedrooms well actually five if my mom moves in": five
    if m and 0 < float(m.group(1)) <= 12:
        return Fact("bedrooms", int(float(m.group(1))), d.words(*m.span(1)) if m.re is _BARE_NUMBER else d.words(
            *m.span()))
    return None


_NAMES_A_DAY = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|next week|"
                          r"weekend)\b")


_REFUSED_BEFORE = re.compile(r"\b(?:can't|cannot|can not|couldn't|won't|don't|do not|not|no) (?:\w+ )?"
                             r"(?:do |make |take |work |use )?$")


# At a read-back only a pick said as one ("the first one", "no the other one") is a pick ("talk to my wife first"
# is not).
_PICK_AT_CONFIRM = re.compile(r"\b(?:the|that) (?:first|second|earlier|later|other|former|latter)\b"
                              r"(?! (?:time|thing|step|week|of))")


_DATE_BEFORE = re.compile(r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|"
                          r"july|august|september|october|november|december) (?:the )?$|"
                          r"\b(?:on|after|by|before|until|till|since) the $")


# "call me on my cell instead, it's 602 555 0187", "this is my work line, my cell is ...", "try my other number"
_OTHER_NUMBER_CUE = re.compile(r"\b(?:call|reach|try|ring|use|get) (?:me |us )?(?:on |at )?(?:my|our|the|this) "
                               r"(?:other|cell|cell phone|mobile|home|personal|new|private|own)(?: phone)? ?"
                               r"(?:number|phone|line|cell)?\b|"
                               r"\b(?:my|our) (?:cell|other number|mobile|cell phone|personal number|new number)"
                               r"(?: number)? (?:is|it's)\b|"
                               # "call my wife instead, she handles all this, 970...": the one who decides, for staff
                               r"\bcall (?:my|our) (?:wife|husband|spouse|partner|son|daughter)(?: instead)?\b")


_SAID_WITH_A_NUMBER = {"its", "it's", "is", "number", "the", "at", "and", "uh", "um", "area", "code", "instead",
                       "that's", "thats"}


def _other_number(turn: _Turn) -> Fact | None:
    """Another number the lead gives to be reached on, as E.164 (a US number of ten digits, said as digits or
    digit by digit), or None."""
    cue = _OTHER_NUMBER_CUE.search(turn.clean)
    if cue is None:
        return None
    digits = ""
    for word in turn.clean[cue.end():].split():
        if (said := word if word.isdigit() else _spoken_digit(word)) is not None:
            digits += said
        elif digits and (len(digits) >= 10 or word not in _SAID_WITH_A_NUMBER):
            break  # the number is over; words before it ("instead, it's") are passed over
    digits = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if len(digits) != 10 or digits[0] in "01":
        return None
    return Fact(OTHER_NUMBER, "+1" + digits, cue.group(0))


def _slot_choice(c: str, expecting: str) -> Fact | None:
    if expecting == "confirm" and not _PICK_AT_CONFIRM.search(c):
        return None
    c = re.sub(r"\bwhichever(?:'s|s)\b", "whichever is", c)  # "whichevers first": whichever is first
    if expecting not in ("slot_choice", "confirm") or (_DENY.match(c) and "neither" in c) or _ORDINAL_ADVERB.search(c) \
            or _DEFERS_MEETING.search(c):
        return None
    second = _SLOT_SECOND.search(c)
    first = _SLOT_FIRST.search(c)
    # "thursday the second", "march first", "on the second": a day of the month, not an offer picked
    first, second = (None if m and _DATE_BEFORE.search(c[:m.start()]) else m for m in (first, second))
    if first and first.group(0) in ("earliest", "soonest", "earlier", "sooner") and _NAMES_A_DAY.search(c):
        first = None  # "the earliest you've got on thursday": the earliest of that day, not the first offer
    if first and first.group(0) in ("either", "whichever", "anyone", "any of them") and _REFUSED_BEFORE.search(
            c[:first.start()]):
        first = None  # "i can't do either": a refusal of both, not a pick
    if first and first.group(0) in ("either", "whichever", "doesn't matter", "don't matter", "anyone", "any of them",
                                    "any is fine") and names_a_day(c):
        first = None  # "the 14th or 15th whichever": either of the days they name, not of ours
    if second and (not first or second.start() < first.start()):
        return Fact(SLOT_CHOICE, 2, second.group(0))
    if first:
        return Fact(SLOT_CHOICE, 1, first.group(0))
    return None
