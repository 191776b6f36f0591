"""The floor for bench/live_load.py: a bare `websockets` broadcast server speaking the live
backchannel's protocol, without Django, a database or Channels.

    .venv/bin/python bench/live_floor.py --port P [--workers 2 --redis-url redis://…/14]

One worker relays in process: a poster's question or vote gets the next sequence number and
goes to every connected socket with `websockets.asyncio.server.broadcast`. With several
workers (the fair comparison with `cultivate run --workers 2`), each worker binds the port with
SO_REUSEPORT, numbers and publishes each update in one Redis script (INCR and PUBLISH, atomic,
so every worker hears updates in number order) on one pub/sub channel; every worker
subscribes and broadcasts what it hears to its own sockets. That is the shape of Cultivate's
path (a Redis round trip to number a write and publish it, one fan-out per worker) with
nothing else on it: no authentication, no storage, no per-socket consumer.

Frames, as Cultivate sends them:
    {"type":"hello","seq":N}
    {"type":"update","seq":N,"data":{"kind":"item","item":{...}}}
    {"type":"update","seq":N,"data":{"kind":"votes","item":ID,"votes":N}}
    {"type":"ack","ref":R}   {"type":"error","ref":R,"code":C,"message":M}

Like Cultivate, it answers `{"action":"resume","after":N}` with every update after N (from a
log each worker keeps in memory), which is what clients ask when updates arrive out of order.
"""

import argparse
import asyncio
import html
import json
import os
import signal
import subprocess
import sys
import time

from websockets.asyncio.server import broadcast, serve
from websockets.exceptions import ConnectionClosed

HOST = "127.0.0.1"  # loopback only
PUBLISH_SCRIPT = """
local seq = redis.call('INCR', KEYS[1])
local text = '{"type":"update","seq":' .. seq .. ',"data":' .. ARGV[1] .. '}'
redis.call('PUBLISH', KEYS[2], seq .. ' ' .. text)
return seq
"""


class Relay:
    """Numbers, counts and fans out updates; in process, or through Redis across workers."""

    def __init__(self, redis_url: str | None, name: str):
        self.clients: set = set()
        self.redis_url = redis_url
        self.name = name
        self.seq = 0
        self.items = 0
        self.votes: dict[int, int] = {}
        self.redis = None
        self.log: dict[int, str] = {}  # every update by seq, for `resume` (Cultivate: its table)

    async def start(self) -> None:
        if not self.redis_url:
            return
        import redis.asyncio as aioredis

        self.redis = aioredis.from_url(self.redis_url)
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await self.pubsub.subscribe(f"{self.name}:updates")
        asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        async for message in self.pubsub.listen():
            if message["type"] == "message":
                seq, text = message["data"].decode().split(" ", 1)
                self.log[int(seq)] = text
                broadcast(self.clients, text)

    async def current_seq(self) -> int:
        if self.redis is None:
            return self.seq
        return int(await self.redis.get(f"{self.name}:seq") or 0)

    async def next_item(self) -> int:
        if self.redis is None:
            self.items += 1
            return self.items
        return await self.redis.incr(f"{self.name}:items")

    async def add_vote(self, item: int, delta: int) -> int:
        if self.redis is None:
            self.votes[item] = self.votes.get(item, 0) + delta
            return self.votes[item]
        return await self.redis.hincrby(f"{self.name}:votes", str(item), delta)

    async def publish(self, data: dict) -> int:
        """Number the update and send it to every socket; across workers, one Redis script
        numbers and publishes atomically, so every worker hears updates in number order."""
        body = json.dumps(data, separators=(",", ":"))
        if self.redis is None:
            self.seq += 1
            text = f'{{"type":"update","seq":{self.seq},"data":{body}}}'
            self.log[self.seq] = text
            broadcast(self.clients, text)
            return self.seq
        return await self.redis.eval(PUBLISH_SCRIPT, 2, f"{self.name}:seq",
                                     f"{self.name}:updates", body)

    def after(self, seq: int) -> list[str]:
        last = max(self.log, default=0)
        return [self.log[s] for s in range(seq + 1, last + 1) if s in self.log]


async def handle(ws, relay: Relay) -> None:
    relay.clients.add(ws)
    try:
        await ws.send(json.dumps({"type": "hello", "seq": await relay.current_seq()}))
        async for raw in ws:
            try:
                message = json.loads(raw)
                action = message.get("action")
                ref = message.get("ref")
            except (ValueError, AttributeError):
                continue
            if action == "post":
                body = str(message.get("body", ""))[:1000]
                item = {"id": await relay.next_item(), "kind": message.get("kind", "comment"),
                        "author": "guest",
                        "author_is_guest": True, "body": body,
                        "body_html": f"<p>{html.escape(body)}</p>", "status": "visible",
                        "pinned": False, "answered": False, "answer_html": "", "votes": 0,
                        "created_at": time.time()}
                await relay.publish({"kind": "item", "item": item})
            elif action in ("vote", "unvote"):
                item = int(message.get("item", 0))
                votes = await relay.add_vote(item, 1 if action == "vote" else -1)
                await relay.publish({"kind": "votes", "item": item, "votes": votes})
            elif action == "resume":  # what a client asks after a gap, as in Cultivate
                after = int(message.get("after", 0))
                for text in relay.after(after):
                    await ws.send(text)
            else:
                await ws.send(json.dumps({"type": "error", "ref": ref, "code": "unknown",
                                          "message": "unknown action"}))
                continue
            if ref is not None:
                await ws.send(json.dumps({"type": "ack", "ref": ref}))
    except ConnectionClosed:
        pass  # the benchmark's clients leave without a closing handshake
    finally:
        relay.clients.discard(ws)


async def serve_worker(port: int, redis_url: str | None, name: str, reuse_port: bool,
                       compression: str | None) -> None:
    relay = Relay(redis_url, name)
    await relay.start()
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    # The same keep-alive pings as uvicorn's defaults (20 s interval, 20 s timeout).
    async with serve(lambda ws: handle(ws, relay), HOST, port, reuse_port=reuse_port,
                     compression=compression, ping_interval=20, ping_timeout=20,
                     max_queue=64, backlog=4096):
        print(f"floor worker {os.getpid()} on {HOST}:{port}", flush=True)
        await stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis-url", help="needed with --workers > 1")
    parser.add_argument("--name", default=f"live-floor-{os.getpid()}",
                        help="prefix of the Redis keys and pub/sub channel")
    parser.add_argument("--no-compression", action="store_true",
                        help="refuse permessage-deflate (default: accept it, as uvicorn does)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    compression = None if args.no_compression else "deflate"
    if args.workers > 1 and not args.redis_url:
        parser.error("--workers > 1 needs --redis-url (the workers share updates through it)")
    if args.worker or args.workers == 1:
        try:
            import uvloop

            runner = uvloop.run
        except ImportError:
            runner = asyncio.run
        runner(serve_worker(args.port, args.redis_url, args.name, args.workers > 1,
                            compression))
        return
    # A supervisor, as uvicorn's: start the workers and stop them together.
    command = [sys.executable, __file__, "--port", str(args.port), "--workers",
               str(args.workers), "--redis-url", args.redis_url, "--name", args.name, "--worker"]
    if args.no_compression:
        command.append("--no-compression")
    workers = [subprocess.Popen(command) for _ in range(args.workers)]

    def stop(_signum, _frame):
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.wait()


if __name__ == "__main__":
    main()
