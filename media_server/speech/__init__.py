"""Hearing and speaking: faster-whisper transcription, Piper voices, ElevenLabs as the premium tier."""
