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

import datetime as dt
import re

from .facts import Fact, Understanding, When
from .when import when_in
from .words import DigitText, find_money, tokenize

SLOT_CHOICE = "slot_choice"  # the fact name for the offered slot a lead picked (1 or 2); not in FACT_NAMES
MOTIVATIONS = ("relocating", "growing family", "downsizing", "upsizing", "investment", "first home", "retiring",
               "divorce", "inherited")


def _rx(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# --- normalisation ---------------------------------------------------------------------------------------

_REWRITES = {
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "y'all": "you all", "yall": "you all",
    "kinda": "kind of", "sorta": "sort of", "lemme": "let me", "gimme": "give me", "dunno": "don't know",
    "cuz": "because", "cos": "because", "im": "i'm", "dont": "don't", "cant": "can't", "didnt": "didn't",
    "doesnt": "doesn't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "havent": "haven't",
    "hasnt": "hasn't", "wouldnt": "wouldn't", "couldnt": "couldn't", "thats": "that's", "whats": "what's",
    "whos": "who's", "wheres": "where's", "hows": "how's", "theres": "there's", "youre": "you're", "ive": "i've",
    "okay": "ok", "okey": "ok", "alright": "all right", "mhm": "yes", "mmhmm": "yes", "yea": "yeah",
    "yah": "yeah", "ya": "yeah", "realtors": "realtor", "e-mail": "email", "pre-approved": "preapproved",
}
_PAIRS = {("uh", "huh"): "yes", ("mm", "hmm"): "yes", ("e", "mail"): "email", ("pre", "approved"): "preapproved",
          ("pre", "approval"): "preapproval", ("pre", "qualified"): "prequalified", ("a", "i"): "ai"}
_FILLERS = {"uh", "um", "umm", "uhm", "uhh", "uhhh", "er", "erm", "ah", "ahh", "hmm", "hm", "mm", "mmm", "eh"}
_WH = {"what", "who", "how", "where", "when", "why", "which", "that"}


def _normalise(text: str) -> list[str]:
    raw = tokenize(text)
    out: list[str] = []
    i = 0
    while i < len(raw):
        t = raw[i]
        pair = _PAIRS.get((t, raw[i + 1])) if i + 1 < len(raw) else None
        if pair:
            if pair != "ai" or (out and out[-1] in ("this", "you", "an", "a", "it", "that's")):
                out.append(pair)
                i += 2
                continue
        if t in _FILLERS:
            i += 1
            continue
        if t == "you" and i + 1 < len(raw) and raw[i + 1] == "know" and not (out and out[-1] in (
                "do", "did", "would", "if", "don't")) and (i + 2 >= len(raw) or raw[i + 2] not in _WH):
            i += 2  # "you know" as a filler
            continue
        for word in _REWRITES.get(t, t).split(" "):
            if not (out and out[-1] == word and not word[0].isdigit()):  # "i i want" → "i want"
                out.append(word)
        i += 1
    return out


class _Turn:
    def __init__(self, text: str):
        self.tokens = _normalise(text)
        self.clean = " ".join(self.tokens)
        self._digits: DigitText | None = None

    @property
    def digits(self) -> DigitText:
        if self._digits is None:
            self._digits = DigitText(self.tokens)
        return self._digits


# --- intents ---------------------------------------------------------------------------------------------

_LEAD = r"^(?:(?:oh|well|so|and|but|like|hey|ok|yeah|yes|um|look|listen|sorry|excuse me|please|sir|ma'am) )*"
_OPT_OUT = _rx(
    r"\b(?:stop|quit|cease) (?:calling|texting|contacting|bothering|harassing|messaging|ringing)\b",
    r"\b(?:take|remove|delete|scratch|cross|get|leave) (?:me|us|my (?:phone )?(?:number|name|info|information)"
    r"|this (?:phone )?number|my contact(?: info)?)(?: \w+){0,2}? (?:off|from|out of) (?:your|the|this|ur|all)\b",
    r"\b(?:remove|delete|erase|lose) (?:me|us|my (?:phone )?(?:number|name|info|information)|this (?:phone )?number)\b",
    r"\bdo not call (?:list|registry)\b", r"\b(?:unsubscribe|opt (?:me )?out|opting out)\b",
    r"\bleave (?:me|us) alone\b", r"\bno more (?:calls|calling)\b", r"\bharass\w*\b",
    r"\b(?:don't|do not|never) want (?:any more|anymore|more|any|your|these) (?:calls|phone calls)\b",
    r"\bi'?ll (?:report|sue)\b",
)
_NOT_OPT_OUT_BEFORE = re.compile(r"\b(?:don't|do not|not|didn't|never said|not saying|won't)(?: \w+)? $")
_DONT_CALL = re.compile(r"\b(?:don't|do not|never|quit) (?:ever )?(?:call|contact|text|phone|ring|bother)"
                        r"(?: me| us| this number| here)?\b(.*)")
_LIMIT_WORDS = {"before", "after", "until", "till", "til", "past"}
_TIME_PREFERENCE = re.compile(
    r"^ (?:before|after|until|till|til|at|on|in|during|between|early|late|this|tomorrow|today|tonight|next|past|"
    r"around|while|when|so early|so late|mornings?|evenings?|afternoons?|weekends?|at night|on \w+days?)\b")
# An answering machine's greeting (what a person never says to a caller).
_VOICEMAIL = _rx(
    r"\b(?:leave|record) (?:me |us )?(?:a |your )?(?:brief |short )?(?:message|name and number|voicemail)\b"
    r"(?:.*\b(?:after|at) the (?:tone|beep))?",
    r"\b(?:after|at) the (?:tone|beep)\b", r"\b(?:mailbox|voice ?mail ?box) (?:is )?(?:full|not set up)\b",
    r"\bhas not set up (?:their|his|her) voice ?mail\b", r"\bis not available(?: right now| at the moment)?\b"
    r"(?=.*\b(?:message|tone|beep)\b)",
    r"\byou(?:'ve| have) reached the voice ?mail\b",
)
_WRONG_NUMBER = _rx(
    r"\bwrong (?:number|person|guy|lady|house|people|phone|one)\b",
    r"\b(?:you've|you have|you got|you must have|you've got|you must've) (?:the |a )?wrong\b",
    r"\bno (?:one|body) (?:here )?(?:by|with|named|called) (?:that|this|the)\b",
    r"\bthere(?:'s| is) no (?:one|body) (?:here )?(?:by|named|called)\b",
    r"\bthere(?:'s| is) no (?:[\w']+ ){1,2}(?:here|at this number|living here|in this house)\b",
    r"\b(?:doesn't|does not|don't|do not) live here\b", r"\bnever heard of (?:him|her|them|that person)\b",
    r"\bi don't know (?:who that is|anyone (?:by|named)|any(?:one|body)? (?:by )?that name)\b",
    r"\bnot (?:the )?(?:right|correct) (?:person|number)\b",
)
_SPANISH = _rx(
    r"\b(?:habla|hablo|hablas|hablan|español|espanol|inglés|hola|bueno|quién|quien|gracias|entiendo|señor|señora"
    r"|mande|por favor|no ingles)\b",
    r"\b(?:speak|speaks|talk|in) spanish\b", r"\bspanish (?:please|speaker|speaking)\b",
)
_OTHER_LANGUAGE = re.compile(r"\b(?:speak|speaks|talk|in) (chinese|mandarin|cantonese|vietnamese|korean|russian|"
                             r"portuguese|french|arabic|hindi|tagalog)\b|\b(?:no|don't|do not) (?:speak )?english\b"
                             r"|\bno english\b")
_LANGUAGE_CODES = {"chinese": "zh", "mandarin": "zh", "cantonese": "zh", "vietnamese": "vi", "korean": "ko",
                   "russian": "ru", "portuguese": "pt", "french": "fr", "arabic": "ar", "hindi": "hi",
                   "tagalog": "tl"}
_IS_ROBOT = _rx(
    r"\b(?:are you|is this|is that|am i (?:talking|speaking) (?:to|with)|you're|you are|this is|is it|r u|are u) "
    r"(?:a |an |just a |like a |some (?:kind of |sort of )?(?:a )?|actually a |even a |really a )?(?:robot|bot|machine"
    r"|computer|ai|artificial intelligence|recording|recorded|automated|automatic|real person|real human|human|live "
    r"person|person|real|actual person|chat ?bot|robocall|robo call)\b",
    r"\bsound(?:s)? like a (?:robot|machine|computer)\b",
    r"\b(?:talk|speak) (?:to|with) (?:a |an )?(?:real|live|actual) (?:person|human|agent)\b",
    r"\bis this (?:a )?(?:robo ?call|machine)\b", r"\bare you (?:a )?(?:bot|ai)\b",
)
_WHO_IS_THIS = _rx(
    r"\bwho(?:'s| is| are| was)? (?:this|you|calling|speaking|it)\b",
    r"\bwho (?:did you say|do you work for|do you represent|are you with|is calling|'s calling)\b",
    r"\bwhere (?:are|r) you calling from\b", r"\bwhat company\b", r"\bwhich company\b",
    r"\bwhat(?:'s| is) (?:your name|the name of your company|your company)\b",
    r"\bwhat(?:'s| is| was) (?:this|it|that|the call) (?:about|regarding|for)\b",
    r"\bwhat are you calling (?:about|for)\b", r"\bwhy are you calling\b", r"\bwhat do you want\b",
    r"\bis this (?:a |some )?(?:sales|marketing|telemarketing|spam|scam) call\b",
)
_HOW_GOT_NUMBER = _rx(
    r"\b(?:how|where|why) (?:did|do|'d) you (?:get|find|have|got|obtain) (?:a hold of )?(?:my|this|our|me)"
    r"(?: \w+)?\b",
    r"\bwho gave you (?:my|this|our|me)\b", r"\bhow (?:do|did) you (?:know|have) (?:my|about me)\b",
    r"\bwhere(?:'d| did) you get (?:my|this|that|our) \w+\b", r"\bhow'?d you get (?:my|this)\b",
)
_GOODBYE = _rx(
    r"^(?:(?:ok|all right|thanks|thank you|well|yeah|no|ok thanks) )*(?:bye|goodbye|bye bye|good bye|see ya|see you"
    r"|take care|have a (?:good|nice|great|blessed) (?:day|one|night|evening|afternoon|weekend))(?: now| then| bye)*$",
    r"\b(?:goodbye|bye bye|good bye|gotta go|got to go|have to go|need to go|gotta run|have to run|got to run|"
    r"i'm hanging up|hanging up now|talk to you later|talk later)\b",
    r"\bbye$",
)
_CALLBACK = _rx(
    r"\b(?:call|ring|try|reach|hit|text) (?:me |us )?(?:back|later|again|another time|some other time|tomorrow|"
    r"tonight|next|in|at|after|around|on|this|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    r"\bcall back\b", r"\bcall me\b",
)
_OBJECTIONS = [
    ("not_interested", _rx(
        r"\b(?:not|no longer|never been|isn't|aren't) (?:really |even |at all |that |very |too )?interested\b",
        r"\bno interest\b", _LEAD + r"(?:no|nah|nope)(?: thanks| thank you)\b",
        r"\b(?:i'm|we're|i am|we are) (?:all set|good thanks|good thank you|fine thanks|not interested)\b",
        r"\bnot (?:for me|for us|my thing)\b", r"\bnot in the market\b",
        r"\b(?:we're|i'm|we are|i am) not (?:looking|planning|thinking|going|trying|wanting) (?:to |on |of |about )?"
        r"(?:buy|sell|mov|list)\w*",
        r"\b(?:don't|do not) (?:want|plan|need|intend) to (?:buy|sell|move)\b",
        r"\balready (?:bought|sold|found|closed|moved)\b", r"\b(?:staying put|happy where (?:we|i) (?:are|am))\b",
    )),
    ("has_agent", _rx(
        r"\b(?:i|we)(?:'ve| have|'ve got| got| already have| already got| do have| already| do) (?:already )?"
        r"(?:got |have )?(?:an?|my|our) (?:own )?(?:agent|realtor|real estate agent|broker|guy|person)\b",
        r"\b(?:i'm|we're|i am|we are) (?:already )?(?:working|work|signed|going|dealing|listed) with (?:an?|my|our|"
        r"another|someone|somebody|a different) ?(?:agent|realtor|broker|real estate agent|someone|somebody|"
        r"company|team)?\b",
        r"\b(?:my|our) [\w' ]{0,30}?(?: is| was|'s) (?:an?|our|my) (?:realtor|agent|real estate agent|broker)\b",
        r"\b(?:i'm|i am) (?:an?|myself an?) (?:realtor|agent|real estate agent|broker)\b",
        r"\balready (?:listed|has an agent|have someone|got someone)\b", r"\bhave someone (?:already|helping)\b",
    )),
    ("just_looking", _rx(
        r"\bjust (?:looking|browsing|curious|checking|seeing|getting (?:started|an idea|a feel)|window shopping|"
        r"kicking (?:the )?tires|researching|poking around|starting to look|looking around|dreaming)\b",
        r"\b(?:only|simply) (?:looking|browsing)\b", r"\bnot (?:quite |really |even )?ready(?: yet)?\b",
        r"\bwindow shopping\b", r"\bearly stages?\b",
    )),
    ("busy", _rx(
        r"\b(?:i'm|i am|we're|we are) (?:really |kind of |a little |a bit |pretty |so |super |very |just )?"
        r"(?:busy|driving|at work|working|in a meeting|in class|in the middle of|with (?:a |my )?(?:client|customer|"
        r"patient|kids)|at dinner|eating|about to (?:go|leave|walk)|on the other line|on another call|in the car)\b",
        r"\b(?:bad|not a good|terrible|inconvenient|busy|not the best) time\b",
        r"\b(?:can't|cannot|can not) (?:really )?talk\b", r"\bnot (?:right )?now\b", r"^later$",
        r"\b(?:call|ring|try|reach|hit) (?:me |us )?(?:back|later|again|another time|some other time|tomorrow|"
        r"tonight|next|in|at|after|around|on|this|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        r"\bcall back\b", r"\bcan you call\b", r"\banother time\b",
        r"\b(?:can i|i'll|i will|let me|i'm going to|i can|i'm gonna) (?:call|get back to) you(?: back| later)?\b",
        r"\b(?:i'm|i am|we're|we are) (?:at|in) (?:the )?(?:doctor|dentist|gym|store|hospital|school|church|airport|"
        r"office|game)\b",
    )),
    ("send_email", _rx(
        r"\b(?:email|mail|text) (?:me|us|it|that|the info|the information|something|over)\b",
        r"\bsend (?:me |us |it |that |over )?(?:an? |the |some |your )?(?:email|info|information|details|listings|"
        r"something|stuff|text|link|it over|brochure)\b",
        r"\b(?:shoot|drop) me an? (?:email|text|line)\b", r"\bby email\b", r"\bto my email\b", r"\bmy email\b",
    )),
    ("price_worry", _rx(
        r"\b(?:prices|price|homes|houses|rents|everything|it's|that's|they're) (?:are |is )?(?:just |way |so |really "
        r"|pretty |kind of |sort of )*(?:too (?:high|expensive|much)|expensive|overpriced|crazy high|insane|"
        r"ridiculous|outrageous|through the roof|out of control)\b",
        r"\btoo expensive\b", r"\boverpriced\b",
        r"\b(?:can't|cannot|can not|couldn't|don't think (?:i|we) can|unable to) (?:really |even )?afford\b",
        r"\bout of (?:my|our) (?:price range|budget|league)\b", r"\bnot in (?:my|our) budget\b",
    )),
    ("market_worry", _rx(
        r"\b(?:interest )?rates? (?:are |is )?(?:just |way |so |really |too |pretty |still )*(?:high|crazy|insane|"
        r"ridiculous|through the roof)\b",
        r"\bwait(?:ing)? (?:for|until|till|til|on) (?:the )?(?:interest )?(?:rates?|market|prices?|things|economy)\b",
        r"\b(?:rates?|prices?|market) (?:to |will |going to |is going to |are going to )?(?:come down|go down|drop|"
        r"fall|crash|cool|settle|correct)\b",
        r"\b(?:market|housing) (?:crash|bubble|correction)\b", r"\bbubble\b", r"\brecession\b", r"\bwait and see\b",
        r"\bbad time to (?:buy|sell)\b", r"\bmarket is (?:bad|terrible|crazy|insane|too hot|slow|dead|weird|awful)\b",
    )),
]
_HAS_AGENT = dict(_OBJECTIONS)["has_agent"]
_HOW_ARE_YOU = re.compile(r"\bhow(?: are|'re) you(?: doing| today)?\b|\bhow's it going\b|\bhow you doing\b")
_SCHEDULE = _rx(
    r"\b(?:set up|setup|schedule|book|arrange|make) (?:a |an |some )?(?:time|meeting|appointment|call|showing|tour|"
    r"viewing|consultation|visit|walkthrough)\b",
    r"\b(?:can|could|should) we (?:meet|set|schedule|get together|do a)\b",
    r"\b(?:i'd|i would|we'd|we would|i want|we want|want|love) (?:like |love )?to (?:see|tour|look at|visit|check "
    r"out|meet|view) (?:some |a few |the |a |that |this |those |these |with )?(?:houses|homes|properties|places|"
    r"listings|condos|house|home|property|place|it|them|an agent|a realtor|someone|you)\b",
    r"\b(?:see|tour|view) (?:some |a few )?(?:houses|homes|properties|listings)\b",
    r"\bwhen can (?:we|you|i) (?:meet|see|come|talk)\b", r"\b(?:come|stop) (?:by|over|out)\b",
)
_SCHEDULE_WITH_TIME = re.compile(
    r"\b(?:works|work for me|would work|is good|is fine|how about|what about|let's do|let's say|i'm free|we're free|"
    r"available|can do|could do|good for me|better|i can|we can|free)\b")
_REPEAT = _rx(
    r"^(?:what|huh|sorry|pardon|pardon me|excuse me|come again|say again|what was that|what did you say|what's that"
    r"|sorry what|i'm sorry|what now|what now)$",
    r"\b(?:say|repeat) (?:that|it|again|what you said)\b",
    r"\b(?:didn't|did not|couldn't|can't|cannot|could not) (?:catch|hear|understand|get) (?:that|you|what you said|"
    r"the last part|a word)\b",
    r"\bone more time\b", r"\bbreaking up\b", r"\bcan you repeat\b", r"\bspeak up\b", r"\bcome again\b",
)
_QUESTION = _rx(
    _LEAD + r"(?:how|what|what's|why|where|which|who)\b",
    _LEAD + r"(?:is|are|do|does|did|can|could|would|will|should|have|has) (?:you|it|there|this|that|the|a|an|your|"
    r"prices|homes|houses|rates|now|we|they|i)\b",
    r"\bhow much\b", r"\bhow does (?:this|it|that) work\b", r"\bwhat's the market\b",
)
_AFFIRM = _rx(
    _LEAD + r"(?:yes|yeah|yep|yup|sure|certainly|absolutely|definitely|of course|correct|right(?! away| now)|exactly|"
    r"perfect|ok|all right|sounds (?:good|great|perfect|fine)|that works|works for me|that's fine|fine|great|"
    r"go ahead|please do|for sure|totally|you bet|i guess|why not|affirmative|that's right|that's correct|that's it|"
    r"no problem|not a problem|no worries|that'd be great|good(?! morning| afternoon| evening))\b",
    r"\b(?:sounds (?:good|great|perfect|fine)|that works|works for me|that's (?:correct|right|fine|perfect|great)|"
    r"that would be (?:great|fine|perfect)|let's do (?:it|that))\b",
)
_DENY = _rx(
    _LEAD + r"(?:no(?! problem| worries| doubt)|nope|nah|naw|not really|not at all|negative|no way|not yet|"
    r"i don't think so|not that i know of|never|no sir|no ma'am|not quite|wrong|incorrect|neither|none)\b",
    r"\b(?:that doesn't work|that does not work|doesn't work|won't work|that's not (?:right|correct|it|true)|"
    r"that's wrong|not correct|i can't (?:do|make) (?:that|it)|that's incorrect|neither)\b",
)
_GREETING_IDENTITY = re.compile(
    r"\b(?:this is (?:he|she|him|her|me)|speaking$|that's me|it's me|you(?:'ve)? got (?:him|her|me)|"
    r"(?:yes|yeah) this is \w+$|^this is \w+$)")
_GREETING = _rx(
    _LEAD + r"(?:hello|hi|hey|hiya|howdy|good (?:morning|afternoon|evening)|hello hello)\b",
    r"\bhow are you\b", r"\bhow's it going\b", r"\bwhat's up\b",
)

# --- facts -----------------------------------------------------------------------------------------------

_NEGATED = re.compile(r"\b(?:not|don't|do not|never|no|won't|wouldn't|aren't|isn't|can't|didn't)(?: [\w']+){0,2} $")
_INTENT_PREFIX = r"(?:(?:looking|want|wanting|planning|trying|hoping|going|need|needing|like|thinking about|" \
                 r"thinking of|ready|wanted|plan) (?:to )?)?"
_BUY = re.compile(_INTENT_PREFIX + r"\b(?:buy|buying|purchase|purchasing|buyer|buyers|first (?:home|house)|"
                  r"(?:looking for|find|get|move into) (?:a|an|our|my) (?:new |bigger |smaller )?(?:house|home|place|"
                  r"condo|property|townhouse|townhome))\b")
_SELL = re.compile(_INTENT_PREFIX + r"\b(?:sell|selling|seller|list (?:my|our|the) (?:house|home|place|condo|"
                   r"property)|listing (?:my|our|the)|put (?:my|our|the) (?:house|home|place) (?:on the market|up for "
                   r"sale))\b")
_RENT = re.compile(r"\b(?:(?:looking|want|wanting|need|trying|hoping|planning|like) to rent|(?:rent|lease) (?:a|an|"
                   r"something|for now)|looking for (?:a )?(?:rental|lease|place to rent)|for rent)\b")
_INTENT_ANSWER = re.compile(_LEAD + r"(?:just )?(both|buy|buying|sell|selling|rent|renting|leasing)\b")

_PLACE_PREPS = {"in", "near", "around", "by", "outside", "off", "close"}
_MOVE_WORDS = {"moving", "move", "moved", "relocating", "relocate", "relocated", "transferring", "transferred"}
_PLACE_STOP = {
    "and", "or", "but", "so", "because", "cause", "with", "for", "to", "in", "at", "on", "by", "near", "around",
    "we", "i", "you", "they", "it", "that", "this", "which", "where", "maybe", "probably", "like", "area", "areas",
    "neighborhood", "neighborhoods", "region", "is", "are", "was", "were", "would", "could", "be", "if", "then",
    "right", "now", "too", "also", "somewhere", "hopefully", "though", "thanks", "please", "under", "about", "within",
    "preferably", "ideally", "something", "budget", "price", "range", "yet", "soon", "next", "anywhere",
    "i'm", "we're", "there", "here", "the", "of", "ok", "yes", "yeah", "no", "pretty", "really", "some",
}
_NOT_A_PLACE = {
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
    "payments", "budget", "price", "range", "bit", "while", "sense", "mood", "position", "together", "myself",
    "ourselves", "homes", "houses", "places", "property", "properties", "something", "schools", "family",
    "parents", "kids", "job", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand", "million", "couple", "few",
    "several", "spanish", "english", "agent", "realtor", "lender", "bank", "approved", "preapproved",
    "owner", "far", "chance", "accident", "phone", "email", "text", "mail", "contrast", "comparison",
}
_GENERIC_PLACE_WORDS = {"anywhere", "north", "south", "east", "west", "northeast", "northwest", "southeast",
                        "southwest", "side", "downtown", "uptown", "midtown", "area", "the", "of", "near", "by",
                        "and", "or", "part", "end", "town", "suburbs", "city", "county", "outskirts", "lake"}
_STREET_PLACE = re.compile(r"\b((?:[a-z]+ ){1,2}(?:street|avenue|road|drive|boulevard|lane|parkway|highway|trail|"
                           r"park|heights|hills|village|ranch|creek|lake|estates))\b(?: area)?")
_SIDE_PLACE = re.compile(r"\b((?:north|south|east|west)(?:east|west)? (?:side|end)(?: of (?:town|[a-z]+))?|"
                         r"(?:downtown|uptown|midtown)(?: [a-z]+)?)\b")
_AREA_PLACE = re.compile(r"\b(?:the )?((?:[a-z]+ ){0,1}[a-z]+) area\b")
_ANSWER_LEAD = {"uh", "um", "probably", "maybe", "i", "think", "guess", "like", "well", "so", "somewhere", "in",
                "around", "near", "the", "we're", "we", "are", "looking", "look", "at", "want", "to", "be", "would",
                "say", "i'd", "ideally", "hopefully", "preferably", "definitely", "close", "by", "thinking", "about",
                "oh", "yeah", "yes", "just", "over", "out", "there", "it's", "i'm", "interested", "prefer", "really",
                "mostly", "mainly", "either", "kind", "of", "sort", "honestly", "basically", "because", "cause",
                "ok", "mean", "we'd", "love", "hoping", "for", "more", "or", "less", "pretty", "much"}
_ANSWER_TAIL = {"area", "or", "so", "i", "think", "probably", "maybe", "somewhere", "like", "please", "neighborhood",
                "region", "there", "something", "thereabouts", "guess", "i'd", "say", "around", "ish", "really"}
_ANSWER_CUT = {"under", "below", "for", "with", "because", "cause", "but", "about", "budget", "max", "within",
               "around", "maybe", "probably", "in", "by", "and"}
_DONT_KNOW = re.compile(r"\b(?:don't know|not sure|no idea|haven't decided|no clue|doesn't matter|not really)\b")

_MOTIVATION_RULES = [(name, re.compile(pattern)) for name, pattern in (
    ("relocating", r"\b(?:relocat\w*|transferr?(?:ed|ing)|job transfer|new job|(?:for|with) (?:my |a |the |his |her )?"
                   r"(?:new )?(?:job|work)|(?:moving|move) (?:here |there )?for (?:work|a job|my job)|military|pcs|"
                   r"got (?:a |an )?(?:job|offer) (?:in|out)|job (?:in|out of state))\b"),
    ("growing family", r"\b(?:baby|babies|(?:growing|bigger|expanding|starting a) family|family is growing|pregnant|"
                       r"expecting (?:a|our|twins)|another kid|more kids|twins|having kids)\b"),
    ("downsizing", r"\b(?:downsiz\w*|something smaller|(?:a )?smaller (?:place|house|home|one)|too big|empty nest\w*|"
                   r"kids (?:moved|are) out|too much house)\b"),
    ("upsizing", r"\b(?:upsiz\w*|(?:a )?(?:bigger|larger) (?:place|house|home|one)|something bigger|"
                 r"more (?:room|space)|outgr[eo]w\w*|upgrade|upgrading|move up|too small)\b"),
    ("investment", r"\b(?:invest\w*|rental (?:property|properties|income)|flip\w*|airbnb|income property|cash flow|"
                   r"portfolio)\b"),
    ("first home", r"\b(?:first (?:home|house|time|place)|tired of (?:renting|paying rent)|stop renting|"
                   r"(?:done|sick of) renting|own (?:our|my) own|(?:get|buy) our own (?:place|home|house))\b"),
    ("retiring", r"\bretir\w*\b"),
    ("divorce", r"\b(?:divorc\w*|separat(?:ed|ing|ion)|split(?:ting)? up)\b"),
    ("inherited", r"\b(?:inherit\w*|passed away|probate|estate sale|(?:mom|dad|mother|father|parents|grandma|"
                  r"grandmother|grandpa|grandfather|aunt|uncle)'?s? (?:old )?(?:house|home|place))\b"),
)]
_MOTIVATION_LEAD = {"well", "so", "oh", "i", "guess", "mean", "because", "cause", "honestly", "basically", "yeah",
                    "ok", "just", "um", "really", "mostly", "mainly"}

_PRE_CASH = re.compile(r"\b(?:(?:pay|paying|buy|buying|pay for it|paying for it|purchase|purchasing)(?: it)? (?:in |"
                       r"with |all )?cash|cash (?:buyer|buyers|offer|purchase|deal)|all cash|in cash)\b")
_PRE_PROGRESS = re.compile(
    r"\b(?:talking (?:to|with) (?:a |our |my |the |some |an? )?(?:lender|lenders|bank|banks|loan officer|mortgage|"
    r"broker)|working (?:with|on) (?:a |our |my |the )?(?:lender|bank|loan|preapproval|approval|financing|getting "
    r"(?:pre ?)?approved|getting preapproved|the preapproval)|in (?:the )?process of (?:getting )?(?:pre ?)?"
    r"approv\w*|(?:getting|get) (?:preapproved|prequalified|approved)|applied|waiting (?:on|for|to hear)(?: from)? "
    r"(?:the |our |a )?(?:lender|bank|approval|preapproval)|meeting with (?:a |the |our )?(?:lender|bank))\b")
_PRE_NO = re.compile(r"\b(?:not|haven't|have not|aren't|are not|never|no|didn't|did not|don't|do not|nobody)"
                     r"(?: been| gotten| got| yet| even| really| done| have| a| any| that| the)* (?:preapproved|"
                     r"prequalified|approved|preapproval|approval|pre ?qual|talked to (?:a |the )?(?:lender|bank))\b")
_PRE_YES = re.compile(r"\b(?:preapproved|prequalified|(?:have|got) (?:a |our |my |the )?(?:preapproval|approval "
                      r"letter|pre ?qual)|approved for|got approved|loan is approved|have financing|financing (?:is )?"
                      r"(?:lined up|in place|ready|set))\b")
_WORKING_ON_IT = re.compile(r"\bworking on (?:it|that)\b|\bin (?:the )?process\b|\bgetting there\b")

_AMOUNT = r"(\d+(?:\.\d+)?|an?|a couple(?: of)?|couple(?: of)?|a few|few)"
_TL_UNIT = r"(day|week|month|year)s?"
_TL_RANGE = re.compile(rf"\b{_AMOUNT}\s+(?:{_TL_UNIT}\s+)?(?:to|or|-)\s+(?:\d+(?:\.\d+)?|an?)(?:\s+{_TL_UNIT})?\b")
_TL_IN = re.compile(rf"\b(?:in|within|about|around|maybe|probably|like|next|another|the next|over the next|"
                    rf"less than|under)\s+(?:the next\s+|about\s+|like\s+|maybe\s+|another\s+)?{_AMOUNT}\s+{_TL_UNIT}\b"
                    rf"|\b{_AMOUNT}\s+{_TL_UNIT}\s+from now\b")
_TL_BARE = re.compile(rf"^(?:{_LEAD[1:]})?(?:probably |maybe |about |around |like |hopefully |i'd say |i think )*"
                      rf"{_AMOUNT}\s+{_TL_UNIT}\b")
_TL_ASAP = re.compile(r"\b(?:asap|a s a p|as soon as (?:possible|we can|i can)|right away|immediately|yesterday|"
                      r"(?:move|moving|ready|buy|sell) (?:right )?now|ready to go|this month)\b")
_TL_NOW = re.compile(_LEAD + r"(?:right now|now|soon|pretty soon|very soon|really soon)\b")
_TL_WHILE = re.compile(r"\b(?:not for a while|a while|no rush|no hurry|not in a hurry|not (?:any ?time|any time) "
                       r"soon|in no hurry)\b")
_TL_SEASON = re.compile(r"\b(?:(?:next|this|in the|by|by the|by next|around|early|late|in|come|until|till|before|"
                        r"after|this coming|over the|during the)\s+)(spring|summer|fall|autumn|winter)\b")
_TL_YEAR_END = re.compile(r"\b(?:end of (?:the |this )?year|year end|before the year|by christmas|before christmas|"
                          r"(?:after|before) the holidays|end of next year)\b")
_TL_NEXT_YEAR = re.compile(r"\b(?:next year|first of the year|after the new year|new year|beginning of (?:the |next )?"
                           r"year)\b")
_TL_MONTH = re.compile(r"\b(next|this) month\b")
_TL_MONTH_NAME = re.compile(r"\b(?:in|by|around|before|after|until|till|come|this|next|early|late|mid)\s+(january|"
                            r"february|march|april|may|june|july|august|september|october|november|december)\b")
_TL_YEAR = re.compile(r"\b(?:in|by|around|early|until|till|sometime in|come)\s+(20\d\d)\b")
_SEASONS = {"spring": (3, 20), "summer": (6, 21), "fall": (9, 22), "autumn": (9, 22), "winter": (12, 21)}
_MONTH_NUMBERS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                               "august", "september", "october", "november", "december"), 1)}

