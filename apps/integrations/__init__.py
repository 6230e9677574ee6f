"""One package per outside service (sheets, telephony, webhooks), each with its real client."""
