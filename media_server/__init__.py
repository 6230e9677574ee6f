"""The live-call media server: Twilio Media Streams consumers and the per-call pipeline."""