_BEDROOMS = re.compile(r"\b(\d+)(?:\s*(?:or|to|-)\s*\d+)?\s*(?:bed|beds|bedroom|bedrooms|br|bd|bdr|bedroomed)\b")
_BARE_NUMBER = re.compile(r"^(?:[\w']+ ){0,4}?(\d+)\b")

_SLOT_FIRST = re.compile(r"\b(?:first|1st|earlier|earliest|sooner|former|option (?:one|1|a)|number (?:one|1)|"
                         r"either(?! one of)?|whichever|doesn't matter|any(?:one| of them| is fine))\b")
_SLOT_SECOND = re.compile(r"\b(?:second|2nd|later one|later time|the later|latter|last one|other one|"
                          r"option (?:two|2|b)|number (?:two|2))\b")

_TIME_CUE = re.compile(r"\d|\b(?:today|tonight|tomorrow|mornings?|afternoons?|evenings?|nights?|noon|lunch|"
                       r"lunchtime|weeks?|weekends?|weekdays?|month|monday|tuesday|tues|wednesday|thursday|thurs|"
                       r"friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|jan|"
                       r"feb|apr|jun|jul|aug|sept|sep|oct|nov|dec|am|pm|oclock|hour|hours|minute|minutes|mins?|days?|"
                       r"after|before|until|till|between|at|around|about|from|in|half|quarter|first|second|third|"
                       r"[a-z]+th|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
                       r"fifty)\b")


