"""The Twilio side of a simulated call: what Twilio says to the platform, over Twilio's own wire protocols.

The Media Streams WebSocket to /media/stream (signed as Twilio signs it: connected, start with the stream's
custom parameters, 20 ms μ-law media frames in real time through the line's conditions, marks echoed, clear
heard, stop), the signed status callbacks (ringing … completed, with Twilio's retries) and the answering
machine detection callback; the network's own record of the call in Redis, and the platform hanging up
through the provider.
"""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import email.utils
import heapq
import json
import logging
import time
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

from apps.integrations.telephony.simulated import (
    HANGUP_KEY,
    JOIN_KEY,
    KEY_TTL_SECONDS,
    call_record_key,
    call_record_value,
)
from apps.rehearsals.network.line import FRAME_SECONDS

if TYPE_CHECKING:
    from apps.rehearsals.network.call import SimulatedCall

log = logging.getLogger(__name__)
ACCOUNT_SID = "AC" + "5" * 32
FROM_NUMBER = "+12025550199"  # the campaign's caller id on the simulated network (a fictional 555 number)


class TwilioSide:
    def __init__(self, call: SimulatedCall):
        self.call, self.request, self.network = call, call.request, call.network
        self.measurements = call.measurements
        self.stream_sid = "MZ" + uuid.uuid4().hex
        self.sequence = 0  # status callbacks
        self.ws = None
        self.stream_start = 0.0
        self.frame = 0
        self._pending: list[tuple[float, int, object]] = []
        self.sent_media = 0
        self._final_sent = False

    # --- the WebSocket: Twilio's Media Streams protocol --------------------------------------------------

    def stream_url(self) -> str:
        if self.request.stream_url:
            return self.request.stream_url
        parts = urlsplit(self.network.web_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}/media/stream?call_id={self.request.call_id}"

    async def open_stream(self) -> None:
        import websockets

        url = self.stream_url()
        signature = RequestValidator(self.network.token).compute_signature(url, {})
        self.ws = await websockets.connect(url, additional_headers={"X-Twilio-Signature": signature},
                                           max_size=2**20, open_timeout=10)
        await self.ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        await self.ws.send(json.dumps({"event": "start", "sequenceNumber": "1", "streamSid": self.stream_sid,
                                       "start": {"accountSid": ACCOUNT_SID, "streamSid": self.stream_sid,
                                                 "callSid": self.request.sid, "tracks": ["inbound"],
                                                 "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000,
                                                                 "channels": 1},
                                                 "customParameters": self.request.stream_parameters or
                                                                     {"call_id": str(self.request.call_id)}}}))
        self.stream_start = time.monotonic()

    async def send_frames(self) -> None:
        """20 ms frames in real time: the lead's speech, else silence, through the line's conditions."""
        line = self.call.line
        try:
            while not self.call.ended.is_set():
                cpu = time.thread_time()
                if (out := line.transmit(self.frame, self.call.lead.next_frame())) is not None:
                    heapq.heappush(self._pending, (out.due, out.frame, out))
                elapsed = time.monotonic() - self.stream_start
                while self._pending and self._pending[0][0] <= elapsed + 0.001:
                    _, frame, out = heapq.heappop(self._pending)
                    await self.ws.send(self._media(frame, out.payload))
                self.frame += 1
                self.measurements.spent("loop", time.thread_time() - cpu)
                await asyncio.sleep(max(0.0, self.stream_start + self.frame * FRAME_SECONDS - time.monotonic()))
        except Exception as exc:  # noqa: BLE001 - the socket went away: the call is over
            self._closed_by_agent(f"stream closed while sending: {exc.__class__.__name__}")

    def _media(self, frame: int, payload: bytes) -> str:
        self.sent_media += 1
        return json.dumps({"event": "media", "sequenceNumber": str(frame + 2), "streamSid": self.stream_sid,
                           "media": {"track": "inbound", "chunk": str(frame + 1), "timestamp": str(frame * 20),
                                     "payload": base64.b64encode(payload).decode()}})

    async def receive(self) -> None:
        try:
            async for text in self.ws:
                cpu = time.thread_time()
                await self._handle(json.loads(text))
                self.measurements.spent("loop", time.thread_time() - cpu)
        except Exception as exc:  # noqa: BLE001 - a dropped socket ends the call like a close
            log.info("simulated call %s: stream error: %s", self.request.call_id, exc)
        self._closed_by_agent("the platform closed the stream (agent hung up)")

    async def _handle(self, message: dict) -> None:
        event, now = message.get("event"), time.monotonic()
        if event == "media":
            payload = base64.b64decode(message["media"]["payload"])
            self.call.lead.hear(payload, now)
            self.call.line.hear_agent(payload, self.frame)  # a poor handset echoes what it plays
            self.measurements.agent_audio(now)
        elif event == "mark":  # played at once: echo it, as Twilio does
            await self.ws.send(json.dumps({"event": "mark", "sequenceNumber": str(self.frame + 2),
                                           "streamSid": self.stream_sid, "mark": message.get("mark", {})}))
        elif event == "clear":
            self.measurements.cleared(now)

    async def close(self) -> None:
        """Stop the stream (unless the platform closed it, or it was left for a transfer) and close the socket."""
        if self.ws is None or self.call.joined.is_set():
            return
        if self.call.hung_up_by != "agent":
            await self._send_stop()
        await self.ws.close()

    async def _send_stop(self) -> None:
        try:
            await self.ws.send(json.dumps({"event": "stop", "sequenceNumber": str(self.frame + 2),
                                           "streamSid": self.stream_sid,
                                           "stop": {"accountSid": ACCOUNT_SID, "callSid": self.request.sid}}))
        except Exception as exc:  # noqa: BLE001 - already closed: nothing to stop
            log.debug("simulated call %s: no stop sent: %s", self.request.call_id, exc)

    def _closed_by_agent(self, reason: str) -> None:
        if not self.call.joined.is_set():  # a stream closed for a transfer does not end the call
            self.call.end(reason, "agent")

    async def watch_hang_up(self) -> None:
        """The platform hangs up through the provider (SimulatedTelephony.hang_up), as with Twilio's REST API, or
        moves the call into a transfer's conference room (SimulatedTelephony.join_conference)."""
        hang_up, join = HANGUP_KEY.format(sid=self.request.sid), JOIN_KEY.format(sid=self.request.sid)
        while not self.call.ended.is_set():
            if await self.network.redis.exists(hang_up):
                self._closed_by_agent("the platform hung up the call")
                return
            if room := await self.network.redis.get(join):
                self.call.spawn(self.call.join_room(room))
                return
            await asyncio.sleep(0.2)

    async def leave_stream(self) -> None:
        """The call left <Connect><Stream> for other TwiML: Twilio sends `stop` and closes the socket."""
        if self.ws is not None:
            await self._send_stop()
            await self.ws.close()

    # --- Twilio's callbacks ------------------------------------------------------------------------------

    async def status(self, status: str, duration: int | None = None) -> None:
        form = status_form(self.request.sid, self.request.to, status, self.sequence, duration)
        if self.request.inbound:
            form.update(Direction="inbound", From=self.request.to, To=self.request.callback_to,
                        Caller=self.request.to, Called=self.request.callback_to)
        self.sequence += 1
        await self._record_provider_status(status, duration)
        await self._post(self.request.status_path or f"/telephony/twilio/status/{self.request.call_id}", form)

    async def final_status(self, status: str, duration: int) -> None:
        """The call's last status callback, sent once whoever ends the call."""
        if not self._final_sent:
            self._final_sent = True
            await self.status(status, duration)

    async def amd(self, answered_by: str, detection_ms: int) -> None:
        await self._post(f"/telephony/twilio/amd/{self.request.call_id}",
                         {"AccountSid": ACCOUNT_SID, "CallSid": self.request.sid, "AnsweredBy": answered_by,
                          "MachineDetectionDuration": str(detection_ms)})

    async def amd_later(self, answered_by: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self.amd(answered_by, round(seconds * 1000))

    async def _post(self, path: str, form: dict[str, str]) -> None:
        await signed_post(self.network, self.network.web_url.rstrip("/") + path, form, f"call {self.request.call_id}")

    async def _record_provider_status(self, status: str, duration: int | None) -> None:
        """The network's own record of the call (what SimulatedTelephony.find_call reads)."""
        await self.network.redis.set(call_record_key(self.request.sid),
                                     call_record_value(self.request.sid, self.request.call_id, status, duration),
                                     ex=KEY_TTL_SECONDS)


async def signed_post(network, url: str, form: dict[str, str], who: str):
    """POST a webhook to the platform signed as Twilio signs it, retried as Twilio retries (a refused connection or
    a 5xx); the last response, or None when the platform never answered."""
    signature = RequestValidator(network.token).compute_signature(url, form)
    response = None
    for attempt in range(4):
        try:
            response = await network.http.post(url, data=form, headers={"X-Twilio-Signature": signature})
        except Exception as exc:  # noqa: BLE001 - the web server restarting: try again, as Twilio does
            log.warning("simulated %s: webhook %s failed: %s", who, url, exc)
            await asyncio.sleep(0.5 * 2**attempt)
            continue
        if response.status_code >= 400:
            log.warning("simulated %s: webhook %s answered %s: %s", who, url, response.status_code,
                        response.text[:200])
        if response.status_code < 500:
            return response
        await asyncio.sleep(0.5 * 2**attempt)  # the server failed: retried, as with Twilio's retry policy
    return response


def voice_form(sid: str, to: str, status: str, **fields: str) -> dict[str, str]:
    """The fields Twilio sends with every voice webhook (a call's TwiML request, a Gather's action)."""
    return {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", "CallSid": sid, "CallStatus": status,
            "Direction": "outbound-api", "From": FROM_NUMBER, "To": to, "Called": to, "Caller": FROM_NUMBER,
            **fields}


def status_form(sid: str, to: str, status: str, sequence: int, duration: int | None = None) -> dict[str, str]:
    """A status callback's fields for one call-progress event."""
    form = {**voice_form(sid, to, status), "CallbackSource": "call-progress-events", "SequenceNumber": str(sequence),
            "Timestamp": email.utils.format_datetime(dt.datetime.now(dt.UTC))}
    if duration is not None:
        form.update(CallDuration=str(duration), Duration=str(-(-duration // 60)))
    return form
