"""Whole typed conversations with the agent, and what they leave in the database."""
from __future__ import annotations

import datetime as dt
import re
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.calls.conversation import DjangoCallDomain
from apps.calls.media import call_opening
from apps.calls.models import AgentStep, AgentTransition, Appointment, Call, SlotHold
from apps.leads.models import DoNotCall, Lead, LeadStatus
from media_server.agent.orchestrator import Orchestrator
from tests.conftest import make_lead
from tests.media_server.agent.conversation import NOW, Conversation, add_human_agents, start_call

pytestmark = pytest.mark.django_db(transaction=True)

CHICAGO = ZoneInfo("America/Chicago")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def lead(campaign):
    add_human_agents(campaign)
    return make_lead(campaign, "+13125550142", time_zone="America/Chicago", name="Dana Whitfield",
                     consent="the Zillow inquiry form", consent_at=dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC))


@pytest.fixture
def talk(lead):
    conversation = Conversation(start_call(lead))
    conversation.greet()
    return conversation


def spoken_time(moment: dt.datetime) -> str:
    """How a time of day sounds: 3 PM, 12:30 PM."""
    return moment.strftime("%-I:%M %p").replace(":00", "")


def qualify_as_hot_buyer(talk: Conversation, no_agent: str = "no we don't have an agent") -> str:
    """A buyer who answers everything (the agent asks all seven questions before it offers a meeting): pre-approved,
    moving in three months for a job, no agent (said in `no_agent`)."""
    answer_up_to_the_agent_question(talk)
    return talk.say(no_agent)


def answer_up_to_the_agent_question(talk: Conversation) -> None:
    """The hot buyer's first six answers: the agent has just asked whether an agent helps them."""
    talk.say("yeah sure I have a minute")
    talk.say("we're looking to buy")
    talk.say("somewhere around Oak Park")
    talk.say("in about three months")
    talk.say("four fifty")
    talk.say("yes we're pre-approved")
    talk.say("we're relocating for work")


def test_it_greets_with_its_name_the_company_and_that_it_is_automated(lead):
    talk = Conversation(start_call(lead))
    greeting = talk.greet()
    assert "Dana" in greeting and "Alex" in greeting and "Sunrise Realty" in greeting
    assert "automated assistant" in greeting
    assert ("", "conversation") in talk.handovers


@pytest.mark.parametrize("answer", ["hello? hello", "yeah what's this about", "uh huh go on"])
def test_a_lead_who_talked_over_the_greeting_before_its_disclosure_hears_it_first_in_the_reply(lead, answer):
    talk = Conversation(start_call(lead))
    talk.greet()
    reply = talk.say(answer, over="Hi Dana, this is")
    assert "automated assistant" in reply.split(". ")[0], reply
    assert not reply.startswith("Hi, it's Alex from") and not reply.startswith("Hello, it's Alex with"), reply
    follow_up = talk.say("ok sure go ahead")  # heard out this time: not said again
    assert "automated assistant" not in follow_up, follow_up


@pytest.mark.parametrize("answer", ["i'm not interested", "is this a real person"])
def test_a_lead_who_cut_the_greeting_short_hears_the_disclosure_once_whatever_they_said(lead, answer):
    talk = Conversation(start_call(lead))
    talk.greet()
    reply = talk.say(answer, over="")
    disclosing = [s for s in re.split(r"(?<=[.?!])\s+", reply) if "automated assistant" in s or "AI" in s]
    assert len(disclosing) == 1, reply


def test_a_lead_who_heard_the_disclosure_before_cutting_in_is_not_told_again(lead):
    talk = Conversation(start_call(lead))
    heard = talk.greet().rsplit(". ", 1)[0] + ". You asked"
    reply = talk.say("yeah sure go ahead", over=heard)
    assert "automated assistant" not in reply and "buy" in reply.lower(), reply


def test_a_bare_hello_after_the_greeting_gets_who_we_are_again_with_the_disclosure(lead):
    talk = Conversation(start_call(lead))
    talk.greet()
    reply = talk.say("hello?")
    assert "automated assistant" in reply and reply.count("Alex") == 1, reply


def test_a_hot_buyer_is_offered_two_free_slots_in_their_own_time_and_books_one(talk, lead):
    offer = qualify_as_hot_buyer(talk)
    assert " or " in offer and talk.hangup == ""
    booked = talk.say("the first one works")  # a time we offered, picked plainly: booked, and said back
    assert talk.hangup
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    # The first time offered, said in the lead's own (Chicago) time, at least two hours ahead, in working hours.
    assert spoken_time(appointment.starts_at.astimezone(CHICAGO)) in offer.split(" or ")[0], offer
    assert appointment.starts_at >= NOW + dt.timedelta(hours=2)
    assert appointment.agent.name in booked
    lead.refresh_from_db()
    assert lead.status == LeadStatus.APPOINTMENT
    talk.call.refresh_from_db()
    assert talk.call.score_band == "hot" and talk.call.score >= 70
    assert talk.call.facts["budget"]["value"] == 450000 and "four fifty" in talk.call.facts["budget"]["words"]
    assert talk.call.facts["timeline"]["value"] == 3
    assert talk.call.disposition == "appointment"


def test_a_lead_who_talks_over_the_booking_hears_it_again_and_the_call_ends_with_one_appointment(talk, lead):
    qualify_as_hot_buyer(talk)
    talk.cut("the first one works")  # "The first one works, [pause] perfect": the second half cuts the booking
    cut = AgentStep.objects.filter(call=talk.call).order_by("number").last()
    assert (cut.lead_text, cut.intent) == ("the first one works", "schedule")  # on record all the same
    again = talk.say("that sounds perfect")

    [appointment] = Appointment.objects.filter(lead=lead)
    assert appointment.agent.name in again and talk.hangup  # the booking heard again, then the call ends
    talk.hangup = ""  # talking over that too: the call just ends, nothing said or booked again
    assert talk.say("great thanks") == "" and talk.hangup
    assert Appointment.objects.filter(lead=lead).count() == 1


def test_a_goodbye_decided_while_the_lead_talked_on_is_said_at_their_next_turn_and_on_record(talk, lead):
    qualify_as_hot_buyer(talk)
    talk.talk_over_the_thinking("the first one works")  # booked, and nothing of it said yet
    booked = AgentStep.objects.filter(call=talk.call).order_by("number").last()
    assert booked.lead_text == "the first one works" and booked.reply == ""
    heard = talk.say("so yeah that one")
    assert talk.hangup and "Jordan Lee" in heard and Appointment.objects.filter(lead=lead).count() == 1
    booked.refresh_from_db()
    assert booked.reply == heard  # the step says what the lead heard for it
    talk.call.refresh_from_db()
    assert talk.call.disposition == "appointment"


def test_a_lead_who_opts_out_over_the_goodbye_is_heard_and_the_meeting_goes(talk, lead):
    qualify_as_hot_buyer(talk)
    talk.cut("the first one works")  # booked; the goodbye cut by what follows
    assert Appointment.objects.filter(lead=lead, status=Appointment.Status.BOOKED).count() == 1
    talk.say("wait my husband already called somebody forget the meeting and take us off your list")
    assert talk.hangup and DoNotCall.objects.filter(phone=lead.phone).exists()
    assert not Appointment.objects.filter(lead=lead, status=Appointment.Status.BOOKED).exists()


def test_a_lead_in_another_zone_is_never_offered_a_time_before_8_their_time(campaign):
    add_human_agents(campaign)
    lead = make_lead(campaign, "+12135550177", time_zone="America/Los_Angeles", name="Robin")
    talk = Conversation(start_call(lead))
    talk.greet()
    qualify_as_hot_buyer(talk)
    talk.say("the first")
    appointment = Appointment.objects.get(lead=lead)
    local = appointment.starts_at.astimezone(LOS_ANGELES)
    assert 8 <= local.hour < 21
    assert appointment.lead_time_zone == "America/Los_Angeles"


def test_a_lead_who_names_a_time_gets_a_slot_then_read_back_and_booked_on_yes(talk, lead):
    qualify_as_hot_buyer(talk)
    offer = talk.say("could we do friday afternoon instead")
    assert "Friday" in offer and " or " not in offer and talk.hangup == ""  # their time, read back, not a new menu
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead)
    local = appointment.starts_at.astimezone(CHICAGO)
    assert local.date() == dt.date(2026, 11, 27) and 12 <= local.hour < 17