def understand(text: str, *, now: dt.datetime, dtmf: str = "", expecting: str = "", language: str = "en"
               ) -> Understanding:
    """What one lead turn meant (see the module conventions). `now` is aware, in the lead's zone."""
    language = language or "en"
    if "9" in dtmf:
        return Understanding(intent="opt_out", language=language)
    if not language.lower().startswith("en"):
        return Understanding(intent="other_language", language=language)
    turn = _Turn(text)
    c = turn.clean
    if not c:
        return Understanding(language=language)
    time_preference = _time_preference(c)
    if _is_opt_out(c, time_preference):
        return Understanding(intent="opt_out", language=language)
    if _VOICEMAIL.search(c):
        return Understanding(intent="voicemail", language=language)
    if _WRONG_NUMBER.search(c):
        return Understanding(intent="wrong_number", language=language)
    other = _other_language(c)
    if other:
        return Understanding(intent="other_language", language=other)
    u = Understanding(language=language)
    u.facts = _facts(turn, expecting, now)
    slot = any(f.name == SLOT_CHOICE for f in u.facts)
    when = when_in(turn.digits, now, text) if _TIME_CUE.search(c) and not slot else None
    u.intent, u.objection, attach_when = _intent(turn, expecting, when, u.facts, time_preference)
    if attach_when and when is not None:
        u.when = when
        u.facts = [f for f in u.facts if not (f.name == "timeline" and f.words and f.words in when.words)]
    return u


