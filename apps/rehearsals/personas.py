"""Lead personas for the simulated network: YAML files read, checked and turned into frozen rules.

A persona says how the phone is answered (a person, an answering machine, nobody, busy, out of
order), how the lead sounds (a Piper voice shifted away from the agent's, or espeak-ng), what the
lead says to what the agent said (ordered regular expressions on Whisper's lowercase transcript),
the line it talks over (jitter, loss, noise, echo, silence), an optional barge-in, and the outcome
the persona should reach. A bad file is refused with its path and the field at fault. The files live in
SIMULATED_PERSONAS_DIR (this app's `personas/`), one `<name>.yaml` each.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings

ANSWERS = ("human", "machine", "no_answer", "busy", "failed")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VOICE = re.compile(r"^[A-Za-z0-9_-]+$")


class PersonaError(ValueError):
    """A persona file that cannot be used; the message names the file and the field."""


ENGINES = ("piper", "espeak")


@dataclass(frozen=True)
class Voice:
    """How the lead sounds. Piper (the default) is a neural voice, shifted in pitch and pace so it is not the agent's:
    Whisper and the turn model hear it as they hear people. espeak-ng (`engine: espeak`) is a formant synthesiser:
    robotic, its sentences all sound unfinished to the turn model, and Whisper mishears it under load; kept for
    the tests that want a voice nothing like a person's."""

    engine: str = "piper"
    name: str = "en-us"  # espeak-ng voice (language)
    variant: str = ""  # espeak-ng variant (m1…m7, f1…f5, klatt…): a different speaker
    rate: int = 160  # words per minute (Piper: 160 is its natural pace)
    pitch: int = 50  # 0–99 (Piper: 50 is its own pitch, each 8 a semitone)

    @property
    def espeak_voice(self) -> str:
        return f"{self.name}+{self.variant}" if self.variant else self.name


@dataclass(frozen=True)
class Rule:
    when: re.Pattern
    say: str
    hang_up: bool = False

    def matches(self, heard: str) -> bool:
        return bool(self.when.search(heard))


@dataclass(frozen=True)
class Echo:
    delay_ms: int = 120
    attenuation_db: float = 12.0


@dataclass(frozen=True)
class LineConditions:
    jitter_ms: int = 0
    loss: float = 0.0
    noise_db: float | None = None  # noise level in dBFS (e.g. -45), None: a clean line
    echo: Echo | None = None
    silent: bool = False  # nothing the lead says reaches the network


@dataclass(frozen=True)
class Interrupt:
    """Talk over the agent's `reply`-th reply (1 = the greeting) once `after_ms` of it has played."""

    say: str
    after_ms: int = 1000
    reply: int = 2


@dataclass(frozen=True)
class Machine:
    greeting: str
    beep_hz: int = 1000
    beep_ms: int = 600
    record_seconds: float = 30.0  # the longest message the machine keeps


HUMAN_ANSWERS = ("accept", "decline", "no_answer")


@dataclass(frozen=True)
class TransferPlay:
    """When the agent puts this lead through to a person: what each human rung does, in order (accept: answers
    and presses 1; decline: answers, hears the summary and presses 2; no_answer: lets it ring out; anyone rung
    after the list does as its last), and how long the lead then talks with the one who took it."""

    humans: tuple[str, ...] = ("accept",)
    talk_seconds: float = 4.0
    available: bool = True  # False: the rehearsal has nobody taking transfers when this lead is called

    def human(self, position: int) -> str:
        if not self.humans:
            return "accept"
        return self.humans[min(max(position, 1), len(self.humans)) - 1]


@dataclass(frozen=True)
class CallsBack:
    """After our call ends (say, a voicemail left), the lead calls the number it was given, `after_seconds` later,
    and talks as `persona` (a person's persona)."""

    persona: str
    after_seconds: float = 5.0