def test_a_busy_lead_gets_a_callback_at_the_time_they_named(talk, lead):
    reply = talk.say("I'm driving right now can you call me back tomorrow at 3")
    assert talk.hangup and "3 PM" in reply
    lead.refresh_from_db()
    expected = dt.datetime(2026, 11, 26, 15, 0, tzinfo=CHICAGO)
    assert lead.next_attempt_at == expected and lead.callback_at == expected
    talk.call.refresh_from_db()
    assert talk.call.callback_at == expected and talk.call.disposition == "callback"
    assert talk.call.objections == {"busy": 1}


def test_a_lead_woken_after_a_night_shift_is_asked_when_not_called_back_within_the_hour(talk, lead):
    reply = talk.say("huh im asleep i work nights")
    # when they cannot talk says nothing of when they can: asked (in any of the question's wordings)
    assert not talk.hangup and ("when" in reply.lower() or "what time" in reply.lower()), reply
    reply = talk.say("try me monday after 3")
    assert talk.hangup and "Monday" in reply and "3 PM" in reply, reply
    lead.refresh_from_db()
    assert lead.callback_at == dt.datetime(2026, 11, 30, 15, 0, tzinfo=CHICAGO)


def test_asked_to_say_the_call_back_question_again_it_is_said_in_other_words(talk, lead):
    first = talk.say("can't talk i'm at a job site")
    again = talk.say("sorry you cut out what")
    assert not talk.hangup and again != first and "time" in again.lower(), (first, again)


def test_someone_else_answering_for_a_lead_at_work_gets_a_call_back_for_the_lead_not_a_meeting(talk, lead):
    reply = talk.say("this is her mother she's at work at the hospital call her tomorrow after five")
    assert talk.hangup and "5 PM" in reply, reply
    lead.refresh_from_db()
    assert lead.callback_at == dt.datetime(2026, 11, 26, 17, 0, tzinfo=CHICAGO)
    assert not Appointment.objects.filter(lead=lead).exists()


def test_an_answer_then_a_question_about_us_keeps_the_answer_and_asks_the_next_question(talk):
    talk.say("sure")
    assert _expecting(talk) == "intent"
    reply = talk.say("we want to sell and how did you get this number anyway")
    assert "inquiry" in reply and _expecting(talk) == "location", reply  # answered, then the next question
    talk.call.refresh_from_db()
    assert talk.call.facts["intent"]["value"] == "sell"


def test_a_call_back_on_a_day_named_is_booked_then_at_the_hour_they_answered(talk, lead):
    reply = talk.say("oh shoot my boss is calling me in, can you try me friday")
    assert talk.hangup and "Friday" in reply
    lead.refresh_from_db()
    local = lead.callback_at.astimezone(CHICAGO)
    assert (local.strftime("%A"), local.hour, local.minute) == ("Friday", 10, 30)  # NOW is 10:30 in Chicago


@pytest.mark.parametrize(("said", "day"), [
    ("ugh not a great time can you call me back in a couple weeks", dt.date(2026, 12, 9)),
    ("i'm driving, call me in two weeks", dt.date(2026, 12, 9)),
    ("we're not ready, try me again in a month or so", dt.date(2026, 12, 25)),
])
def test_a_call_back_a_distance_away_is_booked_on_the_day_it_lands_without_another_question(talk, lead, said, day):
    reply = talk.say(said)
    assert talk.hangup and "?" not in reply
    lead.refresh_from_db()
    local = lead.callback_at.astimezone(CHICAGO)
    assert (local.date(), local.hour, local.minute) == (day, 10, 30)  # at the hour they answered
    assert "timeline" not in (talk.call.facts or {})  # when to call is not when they move


def test_a_lead_leaving_on_a_trip_is_asked_when_they_are_back_not_called_the_day_they_leave(talk, lead):
    reply = talk.say("i'm leaving on a trip tomorrow, can you call me when i'm back")
    assert not talk.hangup and "tomorrow" not in reply.lower()
    talk.say("i'm back the 3rd so the friday after that")
    lead.refresh_from_db()
    assert talk.hangup and lead.callback_at.astimezone(CHICAGO).date() == dt.date(2026, 12, 4)


def test_a_busy_lead_is_asked_when_and_next_week_after_5_means_monday_evening(talk, lead):
    ask = talk.say("this is a bad time")
    assert "better time" in ask or "works better" in ask
    assert not talk.hangup
    talk.say("next week after 5")
    assert talk.hangup
    lead.refresh_from_db()
    assert lead.next_attempt_at == dt.datetime(2026, 11, 30, 17, 0, tzinfo=CHICAGO)


def test_a_busy_lead_who_leaves_without_a_time_is_busy_and_called_again_later(talk, lead):
    talk.say("cant talk im on the tractor")
    talk.say("i dunno man some other time gotta go")
    assert talk.hangup
    talk.call.refresh_from_db()
    assert talk.call.disposition == "busy"  # tried again by the cadence, not written off as a lead who hung up
    lead.refresh_from_db()
    assert lead.callback_at is None and not DoNotCall.objects.exists()


def test_a_lead_who_was_only_curious_and_then_wants_nobody_is_let_go(talk, lead):
    talk.say("sure")
    talk.say("honestly just curious what my place is worth, not selling")
    reply = talk.say("nah i don't need to talk to anyone, i'm good")
    assert talk.hangup and "?" not in reply  # not asked about next year after two no's
    talk.call.refresh_from_db()
    assert talk.call.disposition == "not_interested"


def test_a_busy_lead_who_will_reach_out_themselves_is_let_go_not_quizzed(talk, lead):
    talk.say("can't talk, on the tractor")
    reply = talk.say("no clue, i'll reach out when things calm down")
    assert talk.hangup and "?" not in reply
    talk.call.refresh_from_db()
    assert talk.call.disposition == "busy"


def test_a_lead_who_picks_a_time_and_asks_for_texts_not_calls_is_booked_and_never_called(talk, lead):
    offer = qualify_as_hot_buyer(talk)
    reply = talk.say("the second one and just text me the address dont call")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    assert talk.hangup and spoken_time(appointment.starts_at.astimezone(CHICAGO)) in offer.split(" or ")[1]
    assert "no more calls" in reply
    assert DoNotCall.objects.filter(phone=lead.phone).exists()  # "don't call" is honoured all the same


def test_a_lead_who_proposes_a_day_to_sit_down_mid_questions_gets_it_read_back_and_booked(talk, lead):
    talk.say("yeah sure I have a minute")
    talk.say("we're looking to buy")
    talk.say("somewhere around Oak Park")
    reply = talk.say("honestly monday any time works for me to sit down")  # asked when they move, not to meet
    assert "Monday" in reply and not talk.hangup, reply
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    assert appointment.starts_at.astimezone(CHICAGO).strftime("%A") == "Monday"


def test_a_lead_who_cannot_talk_and_wants_a_text_is_asked_when_not_quizzed(talk, lead):
    reply = talk.say("can you just text me instead i cant hear nothin at work")
    assert "time" in reply and "buying" not in reply and not talk.hangup  # asked when, not quizzed at work
    talk.say("fine after the new year then")
    assert talk.hangup
    lead.refresh_from_db()
    assert lead.callback_at.astimezone(CHICAGO).date() >= dt.date(2027, 1, 2)


@pytest.mark.parametrize("asked, channel, staff_see", [
    ("can you just shoot me a text with some listings", "text", "send_text"),
    ("just txt me the info", "text", "send_text"),
    ("could you email me the listings instead", "email", "send_email"),
])
def test_what_a_lead_asks_to_be_sent_is_promised_by_the_channel_they_named(talk, lead, asked, channel, staff_see):
    talk.say("yeah go ahead")
    reply = talk.say(asked)
    other = {"text": "email", "email": "text"}[channel]
    assert channel in reply.lower() and other not in reply.lower(), reply  # never "I'll email you" to "text me"
    talk.call.refresh_from_db()
    assert talk.call.objections == {staff_see: 1}  # staff's summary says which job it is


def test_a_lead_who_wants_a_text_because_they_cannot_talk_mid_questions_is_asked_when_not_quizzed(talk, lead):
    talk.say("yeah go ahead")
    talk.say("selling")
    reply = talk.say("can you just text me instead im in a loud warehouse")
    assert "text" in reply and "time" in reply and "home" not in reply and not talk.hangup, reply


def test_a_lead_who_asks_where_the_meeting_is_gets_an_answer_before_the_choice_or_the_goodbye(talk, lead):
    offer = qualify_as_hot_buyer(talk)
    reply = talk.say("wait whats the address of the office")
    assert "office" in reply and reply.endswith("?") and not talk.hangup, reply  # answered, the choice asked again
    assert offer not in reply  # not the same words again
    reply = talk.say("the first one sure and whats the address")
    assert talk.hangup and "office" in reply and Appointment.objects.filter(lead=lead).exists(), reply