def _time_preference(c: str) -> str:
    """"don't call me before noon" → "before": a time preference, not an opt-out ("" when there is none)."""
    m = _DONT_CALL.search(c)
    if m and _TIME_PREFERENCE.match(m.group(1)) and not re.search(r"\b(?:again|anymore|ever)\b", m.group(1)):
        return m.group(1).split()[0]
    return ""


def _is_opt_out(c: str, time_preference: str) -> bool:
    for m in _OPT_OUT.finditer(c):
        if not _NOT_OPT_OUT_BEFORE.search(c[:m.start()]):
            return True
    m = _DONT_CALL.search(c)
    return bool(m and not time_preference and not _NOT_OPT_OUT_BEFORE.search(c[:m.start()]))


def _other_language(c: str) -> str:
    if _SPANISH.search(c):
        return "es"
    m = _OTHER_LANGUAGE.search(c)
    if m:
        return _LANGUAGE_CODES.get(m.group(1) or "", "und")
    return ""


def _intent(turn: _Turn, expecting: str, when: When | None, facts: list[Fact], time_preference: str
            ) -> tuple[str, str, bool]:
    """(intent, objection, whether the When is about the call)."""
    c = turn.clean
    for intent, pattern in (("is_robot", _IS_ROBOT), ("who_is_this", _WHO_IS_THIS),
                            ("how_got_number", _HOW_GOT_NUMBER)):
        if pattern.search(c):
            return intent, "", False
    answering_time = expecting in ("callback_time", "slot_choice")
    slot = any(f.name == SLOT_CHOICE for f in facts)
    callback = time_preference or bool(_CALLBACK.search(c))
    if _GOODBYE.search(c) and not callback and when is None:
        return "goodbye", "", False
    objection = _objection(c, expecting, facts, time_preference)
    if objection == "busy" and answering_time and (when is not None or slot):
        objection = ""  # the lead is answering our question about when
    if objection:
        # "don't call me on weekends" names when not to call: no When for that
        about_call = objection == "busy" and (not time_preference or time_preference in _LIMIT_WORDS)
        return "objection", objection, about_call
    if _GOODBYE.search(c):
        return "objection", "busy", True
    # a bare time is about the call unless we asked for a fact, or it is months away ("in three months")
    near = when is not None and expecting in ("", "confirm") and when.end - when.start <= dt.timedelta(days=8)
    if slot or _SCHEDULE.search(c) or (when is not None and answering_time) or (near and (
            _mostly_time(c, when) or _SCHEDULE_WITH_TIME.search(c))):
        return "schedule", "", not slot
    if _REPEAT.search(c):
        return "repeat", "", False
    if _HOW_ARE_YOU.search(c) and not facts:
        return "greeting", "", False
    if _QUESTION.search(c) and not _mostly_affirmation(c):
        return "question", "", False
    informs = bool(facts) and expecting not in ("confirm", "slot_choice")
    if informs:
        return "inform", "", False
    if _GREETING_IDENTITY.search(c):
        return "greeting", "", False
    denied, affirmed = _DENY.search(c), _AFFIRM.search(c)
    if affirmed and denied:
        return ("deny" if denied.start() >= affirmed.start() or denied.start() == 0 else "affirm"), "", False
    if affirmed:
        return "affirm", "", False
    if denied:
        return "deny", "", False
    if _GREETING.search(c):
        return "greeting", "", False
    return ("inform" if facts else "unclear"), "", False


