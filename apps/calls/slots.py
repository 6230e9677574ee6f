"""The media-slot registry in Redis: which media workers are alive, and which call holds which slot (the
dialer's view of media capacity; the media workers keep it up to date).

A worker registers its slots and renews a heartbeat key every HEARTBEAT_SECONDS (from a thread of
its own, so a busy event loop or thread pool cannot starve it); the key expires after HEARTBEAT_TTL,
so a dead worker disappears within two seconds. A worker that was only slow, and was forgotten as
dead, registers itself again with its next beat, with the calls it still holds. With each beat a worker also
advertises its capacity, the calls it can carry in all by what it measures of its load (media_server.load);
a worker with its slots free but its CPU or latency spent takes no new call. The dialer reserves
a slot (atomically, on the live worker that can take the most calls) before it dials, so no call is
answered that no worker can serve; the slot is released when the call ends. A draining worker
(SIGTERM) takes no new reservations.
"""
from __future__ import annotations

import time
from typing import Protocol

from apps.core.redis import redis_client


class Load(Protocol):
    """What a worker measures of itself (media_server.load.LoadReading): the calls it can carry in all now, the
    machine's CPU in use (0-1), and why it takes no more ("" when it has room)."""
    capacity: int
    load: float
    why: str


HEARTBEAT_SECONDS = 0.5
HEARTBEAT_TTL = 2.0
RESERVATION_TTL = 3600
_WORKERS = "media:workers"

# Lua: the calls worker `id` can take now: its free slots, and no more than its advertised capacity (what it can
# carry by its measured load, media_server.load) less the calls it already holds or has reserved.
_AVAILABLE = """
local function available(id, by_load)
  local free = tonumber(redis.call('GET', 'media:worker:' .. id .. ':free') or '0')
  local capacity = tonumber(redis.call('HGET', 'media:worker:' .. id, 'capacity') or '')
  if capacity and by_load then
    free = math.min(free, capacity - redis.call('SCARD', 'media:worker:' .. id .. ':calls'))
  end
  return free
end
"""
# KEYS: workers set. ARGV: call id, reservation ttl, "1" to heed the workers' load. Picks the live, non-draining
# worker with the most calls it can take now, takes one, records the reservation. Returns the worker id or false.
_RESERVE = _AVAILABLE + """
local existing = redis.call('GET', 'media:call:' .. ARGV[1])
if existing then return existing end
local best, best_free = false, 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', 'media:worker:' .. id .. ':alive') == 1
     and redis.call('HGET', 'media:worker:' .. id, 'draining') ~= '1' then
    local free = available(id, ARGV[3] == '1')
    if free > best_free then best, best_free = id, free end
  end
end
if not best then return false end
redis.call('DECR', 'media:worker:' .. best .. ':free')
redis.call('SET', 'media:call:' .. ARGV[1], best, 'EX', ARGV[2])
redis.call('SADD', 'media:worker:' .. best .. ':calls', ARGV[1])
return best
"""
# KEYS: workers set. ARGV: worker id, heartbeat ttl ms, slots, device, channel, now, capacity ("" for the slot
# count alone), load, why, call ids… Renews the heartbeat and the worker's load; a worker the sweeper forgot (it
# missed beats under load) comes back with its calls, so its slots are neither lost nor counted twice.
_HEARTBEAT = """
local id = ARGV[1]
redis.call('SET', 'media:worker:' .. id .. ':alive', ARGV[6], 'PX', ARGV[2])
local worker = 'media:worker:' .. id
if ARGV[7] == '' then redis.call('HDEL', worker, 'capacity', 'load', 'why')
else redis.call('HSET', worker, 'capacity', ARGV[7], 'load', ARGV[8], 'why', ARGV[9]) end
if redis.call('SISMEMBER', KEYS[1], id) == 1 then return 0 end
local calls = {}
for i = 10, #ARGV do calls[#calls + 1] = ARGV[i] end
redis.call('HSET', worker, 'slots', ARGV[3], 'device', ARGV[4], 'channel', ARGV[5], 'draining', '0', 'started', ARGV[6])
redis.call('DEL', worker .. ':calls')
for _, call in ipairs(calls) do
  redis.call('SADD', worker .. ':calls', call)
  redis.call('SET', 'media:call:' .. call, id, 'EX', 3600)
end
redis.call('SET', worker .. ':free', math.max(0, tonumber(ARGV[3]) - #calls))
redis.call('SADD', KEYS[1], id)
return 1
"""
# ARGV: call id. Gives the slot back once, whoever calls.
_RELEASE = """
local id = redis.call('GET', 'media:call:' .. ARGV[1])
if not id then return false end
redis.call('DEL', 'media:call:' .. ARGV[1])
if redis.call('SREM', 'media:worker:' .. id .. ':calls', ARGV[1]) == 1 then
  local slots = tonumber(redis.call('HGET', 'media:worker:' .. id, 'slots') or '0')
  local free = redis.call('INCR', 'media:worker:' .. id .. ':free')
  if free > slots then redis.call('SET', 'media:worker:' .. id .. ':free', slots) end
end
return id
"""