def test_a_day_of_the_month_said_after_a_month_given_is_that_months(talk, lead):
    talk.say("im slammed with year end stuff i dont have a minute till january")
    talk.say("after the 10th")  # the month they gave: January 11th on, not the 11th of this month
    assert talk.hangup
    lead.refresh_from_db()
    assert lead.callback_at.astimezone(CHICAGO).date() >= dt.date(2027, 1, 11)


@pytest.mark.parametrize("deferral", [
    "honestly with rates like this id rather wait and see, ill call you guys when im ready",
    "oh i dont wanna meet yet we're not there yet we'll call yall",
    # put off in polite words, with no objection and no promise to call: let go all the same
    "well shoot thats kind of you but we figure well see how the summer plays out and then give you all a ring",
    "mm you know what lets hold off on that for now",
    "gosh with prices where they are we'll just sit tight a while",
    "we're good for now, gonna see what the market does",
    # "first" said as an adverb before "when": no pick of the first offer (it had booked it)
    "not right now let me check with my wife first when she gets home and we'll call you back",
])
def test_a_lead_who_defers_the_meeting_with_an_objection_is_let_go_not_argued_with(talk, lead, deferral):
    offer = qualify_as_hot_buyer(talk)
    assert " or " in offer
    talk.say(deferral)
    assert talk.hangup and not Appointment.objects.filter(lead=lead).exists()
    talk.call.refresh_from_db()
    assert talk.call.disposition == "qualified"  # a hot lead who will come back to us


def test_stop_calling_puts_the_number_on_the_do_not_call_list_and_ends_the_call(talk, lead):
    talk.say("yeah")
    reply = talk.say("stop calling me")
    assert talk.hangup and "list" in reply
    assert DoNotCall.objects.active().filter(phone=lead.phone, source=DoNotCall.Source.OPT_OUT).exists()
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DO_NOT_CALL
    talk.call.refresh_from_db()
    assert talk.call.disposition == "opted_out"


def test_pressing_9_opts_out(talk, lead):
    talk.say("", dtmf="9")
    assert talk.hangup
    assert DoNotCall.objects.active().filter(phone=lead.phone).exists()


def test_is_this_a_robot_is_answered_truthfully_and_the_call_goes_on(talk):
    talk.say("sure")
    question = talk.say("we want to buy")
    reply = talk.say("wait am I talking to a real person")
    assert "automated" in reply or "AI" in reply
    assert not talk.hangup and question not in reply  # no sentence twice...
    assert _expecting(talk) == "location" and reply.endswith("?")  # ...but the question comes back, reworded


def test_how_did_you_get_my_number_names_the_consent_source(talk):
    reply = talk.say("how did you get my number")
    assert "Zillow inquiry form" in reply and "November 2" in reply
    assert not talk.hangup


def test_a_wrong_number_ends_politely_and_the_number_is_not_called_again(talk, lead):
    reply = talk.say("sorry there's no Dana here you have the wrong number")
    assert talk.hangup and ("sorry" in reply.lower() or "apolog" in reply.lower())
    lead.refresh_from_db()
    assert lead.status == LeadStatus.INVALID and lead.next_attempt_at is None


def test_a_lead_who_has_an_agent_is_not_pushed(talk, lead):
    talk.say("yes")
    reply = talk.say("actually I already have a realtor")
    assert talk.hangup
    assert "?" not in reply  # no more questions
    lead.refresh_from_db()
    assert lead.next_attempt_at is None
    talk.call.refresh_from_db()
    assert talk.call.disposition == "has_agent" and talk.call.objections == {"has_agent": 1}


def test_a_polite_no_gets_one_gentle_question_then_a_goodbye(talk, lead):
    first = talk.say("no thanks")
    assert not talk.hangup and "?" in first
    talk.say("no")
    assert talk.hangup
    talk.call.refresh_from_db()
    assert talk.call.disposition == "not_interested"
    lead.refresh_from_db()
    assert lead.next_attempt_at is None


@pytest.mark.parametrize("said", ["I'm not interested", "oh no we ain't interested thanks anyway",
                                  # a decision made is as plain as the words "not interested"
                                  "we talked it over and decided not to sell after all",
                                  "eh we changed our minds honestly"])
def test_not_interested_said_outright_is_respected_at_once(talk, lead, said):
    reply = talk.say(said)
    assert talk.hangup and "?" not in reply
    talk.call.refresh_from_db()
    assert talk.call.disposition == "not_interested"
    lead.refresh_from_db()
    assert lead.next_attempt_at is None


def test_a_spanish_speaker_is_offered_a_human_callback(talk):
    reply = talk.say("no hablo inglés hablo español")
    assert talk.hangup and "Spanish" in reply
    talk.call.refresh_from_db()
    assert talk.call.disposition == "language_callback"


def test_garbled_words_in_a_language_whisper_is_sure_of_still_get_the_spanish_callback(talk):
    # Whisper fixed the call's language from the lead's hello; later turns came out low-confidence.
    reply = talk.say("¡Pepón no ha longué!", usable=False, language="es")
    assert talk.hangup and "Spanish" in reply
    talk.call.refresh_from_db()
    assert talk.call.disposition == "language_callback"


@pytest.mark.parametrize(("said", "language", "promised"), [
    ("eu não falo inglês", "pt", "Portuguese"),  # Whisper heard Portuguese
    ("nie mówię po angielsku", "pl", "Polish"),
    ("я не говорю по-английски", "en", "your language"),  # another script, language not named: none promised
])
def test_a_lead_in_another_language_is_not_promised_a_spanish_speaker(talk, said, language, promised):
    reply = talk.say(said, language=language)
    assert talk.hangup and promised in reply and "Spanish" not in reply and "Gracias" not in reply
    talk.call.refresh_from_db()
    assert talk.call.disposition == "language_callback"


def test_an_english_yes_with_a_thank_you_in_another_script_books(talk):
    qualify_as_hot_buyer(talk)
    talk.say("tomorrow at 2")
    reply = talk.say("yes дякую")
    talk.call.refresh_from_db()
    assert talk.hangup and talk.call.disposition == "appointment" and "Spanish" not in reply


@pytest.mark.parametrize("said", [
    "i need to talk to my husband first well call you back",  # "we'll" with the apostrophe unheard
    "let me run it by my wife first ill let you know",
])
def test_talking_to_a_spouse_first_books_nothing(talk, said):
    qualify_as_hot_buyer(talk)
    talk.say(said)
    talk.call.refresh_from_db()
    assert talk.call.disposition != "appointment" and not talk.call.appointments.exists()


def test_a_pick_said_with_a_goodbye_is_booked(talk):
    qualify_as_hot_buyer(talk)
    talk.say("the first one well see you then")
    talk.call.refresh_from_db()
    assert talk.call.disposition == "appointment" and talk.call.appointments.exists()


def test_an_unusable_english_turn_is_asked_again(talk):
    reply = talk.say("mmhm rrr", usable=False)
    state = talk.agent.state(talk.call.pk)
    assert not talk.hangup and state["expecting"] == "permission"
    assert ("minute" in reply or "time" in reply) and reply.endswith("?")
    assert reply not in talk.said[0]  # asked again, in other words


def _expecting(talk) -> str:
    return talk.agent.state(talk.call.pk)["expecting"]


def _to_the_budget_question(talk) -> None:
    for answer in ("sure", "I want to buy", "Oak Park", "within two months"):
        talk.say(answer)
    assert _expecting(talk) == "budget"


def test_a_lead_who_asks_back_at_a_question_is_answered_and_asked_it_again(talk):
    _to_the_budget_question(talk)
    asked = talk.said[-1]
    reply = talk.say("how are the rates looking these days")
    again = reply.rsplit(".", 1)[-1].strip()
    assert _expecting(talk) == "budget" and again and again not in asked  # our question again, in other words
    talk.say("uh somewhere 320 340")
    budget = talk.agent.state(talk.call.pk)["facts"]["budget"]
    assert (budget["value"], budget["high"]) == (320000, 340000) and _expecting(talk) == "preapproved"


def test_a_call_back_never_lands_on_a_day_the_lead_ruled_out(talk, lead):
    talk.say("im at work can you call me back")  # said on Wednesday 25 November
    talk.say("any day next week except monday afternoons are best")
    assert talk.hangup
    lead.refresh_from_db()
    local = lead.callback_at.astimezone(CHICAGO)
    assert local.date() > dt.date(2026, 11, 30) and local.weekday() != 0 and local.hour >= 12