def _objection(c: str, expecting: str, facts: list[Fact], time_preference: str) -> str:
    for name, pattern in _OBJECTIONS:
        if name == "has_agent" and (expecting == "has_agent" or any(
                f.name == "has_agent" and f.value is False for f in facts)):
            continue
        m = pattern.search(c)
        if not m:
            continue
        if name == "not_interested":
            if any(f.name == "intent" for f in facts) and "interested" not in m.group(0):
                continue  # "not selling, just buying"
            if expecting in ("confirm", "slot_choice") and "interested" not in m.group(0):
                continue  # "no thanks" to a yes/no question is a no
        if name == "busy" and m.group(0) == "not now" and expecting == "timeline":
            continue
        return name
    return "busy" if time_preference else ""


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

def _facts(turn: _Turn, expecting: str, now: dt.datetime) -> list[Fact]:
    c = turn.clean
    facts: list[Fact] = []
    for fact in (_intent_fact(c, expecting), _location(turn, expecting), _budget(turn, expecting),
                 _motivation(turn, expecting), _has_agent(c, expecting), _preapproved(c, expecting),
                 _timeline(turn, expecting, now), _bedrooms(turn, expecting), _slot_choice(c, expecting)):
        if fact is not None:
            facts.append(fact)
    return facts


def _positive(pattern: re.Pattern, c: str) -> re.Match | None:
    """The first match not negated just before it ("we're not looking to buy")."""
    for m in pattern.finditer(c):
        if not _NEGATED.search(c[:m.start()]):
            return m
    return None