# ARGV: worker id, call id. Lets go of an ended call on a worker: its slot goes back to the worker's free count
# (as SlotRegistry.release does), also when the call's own key (media:call:<id>, an hour's TTL) is gone, which
# release() needs. Returns 1 when the worker still listed the call.
_LET_GO = """
local id, call = ARGV[1], ARGV[2]
if redis.call('GET', 'media:call:' .. call) == id then redis.call('DEL', 'media:call:' .. call) end
if redis.call('SREM', 'media:worker:' .. id .. ':calls', call) == 0 then return 0 end
local slots = tonumber(redis.call('HGET', 'media:worker:' .. id, 'slots') or '0')
if redis.call('INCR', 'media:worker:' .. id .. ':free') > slots then
  redis.call('SET', 'media:worker:' .. id .. ':free', slots)
end
return 1
"""
# KEYS: workers set. ARGV: worker id. Forgets the worker if it is still dead and lists no calls; returns 1 then.
_FORGET_IF_DONE = """
local id = ARGV[1]
if redis.call('EXISTS', 'media:worker:' .. id .. ':alive') == 1 then return 0 end
if redis.call('SCARD', 'media:worker:' .. id .. ':calls') > 0 then return 0 end
redis.call('SREM', KEYS[1], id)
redis.call('DEL', 'media:worker:' .. id, 'media:worker:' .. id .. ':free', 'media:worker:' .. id .. ':calls')
return 1
"""