def test_a_low_confidence_answer_with_the_facts_in_it_is_taken(talk):
    _to_the_budget_question(talk)
    talk.say("Around 400,000", usable=False)  # Whisper unsure of the voice, sure of the words
    assert _expecting(talk) == "preapproved"
    assert talk.agent.state(talk.call.pk)["facts"]["budget"]["value"] == 400000


def _time_said(reply: str) -> tuple[str, str]:
    """The time and the person a read-back names, whichever words it is in."""
    time = re.search(r"\bfriday, \w+ \d+\w* at \d{1,2}(?::\d\d)? [AP]M", reply, re.IGNORECASE)
    person = re.search(r"\b(?:with|^)\s*([A-Z]\w+ [A-Z]\w+)", reply)
    assert time and person, reply
    return time.group(0), person.group(1)


def test_a_low_confidence_yes_to_a_read_back_is_not_taken_as_consent(talk):
    _to_the_budget_question(talk)
    talk.say("around 400,000")
    talk.say("yes I'm pre-approved")
    talk.say("a new job")
    talk.say("no agent")
    read_back = talk.say("could we do friday afternoon instead")  # a time of their own: read back
    again = talk.say("yes", usable=False)
    assert again != read_back and _time_said(again) == _time_said(read_back)  # asked again, nothing booked
    assert not Appointment.objects.filter(lead=talk.call.lead).exists()
    talk.say("yes", usable=False)  # the same doubtful "yes" twice running: that is a yes
    assert Appointment.objects.filter(lead=talk.call.lead).count() == 1


def test_a_read_back_taken_back_for_a_day_someone_has_on_books_the_day_named_at_the_same_time(talk):
    _to_the_budget_question(talk)
    talk.say("around 400,000")
    talk.say("yes I'm pre-approved")
    talk.say("a new job")
    talk.say("no agent")
    read_back = talk.say("my husband's off at three on fridays so friday at like four")
    assert "Friday" in read_back and "4 PM" in read_back, read_back
    again = talk.say("wait no he's got bowling friday um thursday same time")  # not a yes to friday
    assert not Appointment.objects.filter(lead=talk.call.lead).exists()
    assert "tomorrow at 4 PM" in again, again  # thursday, said on a wednesday
    talk.say("yes")
    appointment = Appointment.objects.get(lead=talk.call.lead)
    assert appointment.starts_at.astimezone(CHICAGO) == dt.datetime(2026, 11, 26, 16, tzinfo=CHICAGO)


def test_a_worry_answered_once_and_raised_again_at_the_offer_lets_the_lead_go(talk):
    _to_the_budget_question(talk)
    talk.say("around 400,000")
    talk.say("yes I'm pre-approved")
    answered = talk.say("a new job but honestly i'm scared the market's gonna crash")
    talk.say("no agent")
    assert _expecting(talk) == "slot_choice"
    reply = talk.say("nah we're gonna hold off till the market settles")
    assert talk.hangup and "?" not in reply, reply  # not argued with twice, no meeting pushed again
    assert answered.split(".")[0] not in reply  # the answer to the worry is not said twice
    talk.call.refresh_from_db()
    assert talk.call.disposition == "qualified"
    assert not Appointment.objects.filter(lead=talk.call.lead).exists()


def test_an_unclear_answer_to_a_read_back_hears_the_read_back_again(talk):
    _to_the_budget_question(talk)
    talk.say("around 400,000")
    talk.say("yes I'm pre-approved")
    talk.say("a new job")
    talk.say("no agent")
    read_back = talk.say("could we do friday afternoon instead")
    again = talk.say("let's find the stupid", usable=False)
    assert again != read_back and _time_said(again) == _time_said(read_back)  # the same time, in other words
    talk.say("yes")
    assert Appointment.objects.filter(lead=talk.call.lead).count() == 1


def test_a_question_we_cannot_make_out_three_times_is_left_for_the_next(talk):
    _to_the_budget_question(talk)
    heard = []
    for _ in range(3):
        talk.say("krr shh", usable=False)
        heard.append(_expecting(talk))
    assert heard == ["budget", "budget", "preapproved"]  # asked three times in all, then left
    assert "budget" not in talk.agent.state(talk.call.pk)["facts"]


def test_a_price_worry_is_answered_and_the_question_comes_back(talk):
    talk.say("sure")
    talk.say("buy")
    talk.say("Oak Park")
    talk.say("six months")
    asked = talk.say("uh hmm")  # budget question asked again or next question
    reply = talk.say("honestly prices are way too high right now")
    assert not talk.hangup
    assert "price" in reply.lower() or "afford" in reply.lower()
    assert reply.endswith("?")
    steps = list(AgentStep.objects.filter(call=talk.call).values_list("objection", flat=True))
    assert "price_worry" in steps
    assert asked


def test_a_cold_lead_is_thanked_and_let_go(talk, lead):
    talk.say("ok")
    talk.say("we might buy someday")
    talk.say("no idea where")
    talk.say("not for a couple of years")
    for _ in range(6):
        if talk.hangup:
            break
        talk.say("I don't know")
    assert talk.hangup
    talk.call.refresh_from_db()
    assert talk.call.score_band == "cold" and talk.call.disposition == "cold"


def test_a_lead_years_away_who_answers_is_asked_the_rest_and_let_go_without_an_offer(talk, lead):
    talk.say("sure go ahead")
    talk.say("buying")
    talk.say("somewhere in evanston")
    talk.say("not for a year at least maybe two")
    asked = [talk.say("like six hundred"), talk.say("no not yet"), talk.say("we're tired of renting")]
    assert not talk.hangup and "agent" in asked[-1].lower()  # budget, lender, reason and agent all asked
    goodbye = talk.say("no we don't have one")
    assert talk.hangup and " or " not in goodbye and not Appointment.objects.filter(lead=lead).exists()
    talk.call.refresh_from_db()
    assert talk.call.disposition == "cold" and talk.call.score_band == "cold"
    assert {"budget", "preapproved", "has_agent"} <= set(talk.call.facts)


@pytest.mark.parametrize("lines", [
    ["sure", "buy eventually", "evanston i think", "honestly we're just browsing not for a couple years probably"],
    ["sure", "buying but we're just kinda looking at what's out there", "evanston", "a couple years from now"],
])
def test_a_lead_just_browsing_for_years_is_thanked_and_not_quizzed(talk, lines):
    """Thanked and let go, asked only whether an agent already helps them (budget and lender are not asked)."""
    for line in lines:
        reply = talk.say(line)
    assert not talk.hangup and "agent" in reply.lower(), reply
    talk.say("no")
    assert talk.hangup
    talk.call.refresh_from_db()
    assert talk.call.disposition == "cold" and talk.call.facts["has_agent"]["value"] is False
    assert not {"budget", "preapproved"} & set(talk.call.facts)


@pytest.mark.parametrize("asked, answer", [
    ("timeline", "no rush really we'll know it when we see it"),
    ("budget", "that's what i'm hoping you guys can tell me"),
    ("budget", "whatever it's worth i guess"),
    ("motivation", "nothing in particular just thinking about the future"),
    ("budget", "i'd rather not say"),
    ("motivation", "that's kind of personal"),
])
def test_an_answer_that_says_there_is_no_answer_moves_on_instead_of_asking_again(talk, asked, answer):
    questions = {"timeline": "move", "budget": "price", "motivation": "move"}
    lines = ["yes i have a minute", "selling", "on elm street in oak park", "in about three months", "four fifty",
             "we're downsizing"]
    order = {"timeline": 3, "budget": 4, "motivation": 5}
    for line in lines[:order[asked]]:
        question = talk.say(line)
    assert questions[asked] in question.lower()
    following = talk.say(answer)
    assert not following.startswith("Sorry") and questions[asked] not in following.lower()


@pytest.mark.parametrize("leave", ["yeah but i'm driving so keep it short", "sure i only got like two minutes",
                                   "i'm at work but go ahead"])
def test_a_yes_with_a_limit_on_it_is_leave_to_go_on(talk, leave):
    talk.say(leave)
    assert "buy" in talk.said[-1].lower() and not talk.hangup  # the first question, not "when should I call back?"


def test_a_lead_asked_when_to_call_back_who_answers_the_questions_instead_is_qualified_now(talk):
    talk.say("i'm in the car")
    talk.say("we're buying, moving up from dallas for a new job")
    asked = talk.said[-1].lower()
    assert not talk.hangup and asked.endswith("?") and "call" not in asked  # the next question: where
    talk.call.refresh_from_db()
    assert talk.call.facts["intent"]["value"] == "buy"