def _intent_fact(c: str, expecting: str) -> Fact | None:
    buy, sell = _positive(_BUY, c), _positive(_SELL, c)
    if buy and sell:
        first, last = sorted((buy, sell), key=lambda m: m.start())
        return Fact("intent", "both", c[first.start():last.end()])
    if buy or sell:
        m = buy or sell
        return Fact("intent", "buy" if buy else "sell", m.group(0))
    rent = _positive(_RENT, c)
    if rent:
        return Fact("intent", "rent", rent.group(0))
    if expecting == "intent":
        m = _INTENT_ANSWER.search(c)
        if m:
            word = m.group(1)
            value = "both" if word == "both" else "buy" if word.startswith("buy") else "sell" if word.startswith(
                "sell") else "rent"
            return Fact("intent", value, word)
    return None


def _place_value(words: list[str]) -> str:
    return " ".join(w if w in _GENERIC_PLACE_WORDS else w.capitalize() for w in words)


def _location(turn: _Turn, expecting: str) -> Fact | None:
    found = _said_place(turn)
    if found is None and expecting == "location":
        answer = _answer_place(turn.tokens)
        if answer:
            return Fact("location", _place_value(answer), " ".join(answer))
    return found


def _trim_place(words: list[str]) -> list[str]:
    while words and (words[0] in _PLACE_STOP or words[0] in _PLACE_PREPS or words[0] in _NOT_A_PLACE):
        words = words[1:]
    while words and (words[-1] in _PLACE_STOP or words[-1] == "area"):
        words = words[:-1]
    return words


