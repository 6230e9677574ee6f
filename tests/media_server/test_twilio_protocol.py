"""Twilio's own example messages are understood verbatim; broken ones are refused with a reason."""
from __future__ import annotations

import base64
import json

import pytest

from media_server.twilio_protocol import (
    Connected,
    Dtmf,
    Mark,
    Media,
    ProtocolError,
    Start,
    Stop,
    clear_message,
    mark_message,
    media_message,
    parse,
)

SID = "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
# The examples of Twilio's "Media Streams - WebSocket Messages" page, as printed there.
DOC_CONNECTED = '{"event": "connected", "protocol": "Call", "version": "1.0.0"}'
DOC_START = """{
  "event": "start",
  "sequenceNumber": "1",
  "start": {
    "accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "callSid": "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "tracks": [ "inbound" ],
    "mediaFormat": { "encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1 },
    "customParameters": { "FirstName": "Jane", "LastName": "Doe", "RemoteParty": "Bob" }
  },
  "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
}"""
DOC_MEDIA = """{
  "event": "media",
  "sequenceNumber": "3",
  "media": {
    "track": "outbound",
    "chunk": "1",
    "timestamp": "5",
    "payload": "no+JhoaJjpzSHxAKBgYJDhtEopGKh4aIjZm7JhILBwYIDRg1qZSLh4aIjJevLBUMBwYHDBUsr5eMiIaHi5SpNRgNCAYHChIs"
  },
  "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
}"""
DOC_DTMF = """{"event": "dtmf", "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "sequenceNumber": "5",
"dtmf": {"track": "inbound_track", "digit": "1"}}"""
DOC_MARK = """{"event": "mark", "sequenceNumber": "4", "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
"mark": {"name": "my label"}}"""
DOC_STOP = """{"event": "stop", "sequenceNumber": "5", "stop": {"accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
"callSid": "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"}, "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"}"""


def test_it_reads_every_documented_message():
    assert parse(DOC_CONNECTED) == Connected("Call", "1.0.0")
    start = parse(DOC_START)
    assert isinstance(start, Start)
    assert (start.stream_sid, start.call_sid, start.tracks) == (SID, "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", ("inbound",))
    assert (start.encoding, start.sample_rate, start.channels) == ("audio/x-mulaw", 8000, 1)
    assert start.custom_parameters == {"FirstName": "Jane", "LastName": "Doe", "RemoteParty": "Bob"}
    media = parse(DOC_MEDIA)
    assert isinstance(media, Media) and (media.sequence, media.chunk, media.timestamp_ms) == (3, 1, 5)
    assert media.payload[:2] == base64.b64decode("no+J")[:2]
    assert parse(DOC_DTMF) == Dtmf(5, SID, "inbound_track", "1")
    assert parse(DOC_MARK) == Mark(4, SID, "my label")
    assert parse(DOC_STOP) == Stop(5, SID, "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")


@pytest.mark.parametrize("text, reason", [
    ("not json", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    ('{"event": "media", "sequenceNumber": "x", "media": {}}', "sequenceNumber is not a number"),
    ('{"event": "media", "sequenceNumber": "7", "media": {"chunk": "2", "timestamp": "40"}}', "without 'payload'"),
    ('{"event": "media", "sequenceNumber": "7", "media": {"chunk": "2", "timestamp": "40", "payload": "@@@"}}',
     "bad payload"),
    ('{"event": "start", "sequenceNumber": "1"}', "without its 'start' object"),
    ('{"event": "teleport", "sequenceNumber": "1"}', "unknown event"),
])
def test_it_refuses_what_it_cannot_use_with_a_reason(text, reason):
    with pytest.raises(ProtocolError, match=reason):
        parse(text)


def test_what_we_send_is_what_twilio_documents():
    assert json.loads(media_message(SID, b"\xff\x7f")) == {
        "event": "media", "streamSid": SID, "media": {"payload": base64.b64encode(b"\xff\x7f").decode()}}
    assert json.loads(mark_message(SID, "turn-3")) == {"event": "mark", "streamSid": SID, "mark": {"name": "turn-3"}}
    assert json.loads(clear_message(SID)) == {"event": "clear", "streamSid": SID}
