"""Twilio's side of /media/stream for tests: the `start` message Twilio sends for one of our calls."""
from __future__ import annotations

import json

from apps.calls.streams import stream_parameters


def start_message(call=None, *, call_sid: str | None = None, parameters: dict | None = None,
                  stream_sid: str = "MZtest") -> str:
    """The `start` Twilio sends for `call`: its TwiML's parameters (the stream token) and its call sid.
    `parameters` replaces the TwiML's (a forged or missing token); `call_sid` another call's sid."""
    if parameters is None:
        parameters = stream_parameters(call)
    if call_sid is None:
        call_sid = call.provider_call_id
    return json.dumps({"event": "start", "sequenceNumber": "1", "streamSid": stream_sid, "start": {
        "accountSid": "ACtest", "streamSid": stream_sid, "callSid": call_sid, "tracks": ["inbound"],
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
        "customParameters": parameters}})