def _said_place(turn: _Turn) -> Fact | None:
    """A place named with a street / side-of-town word or after in / near / around / by / close to."""
    c = turn.clean
    for pattern, least in ((_STREET_PLACE, 2), (_SIDE_PLACE, 1)):
        m = pattern.search(c)
        words = _trim_place(m.group(1).split()) if m else []
        if len(words) >= least:
            return Fact("location", _place_value(words), " ".join(words))
    tokens = turn.tokens
    destination = [i for i, t in enumerate(tokens) if t == "to" and i and tokens[i - 1] in _MOVE_WORDS]
    for i in destination + [i for i, t in enumerate(tokens) if t in _PLACE_PREPS]:
        t = tokens[i]
        j = i + 1
        if t in ("close", "outside", "off") and j < len(tokens) and tokens[j] in ("to", "of"):
            j += 1
        elif t == "close":
            continue
        while j < len(tokens) and tokens[j] in ("the", "like", "maybe", "probably", "somewhere"):
            j += 1
        words: list[str] = []
        while j < len(tokens) and len(words) < 3 and tokens[j] not in _PLACE_STOP and tokens[j].isalpha():
            words.append(tokens[j])
            j += 1
        if words and not any(w in _NOT_A_PLACE or w.endswith("ing") for w in words):
            return Fact("location", _place_value(words), " ".join(tokens[i:j]))
    m = _AREA_PLACE.search(c)
    words = _trim_place(m.group(1).split()) if m else []
    if words and not any(w in _NOT_A_PLACE for w in words):
        return Fact("location", _place_value(words), m.group(0))
    return None


def _answer_place(tokens: list[str]) -> list[str]:
    if _DONT_KNOW.search(" ".join(tokens)) or (tokens and tokens[0] in ("no", "nope", "nah")):
        return []
    words = list(tokens)
    while words and words[0] in _ANSWER_LEAD:
        words.pop(0)
    for i, w in enumerate(words):
        if w in _ANSWER_CUT or w[0].isdigit() or w.startswith("$"):
            words = words[:i]
            break
    while words and words[-1] in _ANSWER_TAIL:
        words.pop()
    return words if words and words[0] not in _NOT_A_PLACE else []


