"""The simulated telephone network: plays Twilio and the lead (personas) over Twilio's own wire protocol."""