@dataclass(frozen=True)
class Persona:
    name: str
    description: str
    answer: str
    lead_name: str = ""
    voice: Voice = field(default_factory=Voice)
    hello: str = ""
    rules: tuple[Rule, ...] = ()
    default: str = ""
    max_turns: int = 12
    line: LineConditions = field(default_factory=LineConditions)
    interrupt: Interrupt | None = None
    machine: Machine | None = None
    ring_seconds: float = 2.0
    patience_seconds: float = 20.0  # waiting this long for the agent, the lead hangs up
    hang_up_after_seconds: float | None = None  # the lead hangs up this long after answering, whatever happens
    transfer: TransferPlay = field(default_factory=TransferPlay)
    calls_back: CallsBack | None = None  # then `expect` is the call back's outcome
    callback_only: bool = False  # only the voice of a lead calling back (another persona's calls_back): never dialled
    expect: dict = field(default_factory=dict)  # {disposition: x | [x, y], status: y}
    path: str = ""

    def rule_for(self, heard: str) -> Rule | None:
        """The first rule whose pattern is in what the lead heard (lowercase)."""
        return next((rule for rule in self.rules if rule.matches(heard)), None)

    def reply_to(self, heard: str) -> tuple[str, bool]:
        """What the lead says to what it heard, and whether it then hangs up."""
        rule = self.rule_for(heard)
        return (rule.say, rule.hang_up) if rule else (self.default, False)

    def expectation_met(self, disposition: str, status: str) -> bool:
        wanted = self.expect.get("disposition")
        if wanted is not None and disposition not in ([wanted] if isinstance(wanted, str) else wanted):
            return False
        wanted_status = self.expect.get("status")
        return wanted_status is None or status in ([wanted_status] if isinstance(wanted_status, str)
                                                   else wanted_status)

    def expected_text(self) -> str:
        return ", ".join(f"{key} {'|'.join(value) if isinstance(value, list) else value}"
                         for key, value in self.expect.items())


# --- reading a file ----------------------------------------------------------------------------------