def _budget(turn: _Turn, expecting: str) -> Fact | None:
    money = find_money(turn.tokens, expecting_price=expecting == "budget")
    if money is None:
        return None
    return Fact("budget", money.amount, " ".join(turn.tokens[money.start:money.end]), high=money.high)


def _motivation(turn: _Turn, expecting: str) -> Fact | None:
    c = turn.clean
    for name, pattern in _MOTIVATION_RULES:
        m = pattern.search(c)
        if m:
            return Fact("motivation", name, m.group(0))
    if expecting != "motivation" or _DONT_KNOW.search(c) or _DENY.match(c):
        return None
    words = list(turn.tokens)
    while words and words[0] in _MOTIVATION_LEAD:
        words.pop(0)
    answer = " ".join(words)
    return Fact("motivation", answer, answer) if answer else None


_YES_ANSWER = re.compile(_LEAD + r"(?:yes|yeah|yep|yup|sure|correct|absolutely|definitely|of course|we do|i do|we are"
                         r"|i am|we did|i did|we have|i have|that's right)\b")
_NO_ANSWER = re.compile(_LEAD + r"(?:no|nope|nah|naw|not yet|not really|we don't|i don't|we haven't|i haven't|"
                        r"we're not|i'm not|not at the moment|never)\b")
_NO_AGENT = re.compile(r"\b(?:don't|do not|doesn't|haven't|have not|not|no|never|aren't|are not|am not|i'm not|"
                       r"we're not|without)(?: have| got| working with| using| signed with| talked to| yet| really)* "
                       r"(?:an?|any)? ?(?:agent|realtor|broker|real estate agent)\b")


def _has_agent(c: str, expecting: str) -> Fact | None:
    m = _NO_AGENT.search(c)
    if m:
        return Fact("has_agent", False, m.group(0))
    m = _HAS_AGENT.search(c)
    if m:
        return Fact("has_agent", True, m.group(0))
    if expecting == "has_agent":
        m = _NO_ANSWER.search(c)
        if m:
            return Fact("has_agent", False, m.group(0).strip())
        m = _YES_ANSWER.search(c)
        if m:
            return Fact("has_agent", True, m.group(0).strip())
    return None


def _preapproved(c: str, expecting: str) -> Fact | None:
    for value, pattern in (("cash", _PRE_CASH), ("in_progress", _PRE_PROGRESS), ("no", _PRE_NO), ("yes", _PRE_YES)):
        m = pattern.search(c)
        if m:
            return Fact("preapproved", value, m.group(0))
    if expecting == "preapproved":
        for value, pattern in (("in_progress", _WORKING_ON_IT), ("no", _NO_ANSWER), ("yes", _YES_ANSWER)):
            m = pattern.search(c)
            if m:
                return Fact("preapproved", value, m.group(0).strip())
    return None


def _months_until(now: dt.datetime, day: dt.date) -> int:
    return max(0, round((day - now.date()).days / 30.44))


def _amount(word: str) -> float:
    return {"a": 1, "an": 1, "a few": 3, "few": 3}.get(word) or (2 if "couple" in word else float(word))


def _in_units(amount: float, unit: str) -> int:
    return round(amount * {"day": 1 / 30.44, "week": 7 / 30.44, "month": 1, "year": 12}[unit])


def _timeline(turn: _Turn, expecting: str, now: dt.datetime) -> Fact | None:
    d = turn.digits
    s = d.s
    asking = expecting == "timeline"
    m = _TL_RANGE.search(s)
    if m and (m.group(2) or m.group(3)):
        return Fact("timeline", _in_units(_amount(m.group(1)), m.group(2) or m.group(3)), d.words(*m.span()))
    m = _TL_IN.search(s) or (_TL_BARE.search(s) if asking else None)
    if m:
        amount, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return Fact("timeline", _in_units(_amount(amount), unit), d.words(*m.span()))
    m = _positive(_TL_ASAP, s) or (_TL_NOW.search(s) if asking else None)
    if m:
        soon = m.re is _TL_NOW and "soon" in m.group(0)
        return Fact("timeline", 1 if soon else 0, d.words(*m.span()).strip())
    m = _TL_WHILE.search(s)
    if m:
        return Fact("timeline", 18, m.group(0))
    today = now.date()
    m = _TL_SEASON.search(s)
    if m:
        month, day = _SEASONS[m.group(1)]
        target = dt.date(today.year, month, day)
        if target < today:
            target = dt.date(today.year + 1, month, day)
        return Fact("timeline", _months_until(now, target), m.group(0))
    m = _TL_YEAR_END.search(s)
    if m:
        year = today.year + (1 if "next year" in m.group(0) else 0)
        return Fact("timeline", _months_until(now, dt.date(year, 12, 31)), m.group(0))
    m = _TL_NEXT_YEAR.search(s)
    if m:
        return Fact("timeline", _months_until(now, dt.date(today.year + 1, 1, 1)), m.group(0))
    m = _TL_MONTH.search(s)
    if m:
        return Fact("timeline", 1 if m.group(1) == "next" else 0, m.group(0))
    m = _TL_MONTH_NAME.search(s)
    if m:
        month = _MONTH_NUMBERS[m.group(1)]
        year = today.year + (1 if month < today.month else 0)
        return Fact("timeline", _months_until(now, dt.date(year, month, 1)), m.group(0))
    m = _TL_YEAR.search(s)
    if m and today.year <= int(m.group(1)) <= today.year + 10:
        return Fact("timeline", _months_until(now, dt.date(int(m.group(1)), 1, 1)), m.group(0))
    return None


def _bedrooms(turn: _Turn, expecting: str) -> Fact | None:
    d = turn.digits
    m = _BEDROOMS.search(d.s)
    if m is None and expecting == "bedrooms":
        m = _BARE_NUMBER.search(d.s)
    if m and 0 < float(m.group(1)) <= 12:
        return Fact("bedrooms", int(float(m.group(1))), d.words(*m.span(1)) if m.re is _BARE_NUMBER else d.words(
            *m.span()))
    return None


def _slot_choice(c: str, expecting: str) -> Fact | None:
    if expecting != "slot_choice" or (_DENY.match(c) and "neither" in c):
        return None
    second = _SLOT_SECOND.search(c)
    first = _SLOT_FIRST.search(c)
    if second and (not first or second.start() < first.start()):
        return Fact(SLOT_CHOICE, 2, second.group(0))
    if first:
        return Fact(SLOT_CHOICE, 1, first.group(0))
    return None
