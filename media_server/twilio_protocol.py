"""Twilio Media Streams messages, exactly as Twilio documents them: parsed in, built out.

In: connected, start, media, mark, dtmf, stop (JSON text frames; numbers arrive as strings).
Out: media (base64 8 kHz μ-law), mark (echoed back when played), clear (drop what is queued).
Anything else, or a message missing what its event needs, raises ProtocolError: the caller
counts it and carries on.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field


class ProtocolError(ValueError):
    """Not a Twilio Media Streams message we can use."""


@dataclass(frozen=True)
class Connected:
    protocol: str
    version: str


@dataclass(frozen=True)
class Start:
    sequence: int
    stream_sid: str
    account_sid: str
    call_sid: str
    tracks: tuple[str, ...]
    encoding: str
    sample_rate: int
    channels: int
    custom_parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Media:
    sequence: int
    stream_sid: str
    track: str
    chunk: int
    timestamp_ms: int
    payload: bytes


@dataclass(frozen=True)
class Mark:
    sequence: int
    stream_sid: str
    name: str


@dataclass(frozen=True)
class Dtmf:
    sequence: int
    stream_sid: str
    track: str
    digit: str


@dataclass(frozen=True)
class Stop:
    sequence: int
    stream_sid: str
    account_sid: str
    call_sid: str


Message = Connected | Start | Media | Mark | Dtmf | Stop


def _int(value, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ProtocolError(f"{what} is not a number: {value!r}") from None


def _text(value, what: str) -> str:
    if not isinstance(value, str | int):
        raise ProtocolError(f"{what} is not text: {type(value).__name__}")
    return str(value)


def _section(message: dict, name: str) -> dict:
    section = message.get(name)
    if not isinstance(section, dict):
        raise ProtocolError(f"{message.get('event')} message without its {name!r} object")
    return section


def _object(section: dict, name: str) -> dict:
    value = section.get(name) or {}
    if not isinstance(value, dict):
        raise ProtocolError(f"{name!r} is not an object")
    return value


def parse(text: str | bytes) -> Message:
    try:
        message = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError("not JSON we read: nested too deep") from None
    if not isinstance(message, dict):
        raise ProtocolError("not a JSON object")
    event = message.get("event")
    try:
        if event == "connected":
            return Connected(str(message.get("protocol", "")), str(message.get("version", "")))
        sequence = _int(message.get("sequenceNumber"), "sequenceNumber")
        stream_sid = str(message.get("streamSid", ""))
        if event == "media":
            media = _section(message, "media")
            return Media(sequence, stream_sid, str(media.get("track", "inbound")), _int(media.get("chunk"), "chunk"),
                         _int(media.get("timestamp"), "timestamp"), base64.b64decode(media["payload"], validate=True))
        if event == "start":
            start = _section(message, "start")
            media_format = _object(start, "mediaFormat")
            tracks = start.get("tracks") or ["inbound"]
            if not isinstance(tracks, list) or not all(isinstance(track, str) for track in tracks):
                raise ProtocolError("'tracks' is not a list of names")
            parameters = _object(start, "customParameters")
            if not all(isinstance(value, str | int | float) for value in parameters.values()):
                raise ProtocolError("'customParameters' holds something other than text")
            return Start(sequence, str(start.get("streamSid", stream_sid)), str(start.get("accountSid", "")),
                         _text(start["callSid"], "callSid"), tuple(tracks),
                         str(media_format.get("encoding", "audio/x-mulaw")),
                         _int(media_format.get("sampleRate", 8000), "sampleRate"),
                         _int(media_format.get("channels", 1), "channels"),
                         {str(k): str(v) for k, v in parameters.items()})
        if event == "mark":
            return Mark(sequence, stream_sid, str(_section(message, "mark")["name"]))
        if event == "dtmf":
            dtmf = _section(message, "dtmf")
            return Dtmf(sequence, stream_sid, str(dtmf.get("track", "inbound_track")), str(dtmf["digit"]))
        if event == "stop":
            stop = _section(message, "stop")
            return Stop(sequence, stream_sid, str(stop.get("accountSid", "")), str(stop.get("callSid", "")))
    except KeyError as exc:
        raise ProtocolError(f"{event} message without {exc.args[0]!r}") from None
    except (binascii.Error, ValueError, TypeError, AttributeError) as exc:
        if isinstance(exc, ProtocolError):
            raise
        # Any value of the wrong type where Twilio sends another: one kind of error for the caller to count.
        raise ProtocolError(f"{event} message with a bad payload or value: {exc}") from None
    raise ProtocolError(f"unknown event {event!r}")


def media_message(stream_sid: str, payload: bytes) -> str:
    return json.dumps({"event": "media", "streamSid": stream_sid,
                       "media": {"payload": base64.b64encode(payload).decode("ascii")}})


def mark_message(stream_sid: str, name: str) -> str:
    return json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})


def clear_message(stream_sid: str) -> str:
    return json.dumps({"event": "clear", "streamSid": stream_sid})
