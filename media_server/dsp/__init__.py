"""Real-time audio stages for one call: jitter buffer, loss concealment, echo cancelling, noise
reduction and streaming resampling. Plain objects over numpy frames; the pipeline wraps them."""
