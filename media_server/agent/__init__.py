"""The agent the live call talks through: the interface here, the LangGraph brain beside it."""