def test_every_decision_is_stored_with_its_intent_route_and_facts(talk):
    talk.say("yes")
    talk.say("we're looking to buy a three bedroom")
    steps = list(AgentStep.objects.filter(call=talk.call).order_by("number"))
    assert [s.number for s in steps] == [1, 2]
    assert steps[1].new_facts["intent"]["value"] == "buy"
    assert steps[1].route == "qualification" and steps[1].mode == "rules"
    transitions = list(AgentTransition.objects.filter(call=talk.call).values_list("to_agent", flat=True)) \
        if AgentTransition.objects.filter(call=talk.call).exists() else [t[1] for t in talk.handovers]
    assert "qualification" in transitions


def test_a_restarted_worker_resumes_the_call_with_what_the_lead_said(talk):
    talk.say("sure")
    talk.say("we want to buy in Oak Park")
    resumed = Conversation(talk.call, agent=Orchestrator(domain=DjangoCallDomain(), clock=lambda: NOW,
                                                         brain=None))  # a new process
    question = resumed.say("in about a month")
    assert "area" not in question and "neighborhood" not in question  # location is not asked again
    assert resumed.agent.state(talk.call.pk)["facts"]["location"]["value"]


@pytest.mark.parametrize("hold_seconds", [300, 0], ids=["held", "holds-lapsed"])
def test_two_calls_qualifying_at_once_never_double_book_and_keep_the_time_they_chose(campaign, settings,
                                                                                      hold_seconds):
    """Each call holds the times it offers: the second is offered other times, so both book what they chose.
    Were holds to lapse (a crashed process), the database still books the time once and the loser is offered
    other times."""
    settings.SLOT_HOLD_SECONDS = hold_seconds
    add_human_agents(campaign)
    leads = [make_lead(campaign, f"+1312555{n:04d}", time_zone="America/Chicago", name=f"Lead {n}") for n in (1, 2)]
    talks = [Conversation(start_call(lead)) for lead in leads]
    offers = []
    for talk in talks:
        talk.greet()
        offers.append(qualify_as_hot_buyer(talk))
    answers: dict[int, str] = {}
    barrier = threading.Barrier(2)

    def confirm(index: int) -> None:
        barrier.wait()
        answers[index] = talks[index].say("the first one")

    threads = [threading.Thread(target=confirm, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    booked = list(Appointment.objects.filter(status=Appointment.Status.BOOKED))
    assert len({(a.agent_id, a.starts_at) for a in booked}) == len(booked)  # nobody shares a slot
    if hold_seconds:
        assert offers[0] != offers[1]  # the second lead was offered other times
        assert len(booked) == 2 and not any("taken" in answer for answer in answers.values()), answers
        assert all(talk.hangup for talk in talks)
        assert not SlotHold.objects.exists()  # booking gave back what each call held
        return
    assert len(booked) == 1
    loser = 0 if "taken" in answers[0] else 1
    assert "taken" in answers[loser] and not talks[loser].hangup  # offered other times instead
    assert Lead.objects.get(pk=leads[1 - loser].pk).status == LeadStatus.APPOINTMENT


SENTENCE_END = re.compile(r"[.?!](\s|$)")


@pytest.mark.parametrize("lines", [
    ["sure", "we're looking to buy", "somewhere around Oak Park", "in about three months", "four fifty",
     "yes we're pre-approved", "no", "the first one", "yes"],
    ["who is this", "are you a robot", "how did you get my number", "what", "ok go on", "just looking really",
     "prices are crazy", "I'm worried about rates", "just email me", "I'm not interested", "no"],
    ["this is a bad time", "uh", "next week after 5"],
])
def test_every_reply_is_short_enough_to_say_on_the_phone(talk, lines):
    for line in lines:
        if talk.hangup:
            break
        reply = talk.say(line)
        sentences = len(SENTENCE_END.findall(reply))
        assert 1 <= sentences <= 2, reply
        assert not re.search(r"[*#\[\]]|^\s*[-•]", reply), reply  # nothing a voice cannot say



def test_an_answering_machine_gets_a_short_message_after_its_beep(campaign):
    campaign.callback_number = "(312) 555-0199"
    campaign.save()
    lead = make_lead(campaign, "+13125550150", time_zone="America/Chicago", name="Dana Whitfield")
    talk = Conversation(start_call(lead))
    talk.greet()
    message = talk.say("Hi you've reached Dana, I can't come to the phone, leave a message after the tone")
    assert talk.hangup
    assert "Sunrise Realty" in message and "(312) 555-0199" in message and "automated assistant" in message
    talk.call.refresh_from_db()
    assert talk.call.disposition == "voicemail"


@pytest.mark.parametrize(("answered_by", "greeting_is_message"), [("machine_end_beep", True),
                                                                  ("machine_start", False)])
def test_machine_detection_decides_what_the_greeting_is(campaign, answered_by, greeting_is_message):
    lead = make_lead(campaign, "+13125550151", time_zone="America/Chicago", name="Dana")
    call = start_call(lead)
    call.answered_by = answered_by
    call.save()
    talk = Conversation(call)
    greeting = talk.greet()
    if greeting_is_message:
        assert "call us back" in greeting and talk.hangup
    else:
        assert greeting == "" and not talk.hangup  # still talking: wait for its beep
        assert "call us back" in talk.say("please leave your name and number") and talk.hangup


def test_a_long_winded_call_wraps_up_before_its_cost_cap(campaign, lead):
    from apps.calls.lifecycle import finish_call
    from apps.calls.models import CallStatus
    from apps.costs.services import call_cost

    campaign.budget_per_call = Decimal("0.05")  # under three started minutes at $0.018
    campaign.save()
    talk = Conversation(start_call(lead))
    talk.greet()
    rambling = ["well let me tell you about my cousin", "she moved to Ohio", "anyway where was I", "oh the weather",
                "my dog is barking", "what was the question", "hmm let me think", "you know how it is"]
    for line in rambling:
        talk.now += dt.timedelta(seconds=20)
        reply = talk.say(line)
        if talk.hangup:
            break
    assert talk.hangup and "call you back" in reply
    ended = talk.now + dt.timedelta(seconds=8)  # the goodbye is said
    finish_call(talk.call.pk, CallStatus.COMPLETED, duration=int((ended - NOW).total_seconds()))
    assert call_cost(talk.call.pk) <= Decimal("0.05")
    lead.refresh_from_db()
    assert lead.next_attempt_at is not None and lead.next_attempt_at > NOW + dt.timedelta(hours=12)


# --- a dialogue that books (issue 16) ----------------------------------------------------------------------


def test_a_yes_to_two_times_asks_which_one_instead_of_repeating_the_offer(talk, lead):
    offer = qualify_as_hot_buyer(talk)
    which = talk.say("yes great thanks")
    assert which != offer and ("which" in which.lower() or "is that" in which.lower())
    assert not Appointment.objects.filter(lead=lead).exists()
    talk.say("the first one")
    assert Appointment.objects.filter(lead=lead).count() == 1 and talk.hangup


def test_a_day_the_lead_rules_out_is_never_offered_and_the_first_time_that_fits_books_on_yes(talk, lead):
    qualify_as_hot_buyer(talk)
    thursday = (NOW.astimezone(CHICAGO) + dt.timedelta(days=1)).strftime("%A")  # NOW is a Wednesday
    proposal = talk.say(f"i can't do {thursday.lower()} any other day")
    assert thursday not in proposal and "tomorrow" not in proposal.lower() and " or " not in proposal
    talk.say("yes that's fine")
    booked = Appointment.objects.get(lead=lead).starts_at.astimezone(CHICAGO)
    assert talk.hangup and booked.strftime("%A") != thursday


@pytest.mark.parametrize("constraint, fits", [
    ("anything but friday and not mornings", lambda at: at.strftime("%A") != "Friday" and at.hour >= 12),
    ("any day next week but tuesday thats my physio appointment mornings are better",
     lambda at: at.date() >= dt.date(2026, 11, 30) and at.strftime("%A") != "Tuesday" and at.hour < 12),
    ("neither of those i sleep days late afternoon monday", lambda at: at.strftime("%A") == "Monday" and at.hour >= 15),
    ("mornings are bad for me", lambda at: at.hour >= 12),
    # a time offered at noon is not in the morning
    ("we can do mornings just not friday", lambda at: at.hour < 12 and at.strftime("%A") != "Friday"),
])
def test_a_lead_who_only_says_what_does_not_suit_is_proposed_a_time_that_fits_and_booked_on_yes(
        talk, lead, constraint, fits):
    qualify_as_hot_buyer(talk)  # NOW is Wednesday 25 November, 10:30 in Chicago
    proposal = talk.say(constraint)
    assert " or " not in proposal
    talk.say("yeah that works")
    booked = Appointment.objects.get(lead=lead).starts_at.astimezone(CHICAGO)
    assert talk.hangup and fits(booked), booked


def test_no_sentence_is_said_twice_in_a_call(talk):
    qualify_as_hot_buyer(talk)
    for answer in ("yes", "sure", "ok"):
        talk.say(answer)
    sentences = [s for reply in talk.said for s in re.split(r"(?<=[.?!])\s+", reply) if len(s.split()) > 2]
    assert len(sentences) == len(set(sentences)), [s for s in sentences if sentences.count(s) > 1]


def test_a_hostile_lead_gets_an_apology_and_no_more_calls(talk, lead):
    reply = talk.say("how dare you call me at dinner time")
    assert talk.hangup and ("sorry" in reply.lower() or "apolog" in reply.lower())
    lead.refresh_from_db()
    assert lead.status != LeadStatus.NEW and lead.next_attempt_at is None  # not called again by this campaign
    assert not DoNotCall.objects.filter(phone=lead.phone).exists()  # they did not ask for the registry


def test_a_seller_asking_what_the_house_is_worth_is_offered_a_valuation_appointment(talk, lead):
    talk.say("sure")
    talk.say("we're thinking of selling")
    reply = talk.say("honestly what's my house worth these days")
    assert "valuation" in reply and reply.endswith("?") and not talk.hangup  # promised, and qualifying goes on
    for answer in ("it's on elm street in oak park", "not for a year or two", "maybe three fifty",
                   "no particular reason", "no agent"):
        reply = talk.say(answer)
    assert " or " in reply and _expecting(talk) == "slot_choice"  # a cold seller still gets the valuation offered


def test_a_lead_whose_spouse_decides_is_offered_a_time_when_both_can_talk(talk):
    talk.say("sure")
    talk.say("buying")
    reply = talk.say("my husband handles all that i'd need to talk to him")
    assert "both" in reply and not talk.hangup
    assert _expecting(talk) == "timeline"  # the location question is not pressed again: the meeting will cover it


def test_a_lead_whose_spouse_decides_said_at_the_offer_is_asked_when_both_are_free_and_booked_then(talk):
    offer = qualify_as_hot_buyer(talk)
    reply = talk.say("oh i cant pick anything my wife makes those calls")
    assert "both" in reply and reply != offer and not talk.hangup  # not the same two times asked again
    reply = talk.say("we're both home monday after 3")
    assert "Monday" in reply and _expecting(talk) == "confirm"
    talk.say("yes")
    assert Appointment.objects.filter(lead=talk.call.lead).count() == 1


def test_a_lead_whose_spouse_decides_and_will_call_us_is_given_our_number_not_pressed_for_a_time(campaign):
    campaign.callback_number = "(312) 555-0199"
    campaign.save()
    add_human_agents(campaign)
    talk = Conversation(start_call(make_lead(campaign, "+13125550151", time_zone="America/Chicago", name="Sam Ortiz")))
    talk.greet()
    qualify_as_hot_buyer(talk)
    reply = talk.say("i cant set a time without my wife she'll call you back")
    assert talk.hangup and "(312) 555-0199" in reply, reply  # how to reach us, said in the goodbye
    talk.call.refresh_from_db()
    assert talk.call.disposition == "qualified"
    assert not Appointment.objects.filter(lead=talk.call.lead).exists()


def test_a_time_when_both_are_home_but_no_agent_works_gets_a_call_to_them_both_then(talk):
    talk.say("sure")
    talk.say("buying")
    talk.say("my husband handles all that i'd need to talk to him")
    reply = talk.say("he gets home around eight so friday evening after eight")  # our agents work until 8 PM here
    assert "both" in reply and talk.hangup
    talk.call.refresh_from_db()
    local = talk.call.callback_at.astimezone(CHICAGO)
    assert talk.call.disposition == "callback"
    assert local.date() == dt.date(2026, 11, 27) and local.hour == 20  # inside the lead's calling hours (to 9 PM)


@pytest.mark.parametrize("instead", ["I'm not ready to sit down with anyone yet, just text me a few listings",
                                     "nah i dont want to meet yet just text me some listings",
                                     "naw that's way too early, we ain't close, i'll holler at y'all after christmas"])
def test_a_lead_who_would_rather_be_sent_homes_than_meet_is_not_offered_the_meeting_again(talk, lead, instead):
    qualify_as_hot_buyer(talk)
    reply = talk.say(instead)

    assert talk.hangup, reply  # no second offer of the same two times
    assert "Which" not in reply and "or" not in reply.split(".")[-1]
    talk.call.refresh_from_db()
    assert talk.call.disposition == "qualified"
    assert not Appointment.objects.filter(call=talk.call).exists()


def test_a_time_nobody_works_gets_the_nearest_openings_not_the_first_offer_again(talk, lead):
    first_offer = qualify_as_hot_buyer(talk)
    reply = talk.say("I work late, could we do something after nine at night on friday")

    assert "anything open then" in reply or "already full" in reply
    nearest = reply.split(".", 1)[1]
    assert "Friday" in nearest and "Saturday" in nearest, reply  # that evening's last opening, the next morning's
    assert nearest.strip() not in first_offer
    talk.say("the friday one")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    local = appointment.starts_at.astimezone(CHICAGO)
    assert local.weekday() == 4 and local.hour >= 17  # as late on Friday as anyone works


def test_one_time_offered_in_place_of_theirs_books_on_a_yes_without_a_second_read_back(talk, lead):
    qualify_as_hot_buyer(talk)
    reply = talk.say("could we do monday at seven in the morning before work")  # nobody works before 8
    assert ("anything open then" in reply or "already full" in reply) and " or " not in reply, reply  # one time
    talk.say("yes that works")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    assert talk.hangup and appointment.starts_at.astimezone(CHICAGO).weekday() == 0


def test_a_vague_call_back_time_gets_one_question_and_the_answer_lands_inside_it(talk, lead):
    talk.say("yeah sure I have a minute")
    asked = talk.say("actually I'm slammed, call me next week")
    assert "what day and time next week" in asked.lower() and not talk.hangup

    talk.say("thursday morning")
    assert talk.hangup
    talk.call.refresh_from_db()
    local = talk.call.callback_at.astimezone(CHICAGO)
    assert talk.call.disposition == "callback"
    assert local.date() == dt.date(2026, 12, 3) and 8 <= local.hour < 12  # next week's Thursday, not tomorrow


def test_a_second_vague_answer_keeps_the_window_they_gave(talk, lead):
    talk.say("yeah sure I have a minute")
    talk.say("can't talk now, try me next week")
    talk.say("whenever really")
    talk.call.refresh_from_db()
    assert talk.call.disposition == "callback"
    assert dt.date(2026, 11, 30) <= talk.call.callback_at.astimezone(CHICAGO).date() <= dt.date(2026, 12, 6)


def test_a_goodbye_to_the_which_day_question_still_books_the_period_they_named(talk, lead):
    talk.say("yeah sure I have a minute")
    asked = talk.say("we're in the middle of a remodel, ring me back after christmas")
    assert "after christmas" in asked.lower() and not talk.hangup
    talk.say("alright great thanks bye")
    assert talk.hangup
    talk.call.refresh_from_db()
    assert talk.call.disposition == "callback"
    assert dt.date(2026, 12, 26) <= talk.call.callback_at.astimezone(CHICAGO).date() <= dt.date(2027, 1, 8)


@pytest.mark.parametrize(("correction", "weekday", "clock"), [
    ("oh no wait, make that three, i've got something at two", None, "3 PM"),  # the day read back, another hour
    ("actually make it monday instead", "Monday", None),                      # another day, the hour read back
    ("yes but later in the afternoon if she can, like four", None, "4 PM"),     # a yes with another time is that time
])
def test_a_correction_at_the_read_back_keeps_what_it_does_not_change(talk, lead, correction, weekday, clock):
    qualify_as_hot_buyer(talk)
    read_back = talk.say("could we do friday at two")
    assert "Friday" in read_back and "2 PM" in read_back
    proposed = talk.say(correction)
    assert ("Friday" if weekday is None else weekday) in proposed
    assert (clock or "2 PM") in proposed
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead)
    local = appointment.starts_at.astimezone(ZoneInfo("America/Chicago"))
    assert local.strftime("%A") == (weekday or "Friday")
    assert local.strftime("%-I %p") == (clock or "2 PM")


@pytest.mark.parametrize("lines, fits", [
    (["i'm busy mornings, any afternoon but friday"],
     lambda at: at.hour >= 12 and at.strftime("%A") != "Friday"),
    (["i work til three every day so friday after three thirty"],
     lambda at: at.strftime("%A") == "Friday" and (at.hour, at.minute) >= (15, 30)),
    (["could we do next monday", "monday afternoon would suit us better"],
     lambda at: at.strftime("%A") == "Monday" and at.hour >= 12),
    (["could we do next tuesday", "tuesday afternoon would suit us he has to be there too"],
     lambda at: at.strftime("%A") == "Tuesday" and at.hour >= 12),
    (["thursday's no good, friday anytime just not before eleven"],
     lambda at: at.strftime("%A") == "Friday" and at.hour >= 11),
    (["friday at ten", "wait sorry not this friday the next one, the 4th, same ten am"],
     lambda at: at.date() == dt.date(2026, 12, 4) and at.hour == 10),
])
def test_the_time_booked_is_the_one_the_lead_said_in_their_own_words(talk, lead, lines, fits):
    qualify_as_hot_buyer(talk)  # NOW is Wednesday 25 November, 10:30 in Chicago
    for line in lines:
        talk.say(line)
    talk.say("yes that's fine")
    booked = Appointment.objects.get(lead=lead).starts_at.astimezone(CHICAGO)
    assert talk.hangup and fits(booked), booked


def test_a_yes_after_turning_down_the_one_time_proposed_does_not_book_it(talk, lead):
    qualify_as_hot_buyer(talk)
    talk.say("could we do friday at ten")
    talk.say("no that won't work")
    talk.say("yes")  # to "what day and time would suit you better?"
    assert not Appointment.objects.filter(lead=lead).exists()


def test_a_time_offered_is_booked_when_picked_by_its_time(talk, lead):
    offer = qualify_as_hot_buyer(talk)
    second = offer.split(" or ")[1]
    clock = re.search(r"\d{1,2}(?::\d\d)? [AP]M", second).group(0)
    booked = talk.say(f"the {clock.lower()} one works")  # the second time offered, named by its time
    appointment = Appointment.objects.get(lead=lead)
    assert talk.hangup and spoken_time(appointment.starts_at.astimezone(CHICAGO)) in second
    assert clock in booked


def test_a_time_offered_is_booked_when_picked_by_its_hour_alone(talk, lead):
    qualify_as_hot_buyer(talk)
    reply = talk.say("I work late, could we do something after nine at night on friday")
    saturday = reply.split(" or ")[1]  # Friday's last opening or Saturday's first: days from now
    assert "Saturday" in saturday, reply
    hour = re.search(r"(\d{1,2}(?::\d\d)?) [AP]M", saturday).group(1)
    talk.say(f"{hour} works")  # no day: the offered time at that hour (tomorrow's would be the next such hour)
    appointment = Appointment.objects.get(lead=lead)
    local = appointment.starts_at.astimezone(CHICAGO)
    assert talk.hangup and local.strftime("%A") == "Saturday" and spoken_time(local) in saturday


def test_a_yes_that_names_the_time_read_back_books_it(talk, lead):
    qualify_as_hot_buyer(talk)
    talk.say("could we do friday at two")
    booked = talk.say("yes friday at two works")
    assert talk.hangup and "Friday" in booked and Appointment.objects.filter(lead=lead).count() == 1


def test_a_time_named_before_we_offer_one_is_the_first_proposed(talk, lead):
    # the time comes with the last answer, before any meeting was offered
    proposal = qualify_as_hot_buyer(talk, "no agent, and if dana could do friday morning i'm in")
    assert "Friday" in proposal and "AM" in proposal and " or " not in proposal, proposal
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    local = appointment.starts_at.astimezone(CHICAGO)
    assert local.weekday() == 4 and local.hour < 12 and talk.hangup


def test_a_seller_who_sells_it_themselves_and_wants_no_agent_is_let_go_at_once(talk, lead):
    talk.say("yeah")
    reply = talk.say("we're listing it ourselves, no agents, no commissions")
    assert talk.hangup and "?" not in reply  # they are moving: "would you think about it next year?" is no question
    talk.call.refresh_from_db()
    assert talk.call.disposition == "not_interested"


def test_a_cajun_yes_goes_on_in_english(talk, lead):
    reply = talk.say("oui yeah go ahead cher")
    assert not talk.hangup and "buy" in reply.lower(), reply
    talk.call.refresh_from_db()
    assert talk.call.disposition != "language_callback"


def test_what_the_call_is_about_is_answered_then_the_question_asked_again(talk, lead):
    reply = talk.say("hold on, what's this regarding")
    assert "inquiry" in reply or "asked" in reply, reply  # the reason for the call, not only who we are
    assert reply.rstrip().endswith("?") and not talk.hangup  # and the question they have not answered yet
    reply = talk.say("oh ok sure go ahead")
    assert "buy" in reply.lower(), reply


def test_another_number_given_is_noted_for_staff_and_a_call_back_asked_for(talk, lead):
    reply = talk.say("this is my work line, call me on my cell instead, it's 512 555 0199")
    assert "0199" in reply and "512" not in reply and not talk.hangup, reply  # read back by its last four only
    assert "call back" in reply or "call you back" in reply, reply  # not on this line now: when, then
    talk.say("after 5 today")
    talk.call.refresh_from_db()
    assert talk.call.facts["other_number"]["value"] == "+15125550199"
    assert talk.call.disposition == "callback" and talk.hangup


def test_another_number_given_mid_call_is_noted_and_the_questions_go_on(talk, lead):
    talk.say("sure")
    reply = talk.say("buying, and my cell is 512 555 0199 if we get cut off")
    assert "0199" in reply and not talk.hangup, reply
    assert "area" in reply.lower() or "where" in reply.lower() or "town" in reply.lower(), reply


@pytest.mark.parametrize("move", ["soon as we can, were relocating to denver for her job",
                                  "soon as we can, we're moving out to the denver area for her job",
                                  "soon as we can, we're moving closer to our son in denver"])
def test_where_a_seller_moves_to_is_not_the_home_they_sell(talk, move):
    talk.say("yeah ok")
    talk.say("looking to sell the house in tulsa")
    talk.say(move)
    facts = talk.agent.state(talk.call.pk)["facts"]
    assert facts["location"]["value"] == "Tulsa" and facts["motivation"]["value"] == "relocating"


def test_a_cold_lead_offered_a_valuation_who_declines_both_times_is_let_go(talk, lead):
    talk.say("sure")
    talk.say("maybe sell someday, just curious what my place is worth")
    talk.say("round rock")
    asked = talk.say("not for three years or so")
    assert "agent" in asked.lower(), asked  # the one question still asked of a lead years away
    offer = talk.say("nope")
    assert " or " in offer  # the valuation they asked about is offered
    talk.say("nah neither")
    assert talk.hangup and not Appointment.objects.filter(lead=lead).exists()
    talk.call.refresh_from_db()
    assert talk.call.disposition == "cold"


def test_sometime_this_year_answers_the_timeline_and_the_next_question_follows(talk):
    first = talk.say("yeah im driving you're on speaker")  # a yes, heard in the car: not "call me back"
    assert "buy" in first.lower() and "call you back" not in first.lower(), first
    talk.say("buying")
    talk.say("boise")
    reply = talk.say("this year sometime")
    assert "budget" in reply.lower() or "price" in reply.lower(), reply  # not the timeline asked again


def test_a_date_said_with_its_month_after_the_holidays_is_the_call_back_day(talk, lead):
    """Asked which day after the holidays, a date with its month is taken as said, not moved week by week into
    the window the holidays opened."""
    reply = talk.say("its a crazy time with the holidays call me after the holidays")
    assert "after the holidays" in reply.lower() and not talk.hangup, reply
    talk.say("actually monday the fourteenth of december is fine")
    assert talk.hangup
    lead.refresh_from_db()
    assert lead.callback_at.astimezone(CHICAGO).date() == dt.date(2026, 12, 14)


def test_not_this_week_then_a_time_next_week_books_next_week(talk, lead):
    qualify_as_hot_buyer(talk)
    reply = talk.say("not this week, we got the in-laws in town. next week any day after four")
    assert "December" in reply or "Monday" in reply, reply
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    local = appointment.starts_at.astimezone(CHICAGO)
    assert local.date() >= dt.date(2026, 11, 30) and local.hour >= 16


def test_a_bare_it_depends_is_an_answer_and_the_next_question_follows(talk):
    talk.say("sure")
    talk.say("buying")
    talk.say("naperville")
    talk.say("in the spring")
    reply = talk.say("it depends")
    assert "pre-approved" in reply.lower() or "cash" in reply.lower(), reply  # not the budget asked again


def test_days_someone_is_at_work_then_a_day_with_a_time_books_that_day(talk, lead):
    """'He's at the plant monday and tuesday, wednesday after 2': the days at work are out, Wednesday is asked for
    (the meeting had been booked on the first day named)."""
    qualify_as_hot_buyer(talk)
    talk.say("neither, hes at the plant monday and tuesday, wednesday after 2")
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    local = appointment.starts_at.astimezone(CHICAGO)
    assert local.date() == dt.date(2026, 12, 2) and local.hour >= 14


def test_nothing_before_noon_then_a_day_at_an_hour_books_that_hour(talk, lead):
    qualify_as_hot_buyer(talk)
    talk.say("i work nights so nothin before noon, friday at 1")
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    assert appointment.starts_at.astimezone(CHICAGO) == dt.datetime(2026, 11, 27, 13, tzinfo=CHICAGO)


@pytest.mark.parametrize("put_off", [
    # the date is hers, not a time to meet
    "i cant do nothing without my wife shes deployed till may 4th, ill call you back once shes home",
    "nah id like a couple more weeks on my own before i talk to anyone",
    "we dont really need to meet with anybody yet",
])
def test_a_lead_who_puts_the_meeting_off_is_let_go_without_a_booking(talk, lead, put_off):
    qualify_as_hot_buyer(talk)
    talk.say(put_off)
    assert talk.hangup
    assert not Appointment.objects.filter(lead=lead).exists()


def test_not_interested_said_with_how_did_you_get_my_number_ends_the_call(talk, lead):
    talk.say("how did you even get this number, whatever, not interested")
    assert talk.hangup


def test_an_hour_or_later_books_from_that_hour(talk, lead):
    qualify_as_hot_buyer(talk)
    talk.say("friday after my 1 oclock class, so like 2 30 or later")
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    assert appointment.starts_at.astimezone(CHICAGO) >= dt.datetime(2026, 11, 27, 14, 30, tzinfo=CHICAGO)
    assert appointment.starts_at.astimezone(CHICAGO).date() == dt.date(2026, 11, 27)


def test_a_date_the_move_must_be_done_by_is_the_timeline_not_a_meeting(talk, lead):
    talk.say("sure")
    talk.say("buying, for my husband's job at the medical center")
    talk.say("hershey")
    reply = talk.say("we need to be there by january fifteenth")
    assert "budget" in reply.lower() or "price" in reply.lower(), reply  # the next question, not a time read back
    assert talk.agent.state(talk.call.pk)["facts"]["timeline"]["value"] == 2


def test_a_reason_said_in_passing_later_leaves_the_reason_given_before(talk):
    talk.say("sure")
    talk.say("both, we're upsizing out of the condo")
    talk.say("tampa")
    talk.say("by may, we're done with the storms")
    assert talk.agent.state(talk.call.pk)["facts"]["motivation"]["value"] == "upsizing"


def test_the_day_they_like_but_not_this_one_then_what_they_have_then_a_date_books_that_date(talk, lead):
    """'Saturdays are best but not this one, we got a wedding, next Saturday the 5th': the wedding is this
    Saturday's, the 5th is the day asked for (the 5th had been ruled out and today offered)."""
    qualify_as_hot_buyer(talk)
    talk.say("saturdays are best for us but not this one we got a wedding next saturday the 5th")
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    assert appointment.starts_at.astimezone(CHICAGO).date() == dt.date(2026, 12, 5)



def test_an_offered_time_is_picked_by_its_part_of_the_day_whatever_the_day(lead):
    """At 2 PM "the afternoon" alone would be tomorrow's: picking one of two offered times, it is the offered one
    in the afternoon, whichever day it is on."""
    afternoon = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)  # 2 PM in Chicago
    call = start_call(lead)
    Call.objects.filter(pk=call.pk).update(answered_at=afternoon)
    talk = Conversation(Call.objects.get(pk=call.pk), now=afternoon)
    talk.greet()
    offer = qualify_as_hot_buyer(talk)
    first, second = re.findall(r"today at (\d{1,2}(?::\d\d)? [AP]M)", offer)
    assert first.endswith("PM") and int(first.split()[0].split(":")[0]) < 5 <= int(second.split()[0].split(":")[0])
    talk.say("hold on let me ask my wife, ok she says the afternoon one")
    local = Appointment.objects.get(lead=lead).starts_at.astimezone(CHICAGO)
    assert talk.hangup and local.date() == dt.date(2026, 11, 25) and spoken_time(local) == first, offer


