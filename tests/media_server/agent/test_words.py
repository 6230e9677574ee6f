"""Numbers and prices as leads say them: words to numbers, home prices to dollars, and what is never money."""
from __future__ import annotations

import pytest

from media_server.agent.words import digitize, parse_money, parse_number, tokenize


@pytest.mark.parametrize(("text", "expected"), [
    ("three", 3),
    ("twenty five", 25),
    ("twenty-five", 25),
    ("two and a half", 2.5),
    ("1.5", 1.5),
    ("a dozen", 12),
    ("two dozen", 24),
    ("a hundred and twenty", 120),
    ("four hundred fifty thousand", 450_000),
    ("one point five", 1.5),
    ("we have like three kids", 3),
    ("1,200", 1200),
    ("no numbers here", None),
    ("", None),
])
def test_it_reads_spoken_and_written_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(("text", "expecting_price", "expected"), [
    ("450k", False, (450_000, None)),
    ("$450,000", False, (450_000, None)),
    ("$ 300,000", False, (300_000, None)),
    ("450 thousand", False, (450_000, None)),
    ("four hundred fifty thousand", False, (450_000, None)),
    ("four hundred and fifty thousand dollars", False, (450_000, None)),
    ("four fifty", True, (450_000, None)),
    ("our budget is four fifty", False, (450_000, None)),  # "budget" makes it a price
    ("half a million", False, (500_000, None)),
    ("around half a million", False, (500_000, None)),
    ("1.2 million", False, (1_200_000, None)),
    ("$1.2M", False, (1_200_000, None)),
    ("a million and a half", False, (1_500_000, None)),
    ("one and a half million", False, (1_500_000, None)),
    ("two mil", False, (2_000_000, None)),
    ("it's 1.5 mil", False, (1_500_000, None)),
    ("three fifty k", False, (350_000, None)),
    ("between 400 and 500 thousand", False, (400_000, 500_000)),
    ("between four hundred and five hundred thousand", False, (400_000, 500_000)),
    ("three to four hundred thousand", False, (300_000, 400_000)),
    ("four or five hundred thousand", False, (400_000, 500_000)),
    ("three to four fifty", True, (300_000, 450_000)),
    ("somewhere between 1 and 1.5", True, (1_000_000, 1_500_000)),
    ("under 600k", False, (600_000, None)),
    ("no more than 600", True, (600_000, None)),
    ("450", True, (450_000, None)),
    ("uh maybe 350 or so", True, (350_000, None)),
    ("450k near elm street", False, (450_000, None)),
    ("$2,500 a month", False, (2_500, None)),
    ("2500 a month", True, (2_500, None)),  # a monthly figure is not shorthand for thousands
    ("something around 300 to 350", False, (300_000, 350_000)),  # a limit word before a price-sized number
    ("we're preapproved for about 450", False, (450_000, None)),
    # a whole figure from two to nine is hundreds of thousands; one, or "point", stays in millions
    ("we'd go to six if we had to", True, (600_000, None)),
    ("five and a half tops", True, (550_000, None)),
    ("maybe three point two", True, (3_200_000, None)),
    ("one and a quarter", True, (1_250_000, None)),
    # ranges whose ends are said in different shorthand
    ("two seventy five to three", True, (275_000, 300_000)),
    ("seven hundred to eight", True, (700_000, 800_000)),
    ("six, six twenty five", True, (600_000, 625_000)),
    ("a hundred sixty, hundred seventy", True, (160_000, 170_000)),
    ("five hundred, five twenty five", True, (500_000, 525_000)),
    # figures as speech-to-text writes them in digits
    ("like 3 75 max", True, (375_000, None)),
    ("7-8 hundred", True, (700_000, 800_000)),
    ("2.1 2.3", True, (2_100_000, 2_300_000)),
])
def test_it_reads_prices_in_dollars(text, expecting_price, expected):
    assert parse_money(text, expecting_price=expecting_price) == expected


@pytest.mark.parametrize(("text", "expecting_price"), [
    ("450", False),  # a bare number is not money without a price context
    ("four fifty", False),
    ("my number is 512 555 1234", True),
    ("5125551234", True),
    ("call me at 512-555-1234", True),
    ("it's 5 55 1234", True),
    ("five one two five five five one two three four", True),
    ("in 2025", True),
    ("we want to move in 2026", False),
    ("2024 to 2025", True),
    ("three bedrooms", True),
    ("3 to 4 bedrooms", True),
    ("we have 3 kids", True),
    ("1234 elm street", True),
    ("call me at 3 pm", True),
    ("in 6 months", True),
    ("about 1500 square feet", False),
    ("we've been here about 12 years", False),
    # a clock after "after"/"at", and a pay week (a time, not a price cue), in a sentence about a meeting
    ("it has to be a pay week, friday the 4th after two", False),
    ("", True),
])
def test_it_never_takes_phones_years_counts_or_addresses_for_money(text, expecting_price):
    assert parse_money(text, expecting_price=expecting_price) is None


def test_it_writes_clock_like_pairs_and_ordinals_as_digits():
    digits, source = digitize(tokenize("Tomorrow at three thirty P.M. on the twenty first"))
    assert digits == ["tomorrow", "at", "3:30", "pm", "on", "the", "21th"]
    assert source[2] == (2, 4) and source[-1] == (7, 9)  # back to the lead's words


@pytest.mark.parametrize("text", ["she gets off work at five", "i'm free after four", "he's done at six"])
def test_the_end_of_a_working_day_is_a_time_not_money(text):
    assert parse_money(text, expecting_price=True) is None


@pytest.mark.parametrize(("text", "expected"), [
    # no clock says seventy five minutes: a range of such figures is prices wherever it is said
    ("oh and sorry i meant two seventy five to three twenty five", (275_000, 325_000)),
    ("like six months and four fifty to four seventy five", (450_000, 475_000)),
    # one in digits and one in words, back to back, in a sentence about price
    ("the budget is like 350 three seventy five", (350_000, 375_000)),
])
def test_price_ranges_said_outside_the_price_question(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["between three thirty and four fifteen", "anywhere from two to four thirty"])
def test_a_range_a_clock_could_read_is_no_price_outside_the_price_question(text):
    assert parse_money(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    # where homes cost millions, the "million" goes unsaid: "a mil" and its digits, digit by digit
    ("a mil three tops", (1_300_000, None)),
    ("a mill two fifty", (1_250_000, None)),
    ("honestly like one six", (1_600_000, None)),
    ("one two five or so", (1_250_000, None)),
    ("two point four to two six", (2_400_000, 2_600_000)),
    ("1.1 to a mil four", (1_100_000, 1_400_000)),
    # a decimal end puts the whole range in millions; "point two or three" is the tenth said again
    ("1.6 to two", (1_600_000, 2_000_000)),
    ("three point five or four", (3_500_000, 4_000_000)),
    ("one point four or five", (1_400_000, 1_500_000)),
])
def test_millions_said_without_the_word_million(text, expected):
    assert parse_money(text, expecting_price=True) == expected


@pytest.mark.parametrize("text", ["one two bedrooms", "call me at five five five one two one two",
                                  "it's five five five, one two one two"])
def test_single_digits_said_in_a_row_stay_counts_or_phone_digits(text):
    assert parse_money(text, expecting_price=True) is None
