"""Websocket clients for bench/live_load.py, run in their own processes (uvloop, one event loop
each): attendees that only listen, and posters that send questions and votes at a steady rate.

The orchestrator talks to each process over a multiprocessing pipe with small tuples:
    ("connect",)        open every socket gradually, answer when each has its hello or failed
    ("phase", base)     start counting updates with seq > base           (attendees)
    ("count",)          pairs received so far in the phase, last receipt  (attendees)
    ("deadline", t)     receipts after time t count as late               (attendees)
    ("end",)            the phase's counts, latencies and CPU time        (attendees)
    ("post", plan)      send at the planned rate, answer with what was sent and acked (posters)
    ("close",)          close every socket and exit

A question's body carries the poster's clock ("bench t=<time.time()> n=<k>"), so each attendee
computes the delivery latency on receipt; votes are counted by their sequence number. Every
process shares the machine's clock, so latencies need no clock correction.
"""

import asyncio
import base64
import json
import os
import random
import resource
import time
import zlib
from array import array
from urllib.parse import urlsplit

BODY_PREFIX = "bench t="


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def raise_open_files(want: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def connect_kwargs(compression: bool, origin: str | None) -> dict:
    # Browser-like: no keep-alive pings from the client (browsers only answer the server's),
    # permessage-deflate offered unless told otherwise, as browsers do.
    return {"compression": "deflate" if compression else None, "ping_interval": None,
            "open_timeout": 120, "close_timeout": 2, "proxy": None, "origin": origin,
            "user_agent_header": "cultivate-live-bench", "max_size": 2**20}


def run_loop(coro) -> None:
    try:
        import uvloop

        uvloop.run(coro)
    except ImportError:
        asyncio.run(coro)


class Pipe:
    """The orchestrator's pipe, read without blocking the event loop."""

    def __init__(self, conn):
        self.conn = conn
        self.queue: asyncio.Queue = asyncio.Queue()
        asyncio.get_running_loop().add_reader(conn.fileno(), self._readable)

    def _readable(self) -> None:
        while self.conn.poll():
            try:
                self.queue.put_nowait(self.conn.recv())
            except EOFError:
                self.queue.put_nowait(("close",))
                asyncio.get_running_loop().remove_reader(self.conn.fileno())
                return

    async def get(self):
        return await self.queue.get()

    def send(self, message) -> None:
        # The event loop made the pipe non-blocking; a large answer must not fail half-sent.
        os.set_blocking(self.conn.fileno(), True)
        try:
            self.conn.send(message)
        finally:
            os.set_blocking(self.conn.fileno(), False)


# --- Attendees -----------------------------------------------------------------------------


class Phase:
    def __init__(self, base: int):
        self.base = base
        self.counts: list[int] = []  # receivers per update, indexed by seq - base - 1
        self.latencies = array("d")  # seconds, one per (question, attendee)
        self.received = 0
        self.duplicates = 0
        self.stale = 0  # updates from before the phase (late deliveries of an earlier one)
        self.last_receipt = 0.0
        self.deadline = float("inf")
        self.late = 0  # received after the deadline (counted in received too)
        self.resumes = 0  # gaps seen by attendees, each answered with a resume (as live.js)
        self.cpu_start = cpu_seconds()


class Attendee:
    __slots__ = ("url", "ws", "transport", "hello_seq", "seen", "open", "connect_s", "error",
                 "deflate")

    def __init__(self, url: str):
        self.url = url
        self.ws = None  # the `websockets` connection (library client)
        self.transport = None  # the socket (lean client)
        self.hello_seq = None
        self.seen = bytearray()
        self.open = False
        self.connect_s = None
        self.error = None
        self.deflate = False

    def abort(self) -> None:
        transport = self.transport or (self.ws.transport if self.ws is not None else None)
        if transport is not None:
            transport.abort()  # no closing handshake with thousands of peers


def record(att: Attendee, phase: Phase | None, seq: int, now: float,
           sent: float | None) -> None:
    """One update received by one attendee: count it once, and its latency if a question."""
    if phase is None:
        return
    index = seq - phase.base - 1
    if index < 0:
        phase.stale += 1
        return
    seen = att.seen
    if index >= len(seen):
        seen.extend(bytes(index + 64 - len(seen)))
    if seen[index]:
        phase.duplicates += 1
        return
    seen[index] = 1
    counts = phase.counts
    if index >= len(counts):
        counts.extend([0] * (index + 64 - len(counts)))
    counts[index] += 1
    phase.received += 1
    phase.last_receipt = now
    if now > phase.deadline:
        phase.late += 1
    if sent is not None:
        phase.latencies.append(now - sent)


def body_clock(body: str) -> float | None:
    if body.startswith(BODY_PREFIX):
        return float(body[len(BODY_PREFIX):body.index(" ", len(BODY_PREFIX))])
    return None


def connected(att: Attendee, state: dict, started: float, hello: dict | None,
              error: str | None) -> None:
    if error is None and hello.get("type") != "hello":
        error = f"first frame is not a hello: {str(hello)[:200]}"
    if error is None:
        att.hello_seq = hello.get("seq", 0)
        att.connect_s = time.perf_counter() - started
        att.open = True
    else:
        att.error = error[:300]
    state["pending"] -= 1
    if state["pending"] == 0:
        state["all_done"].set()


async def attendee_loop(att: Attendee, state: dict, kwargs: dict) -> None:
    """An attendee on the `websockets` library's client (--attendee-client websockets)."""
    from websockets.asyncio.client import connect

    started = time.perf_counter()
    try:
        att.ws = await connect(att.url, **kwargs)
        att.deflate = any(e.name == "permessage-deflate" for e in att.ws.protocol.extensions)
        hello = json.loads(await att.ws.recv())
    except Exception as exc:  # counted and reported, not fatal
        connected(att, state, started, None, f"{type(exc).__name__}: {exc}")
        return
    connected(att, state, started, hello, None)
    loads = json.loads
    ws = att.ws
    try:
        while True:
            raw = await ws.recv()
            now = time.time()
            message = loads(raw)
            if message.get("type") != "update":
                continue
            data = message["data"] or {}
            sent = None
            if data.get("kind") == "item":
                sent = body_clock(data["item"].get("body", ""))
            record(att, state["phase"], message["seq"], now, sent)
    except Exception as exc:
        att.error = f"closed: {type(exc).__name__}: {exc}"[:300]
    finally:
        att.open = False


# The lean client: a websocket (RFC 6455) reader on a bare asyncio protocol, with
# permessage-deflate (RFC 7692) like a browser. It does only what an attendee needs (read
# text frames, answer pings, close), so that thousands of sockets in one Python process cost
# a few microseconds per frame, not the tens a full client costs.

UPDATE_HEAD = b'{"type":"update","seq":'
BODY_MARK = b'"body":"' + BODY_PREFIX.encode()
DEFLATE_TAIL = b"\x00\x00\xff\xff"


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame (always masked); payloads here are control frames, under 126 bytes."""
    key = os.urandom(4)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + key + body


class LeanAttendee(asyncio.Protocol):
    def __init__(self, att: Attendee, state: dict, request: bytes, started: float):
        self.att = att
        self.state = state
        self.request = request
        self.started = started
        self.buffer = bytearray()
        self.upgraded = False
        self.hello = False
        self.inflater = None
        self.reset_inflater = False  # server_no_context_takeover
        self.window_bits = 15
        self.fragments: list[bytes] = []
        self.fragment_compressed = False
        self.last_seq = 0  # as live.js: the last update applied in order
        self.resume_asked = 0
        self.ahead: set[int] = set()  # updates past a gap, kept while waiting (--gap-wait)
        self.gap_timer = None

    def connection_made(self, transport) -> None:
        self.att.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc) -> None:
        if not self.hello:
            self.fail(f"closed before the hello: {exc}")
        elif self.att.open:
            self.att.open = False
            self.att.error = f"closed: {exc or 'by the server'}"[:300]

    def fail(self, error: str) -> None:
        if not self.hello:
            self.hello = True
            connected(self.att, self.state, self.started, None, error)
        if self.att.transport is not None:
            self.att.transport.abort()

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
            del buffer[:end + 4]
            if " 101 " not in head[0] + " ":
                return self.fail(f"handshake answered {head[0]!r}")
            for line in head[1:]:
                name, _sep, value = line.partition(":")
                if name.strip().lower() == "sec-websocket-extensions":
                    self.accept_extension(value)
            self.upgraded = True
        pos, size = 0, len(buffer)
        while size - pos >= 2:
            first, second = buffer[pos], buffer[pos + 1]
            length = second & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = (buffer[pos + 2] << 8) | buffer[pos + 3]
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buffer[pos + 2:pos + 10], "big")
                head = 10
            if second & 0x80:
                return self.fail("the server masked a frame")
            if size - pos < head + length:
                break
            payload = bytes(buffer[pos + head:pos + head + length])
            pos += head + length
            self.frame(first, payload)
        if pos:
            del buffer[:pos]

    def accept_extension(self, value: str) -> None:
        params = [p.strip() for p in value.split(";")]
        if params[0] != "permessage-deflate":
            return
        for param in params[1:]:
            name, _sep, bits = param.partition("=")
            if name == "server_no_context_takeover":
                self.reset_inflater = True
            elif name == "server_max_window_bits" and bits:
                self.window_bits = int(bits.strip('"'))
        self.inflater = zlib.decompressobj(-self.window_bits)
        self.att.deflate = True

    def frame(self, first: int, payload: bytes) -> None:
        opcode = first & 0x0F
        if opcode == 0x9:  # ping: answer with a pong carrying the same data
            self.att.transport.write(masked_frame(0xA, payload))
            return
        if opcode == 0x8:  # close: answer and go
            if self.att.transport is not None and not self.att.transport.is_closing():
                self.att.transport.write(masked_frame(0x8, payload[:2]))
                self.att.transport.close()
            return
        if opcode == 0xA:
            return
        if opcode in (0x1, 0x2):
            self.fragment_compressed = bool(first & 0x40)
            if not first & 0x80:
                self.fragments = [payload]
                return
        elif opcode == 0x0:  # continuation
            self.fragments.append(payload)
            if not first & 0x80:
                return
            payload, self.fragments = b"".join(self.fragments), []
        if self.fragment_compressed:
            if self.inflater is None:
                return self.fail("a compressed frame without permessage-deflate")
            payload = self.inflater.decompress(payload + DEFLATE_TAIL)
            if self.reset_inflater:
                self.inflater = zlib.decompressobj(-self.window_bits)
        self.att.deflate = True
        self.message(payload)

    def message(self, payload: bytes) -> None:
        now = time.time()
        if not self.hello:
            self.hello = True
            try:
                hello = json.loads(payload)
            except ValueError:
                hello = {"type": repr(payload[:100])}
            connected(self.att, self.state, self.started, hello, None)
            self.last_seq = hello.get("seq", 0) or 0
            return
        if payload.startswith(UPDATE_HEAD):  # fast path: Cultivate's and the floor's shape
            end = payload.index(b",", len(UPDATE_HEAD))
            seq = int(payload[len(UPDATE_HEAD):end])
            sent = None
            mark = payload.find(BODY_MARK, end)
            if mark >= 0:
                start = mark + len(BODY_MARK)
                sent = float(payload[start:payload.index(b" ", start)])
            record(self.att, self.state["phase"], seq, now, sent)
            self.in_order(seq)
            return
        message = json.loads(payload)
        if message.get("type") == "update":
            data = message.get("data") or {}
            sent = body_clock(data["item"].get("body", "")) if data.get("kind") == "item" \
                else None
            record(self.att, self.state["phase"], message["seq"], now, sent)
            self.in_order(message["seq"])

    def in_order(self, seq: int) -> None:
        """What the browser client (live/static/live/live.js) does: an update past a gap is
        kept, and if the gap is still open after the gap wait (1.5 s in live.js), the client
        asks the server to resume after the last update it applied, again every 5 s. With no
        gap wait, it asks at once and drops the early update (live.js before ea5360a)."""
        if seq <= self.last_seq:
            return
        if seq > self.last_seq + 1:
            gap_wait = self.state["gap_wait"]
            if gap_wait:
                self.ahead.add(seq)
                if not self.gap_timer:
                    self.gap_timer = asyncio.get_running_loop().call_later(
                        gap_wait, self.gap_check)
            elif self.resume_asked < seq:
                self.resume_asked = seq
                self.resume()
            return
        self.last_seq = seq
        while self.last_seq + 1 in self.ahead:
            self.last_seq += 1
            self.ahead.discard(self.last_seq)

    def gap_check(self) -> None:
        self.gap_timer = None
        self.ahead = {s for s in self.ahead if s > self.last_seq}
        if self.ahead and self.att.open:
            self.resume()
            self.gap_timer = asyncio.get_running_loop().call_later(5, self.gap_check)

    def resume(self) -> None:
        frame = json.dumps({"action": "resume", "after": self.last_seq}).encode()
        self.att.transport.write(masked_frame(0x1, frame))
        phase = self.state["phase"]
        if phase is not None:
            phase.resumes += 1


async def lean_attendee(att: Attendee, state: dict, compression: bool,
                        origin: str | None) -> None:
    parts = urlsplit(att.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "Upgrade: websocket",
             "Connection: Upgrade",
             f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
             "Sec-WebSocket-Version: 13", "User-Agent: cultivate-live-bench"]
    if origin:
        lines.append(f"Origin: {origin}")
    if compression:  # what Chromium and Firefox offer
        lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    started = time.perf_counter()
    loop = asyncio.get_running_loop()
    try:
        await loop.create_connection(lambda: LeanAttendee(att, state, request, started),
                                     parts.hostname, parts.port)
    except OSError as exc:
        connected(att, state, started, None, f"{type(exc).__name__}: {exc}")


async def attendees_main_async(conn, urls: list[str], interval: float, compression: bool,
                               origin: str | None, lean: bool, gap_wait: float) -> None:
    pipe = Pipe(conn)
    attendees = [Attendee(url) for url in urls]
    state = {"phase": None, "pending": len(attendees), "all_done": asyncio.Event(),
             "gap_wait": gap_wait}
    kwargs = connect_kwargs(compression, origin)
    tasks = []
    while True:
        command = await pipe.get()
        if command[0] == "connect":
            for att in attendees:
                task = lean_attendee(att, state, compression, origin) if lean else \
                    attendee_loop(att, state, kwargs)
                tasks.append(asyncio.create_task(task))
                await asyncio.sleep(interval)
            if attendees:
                await state["all_done"].wait()
            ok = [a for a in attendees if a.open]
            errors = [a.error for a in attendees if a.error]
            pipe.send({"connected": len(ok), "failed": len(attendees) - len(ok),
                       "errors": errors[:5],
                       "hello_seqs": sorted({a.hello_seq for a in ok}),
                       "connect_s": [a.connect_s for a in ok],
                       "deflate": sum(a.deflate for a in ok)})
        elif command[0] == "phase":
            for att in attendees:
                att.seen = bytearray()
            state["phase"] = Phase(command[1])
            pipe.send({"open": sum(a.open for a in attendees)})
        elif command[0] == "deadline":
            state["phase"].deadline = command[1]
            pipe.send({})
        elif command[0] == "count":
            phase = state["phase"]
            pipe.send({"received": phase.received, "last_receipt": phase.last_receipt})
        elif command[0] == "end":
            phase, state["phase"] = state["phase"], None
            errors = [a.error for a in attendees if a.error]
            pipe.send({"counts": phase.counts, "latencies": phase.latencies.tobytes(),
                       "received": phase.received, "duplicates": phase.duplicates,
                       "stale": phase.stale, "last_receipt": phase.last_receipt,
                       "late": phase.late, "resumes": phase.resumes,
                       "cpu": cpu_seconds() - phase.cpu_start,
                       "open": sum(a.open for a in attendees), "errors": errors[:5]})
        elif command[0] == "close":
            for att in attendees:
                att.abort()
            for task in tasks:
                task.cancel()
            pipe.send({"closed": True})
            return


def attendees_main(conn, urls, interval, compression, origin, nofile, lean=True,
                   gap_wait=0.0) -> None:
    raise_open_files(nofile)
    run_loop(attendees_main_async(conn, urls, interval, compression, origin, lean, gap_wait))


# --- Posters -------------------------------------------------------------------------------


class Poster:
    def __init__(self, url: str, index: int):
        self.url = url
        self.index = index
        self.ws = None
        self.voted: set[int] = set()


async def posters_main_async(conn, urls: list[str], compression: bool,
                             origin: str | None) -> None:
    from websockets.asyncio.client import connect

    pipe = Pipe(conn)
    kwargs = connect_kwargs(compression, origin)
    posters = [Poster(url, i) for i, url in enumerate(urls)]
    items: list[int] = []  # ids of benchmark questions, in the order they arrived
    pending: dict[str, tuple[float, str]] = {}  # ref -> (sent at, action)
    stats: dict = {}
    acked_all = asyncio.Event()

    async def reader(poster: Poster, listen_items: bool) -> None:
        try:
            while True:
                message = json.loads(await poster.ws.recv())
                kind = message.get("type")
                if kind == "update" and listen_items:
                    data = message.get("data", {})
                    if data.get("kind") == "item" and str(
                            data["item"].get("body", "")).startswith(BODY_PREFIX):
                        items.append(data["item"]["id"])
                elif kind in ("ack", "error"):
                    sent = pending.pop(message.get("ref"), None)
                    if sent is None:
                        continue
                    if kind == "ack":
                        stats["acked"][sent[1]] = stats["acked"].get(sent[1], 0) + 1
                        stats["ack_latencies"].append(time.time() - sent[0])
                    else:
                        code = str(message.get("code"))
                        stats["errors"][code] = stats["errors"].get(code, 0) + 1
                        stats["error_messages"].setdefault(code, str(message.get("message")))
                    if not pending and stats.get("all_sent"):
                        acked_all.set()
        except Exception as exc:
            stats.setdefault("closed", []).append(f"{type(exc).__name__}: {exc}"[:200])

    def next_message(poster: Poster, serial: int, question: bool) -> dict:
        ref = f"p{poster.index}-{serial}"
        if not question:
            recent = items[-50:]
            choices = [item for item in recent if item not in poster.voted]
            if choices:
                item = random.choice(choices)
                poster.voted.add(item)
                return {"action": "vote", "item": item, "ref": ref}
            item = random.choice(recent)
            poster.voted.discard(item)
            return {"action": "unvote", "item": item, "ref": ref}
        body = f"{BODY_PREFIX}{time.time():.6f} n={serial} Is this on the agenda later?"
        return {"action": "post", "kind": "question", "body": body, "ref": ref}

    while True:
        command = await pipe.get()
        if command[0] == "connect":
            failed = []
            for poster in posters:
                try:
                    poster.ws = await connect(poster.url, **kwargs)
                    hello = json.loads(await poster.ws.recv())
                    assert hello.get("type") == "hello", hello
                except Exception as exc:
                    failed.append(f"{type(exc).__name__}: {exc}"[:300])
            for i, poster in enumerate(posters):
                if poster.ws is not None:
                    asyncio.create_task(reader(poster, listen_items=i == 0))
            pipe.send({"connected": len(posters) - len(failed), "failed": len(failed),
                       "errors": failed[:5]})
        elif command[0] == "post":
            plan = command[1]
            stats = {"sent": {}, "acked": {}, "errors": {}, "error_messages": {},
                     "ack_latencies": [], "max_lag": 0.0}
            acked_all.clear()
            pending.clear()
            cpu_start = cpu_seconds()
            total = max(1, round(plan["rate"] * plan["duration"]))
            start = time.time() + 0.2
            stats["first_send"] = start
            live = [p for p in posters if p.ws is not None]
            turns = {True: 0, False: 0}  # questions and votes each go round the posters
            for serial in range(total):
                due = start + serial / plan["rate"]
                delay = due - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                else:
                    stats["max_lag"] = max(stats["max_lag"], -delay)
                question = serial % plan["question_every"] == 0 or not items
                poster = live[turns[question] % len(live)]
                turns[question] += 1
                message = next_message(poster, serial, question)
                pending[message["ref"]] = (time.time(), message["action"])
                stats["sent"][message["action"]] = stats["sent"].get(message["action"], 0) + 1
                try:
                    await poster.ws.send(json.dumps(message))
                except Exception as exc:
                    pending.pop(message["ref"], None)
                    stats["errors"]["send failed"] = stats["errors"].get("send failed", 0) + 1
                    stats["error_messages"].setdefault("send failed", str(exc)[:200])
            stats["last_send"] = time.time()
            stats["all_sent"] = True
            if pending:
                try:
                    await asyncio.wait_for(acked_all.wait(), plan["drain"])
                except TimeoutError:
                    pass
            stats["unanswered"] = len(pending)
            stats["cpu"] = cpu_seconds() - cpu_start
            pipe.send(stats)
        elif command[0] == "close":
            for poster in posters:
                if poster.ws is not None:
                    poster.ws.transport.abort()
            pipe.send({"closed": True})
            return


def posters_main(conn, urls, compression, origin, nofile) -> None:
    raise_open_files(nofile)
    run_loop(posters_main_async(conn, urls, compression, origin))