def test_one_hour_said_over_two_days_books_that_hour(talk, lead):
    """'Monday or Tuesday, like Monday at 11': a clock time said for a span of days is a meeting starting then (the
    agent had said that time was full and offered it in the same breath)."""
    qualify_as_hot_buyer(talk)
    reply = talk.say("i work wednesday thursday friday twelves so monday or tuesday like monday at 11")
    assert "full" not in reply and "11 AM" in reply, reply
    talk.say("mm hmm yes")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    assert appointment.starts_at.astimezone(CHICAGO) == dt.datetime(2026, 11, 30, 11, tzinfo=CHICAGO)


def test_already_sold_and_not_interested_before_saying_which_ends_the_call(talk):
    talk.say("yeah")
    reply = talk.say("oh we already sold the place so no, we not interested no more")
    assert talk.hangup and "?" not in reply, reply


def test_a_decision_talked_over_with_the_family_ends_the_call_without_another_question(talk):
    talk.say("sure")
    reply = talk.say("well we talked it over with the kids and were not gonna move after all")
    assert talk.hangup and "?" not in reply, reply


def test_an_answer_to_the_question_they_expected_is_kept_and_that_question_is_not_asked(talk):
    """A town the agent could not place is asked once more; the lead, thinking it understood, answers when they
    move: that is kept and the agent goes on to the budget, not back to when."""
    talk.say("sure")
    talk.say("buying")
    talk.say("zorbl")
    reply = talk.say("3 months")
    assert "budget" in reply.lower() or "price" in reply.lower(), reply
    assert talk.agent.state(talk.call.pk)["facts"]["timeline"]["value"] == 3


