"""The TwiML a live transfer hands Twilio (and the simulated network, which reads TwiML as Twilio does).

The human's leg first runs `whisper`: the summary, said once inside a one-key <Gather> whose result (a key, or
none: actionOnEmptyResult) goes to our answer webhook, which replies with `join` (they pressed 1) or `passed`.
The lead's call is moved off its media stream into the same conference with `join` through the REST API: Twilio
stops the stream (the AI leaves) and the two meet in the room; either hanging up ends it for both.
"""
from __future__ import annotations

from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

VOICE = "Polly.Joanna"  # Twilio's <Say> voice for what the human hears
PRESS_ONE = "Press 1 to take the call, or any other key to pass."


def whisper(summary: str, action_url: str, *, seconds: int) -> str:
    """What a human hears on answering: the summary, then a key to press within `seconds`."""
    response = VoiceResponse()
    gather = Gather(input="dtmf", num_digits=1, timeout=seconds, action=action_url, method="POST",
                    action_on_empty_result=True)
    gather.say(f"{summary} {PRESS_ONE}", voice=VOICE)
    response.append(gather)
    return str(response)


def join(room: str, *, time_limit: int, say: str = "", record: bool = False,
         recording_callback: str = "") -> str:
    """Into the transfer's conference room; the room ends when either side leaves."""
    response = VoiceResponse()
    if say:
        response.say(say, voice=VOICE)
    dial = Dial(time_limit=time_limit)
    options = {"start_conference_on_enter": True, "end_conference_on_exit": True, "beep": False}
    if record:
        options.update(record="record-from-start", recording_status_callback=recording_callback or None)
    dial.conference(room, **{k: v for k, v in options.items() if v is not None})
    response.append(dial)
    return str(response)


def passed(say: str) -> str:
    """A human who did not take the call (or came too late) hears `say`, and the leg ends."""
    response = VoiceResponse()
    response.say(say, voice=VOICE)
    response.hangup()
    return str(response)
