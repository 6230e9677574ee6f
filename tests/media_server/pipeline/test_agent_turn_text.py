"""What an agent turn leaves in the transcript: the sentences said, and hold music noted once a stretch."""
from __future__ import annotations

from media_server.pipeline.outbound import AgentTurn, Piece


def _turn(*texts: str, heard: int | None = None) -> AgentTurn:
    pieces = [Piece(text, frames=50, sent=50, heard=heard is None or number < heard) for number, text in
              enumerate(texts)]
    return AgentTurn(1, pieces=pieces)


def test_hold_music_played_a_second_at_a_time_is_written_once_a_stretch():
    turn = _turn("[hold music]", "[hold music]", "[hold music]", "Still trying Riley for you.", "[hold music]",
                 "[hold music]")
    assert turn.text() == "[hold music] Still trying Riley for you. [hold music]"


def test_what_a_lead_heard_before_cutting_in_is_written_the_same_way():
    turn = _turn("[hold music]", "[hold music]", "One moment please.", heard=2)
    turn.interrupted = True
    assert turn.text() == "[hold music] One moment please."
