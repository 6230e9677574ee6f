"""What the agent says when no LLM writes it: short spoken templates, with variety, in the campaign's persona.

Replies are made for the ear: plain sentences, no lists or markdown, at most two short sentences
(an appointment read-back may take three). The variant is picked by a generator seeded per call,
so a call never sounds canned twice in a row and a test replays the same words.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

# The languages a lead may be heard in (Whisper's codes and the rules' own), by the name a call-back promises
LANGUAGE_NAMES = {"zh": "Chinese", "vi": "Vietnamese", "ko": "Korean", "ru": "Russian", "pt": "Portuguese",
                  "fr": "French", "ar": "Arabic", "hi": "Hindi", "tl": "Tagalog", "ht": "Haitian Creole",
                  "pl": "Polish", "uk": "Ukrainian", "de": "German", "it": "Italian", "ja": "Japanese",
                  "so": "Somali", "hmn": "Hmong", "fa": "Persian", "ur": "Urdu", "bn": "Bengali", "pa": "Punjabi",
                  "to": "Tongan", "sm": "Samoan"}

TEMPLATES: dict[str, tuple[str, ...]] = {
    # --- conversation
    "greeting": (
        "Hi{name}, this is {agent}, an automated assistant calling for {company}{recorded}. "
        "You asked about homes with us, do you have a quick minute?",
        "Hello{name}, it's {agent}, the automated assistant from {company}{recorded}. "
        "I'm following up on your home inquiry, is now an okay time?",
    ),
    # the greeting was cut before the lead heard who we are: the disclosure (and the recording notice) first
    "disclosure_again": (
        "Sorry, I should say, this is {agent}, an automated assistant calling for {company}{recorded}.",
        "Just so you know, I'm {agent}, {company}'s automated assistant{recorded}.",
    ),
    "greeting_again": ("Hi, it's {agent} from {company} again.", "Hello, it's {agent} with {company}."),
    "permission_again": ("Do you have a quick minute to chat?", "Is now an okay time for a couple of quick questions?",
                         "Have you got a minute?"),
    "who_is_this": (
        "I'm {agent}, an automated assistant calling for {company}, the real estate team.",
        "This is {agent}, {company}'s automated assistant; we help people buy and sell homes.",
    ),
    "number_noted": (
        "Thanks, I've noted the number ending in {last4} for the team.",
        "Got it, the number ending in {last4}; I'll pass that on to the team.",
    ),
    "what_about": (
        "It's about the home inquiry you made with {company}; I'm following up to see how we can help.",
        "You asked {company} about homes, so I'm calling to see what you have in mind and whether an agent can help.",
    ),
    "is_robot": (
        "Yes, I'm an automated assistant, an AI, calling for {company}, and a real person from our team can "
        "take over whenever you like.",
        "I am, I'm {company}'s AI assistant, not a person, and a real agent handles any meeting we set up.",
    ),
    "how_got_number": (
        "You reached out to us through {source}{when}, and that's where your number came from.",
        "Your number came from {source}{when}, when you asked about homes.",
    ),
    "how_got_number_unknown": (
        "We have it from your inquiry with {company}, and I can take you off our list if you'd like.",
    ),
    "wrong_number": (
        "I'm so sorry about that, I'll make sure we don't call this number again. Have a good day.",
        "My apologies for the mix-up, we won't call this number again. Take care.",
    ),
    "repeat": (
        "Sorry, I didn't catch that. Could you say it again?",
        "Sorry, the line cut out for a second. What was that?",
    ),
    "unclear": (
        "Sorry, I'm not sure I followed.",
        "I didn't quite get that.",
        "Sorry, I missed that.",
    ),
    "acknowledge": ("Great.", "Got it.", "Okay, thanks.", "Perfect.", "Thanks."),
    "offer_valuation": (
        "Our agents do free home valuations, and I can set one up for you in a moment.",
        "That's what a valuation with one of our agents is for, and I'll find you a time shortly.",
    ),
    "offer_together": (
        "It's easiest when you can both be there, so I'll find a time for the two of you.",
        "No problem, I'll look for a time when you can both talk it through.",
    ),
    "answer_question": (
        "That's a great question for one of our agents, they know the local market inside out.",
        "Our agents can walk you through that in detail.",
    ),
    # --- qualification
    "ask_intent": (
        "Are you looking to buy, to sell, or both?",
        "Are you thinking of buying a home, selling one, or both?",
        "So is it buying, selling, or a bit of both?",
    ),
    "ask_location": (
        "What area are you looking in?",
        "Which neighborhood or town are you most interested in?",
        "Where would you like to live?",
    ),
    "ask_location_sell": ("Where's the home you're thinking of selling?", "Where is your home?"),
    "ask_timeline": (
        "When are you hoping to move?",
        "What's your timeline, roughly when would you like to be moved?",
        "Roughly when are you hoping to move?",
    ),
    "ask_budget": (
        "Do you have a price range in mind?",
        "What budget are you working with?",
        "Roughly what price range are you thinking?",
    ),
    "ask_budget_sell": ("Do you have a price in mind for your home?", "Do you have a price in mind for the house?"),
    "ask_preapproved": (
        "Have you been pre-approved for a mortgage yet, or are you paying cash?",
        "Are you pre-approved with a lender yet?",
        "Are you pre-approved yet, or paying cash?",
    ),
    "ask_motivation": (
        "What's prompting the move?",
        "Can I ask what's behind the move?",
        "Can I ask what's prompting the move?",
    ),
    "ask_has_agent": (
        "Are you already working with a real estate agent?",
        "Do you have an agent helping you at the moment?",
        "Is an agent helping you already?",
    ),
    # --- objections
    "not_interested_first": (
        "Totally understand, and just so I don't bother you again, is a move something you'd think about "
        "in the next year or so?",
    ),
    "not_interested_final": (
        "No problem at all, thanks for your time, {first}. Have a great day.",
        "Understood, I won't keep you. Take care, {first}.",
    ),
    "hostile": (
        "I'm sorry to have bothered you, we won't call you again. Have a good day.",
        "My apologies for the interruption, you won't get another call from us. Goodbye.",
    ),
    "has_agent": (
        "That's great, you're in good hands and I won't step on any toes. If anything changes, "
        "{company} is here{callback}, have a great day.",
    ),
    "just_looking": (
        "No pressure at all, lots of people start out just looking.",
        "That's perfectly fine, looking is the best place to start.",
    ),
    "busy_ask_when": (
        "No problem, when would be a better time to call you back?",
        "Of course, what time works better for a quick call back?",
    ),
    "callback_together": (
        "Then I'll call you both {when}, and we'll find a time that suits you together. Talk to you then.",
        "I'll ring you both {when} so you can pick a time together. Bye for now.",
    ),
    "callback_booked": (
        "Sure, I'll call you back {when}. Talk to you then.",
        "Okay, I'll give you a call {when}. Bye for now.",
    ),
    "callback_unclear": ("Sorry, what day and time would suit you?", "What day and roughly what time is best?"),
    "callback_which_time": ("Sure, what day and time {window} works best for you?",
                            "Of course, what day and time {window} should I call?"),
    "send_email": (
        "Sure, I'll have one of our agents email you the details{email}.",
        "Happy to, one of our agents will send it over by email{email}.",
    ),
    "send_text": (
        "Sure, I'll have one of our agents text you the details at this number.",
        "Happy to, one of our agents will send it over by text.",
    ),
    "price_worry": (
        "I hear you, prices are a real concern, and our agents can show you what's actually selling in your range.",
        "That's fair, affordability matters, and our agents know what homes really sell for.",
    ),
    "market_worry": (
        "That's a fair worry, nobody can time the market, but an agent can go over the numbers with you.",
    ),
    "other_language": (
        "I'll have a Spanish-speaking member of our team call you back. Gracias, adiós.",
    ),
    "other_language_named": (
        "I'll ask our team to call you back with someone who speaks {language}, if we can. Goodbye.",
    ),
    "other_language_unknown": (
        "I'm sorry, I only speak English. I'll ask our team to call you back with someone who speaks your language. "
        "Goodbye.",
    ),
    # --- scheduling
    "offer_slots": (
        "It'd be worth sitting down with {human}, who has {first_slot} or {second_slot} open. Which works better?",
        "I can set you up with {human} {first_slot}, or {second_slot}. Which suits you?",
    ),
    "offer_one_slot": (
        "The closest I have is {first_slot} with {human}. Would that work?",
        "I could do {first_slot} with {human}. Does that work for you?",
    ),
    "which_one": (
        "Which works better for you, {first_slot} or {second_slot}?",
        "Great, which suits you, {first_slot} or {second_slot}?",
    ),
    "propose": (
        "I have {slot} with {human}. Shall I book that?",
        "{human} is free {slot}. Shall I book it for you?",
    ),
    "nothing_then": (
        "I don't have anything open then.",
        "That time's already full, unfortunately.",
    ),
    "no_slots": (
        "I don't have an opening then. I'll have someone from our team call you to find a time.",
    ),
    "read_back": (
        "So that's {slot} with {human}. Shall I book it?",
        "Just to confirm, {slot} with {human}. Is that right?",
    ),
    "booked": (
        "You're all set for {slot} with {human}, and a calendar invite is on its way. Thanks {first}, goodbye.",
        "Done, you're booked with {human} for {slot}, invite on its way. Thanks so much, goodbye.",
    ),
    "where_we_meet": (
        "{human} can meet you at our office or at your home, whichever suits you, and the invite has the address.",
        "It can be at our office or at your place, {human} will confirm which with the invite.",
    ),
    "slot_taken": (
        "Ah, that time was just taken.",
        "Sorry, that time has just been taken.",
    ),
    "together_call_us": (
        "Of course. You can both reach us{callback} whenever suits you. Thanks, {first}, take care.",
        "No problem, call us{callback} once you've talked it over. Thanks, {first}, goodbye.",
    ),
    "ask_together_time": (
        "When are you both usually free?",
        "What day and time could you both make?",
    ),
    "ask_other_time": (
        "What day and time would suit you better?",
        "No problem, when would work better for you?",
    ),
    # --- answering machines (identity, company, callback number; said after the beep)
    "voicemail": (
        "Hi {first}, this is {agent}, an automated assistant calling for {company} about your home inquiry. "
        "Please call us back{callback}, or we'll try you again soon. Thanks, goodbye.",
    ),
    # --- endings
    "no_more_calls": ("Understood, no more calls to this number.",),
    "opt_out": (
        "Understood, I've taken your number off our list and you won't hear from us again. Goodbye.",
        "Of course, you're off our call list as of now. Sorry to bother you, goodbye.",
    ),
    "goodbye": (
        "Thanks for your time, {first}. Have a great day.",
        "Thanks so much, {first}. Take care.",
    ),
    "wrap_up": (
        "I don't want to keep you too long, so one of us will call you back {when} to pick this up. "
        "Thanks {first}, goodbye.",
    ),
    "goodbye_cold": (
        "Thanks, {first}. If anything changes, {company} is here{callback}. Have a great day.",
    ),
    # --- a lead who calls us (the AI disclosure stays: it is the first thing they hear from us)
    "greeting_inbound": (
        "Thanks for calling {company} back{name}, this is {agent}, an automated assistant{recorded}.",
        "Hi{name}, thanks for calling {company} back. I'm {agent}, the automated assistant{recorded}.",
    ),
    "greeting_inbound_new": (
        "Thanks for calling {company}, this is {agent}, an automated assistant{recorded}.",
    ),
    "inbound_booked": ("I see you're booked with {human} {slot}.",),
    "inbound_recap": ("Last time we talked about {recap}.", "I have your notes from last time: {recap}."),
    "inbound_callback": ("We were due to call you back {slot}, so thanks for beating us to it.",),
    "inbound_help": ("How can I help you today?", "What can I do for you?"),
    "cancelled": (
        "Okay, I've cancelled your meeting with {human} {slot}. Would you like to pick another time?",
    ),
    "moved": (
        "Done, your meeting with {human} is now {slot}, and the old time is cancelled. Thanks {first}, goodbye.",
    ),
    # --- live transfer (the connecting line is said before the hold: the lead knows who is coming)
    "transfer_connecting": (
        "Of course. I'll get {human} on the line for you now, please hold for a moment.",
        "Sure thing, let me connect you with {human}, one moment please.",
    ),
    "transfer_offer": (
        "{human} from our team is free right now. Would you like me to put you through?",
        "Good news, {human} can talk right now. Shall I connect you?",
    ),
    "transfer_nobody": (
        "Everyone on the team is with a client right now, so let me set up a time for you to talk.",
        "Nobody's free to jump on the phone this minute, but I can book you a time with one of our agents.",
    ),
    "transfer_missed": (
        "Sorry about the wait, {human} couldn't get to the phone.",
        "Thanks for holding, I'm afraid {human} couldn't pick up just now.",
    ),
    "goodbye_after_booking": (
        "Thanks, {first}, we look forward to meeting you. Goodbye.",
    ),
}


@dataclass
class Persona:
    agent_name: str
    company_name: str
    callback_number: str = ""
    lead_name: str = ""
    recorded_line: bool = False  # the greeting says the call is recorded (apps.compliance.recording)

    @property
    def first_name(self) -> str:
        return self.lead_name.split()[0] if self.lead_name.strip() else "there"


class Replies:
    """`said`: the sentences already said on this call; a template with another variant never says one again."""

    def __init__(self, persona: Persona, seed: int = 0, said: set[str] | frozenset[str] = frozenset()):
        self.persona = persona
        self._random = random.Random(seed)
        self._last: dict[str, int] = {}
        self._said = said

    def say(self, key: str, **values) -> str:
        variants = TEMPLATES[key]
        first = self._random.randrange(len(variants))
        if len(variants) > 1 and first == self._last.get(key):
            first = (first + 1) % len(variants)  # never the same words twice in a row
        persona = self.persona
        fields = {
            "agent": persona.agent_name, "company": persona.company_name, "first": persona.first_name,
            "name": f" {persona.first_name}" if persona.lead_name.strip() else "",
            "callback": f" at {persona.callback_number}" if persona.callback_number else "",
            "recorded": " on a recorded line" if persona.recorded_line else "",
            **values,
        }
        for step in range(len(variants)):
            index = (first + step) % len(variants)
            text = variants[index].format(**fields)
            if text not in self._said or step == len(variants) - 1:
                self._last[key] = index
                return text if text not in self._said else variants[first].format(**fields)
        raise AssertionError("unreachable")
