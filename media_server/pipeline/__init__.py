"""A live call's pipeline: pipecat processors, one small stage per job, put together in order by
build.py (`build_pipeline`, the one place: the session, the tests and the benchmarks all use it) and run
by media_server.session.

    inbound.py   line input (Twilio packets, marks, keys) → jitter buffer → loss concealment
                 (μ-law → PCM16) → echo cancel → noise suppression → recording → 8 → 16 kHz
    turns.py     voice activity (Silero) → end of turn (Smart Turn v3), barge-in → STT (faster-whisper)
    dialogue.py  greeting and replies (and the message after a machine's beep), sentence by sentence
                 → the voice (TTS) → 20 ms PCM16 frames
    outbound.py  paced 8 kHz μ-law to Twilio, marks, `clear`; the agent's Turn rows
    frames.py    the frames we add to pipecat's; records.py the rows and metrics; stage.py the base
    build.py     the stages above, in data-flow order, with the echo reference from playback to echo cancel
"""
