"""The agent's understanding, measured on the evaluation corpus (apps/rehearsals/corpus): a regression gate.

The floors are the figures this code reaches today, a little below (the corpus is fixed, so the figures are
deterministic); a change that reads leads worse fails here. On `dev` they are at or above issue 16's targets
(intents 95 %, fact precision 98 % and recall 90 %, opt-out recall 100 %, conversations 90 %, every booking at
the lead's time); on `holdout` some are still below them: raise a floor whenever the figures rise.
`holdout` is never tuned on; its floors are the guard that rules still generalise.
"""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from apps.rehearsals.evaluation import evaluate, fact_matches, load_corpus

# Reading the whole corpus once (the module's `figures`) takes about two minutes on two cores and grows with every
# part added: more than the suite's 300 s per test where the machine is busy or slower.
pytestmark = pytest.mark.timeout(900)

FLOORS = {
    "dev": {"intent_accuracy": 0.975, "fact_precision": 0.995, "fact_recall": 1.0, "opt_out_recall": 1.0,
            "pass_rate": 0.945, "missed_bookings": 0},
    "fresh": {"intent_accuracy": 0.94, "fact_precision": 0.935, "fact_recall": 0.965, "opt_out_recall": 1.0,
              "pass_rate": 0.9, "missed_bookings": 1},
    "fresh2": {"intent_accuracy": 0.935, "fact_precision": 0.91, "fact_recall": 0.96, "opt_out_recall": 1.0,
               "pass_rate": 1.0, "missed_bookings": 0},
    "fresh3": {"intent_accuracy": 0.975, "fact_precision": 0.99, "fact_recall": 0.99, "opt_out_recall": 1.0,
               "pass_rate": 0.965, "missed_bookings": 0},
    "fresh4": {"intent_accuracy": 0.96, "fact_precision": 0.98, "fact_recall": 0.97, "opt_out_recall": 1.0,
               "pass_rate": 0.865, "missed_bookings": 0},
    "fresh5": {"intent_accuracy": 0.97, "fact_precision": 0.97, "fact_recall": 1.0, "opt_out_recall": 1.0,
               "pass_rate": 0.93, "missed_bookings": 0},
    "fresh6": {"intent_accuracy": 0.97, "fact_precision": 0.945, "fact_recall": 0.96, "opt_out_recall": 1.0,
               "pass_rate": 0.9, "missed_bookings": 0},
    "fresh7": {"intent_accuracy": 0.98, "fact_precision": 0.9, "fact_recall": 0.985, "opt_out_recall": 1.0,
               "pass_rate": 0.93, "missed_bookings": 0},
    "fresh8": {"intent_accuracy": 0.965, "fact_precision": 0.94, "fact_recall": 0.92, "opt_out_recall": 1.0,
               "pass_rate": 0.865, "missed_bookings": 2},
    "fresh9": {"intent_accuracy": 0.945, "fact_precision": 0.915, "fact_recall": 0.93, "opt_out_recall": 1.0,
               "pass_rate": 0.925, "missed_bookings": 1},
    "fresh10": {"intent_accuracy": 0.955, "fact_precision": 0.97, "fact_recall": 0.99, "opt_out_recall": 1.0,
                "pass_rate": 0.925, "missed_bookings": 0},
    "fresh11": {"intent_accuracy": 0.975, "fact_precision": 0.975, "fact_recall": 0.975, "opt_out_recall": 1.0,
                "pass_rate": 0.95, "missed_bookings": 0},
    "fresh12": {"intent_accuracy": 0.985, "fact_precision": 0.975, "fact_recall": 1.0, "opt_out_recall": 1.0,
                "pass_rate": 0.925, "missed_bookings": 0},
    "fresh13": {"intent_accuracy": 0.945, "fact_precision": 0.96, "fact_recall": 0.955, "opt_out_recall": 1.0,
                "pass_rate": 1.0, "missed_bookings": 0},
    "fresh14": {"intent_accuracy": 0.93, "fact_precision": 0.935, "fact_recall": 0.97, "opt_out_recall": 1.0,
                "pass_rate": 0.9, "missed_bookings": 0},
    "fresh15": {"intent_accuracy": 0.905, "fact_precision": 0.96, "fact_recall": 1.0, "opt_out_recall": 1.0,
                "pass_rate": 0.8, "missed_bookings": 0},
    "fresh16": {"intent_accuracy": 0.97, "fact_precision": 0.89, "fact_recall": 0.99, "opt_out_recall": 1.0,
                "pass_rate": 0.85, "missed_bookings": 0},
    "fresh17": {"intent_accuracy": 0.95, "fact_precision": 0.9, "fact_recall": 0.95, "opt_out_recall": 1.0,
                "pass_rate": 0.9, "missed_bookings": 0},
    "fresh18": {"intent_accuracy": 0.98, "fact_precision": 0.915, "fact_recall": 0.93, "opt_out_recall": 1.0,
                "pass_rate": 0.8, "missed_bookings": 1},
    "fresh19": {"intent_accuracy": 0.95, "fact_precision": 0.94, "fact_recall": 0.98, "opt_out_recall": 1.0,
                "pass_rate": 0.725, "missed_bookings": 3},
    "fresh20": {"intent_accuracy": 0.935, "fact_precision": 0.9, "fact_recall": 0.94, "opt_out_recall": 1.0,
                "pass_rate": 0.85, "missed_bookings": 2},
    "fresh21": {"intent_accuracy": 0.915, "fact_precision": 0.875, "fact_recall": 0.91, "opt_out_recall": 1.0,
                "pass_rate": 0.85, "missed_bookings": 0},
    "fresh22": {"intent_accuracy": 0.98, "fact_precision": 0.915, "fact_recall": 0.905, "opt_out_recall": 1.0,
                "pass_rate": 0.875, "missed_bookings": 1},
    "fresh23": {"intent_accuracy": 0.975, "fact_precision": 0.945, "fact_recall": 0.945, "opt_out_recall": 1.0,
                "pass_rate": 0.95, "missed_bookings": 0},
    "fresh24": {"intent_accuracy": 0.945, "fact_precision": 0.965, "fact_recall": 0.955, "opt_out_recall": 1.0,
                "pass_rate": 0.625, "missed_bookings": 1},
    "fresh25": {"intent_accuracy": 0.965, "fact_precision": 0.905, "fact_recall": 0.935, "opt_out_recall": 1.0,
                "pass_rate": 0.75, "missed_bookings": 0},
    "fresh26": {"intent_accuracy": 0.985, "fact_precision": 0.965, "fact_recall": 0.89, "opt_out_recall": 1.0,
                "pass_rate": 0.95, "missed_bookings": 0},
    "fresh27": {"intent_accuracy": 0.985, "fact_precision": 0.965, "fact_recall": 0.925, "opt_out_recall": 1.0,
                "pass_rate": 0.975, "missed_bookings": 0},
    "fresh28": {"intent_accuracy": 0.95, "fact_precision": 0.86, "fact_recall": 0.975, "opt_out_recall": 1.0,
                "pass_rate": 0.925, "missed_bookings": 0},
    "fresh29": {"intent_accuracy": 0.94, "fact_precision": 0.965, "fact_recall": 0.935, "opt_out_recall": 1.0,
                "pass_rate": 0.975, "missed_bookings": 0},
    "fresh30": {"intent_accuracy": 0.965, "fact_precision": 0.93, "fact_recall": 0.97, "opt_out_recall": 1.0,
                "pass_rate": 0.825, "missed_bookings": 0},
    "fresh31": {"intent_accuracy": 0.95, "fact_precision": 0.94, "fact_recall": 0.905, "opt_out_recall": 1.0,
                "pass_rate": 0.95, "missed_bookings": 0},
    "fresh32": {"intent_accuracy": 0.915, "fact_precision": 0.925, "fact_recall": 0.895, "opt_out_recall": 1.0,
                "pass_rate": 0.675, "missed_bookings": 4},
    "fresh33": {"intent_accuracy": 0.945, "fact_precision": 0.95, "fact_recall": 0.925, "opt_out_recall": 1.0,
                "pass_rate": 0.85, "missed_bookings": 0},
    "fresh34": {"intent_accuracy": 0.975, "fact_precision": 0.955, "fact_recall": 0.98, "opt_out_recall": 1.0,
                "pass_rate": 0.95, "missed_bookings": 0},
    "fresh35": {"intent_accuracy": 0.985, "fact_precision": 0.93, "fact_recall": 0.98, "opt_out_recall": 1.0,
                "pass_rate": 0.9, "missed_bookings": 0},
    "fresh36": {"intent_accuracy": 0.96, "fact_precision": 0.91, "fact_recall": 0.98, "opt_out_recall": 1.0,
                "pass_rate": 0.95, "missed_bookings": 0},
    "fresh37": {"intent_accuracy": 0.965, "fact_precision": 0.955, "fact_recall": 0.99, "opt_out_recall": 1.0,
                "pass_rate": 0.9, "missed_bookings": 1},
    "fresh38": {"intent_accuracy": 0.975, "fact_precision": 0.925, "fact_recall": 0.965, "opt_out_recall": 1.0,
                "pass_rate": 0.825, "missed_bookings": 1},
    "fresh39": {"intent_accuracy": 0.965, "fact_precision": 0.95, "fact_recall": 0.97, "opt_out_recall": 1.0,
                "pass_rate": 0.925, "missed_bookings": 0},
    "fresh40": {"intent_accuracy": 0.94, "fact_precision": 0.93, "fact_recall": 0.97, "opt_out_recall": 1.0,
                "pass_rate": 0.825, "missed_bookings": 1},
    "fresh41": {"intent_accuracy": 0.965, "fact_precision": 0.92, "fact_recall": 0.945, "opt_out_recall": 1.0,
                "pass_rate": 0.925, "missed_bookings": 0},
    "fresh42": {"intent_accuracy": 0.945, "fact_precision": 0.92, "fact_recall": 0.935, "opt_out_recall": 1.0,
                "pass_rate": 0.875, "missed_bookings": 0},
    "fresh43": {"intent_accuracy": 0.925, "fact_precision": 0.9, "fact_recall": 0.905, "opt_out_recall": 1.0,
                "pass_rate": 0.9, "missed_bookings": 2},
    "fresh44": {"intent_accuracy": 0.94, "fact_precision": 0.955, "fact_recall": 0.945, "opt_out_recall": 1.0,
                "pass_rate": 0.65, "missed_bookings": 0},
    "fresh45": {"intent_accuracy": 0.945, "fact_precision": 0.93, "fact_recall": 0.905, "opt_out_recall": 1.0,
                "pass_rate": 0.8, "missed_bookings": 0},
    "fresh46": {"intent_accuracy": 0.95, "fact_precision": 0.9, "fact_recall": 0.955, "opt_out_recall": 1.0,
                "pass_rate": 0.85, "missed_bookings": 2},
    "fresh47": {"intent_accuracy": 0.98, "fact_precision": 0.915, "fact_recall": 0.885, "opt_out_recall": 1.0,
                "pass_rate": 0.775, "missed_bookings": 1},
    "fresh48": {"intent_accuracy": 0.95, "fact_precision": 0.84, "fact_recall": 0.85, "opt_out_recall": 1.0,
                "pass_rate": 0.45, "missed_bookings": 1},
    "fresh49": {"intent_accuracy": 0.945, "fact_precision": 0.935, "fact_recall": 0.88, "opt_out_recall": 1.0,
                "pass_rate": 0.65, "missed_bookings": 1},
    "fresh50": {"intent_accuracy": 0.965, "fact_precision": 0.94, "fact_recall": 0.97, "opt_out_recall": 1.0,
                "pass_rate": 0.925, "missed_bookings": 0},
    "fresh51": {"intent_accuracy": 0.985, "fact_precision": 0.865, "fact_recall": 0.95, "opt_out_recall": 1.0,
                "pass_rate": 0.95, "missed_bookings": 0},
    "fresh52": {"intent_accuracy": 0.945, "fact_precision": 0.88, "fact_recall": 0.915, "opt_out_recall": 1.0,
                "pass_rate": 0.9, "missed_bookings": 0},
    "fresh53": {"intent_accuracy": 0.96, "fact_precision": 0.97, "fact_recall": 0.95, "opt_out_recall": 1.0,
                "pass_rate": 0.925, "missed_bookings": 0},
    "fresh54": {"intent_accuracy": 0.95, "fact_precision": 0.93, "fact_recall": 0.945, "opt_out_recall": 1.0,
                "pass_rate": 1.0, "missed_bookings": 0},
    "fresh55": {"intent_accuracy": 0.955, "fact_precision": 0.9, "fact_recall": 0.925, "opt_out_recall": 1.0,
                "pass_rate": 0.9, "missed_bookings": 0},
    "fresh56": {"intent_accuracy": 0.96, "fact_precision": 0.93, "fact_recall": 0.895, "opt_out_recall": 1.0,
                "pass_rate": 0.925, "missed_bookings": 0},
    "fresh57": {"intent_accuracy": 0.965, "fact_precision": 0.88, "fact_recall": 0.965, "opt_out_recall": 1.0,
                "pass_rate": 0.9, "missed_bookings": 0},
    "fresh58": {"intent_accuracy": 0.955, "fact_precision": 0.88, "fact_recall": 0.905, "opt_out_recall": 1.0,
                "pass_rate": 0.75, "missed_bookings": 0},
    "fresh59": {"intent_accuracy": 0.935, "fact_precision": 0.9, "fact_recall": 0.875, "opt_out_recall": 1.0,
                "pass_rate": 0.725, "missed_bookings": 0},
    "fresh60": {"intent_accuracy": 0.94, "fact_precision": 0.84, "fact_recall": 0.86, "opt_out_recall": 1.0,
                "pass_rate": 0.75, "missed_bookings": 1},
    "fresh61": {"intent_accuracy": 0.915, "fact_precision": 0.85, "fact_recall": 0.895, "opt_out_recall": 1.0,
                "pass_rate": 0.65, "missed_bookings": 3},
    "fresh62": {"intent_accuracy": 0.97, "fact_precision": 0.925, "fact_recall": 0.945, "opt_out_recall": 1.0,
                "pass_rate": 0.95, "missed_bookings": 0},
    "fresh63": {"intent_accuracy": 0.955, "fact_precision": 0.82, "fact_recall": 0.93, "opt_out_recall": 1.0,
                "pass_rate": 0.9, "missed_bookings": 0},
    "fresh64": {"intent_accuracy": 0.93, "fact_precision": 0.915, "fact_recall": 0.9, "opt_out_recall": 1.0,
                "pass_rate": 0.85, "missed_bookings": 0},
    "fresh65": {"intent_accuracy": 0.94, "fact_precision": 0.9, "fact_recall": 0.88, "opt_out_recall": 1.0,
                "pass_rate": 0.725, "missed_bookings": 0},
    "fresh66": {"intent_accuracy": 0.965, "fact_precision": 0.885, "fact_recall": 0.915, "opt_out_recall": 1.0,
                "pass_rate": 0.875, "missed_bookings": 1},
    "fresh67": {"intent_accuracy": 0.98, "fact_precision": 0.91, "fact_recall": 0.945, "opt_out_recall": 1.0,
                "pass_rate": 0.75, "missed_bookings": 1},
    "fresh68": {"intent_accuracy": 0.965, "fact_precision": 0.935, "fact_recall": 0.925, "opt_out_recall": 1.0,
                "pass_rate": 0.825, "missed_bookings": 0},
    "fresh69": {"intent_accuracy": 0.985, "fact_precision": 0.94, "fact_recall": 0.97, "opt_out_recall": 1.0,
                "pass_rate": 1.0, "missed_bookings": 0},
    "fresh70": {"intent_accuracy": 0.955, "fact_precision": 0.93, "fact_recall": 0.855, "opt_out_recall": 1.0,
                "pass_rate": 0.85, "missed_bookings": 0},
    "fresh71": {"intent_accuracy": 0.95, "fact_precision": 0.93, "fact_recall": 0.95, "opt_out_recall": 1.0,
                "pass_rate": 0.775, "missed_bookings": 0},
    "fresh72": {"intent_accuracy": 0.975, "fact_precision": 0.93, "fact_recall": 0.93, "opt_out_recall": 1.0,
                "pass_rate": 0.925, "missed_bookings": 0},
    "fresh73": {"intent_accuracy": 0.98, "fact_precision": 0.93, "fact_recall": 0.98, "opt_out_recall": 1.0,
                "pass_rate": 0.875, "missed_bookings": 0},
    "holdout": {"intent_accuracy": 0.945, "fact_precision": 0.975, "fact_recall": 0.89, "opt_out_recall": 1.0,
                "pass_rate": 0.935, "missed_bookings": 0},
}


