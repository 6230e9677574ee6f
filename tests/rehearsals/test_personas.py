"""Persona files: every shipped one loads and can reach an outcome; a bad one is refused by file and field."""
from __future__ import annotations

import pytest

from apps.rehearsals.personas import PersonaError, load_persona, load_personas

REQUIRED = {"hot_buyer", "warm_seller_callback", "not_interested", "opt_out", "voicemail", "has_agent",
            "robot_question", "busy_callback", "interrupter", "noisy_echo", "spanish", "silent"}


def test_it_ships_every_required_persona_and_each_names_its_expected_outcome():
    found = load_personas()
    assert REQUIRED <= set(found)
    for persona in found.values():
        assert persona.expect, persona.name
        if persona.answer == "human" and persona.name != "silent":
            assert persona.rules or persona.default, persona.name


def test_it_answers_by_the_first_matching_rule_else_the_default():
    hot = load_personas()["hot_buyer"]
    assert hot.reply_to("so that's today at 3:30 pm with jordan lee. shall i book it?") == (
        "Yes, that sounds perfect.", False)
    assert hot.reply_to("you're all set for today at 3 pm with jordan lee")[1] is True
    assert hot.reply_to("something else entirely") == (hot.default, False)


def test_the_voicemail_persona_is_a_machine_with_a_greeting_and_a_beep():
    machine = load_personas()["voicemail"].machine
    assert "after the tone" in machine.greeting and machine.beep_hz == 1000


def test_expectations_accept_one_name_or_a_list():
    personas = load_personas()
    assert personas["hot_buyer"].expectation_met("appointment", "completed")
    assert not personas["hot_buyer"].expectation_met("qualified", "completed")
    assert personas["robot_question"].expectation_met("qualified", "completed")
    assert personas["voicemail"].expectation_met("voicemail", "voicemail")
    assert not personas["voicemail"].expectation_met("voicemail", "completed")


@pytest.mark.parametrize(("text", "field"), [
    ("name: bad\ndescription: x\nanswer: sometimes\nexpect: {status: completed}\n", "answer"),
    ("name: bad\ndescription: x\nanswer: human\nrules:\n  - when: '(unclosed'\n    say: hi\n"
     "expect: {status: completed}\n", "rules[0].when"),
    ("name: bad\ndescription: x\nanswer: human\nline: {loss: 2}\nexpect: {status: completed}\n", "line.loss"),
    ("name: bad\ndescription: x\nanswer: human\nmood: grumpy\nexpect: {status: completed}\n", "mood"),
    ("name: other\ndescription: x\nanswer: human\nexpect: {status: completed}\n", "name"),
    ("name: bad\ndescription: x\nanswer: machine\nexpect: {status: voicemail}\n", "machine"),
    ("name: bad\ndescription: x\nanswer: human\n", "expect"),
    ("name: bad\ndescription: x\nanswer: human\nvoice: {rate: fast}\nexpect: {status: completed}\n", "voice.rate"),
])
def test_a_bad_file_is_refused_naming_the_file_and_the_field(tmp_path, text, field):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(PersonaError) as refused:
        load_persona(path)
    assert str(refused.value).startswith(f"bad.yaml: {field}:")


def test_one_bad_file_stops_the_whole_set(tmp_path):
    (tmp_path / "good.yaml").write_text("name: good\ndescription: x\nanswer: busy\nexpect: {status: busy}\n")
    (tmp_path / "broken.yaml").write_text("name: broken\n  answer: [\n")
    with pytest.raises(PersonaError, match=r"^broken\.yaml: not valid YAML"):
        load_personas(tmp_path)
