"""ws/live/: the live-calls page's WebSocket (JSON), for signed-in staff allowed to see calls.

The handshake must come from one of ALLOWED_HOSTS (routing wraps this consumer in Channels'
AllowedHostsOriginValidator); then a visitor who is not signed in is closed with 4401 and one who
is not staff, or may not view calls, with 4403. An accepted page joins the "live-calls" group,
gets a snapshot of the live calls (what it missed between rendering and connecting, or while it
was disconnected) and then every event as it is published (apps.calls.live). A page may stay open
for days (a wall screen): it renews its group membership, which channels_redis forgets after a day.
"""
from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.calls import live

log = logging.getLogger(__name__)
NOT_SIGNED_IN = 4401
NOT_ALLOWED = 4403
REJOIN_SECONDS = 3600  # well inside channels_redis' group_expiry (a day)


class LiveCallsConsumer(AsyncJsonWebsocketConsumer):
    staying: asyncio.Task | None = None

    async def connect(self):
        user = self.scope.get("user")
        await self.accept()  # accepted first, so that the page reads why it is closed
        if user is None or not user.is_authenticated:
            await self.close(code=NOT_SIGNED_IN)
            return
        if not await database_sync_to_async(live.may_watch_calls)(user):
            log.warning("refused the live-calls page to user %s: not staff allowed to view calls", user.pk)
            await self.close(code=NOT_ALLOWED)
            return
        await self.channel_layer.group_add(live.GROUP, self.channel_name)
        self.staying = asyncio.create_task(self._stay_in_group())
        # After joining: an event published meanwhile arrives twice at worst, and the page ignores repeats.
        await self.send_json({"type": "snapshot", **await database_sync_to_async(live.snapshot)()})

    async def _stay_in_group(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            try:
                await self.channel_layer.group_add(live.GROUP, self.channel_name)
            except Exception as exc:  # noqa: BLE001 - Redis away for a moment: try again next time
                log.warning("live-calls page could not renew its group membership: %r", exc)

    async def disconnect(self, code):
        if self.staying is not None:
            self.staying.cancel()
            await self.channel_layer.group_discard(live.GROUP, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        pass  # the page only listens

    async def live_event(self, message):
        await self.send_json(message["event"])