@pytest.fixture(scope="module")
def figures():
    return evaluate(load_corpus())


@pytest.mark.parametrize("part", sorted(FLOORS))
def test_the_agent_reads_the_corpus_at_least_as_well_as_before(figures, part):
    sentences, conversations = figures[part]["sentences"], figures[part]["conversations"]
    floor = FLOORS[part]
    for name in ("intent_accuracy", "fact_precision", "fact_recall", "opt_out_recall"):
        assert sentences[name] >= floor[name], (name, sentences[name], sentences["failures"][:20])
    assert conversations["pass_rate"] >= floor["pass_rate"], [f["id"] for f in conversations["failures"]]
    missed = conversations["should_book"] - conversations["booked_at_the_leads_time"]
    assert missed <= floor["missed_bookings"]


def test_the_corpus_is_big_enough_and_kept_apart():
    parts = {part.name: part for part in load_corpus()}
    assert set(parts) == {"dev", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8",
                          "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "fresh16",
                          "fresh17", "fresh18", "fresh19", "fresh20", "fresh21", "fresh22", "fresh23", "fresh24",
                          "fresh25", "fresh26", "fresh27", "fresh28", "fresh29", "fresh30", "fresh31", "fresh32",
                          "fresh33", "fresh34", "fresh35", "fresh36", "fresh37", "fresh38", "fresh39",
                          "fresh40", "fresh41", "fresh42", "fresh43", "fresh44", "fresh45", "fresh46", "fresh47",
                          "fresh48", "fresh49", "fresh50", "fresh51", "fresh52",
                          "fresh53", "fresh54", "fresh55", "fresh56", "fresh57", "fresh58", "fresh59",
                          "fresh60", "fresh61", "fresh62", "fresh63", "fresh64", "fresh65", "fresh66", "fresh67",
                          "fresh68", "fresh69", "fresh70",
                          "fresh71", "fresh72", "fresh73", "holdout"}
    assert sum(len(p.sentences) for p in parts.values()) >= 3500
    assert sum(len(p.conversations) for p in parts.values()) >= 400
    tuned_on = {row["text"] for name in set(parts) - {"holdout"} for row in parts[name].sentences}
    shared = tuned_on & {row["text"] for row in parts["holdout"].sentences}
    # written apart: only stock phrases meet ("yep", "take me off your list", a carrier's voicemail greeting); with
    # eleven parts written by others they meet more often (17 of 290 at eleven parts, 12 at nine)
    assert len([text for text in shared if len(text.split()) >= 5]) <= 0.07 * len(parts["holdout"].sentences)


