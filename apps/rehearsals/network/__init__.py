"""The simulated telephone network: plays Twilio and the lead (personas) over Twilio's own wire protocol.

`exchange` takes dial requests and runs each call; a call (`call`) is three roles: the Twilio side
(`twilio_side`: Media Streams WebSocket, signed status and AMD callbacks), the lead side (`lead_side`: the
persona listening, answering, interrupting, hanging up) and the measurement side (`measurements`:
voice-to-voice, barge-in, CPU, the report); `line` and `voice` are the telephone line and the lead's voice.
"""
