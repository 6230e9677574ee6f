"""Whatever shape a media-stream message has, parsing it gives a message or a ProtocolError, never a crash.

Every field of every message Twilio documents is replaced, one at a time, by each JSON type it is not
(a string where an object belongs, a list where a mapping belongs, ...), and nesting goes deeper than
Python's recursion limit: the consumer and the worker count a ProtocolError and carry on; any other
exception would close a live call with 1011.
"""
from __future__ import annotations

import json

import pytest

from media_server.twilio_protocol import ProtocolError, parse
from tests.media_server.test_twilio_protocol import DOC_CONNECTED, DOC_DTMF, DOC_MARK, DOC_MEDIA, DOC_START, DOC_STOP

WRONG_VALUES = ["text", "", 7, -1, 1.5, True, None, [], ["a", 1], {}, {"x": {"y": []}}]


def paths(value, prefix=()):
    """Every key path in a JSON document."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from paths(child, (*prefix, key))


def replaced(document: dict, path: tuple, new) -> dict:
    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return copy


def mutations():
    for name, text in {"connected": DOC_CONNECTED, "start": DOC_START, "media": DOC_MEDIA, "mark": DOC_MARK,
                       "dtmf": DOC_DTMF, "stop": DOC_STOP}.items():
        document = json.loads(text)
        for path in paths(document):
            for value in WRONG_VALUES:
                yield pytest.param(json.dumps(replaced(document, path, value)), id=f"{name}.{'.'.join(path)}={value!r}")


@pytest.mark.parametrize("text", list(mutations()))
def test_a_field_of_the_wrong_type_is_a_protocol_error_not_a_crash(text):
    try:
        parse(text)
    except ProtocolError:
        pass


@pytest.mark.parametrize("text", [
    '{"event": "start", "sequenceNumber": "1", "start": {"callSid": "CA1", "mediaFormat": "audio/x-mulaw"}}',
    '{"event": "start", "sequenceNumber": "1", "start": {"callSid": "CA1", "customParameters": ["call_id", "7"]}}',
    '{"event": "start", "sequenceNumber": "1", "start": {"callSid": {"nested": true}}}',
    '{"event": "start", "sequenceNumber": "1", "start": {"callSid": "CA1", "customParameters": {"token": {"a": 1}}}}',
    '{"event": "media", "sequenceNumber": "2", "media": {"chunk": "1", "timestamp": "0", "payload": ["AA=="]}}',
    '{"event": "start", "start": ' * 5000 + "{}" + "}" * 5000,
    "[" * 100_000 + "]" * 100_000,
])
def test_the_shapes_seen_in_the_wild_are_refused_with_a_reason(text):
    with pytest.raises(ProtocolError):
        parse(text)