def test_understand_prints_what_the_agent_reads_from_a_sentence():
    out = io.StringIO()
    call_command("understand", "not interested and take me off your list", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"intent": "opt_out", "objection": "", "facts": {}}

    out = io.StringIO()
    call_command("understand", "-", "--json", "--expecting", "location",
                 stdin=io.StringIO("how much is my house worth\nsomewhere in round rock\n"), stdout=out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["facts"] == {} and first["text"] == "how much is my house worth"  # not a place, not a location
    assert second["facts"] == {"location": "Round Rock"}

    out = io.StringIO()  # read as a call from a Georgia lead reads it: their state is where a misheard town is
    call_command("understand", "lag range", "--json", "--expecting", "location", "--state", "ga", stdout=out)
    assert json.loads(out.getvalue())["facts"] == {"location": "Lagrange"}


def test_eval_agent_prints_the_figures_and_every_failure(tmp_path):
    (tmp_path / "sentences.jsonl").write_text(json.dumps(
        {"id": "t1", "asked": "budget", "text": "mid six hundreds", "intent": "inform", "objection": "",
         "facts": {"budget": 650000}}) + "\n" + json.dumps(
        {"id": "t2", "asked": "location", "text": "not sure yet", "intent": "inform", "objection": "",
         "facts": {"location": "Austin"}}) + "\n")
    out = io.StringIO()
    call_command("eval_agent", "--corpus", str(tmp_path), stdout=out)
    text = out.getvalue()
    assert "2 sentences" in text and "intents 50.0 %" in text
    assert "✗ t2" in text and "missed location='Austin'" in text and "✗ t1" not in text

    out = io.StringIO()
    call_command("eval_agent", "--corpus", str(tmp_path), "--json", stdout=out)
    result = json.loads(out.getvalue())[tmp_path.name]["sentences"]
    assert result["fact_precision"] == 1.0 and result["fact_recall"] == 0.5


def test_a_line_said_over_the_goodbye_is_heard_as_a_call_would_hear_it(tmp_path):
    """A lead who books and then, while the goodbye plays, asks to be taken off the list is opted out and the
    meeting is cancelled; the evaluation plays that line as the call would, instead of dropping it."""
    (tmp_path / "sentences.jsonl").write_text("")
    turns = ["yes", "buying", "austin", "next month", "four hundred", "cash", "we need more room", "no",
             "the first one"]
    calls = [{"id": "b1", "now": "2026-03-11T10:20:00", "lead_zone": "America/Chicago", "turns": turns,
              "expect": {"outcome": "appointment", "booked": {}}},
             {"id": "b2", "now": "2026-03-11T10:20:00", "lead_zone": "America/Chicago",
              "turns": [*turns, "wait no cancel that and take me off your list"],
              "expect": {"outcome": "opted_out", "dnc": True}}]
    (tmp_path / "conversations.jsonl").write_text("".join(json.dumps(call) + "\n" for call in calls))
    out = io.StringIO()
    call_command("eval_agent", "--corpus", str(tmp_path), "--json", stdout=out)
    result = json.loads(out.getvalue())[tmp_path.name]["conversations"]
    assert result["failures"] == [] and result["pass_rate"] == 1.0


def test_an_empty_booking_beside_another_outcome_means_nothing_is_booked(tmp_path):
    """`booked: {}` is "an offered time" for an appointment, and "nothing" where a writer gave it to every call:
    an opt-out with it passes without a booking, and is not counted among the calls that should book."""
    (tmp_path / "sentences.jsonl").write_text("")
    calls = [{"id": "n1", "now": "2026-03-11T10:20:00", "lead_zone": "America/Chicago",
              "turns": ["who is this", "take me off your list"],
              "expect": {"outcome": "opted_out", "dnc": True, "booked": {}, "ends_by_turn": 2}},
             {"id": "n2", "now": "2026-03-11T10:20:00", "lead_zone": "America/Chicago",
              "turns": ["yes", "buying", "austin", "next month", "four hundred", "cash", "we need more room", "no",
                        "no thanks not yet"],
              "expect": {"outcome": "appointment", "booked": {}}}]
    (tmp_path / "conversations.jsonl").write_text("".join(json.dumps(call) + "\n" for call in calls))
    out = io.StringIO()
    call_command("eval_agent", "--corpus", str(tmp_path), "--json", stdout=out)
    result = json.loads(out.getvalue())[tmp_path.name]["conversations"]
    assert [failure["id"] for failure in result["failures"]] == ["n2"]  # an appointment with {} must still book
    assert "nothing booked" in result["failures"][0]["problems"]
    assert result["should_book"] == 1 and result["booked_at_the_leads_time"] == 0


def test_a_place_is_one_place_however_its_saint_or_mount_is_spelled_or_locals_call_it():
    assert fact_matches("location", "St. George", "Saint George")
    assert fact_matches("location", "Mount Juliet", "Mt Juliet")
    assert not fact_matches("location", "St. George", "St. Louis")
    # a town's local name is the town ("St Pete" written by one writer, "St. Petersburg" by another)
    assert fact_matches("location", "St Pete", "St. Petersburg")
    assert fact_matches("location", "St. Petersburg", "St Pete")
    assert not fact_matches("location", "St Pete", "St. Paul")
    # with or without its accent ("Española" as GeoNames writes it, "Espanola" as a writer typed it)
    assert fact_matches("location", "Espanola", "Española")
    assert fact_matches("location", "Chimayó", "Chimayo")
    assert not fact_matches("location", "Española", "Espanol Ranch")