class _Reader:
    """Pulls typed fields out of one YAML mapping, naming the file and field in every error."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, problem: str) -> PersonaError:
        return PersonaError(f"{self.path.name}: {where}: {problem}")

    def mapping(self, data, where: str) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, f"expected a mapping, got {type(data).__name__}")
        return data

    def text(self, data: dict, key: str, where: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            raise self.fail(f"{where}{key}", "is required")
        if not isinstance(value, str):
            raise self.fail(f"{where}{key}", f"expected text, got {type(value).__name__}")
        return value

    def number(self, data: dict, key: str, where: str, default, low: float, high: float, integer: bool = False):
        value = data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
            raise self.fail(f"{where}{key}", f"expected {'a whole number' if integer else 'a number'}, got {value!r}")
        if not low <= value <= high:
            raise self.fail(f"{where}{key}", f"must be between {low} and {high}, got {value!r}")
        return value

    def flag(self, data: dict, key: str, where: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{where}{key}", f"expected true or false, got {value!r}")
        return value

    def no_unknown(self, data: dict, known: set[str], where: str) -> None:
        unknown = sorted(set(data) - known)
        if unknown:
            raise self.fail(f"{where}{unknown[0]}", f"unknown field (known: {', '.join(sorted(known))})")


_TOP = {"name", "description", "answer", "lead_name", "voice", "hello", "rules", "default", "max_turns", "line",
        "interrupt", "machine", "ring_seconds", "patience_seconds", "hang_up_after_seconds", "expect", "transfer",
        "calls_back", "callback_only"}


def load_persona(path: Path) -> Persona:
    """One persona file, checked; PersonaError names the file and the field at fault."""
    reader = _Reader(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PersonaError(f"{path.name}: not valid YAML: {exc}") from None
    data = reader.mapping(data, "the file")
    reader.no_unknown(data, _TOP, "")
    name = reader.text(data, "name", "")
    if not _NAME.match(name) or name != path.stem:
        raise reader.fail("name", f"must be lowercase_with_underscores and match the file name {path.stem!r}")
    answer = reader.text(data, "answer", "")
    if answer not in ANSWERS:
        raise reader.fail("answer", f"must be one of {', '.join(ANSWERS)}, got {answer!r}")
    machine = _machine(reader, data.get("machine"), answer)
    return Persona(
        name=name, description=reader.text(data, "description", ""), answer=answer,
        lead_name=reader.text(data, "lead_name", "", default=""),
        voice=_voice(reader, data.get("voice") or {}),
        hello=reader.text(data, "hello", "", default=""),
        rules=_rules(reader, data.get("rules") or []),
        default=reader.text(data, "default", "", default=""),
        max_turns=reader.number(data, "max_turns", "", 12, 1, 100, integer=True),
        line=_line(reader, data.get("line") or {}),
        interrupt=_interrupt(reader, data.get("interrupt")),
        machine=machine,
        ring_seconds=reader.number(data, "ring_seconds", "", 2.0, 0, 60),
        patience_seconds=reader.number(data, "patience_seconds", "", 20.0, 1, 300),
        hang_up_after_seconds=reader.number(data, "hang_up_after_seconds", "", None, 1, 900),
        transfer=_transfer(reader, data.get("transfer")),
        calls_back=_calls_back(reader, data.get("calls_back")),
        callback_only=reader.flag(data, "callback_only", ""),
        expect=_expect(reader, data.get("expect")),
        path=str(path),
    )


def _voice(reader: _Reader, data) -> Voice:
    data = reader.mapping(data, "voice")
    reader.no_unknown(data, {"engine", "name", "variant", "rate", "pitch"}, "voice.")
    voice = Voice(engine=reader.text(data, "engine", "voice.", "piper"),
                  name=reader.text(data, "name", "voice.", "en-us"), variant=reader.text(data, "variant", "voice.", ""),
                  rate=reader.number(data, "rate", "voice.", 160, 80, 450, integer=True),
                  pitch=reader.number(data, "pitch", "voice.", 50, 0, 99, integer=True))
    if voice.engine not in ENGINES:
        raise reader.fail("voice.engine", f"{voice.engine!r}: one of {', '.join(ENGINES)}")
    for key in ("name", "variant"):
        value = getattr(voice, key)
        if value and not _VOICE.match(value):
            raise reader.fail(f"voice.{key}", f"not an espeak-ng voice name: {value!r}")
    return voice


def _rules(reader: _Reader, data) -> tuple[Rule, ...]:
    if not isinstance(data, list):
        raise reader.fail("rules", "expected a list of {when, say[, hang_up]}")
    rules = []
    for index, item in enumerate(data):
        where = f"rules[{index}]."
        item = reader.mapping(item, f"rules[{index}]")
        reader.no_unknown(item, {"when", "say", "hang_up"}, where)
        pattern = reader.text(item, "when", where)
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise reader.fail(f"{where}when", f"not a regular expression: {exc}") from None
        rules.append(Rule(compiled, reader.text(item, "say", where, ""), reader.flag(item, "hang_up", where)))
    return tuple(rules)


def _line(reader: _Reader, data) -> LineConditions:
    data = reader.mapping(data, "line")
    reader.no_unknown(data, {"jitter_ms", "loss", "noise_db", "echo", "silent"}, "line.")
    echo = None
    if data.get("echo") is not None:
        raw = reader.mapping(data["echo"], "line.echo")
        reader.no_unknown(raw, {"delay_ms", "attenuation_db"}, "line.echo.")
        echo = Echo(delay_ms=reader.number(raw, "delay_ms", "line.echo.", 120, 0, 2000, integer=True),
                    attenuation_db=reader.number(raw, "attenuation_db", "line.echo.", 12.0, 0, 80))
    return LineConditions(jitter_ms=reader.number(data, "jitter_ms", "line.", 0, 0, 1000, integer=True),
                          loss=reader.number(data, "loss", "line.", 0.0, 0, 1),
                          noise_db=reader.number(data, "noise_db", "line.", None, -96, 0),
                          echo=echo, silent=reader.flag(data, "silent", "line."))


def _interrupt(reader: _Reader, data) -> Interrupt | None:
    if data is None:
        return None
    data = reader.mapping(data, "interrupt")
    reader.no_unknown(data, {"say", "after_ms", "reply"}, "interrupt.")
    return Interrupt(say=reader.text(data, "say", "interrupt."),
                     after_ms=reader.number(data, "after_ms", "interrupt.", 1000, 0, 60000, integer=True),
                     reply=reader.number(data, "reply", "interrupt.", 2, 1, 100, integer=True))


def _machine(reader: _Reader, data, answer: str) -> Machine | None:
    if answer != "machine":
        if data is not None:
            raise reader.fail("machine", "only for answer: machine")
        return None
    if data is None:
        raise reader.fail("machine", "is required for answer: machine (greeting, beep)")
    data = reader.mapping(data, "machine")
    reader.no_unknown(data, {"greeting", "beep_hz", "beep_ms", "record_seconds"}, "machine.")
    return Machine(greeting=reader.text(data, "greeting", "machine."),
                   beep_hz=reader.number(data, "beep_hz", "machine.", 1000, 100, 3900, integer=True),
                   beep_ms=reader.number(data, "beep_ms", "machine.", 600, 50, 5000, integer=True),
                   record_seconds=reader.number(data, "record_seconds", "machine.", 30.0, 1, 300))


def _transfer(reader: _Reader, data) -> TransferPlay:
    if data is None:
        return TransferPlay()
    data = reader.mapping(data, "transfer")
    reader.no_unknown(data, {"humans", "talk_seconds", "available"}, "transfer.")
    humans = data.get("humans", ["accept"])
    if not isinstance(humans, list) or not all(h in HUMAN_ANSWERS for h in humans):
        raise reader.fail("transfer.humans", f"expected a list of {', '.join(HUMAN_ANSWERS)}, got {humans!r}")
    return TransferPlay(humans=tuple(humans),
                        talk_seconds=reader.number(data, "talk_seconds", "transfer.", 4.0, 0.5, 600),
                        available=data.get("available", True) is not False)


def _calls_back(reader: _Reader, data) -> CallsBack | None:
    if data is None:
        return None
    data = reader.mapping(data, "calls_back")
    reader.no_unknown(data, {"persona", "after_seconds"}, "calls_back.")
    name = reader.text(data, "persona", "calls_back.")
    if not _NAME.match(name):
        raise reader.fail("calls_back.persona", f"not a persona name: {name!r}")
    return CallsBack(persona=name, after_seconds=reader.number(data, "after_seconds", "calls_back.", 5.0, 0, 3600))


def _expect(reader: _Reader, data) -> dict:
    if data is None:
        raise reader.fail("expect", "is required: the disposition and/or status the persona should end with")
    data = reader.mapping(data, "expect")
    reader.no_unknown(data, {"disposition", "status"}, "expect.")
    if not data:
        raise reader.fail("expect", "name a disposition or a status")
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) and v for v in values):
            raise reader.fail(f"expect.{key}", f"expected a name or a list of names, got {value!r}")
    return dict(data)


# --- the set ------------------------------------------------------------------------------------------

def load_personas(directory: Path | None = None) -> dict[str, Persona]:
    """Every persona in the directory (SIMULATED_PERSONAS_DIR by default), by name; the first bad file stops
    with its error."""
    directory = Path(directory or settings.SIMULATED_PERSONAS_DIR)
    found = {persona.name: persona for persona in map(load_persona, sorted(directory.glob("*.yaml")))}
    for persona in found.values():
        if persona.calls_back and persona.calls_back.persona not in found:
            raise PersonaError(f"{persona.name}.yaml: calls_back.persona: no persona named "
                               f"{persona.calls_back.persona!r}")
    return found


@lru_cache(maxsize=1)
def personas() -> dict[str, Persona]:
    return load_personas()


def persona(name: str) -> Persona:
    found = personas().get(name)
    if found is None:
        raise PersonaError(f"no persona named {name!r} (known: {', '.join(sorted(personas()))})")
    return found
