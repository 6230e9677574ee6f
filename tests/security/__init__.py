"""Security tests: each one attacks the system as an outsider or a careless operator would, at the wire.

Threat model — who may reach which endpoint, with what, and what each may do:

- **Twilio (or the simulated network) → `/telephony/twilio/status|amd/<call id>`.** Anyone on the internet
  can POST there. Accepted only with a valid `X-Twilio-Signature` for our public URL (the simulated
  network signs with its own token, and only for simulated calls); status callbacks must carry a fresh
  signed `Timestamp`. A callback may only move its own call forward; an answering-machine verdict applies
  once, to a call still on the line. (test_callback_replay)
- **Twilio → `wss://…/media/stream`.** Anyone can open the socket. A stream is served only when its
  `start` carries the call's stream token (HMAC of call id and expiry, put in the call's TwiML by the
  dialer) and the callSid we placed; one stream per call; a refused stream never touches the call. Every
  message is bounded in size and rate, a silent connection is closed, and whatever way a stream ends
  (closed, consumer cancelled, web process killed) its worker slot comes back. (test_media_stream_*)
- **Staff (campaign managers) → the admin and the API.** Authenticated, with model permissions. They may
  point a campaign at a sheet, but a local sheet must be a regular sheet file inside `SHEETS_LOCAL_DIR`;
  they may register webhook endpoints, but only at public addresses (https in production), and never see
  an endpoint's signing secret after it was shown once. (test_sheet_paths, test_webhook_targets,
  test_webhook_secrets)
- **Lead data → files staff open.** Sheet cells are untrusted: values that a spreadsheet would run as a
  formula are neutralised in the results CSV; Google write-back sends them RAW. (test_results_csv_formulas)
- **The outside services we call (webhook receivers, Twilio's API, Google).** May be slow, huge or hostile:
  every attempt is bounded as a whole (time and bytes), transport errors are errors, not crashes, and no
  redirect leads us to an address we would have refused.
- **Operators.** Production settings refuse to start without secrets or with weak ones; `/metrics` needs
  its token in production; defaults bind to loopback. (tests/config)
"""