class SlotRegistry:
    def __init__(self, url: str | None = None):
        self.redis = redis_client(decode=True, url=url)
        self._reserve = self.redis.register_script(_RESERVE)
        self._release = self.redis.register_script(_RELEASE)
        self._heartbeat = self.redis.register_script(_HEARTBEAT)
        self._let_go = self.redis.register_script(_LET_GO)
        self._forget_if_done = self.redis.register_script(_FORGET_IF_DONE)

    # --- the worker's side ---------------------------------------------------------

    def register(self, worker_id: str, slots: int, device: str, channel: str) -> None:
        """`channel` says where the worker reads its calls' frames (shown by the health page)."""
        pipe = self.redis.pipeline()
        pipe.hset(f"media:worker:{worker_id}", mapping={"slots": slots, "device": device, "channel": channel,
                                                         "draining": "0", "started": time.time()})
        pipe.set(f"media:worker:{worker_id}:free", slots)
        pipe.delete(f"media:worker:{worker_id}:calls")
        pipe.sadd(_WORKERS, worker_id)
        pipe.set(f"media:worker:{worker_id}:alive", time.time(), px=int(HEARTBEAT_TTL * 1000))
        pipe.execute()

    def heartbeat(self, worker_id: str, slots: int = 0, device: str = "", channel: str = "",
                  calls: list[int] | tuple = (), load: Load | None = None) -> bool:
        """Renew the worker's heartbeat and, with `load`, what it can carry now (without: its slots alone).
        True when it had been forgotten and registered again (with `slots`, less the `calls` it still holds)."""
        measured = (load.capacity, load.load, load.why) if load is not None else ("", "", "")
        return bool(self._heartbeat(keys=[_WORKERS], args=[worker_id, int(HEARTBEAT_TTL * 1000), slots, device,
                                                             channel, time.time(), *measured, *calls]))

    def drain(self, worker_id: str) -> None:
        self.redis.hset(f"media:worker:{worker_id}", "draining", "1")

    def unregister(self, worker_id: str) -> None:
        pipe = self.redis.pipeline()
        pipe.srem(_WORKERS, worker_id)
        pipe.delete(f"media:worker:{worker_id}", f"media:worker:{worker_id}:free", f"media:worker:{worker_id}:alive",
                    f"media:worker:{worker_id}:calls")
        pipe.execute()

    # --- the dialer's side ---------------------------------------------------------

    def reserve(self, call_id: int, by_load: bool = True) -> str | None:
        """A slot for this call on a live worker (the same one if already reserved), or None. `by_load=False`
        for a call a person has already answered: any free slot, even on a worker whose load says "no more" (a
        late answer beats an abandoned call); the dialer, before it rings anyone, heeds the load."""
        return self._reserve(keys=[_WORKERS], args=[call_id, RESERVATION_TTL, "1" if by_load else "0"]) or None

    def release(self, call_id: int) -> str | None:
        return self._release(args=[call_id]) or None

    def worker_for(self, call_id: int) -> str | None:
        return self.redis.get(f"media:call:{call_id}")

    def is_alive(self, worker_id: str) -> bool:
        return bool(self.redis.exists(f"media:worker:{worker_id}:alive"))

    def live_workers(self) -> dict[str, dict]:
        """Each live worker's registration; `free` is how many more calls it can take now (its free slots, and
        no more than its measured capacity allows), `holds` the calls it carries or has reserved."""
        ids = sorted(self.redis.smembers(_WORKERS))
        pipe = self.redis.pipeline(transaction=False)  # one round trip for every worker (the dialer asks each tick)
        for worker_id in ids:
            key = f"media:worker:{worker_id}"
            pipe.exists(f"{key}:alive").hgetall(key).scard(f"{key}:calls").get(f"{key}:free")
        answers = pipe.execute()
        workers = {}
        for number, worker_id in enumerate(ids):
            alive, info, holds, free = answers[4 * number:4 * number + 4]
            if alive:
                info["holds"], info["free"] = holds, int(free or 0)
                if info.get("capacity"):
                    info["free"] = max(0, min(info["free"], int(info["capacity"]) - holds))
                workers[worker_id] = info
        return workers

    def free_slots(self) -> int:
        return sum(info["free"] for info in self.live_workers().values() if info.get("draining") != "1")

    # --- the sweeper's side: a dead worker's calls are kept until each has ended ---------------------

    def dead_workers(self) -> list[str]:
        """Registered workers whose heartbeat stopped."""
        return sorted(worker_id for worker_id in self.redis.smembers(_WORKERS) if not self.is_alive(worker_id))

    def calls_of(self, worker_id: str) -> list[int]:
        """The calls the worker still lists, oldest first (read only: nothing is forgotten)."""
        return sorted(int(call_id) for call_id in self.redis.smembers(f"media:worker:{worker_id}:calls"))

    def let_go(self, worker_id: str, call_id: int) -> bool:
        """After the call has ended: the worker no longer lists it. True when it still did."""
        return bool(self._let_go(args=[worker_id, call_id]))

    def forget_if_done(self, worker_id: str) -> bool:
        """Forget a dead worker that lists no calls (one that beats again, or still lists some, stays)."""
        return bool(self._forget_if_done(keys=[_WORKERS], args=[worker_id]))