def test_someone_who_speaks_for_a_parent_is_qualified_in_english(talk):
    reply = talk.say("hi this is his son, my dad dont speak english too good so i can help you")
    assert talk.hangup == "" and "buy" in reply.lower(), reply  # the next question (in any of its wordings)


def test_the_agent_asked_over_on_a_day_of_their_own_mid_qualifying_is_read_back_and_booked(talk, lead):
    """'Could she come Saturday in the forenoon?' said where the agent asked about an agent: a time asked for
    (Saturday morning), answered with that Saturday and booked, not answered as a question about the market."""
    answer_up_to_the_agent_question(talk)
    reply = talk.say("could she come saturday in the forenoon")
    assert "Saturday" in reply and "?" in reply, reply
    talk.say("yes")
    appointment = Appointment.objects.get(lead=lead, status=Appointment.Status.BOOKED)
    local = appointment.starts_at.astimezone(CHICAGO)
    # (Saturday mornings in Chicago are before Sam's hours in Los Angeles: the nearest, that Saturday at noon)
    assert local.date() == dt.date(2026, 11, 28), (reply, local)


def test_waiting_for_a_spouses_retirement_to_meet_lets_the_lead_go_without_pressing_the_offer(talk, lead):
    """Offered two times, 'I'd rather wait till he retires to meet anybody': put off, not a slot to press again."""
    qualify_as_hot_buyer(talk)
    reply = talk.say("id rather wait till he retires to meet anybody thanks though")
    assert not Appointment.objects.filter(lead=lead).exists()
    assert " AM" not in reply and " PM" not in reply, reply  # no time pressed on them again


def test_a_town_misheard_is_looked_for_in_the_leads_own_state(campaign):
    add_human_agents(campaign)
    georgia = make_lead(campaign, "+17065550142", time_zone="America/New_York", name="Lee Pruitt", state="GA")
    opening = call_opening(start_call(georgia).pk)
    assert opening.lead_state == "GA"  # what the media worker tells the agent
    talk = Conversation(georgia.calls.get())
    talk.greet()
    talk.say("sure")
    talk.say("buying")
    talk.say("lag range")  # speech-to-text's pieces of LaGrange: a town in several states, theirs is Georgia's
    assert talk.agent.state(talk.call.pk)["facts"]["location"]["value"] == "Lagrange"


def test_without_the_leads_state_pieces_that_fit_towns_in_several_states_are_asked_again(talk):
    talk.say("sure")
    talk.say("buying")
    talk.say("lag range")
    assert "location" not in talk.agent.state(talk.call.pk).get("facts", {})
