"""Replies are read as a person would say them: prices, times, addresses, phones in words, no markdown.

Each expectation is what a listener on the phone needs to hear, not what a text-to-speech engine
would guess from the raw characters ("dollar four hundred fifty thousand", "asterisk asterisk").
"""
from __future__ import annotations

import re

import pytest

from media_server.speech.text import sentences, speakable


@pytest.mark.parametrize(("text", "said"), [
    ("$450,000", "four hundred fifty thousand dollars"),
    ("$1,250.50", "one thousand two hundred fifty dollars and fifty cents"),
    ("$1.2M", "one million two hundred thousand dollars"),
    ("$450k", "four hundred fifty thousand dollars"),
    ("$2.5 million", "two million five hundred thousand dollars"),
    ("$1", "one dollar"),
    ("It is listed at $899,000.", "It is listed at eight hundred ninety-nine thousand dollars."),
])
def test_it_reads_prices_in_dollars_and_cents(text, said):
    assert speakable(text) == said


@pytest.mark.parametrize(("text", "said"), [
    ("3:30 PM", "three thirty PM"),
    ("10am", "ten AM"),
    ("2:05 pm", "two oh five PM"),
    ("4:00 PM", "four PM"),
    ("See you at 9 p.m.", "See you at nine PM."),
    ("Between 7:45 and 8:15", "Between seven forty-five and eight fifteen"),
])
def test_it_reads_times_as_people_say_them(text, said):
    assert speakable(text) == said


@pytest.mark.parametrize(("text", "said"), [
    ("1450 Sutter St", "fourteen fifty Sutter Street"),
    ("2400 Ocean Ave", "twenty-four hundred Ocean Avenue"),
    ("95 Broadway Ave", "ninety-five Broadway Avenue"),
    ("350 W 57th St", "three hundred fifty West fifty-seventh Street"),
    ("12 N Main Street", "twelve North Main Street"),
    ("Dr. Smith lives at 5 Elm Dr", "Dr. Smith lives at five Elm Drive"),  # the title stays, the street expands
    ("Apartment #12", "Apartment number twelve"),
])
def test_it_reads_street_addresses(text, said):
    assert speakable(text) == said


@pytest.mark.parametrize("text", ["Call (212) 555-0134", "Call 212-555-0134", "Call +1 212.555.0134",
                                  "Call +12125550134"])
def test_it_reads_a_phone_number_digit_by_digit(text):
    assert speakable(text) == "Call two one two, five five five, oh one three four"


def test_it_reads_a_zip_code_as_digits():
    assert (speakable("1450 Sutter St, San Francisco, CA 94109")
            == "fourteen fifty Sutter Street, San Francisco, CA nine four one oh nine")


@pytest.mark.parametrize(("text", "said"), [
    ("Rates are at 6.5% today", "Rates are at six point five percent today"),
    ("with 20% down", "with twenty percent down"),
    ("the 3rd floor", "the third floor"),
    ("on June 21st", "on June twenty-first"),
    ("built in 1998", "built in nineteen ninety-eight"),
    ("taxes for 2026", "taxes for twenty twenty-six"),
    ("renovated in 2005", "renovated in two thousand five"),
    ("since 2000", "since two thousand"),
    ("2 bedrooms and 1.5 baths", "two bedrooms and one point five baths"),
    ("Tom & Jerry", "Tom and Jerry"),
])
def test_it_reads_percentages_ordinals_years_and_numbers_in_words(text, said):
    assert speakable(text) == said


@pytest.mark.parametrize(("text", "said"), [
    ("**Great** news, it is _still_ available!", "Great news, it is still available!"),
    ("## Open house\nSaturday at 10am.", "Open house. Saturday at ten AM."),
    ("It has:\n- a garden\n- a garage\n* a pool", "It has: a garden. a garage. a pool"),
    ("1. Call me\n2. Visit", "Call me. Visit"),
    ("See [the listing](https://example.com/homes/42).", "See the listing."),
    ("Type `yes` to confirm.", "Type yes to confirm."),
    ("Photos at https://example.com/homes/42 tonight.", "Photos at the link we will send you tonight."),
])
def test_it_removes_markdown_the_voice_would_read_aloud(text, said):
    assert speakable(text) == said


def test_a_code_block_is_not_read_aloud():
    said = speakable("Here:\n```python\nprint(1)\n```\nDone.")

    assert re.findall(r"\w+", said) == ["Here", "Done"]  # a stray full stop between them is only a pause


def test_a_whole_reply_reads_naturally():
    reply = ("**Good news!** The 3 bedroom home at 1450 Sutter St is listed at $450k.\n"
             "Call me at (212) 555-0134 before 5:30 pm.")

    assert speakable(reply) == (
        "Good news! The three bedroom home at fourteen fifty Sutter Street is listed at four hundred fifty "
        "thousand dollars. Call me at two one two, five five five, oh one three four before five thirty PM.")


def test_no_digits_or_symbols_are_left_for_the_voice_to_guess():
    reply = "**Price:** $1,250,000 (3 beds, 2.5 baths), 2,100 sq ft, HOA $350 — open 1:00 pm on the 2nd."

    said = speakable(reply)

    assert not re.search(r"[\d$*#`]", said), said


def test_a_long_reply_is_capped_at_a_sentence_end():
    reply = " ".join(f"Reason number {n} to see this house is the light." for n in range(1, 30))

    capped = speakable(reply, max_chars=120)

    assert len(capped) <= 120
    assert capped.endswith(".")
    assert sentences(capped) == sentences(speakable(reply))[:len(sentences(capped))]  # whole sentences, in order
    assert len(sentences(capped)) >= 2


def test_a_single_overlong_sentence_is_cut_at_a_word():
    reply = "This lovely home has " + ", ".join(["a big sunny room"] * 40) + "."

    capped = speakable(reply, max_chars=100)

    assert len(capped) <= 100
    assert capped.endswith(".")
    assert reply.startswith(capped[:-1])  # cut between words, not inside one
    assert reply[len(capped) - 1] in " ,"


def test_short_text_is_not_capped():
    assert speakable("Yes, Tuesday works.", max_chars=120) == "Yes, Tuesday works."
