"""A test double of the agent: fixed lines, so the pipeline's behaviour is what the tests see."""
from __future__ import annotations

from media_server.agent.interface import Handover, Hangup, Say

LONG_REPLY = ("Let me tell you about the homes we have. There is a three bedroom house on Oak Street with a big "
              "garden. There is a condo downtown with a view of the river. There is a farmhouse with four acres "
              "and a barn. And there is a townhouse close to the best school in town.")


class ScriptedAgent:
    def __init__(self, domain=None):
        self.domain = domain  # handed by the media worker as to any agent; fixed lines need nothing of it

    async def greeting(self, context):
        yield Say(f"Hi, this is {context.agent_name} from {context.company_name}, an automated assistant.")

    async def respond(self, turn, context):
        text = turn.text.lower()
        if turn.dtmf:
            yield Say(f"You pressed {' '.join(turn.dtmf)}.")
        elif "bye" in text:
            yield Say("Thank you, goodbye.")
            yield Hangup("the lead said goodbye")
        elif any(word in text for word in ("homes", "house", "tell", "more")):
            yield Handover("conversation", "qualification", "the lead asked about homes")
            yield Say(LONG_REPLY)
        else:
            yield Say(f"You said {turn.text}")
