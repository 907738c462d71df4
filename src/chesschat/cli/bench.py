"""``chesschat bench``: a protocol-level load generator with real WebSocket clients.

Runs on the runtime dependencies only (the standard library for its few HTTP calls), so an
operator can benchmark an installed server without the test extras.

By default it starts its own redis-server and N server processes (``--processes``) in a
scratch directory, runs the scenarios against them, prints a summary and writes JSON:

- ``paced``: G games, each side moving about once a second; move round trip (sent → both
  players have ``move_made``) p50/p95/p99, and flag-fall latency for extra games that stop
  moving (game_ended arrival minus the deadline the server announced).
- ``saturate``: G games moving as fast as the server answers; moves per second.
- ``plies``: the round trip at ply ≈ 10 and ply ≈ 150 of long games.
- ``idle``: N idle authenticated connections; server RSS per connection.
- ``watch``: paced games, each followed by W watchers spread over the processes; how long a
  move takes to reach every watcher of its room, beside the players' round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psutil
import websockets

from chesschat.adapters.embedded_redis import EmbeddedRedis
from chesschat.cli.limits import raise_fd_limit

IDLE_CPU_WINDOW_S = 10.0


def now_ms() -> float:
    return time.time() * 1000


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return round(ordered[index], 3)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": round(max(values), 3) if values else float("nan"),
    }


class Target:
    """The servers under test: their URLs and, when known, their process ids."""

    def __init__(self, urls: list[str], pids: list[int]) -> None:
        self.urls = urls
        self.pids = pids

    def ws_url(self, i: int) -> str:
        return self.urls[i % len(self.urls)].replace("http", "ws", 1) + "/ws"

    def rss_bytes(self) -> int:
        return sum(psutil.Process(pid).memory_info().rss for pid in self.pids)

    def cpu_seconds(self) -> float:
        times = [psutil.Process(pid).cpu_times() for pid in self.pids]
        return float(sum(t.user + t.system for t in times))


@contextlib.contextmanager
def spawned(processes: int) -> Any:
    """A redis-server and ``processes`` servers in a scratch directory."""
    scratch = Path(tempfile.mkdtemp(prefix="chesschat-bench-"))
    redis = EmbeddedRedis(scratch, port=0)
    redis_url = redis.start()
    servers: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for _ in range(processes):
            with contextlib.closing(socket.socket()) as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            env = {
                # A few accounts hold every socket and room of the load: the per-account
                # caps that guard a real server would refuse them (unless the environment sets them).
                "CHESSCHAT_MAX_SOCKETS_PER_USER": "100000",
                "CHESSCHAT_MAX_OPEN_ROOMS_PER_USER": "100000",
                **os.environ,
                "CHESSCHAT_REDIS_URL": redis_url,
                "CHESSCHAT_DATA_DIR": str(scratch),
                "CHESSCHAT_PORT": str(port),
                "CHESSCHAT_LOG_LEVEL": "warning",
                "CHESSCHAT_TURN": "off",  # games only: no video
            }
            command = [sys.executable, "-m", "chesschat.cli.main", "serve"]
            servers.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=0.5) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server {url} did not start")
                time.sleep(0.05)
        yield Target(urls, [s.pid for s in servers])
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
        redis.stop()


def accounts(target: Target, count: int) -> list[str]:
    """Tokens of ``count`` fresh users (each may play in many rooms at once)."""
    tokens = []
    for _ in range(count):
        name = f"bench{random.getrandbits(40):x}"
        body = orjson.dumps({"username": name, "password": "bench-password"})
        request = urllib.request.Request(
            f"{target.urls[0]}/api/auth/signup", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            tokens.append(orjson.loads(response.read())["token"])
    return tokens


@dataclass
class Side:
    ws: Any
    user_id: str = ""
    frames: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)

    async def reader(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                frame = orjson.loads(raw)
                frame["_arrived"] = time.perf_counter()
                await self.frames.put(frame)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    async def expect(self, kind: str, timeout: float = 30) -> dict[str, Any]:
        while True:
            frame = await asyncio.wait_for(self.frames.get(), timeout)
            if frame["type"] == kind:
                return frame
            if frame["type"] == "error":
                raise RuntimeError(f"server error: {frame}")


@dataclass
class Results:
    round_trips: list[float] = field(default_factory=list)
    by_ply: dict[int, list[float]] = field(default_factory=dict)
    flag_latency: list[float] = field(default_factory=list)
    reach: list[float] = field(default_factory=list)
    moves: int = 0
    games_finished: int = 0


class Game:
    def __init__(self, host: Side, guest: Side) -> None:
        self.host, self.guest = host, guest
        self.code = ""
        self.watch_code = ""
        self.watchers: list[Side] = []

    @classmethod
    async def open(cls, target: Target, i: int, host_token: str, guest_token: str) -> Game:
        host = Side(await websockets.connect(f"{target.ws_url(i)}?token={host_token}", max_size=None))
        guest = Side(await websockets.connect(f"{target.ws_url(i + 1)}?token={guest_token}", max_size=None))
        for side in (host, guest):
            asyncio.get_running_loop().create_task(side.reader())
        game = cls(host, guest)
        await host.send({"type": "create_room"})
        joined = await host.expect("room_joined")
        game.code, game.watch_code = joined["roomCode"], joined["watchCode"]
        host.user_id = joined["participants"][0]["userId"]
        await guest.send({"type": "join_room", "roomCode": game.code})
        joined = await guest.expect("room_joined")
        guest.user_id = next(p["userId"] for p in joined["participants"] if p["userId"] != host.user_id)
        await host.expect("video_ready")
        await guest.expect("video_ready")
        return game

    async def start(self, seconds: float) -> tuple[Side, Side, dict[str, Any]]:
        settings = {"timeWhiteSeconds": seconds, "timeBlackSeconds": seconds}
        await self.host.send({"type": "start_game", "roomCode": self.code, "settings": settings})
        started = await self.host.expect("game_started")
        await self.guest.expect("game_started")
        white = self.host if started["whitePlayerId"] == self.host.user_id else self.guest
        return white, (self.guest if white is self.host else self.host), started

    async def move(self, mover: Side, other: Side, uci: str, results: Results, ply: int) -> dict[str, Any]:
        sent = time.perf_counter()
        await mover.send({"type": "make_move", "roomCode": self.code, "move": uci})
        mine = await mover.expect("move_made")
        await other.expect("move_made")
        elapsed = (time.perf_counter() - sent) * 1000
        results.round_trips.append(elapsed)
        results.by_ply.setdefault(ply, []).append(elapsed)
        results.moves += 1
        if self.watchers:  # the move has reached the last of the room's watchers
            seen = [await watcher.expect("move_made") for watcher in self.watchers]
            results.reach.append((max(frame["_arrived"] for frame in seen) - sent) * 1000)
        return mine

    async def play(self, results: Results, stop_at: float, pace_s: float, max_plies: int = 10_000) -> None:
        """Random legal moves until the deadline; a finished game is followed by the next."""
        while time.monotonic() < stop_at:
            white, black, state = await self.start(3 * 3600)
            sides = (white, black)
            ply = 0
            while time.monotonic() < stop_at and ply < max_plies:
                if pace_s:
                    await asyncio.sleep(random.uniform(0.5, 1.5) * pace_s)
                mover, other = sides[ply % 2], sides[1 - ply % 2]
                state = await self.move(mover, other, random.choice(state["legalMoves"]), results, ply + 1)
                ply += 1
                if not state["legalMoves"]:  # the move ended the game
                    break
            else:
                await white.send({"type": "resign", "roomCode": self.code})
            await self._drain_end(white)
            await self._drain_end(black)
            results.games_finished += 1

    async def _drain_end(self, side: Side) -> None:
        await side.expect("game_ended")

    async def flag(self, results: Results, seconds: float) -> None:
        """Two plies, then nobody moves: measure how late the flag falls."""
        white, black, state = await self.start(seconds)
        state = await self.move(white, black, random.choice(state["legalMoves"]), results, 1)
        state = await self.move(black, white, random.choice(state["legalMoves"]), results, 2)
        deadline = state["serverTimestampMs"] + state["timeWhite"] * 1000
        await white.expect("game_ended", timeout=seconds + 30)
        results.flag_latency.append(now_ms() - deadline)
        await black.expect("game_ended")

    async def close(self) -> None:
        for side in (self.host, self.guest, *self.watchers):
            await side.ws.close()


async def open_games(target: Target, count: int, tokens: list[str]) -> list[Game]:
    games = []
    for i in range(count):
        games.append(await Game.open(target, i, tokens[(2 * i) % len(tokens)], tokens[(2 * i + 1) % len(tokens)]))
    return games


async def paced(target: Target, games: int, duration: float, flags: int) -> dict[str, Any]:
    tokens = accounts(target, 10)
    opened = await open_games(target, games + flags, tokens)
    results = Results()
    stop_at = time.monotonic() + duration
    jobs = [g.play(results, stop_at, pace_s=1.0) for g in opened[:games]]
    jobs += [g.flag(results, seconds=min(10.0, duration / 2)) for g in opened[games:]]
    await asyncio.gather(*jobs)
    for g in opened:
        await g.close()
    return {
        "games": games,
        "seconds": duration,
        "moves": results.moves,
        "moves_per_s": round(results.moves / duration, 1),
        "round_trip_ms": summary(results.round_trips),
        "flag_latency_ms": summary(results.flag_latency),
    }


async def watch(target: Target, games: int, watchers: int, duration: float) -> dict[str, Any]:
    tokens = accounts(target, 10)
    crowd_tokens = accounts(target, max(1, games * watchers // 10 + 1))  # at most 10 sockets each
    opened = await open_games(target, games, tokens)
    for i, game in enumerate(opened):
        for j in range(watchers):
            token = crowd_tokens[(i * watchers + j) % len(crowd_tokens)]
            side = Side(await websockets.connect(f"{target.ws_url(i + j + 1)}?token={token}", max_size=None))
            asyncio.get_running_loop().create_task(side.reader())
            await side.send({"type": "watch_room", "roomCode": game.watch_code})
            await side.expect("watch_state")
            game.watchers.append(side)
    results = Results()
    stop_at = time.monotonic() + duration
    await asyncio.gather(*(g.play(results, stop_at, pace_s=1.0) for g in opened))
    for g in opened:
        await g.close()
    return {
        "games": games,
        "watchers_per_game": watchers,
        "seconds": duration,
        "moves": results.moves,
        "round_trip_ms": summary(results.round_trips),
        "every_watcher_ms": summary(results.reach),
    }


async def saturate(target: Target, games: int, duration: float) -> dict[str, Any]:
    tokens = accounts(target, 10)
    opened = await open_games(target, games, tokens)
    results = Results()
    started = time.monotonic()
    await asyncio.gather(*(g.play(results, started + duration, pace_s=0) for g in opened))
    elapsed = time.monotonic() - started
    for g in opened:
        await g.close()
    return {
        "games": games,
        "seconds": round(elapsed, 2),
        "moves": results.moves,
        "moves_per_s": round(results.moves / elapsed, 1),
        "round_trip_ms": summary(results.round_trips),
    }


async def plies(target: Target, games: int, duration: float) -> dict[str, Any]:
    tokens = accounts(target, 10)
    opened = await open_games(target, games, tokens)
    results = Results()
    await asyncio.gather(*(g.play(results, time.monotonic() + duration, pace_s=0.05, max_plies=160) for g in opened))
    for g in opened:
        await g.close()
    early = [v for p, vs in results.by_ply.items() if 6 <= p <= 14 for v in vs]
    late = [v for p, vs in results.by_ply.items() if 140 <= p <= 160 for v in vs]
    ratio = statistics.median(late) / statistics.median(early) if early and late else float("nan")
    return {
        "games": games,
        "ply_10_round_trip_ms": summary(early),
        "ply_150_round_trip_ms": summary(late),
        "ply_150_over_ply_10_p50": round(ratio, 3),
    }


async def idle(target: Target, connections: int) -> dict[str, Any]:
    tokens = accounts(target, 5)
    before = target.rss_bytes()
    sockets = []
    for i in range(connections):
        sockets.append(await websockets.connect(f"{target.ws_url(i)}?token={tokens[i % len(tokens)]}"))
    await asyncio.sleep(2)
    after = target.rss_bytes()
    # CPU the servers spend while nobody does anything (timers, heartbeats, keep-alives).
    cpu_before, started = target.cpu_seconds(), time.monotonic()
    await asyncio.sleep(IDLE_CPU_WINDOW_S)
    idle_cpu = (target.cpu_seconds() - cpu_before) / (time.monotonic() - started) / len(target.pids)
    for ws in sockets:
        await ws.send('{"type":"heartbeat"}')
    for ws in sockets:
        await ws.recv()
    for ws in sockets:
        await ws.close()
    return {
        "connections": connections,
        "server_rss_before_mb": round(before / 2**20, 1),
        "server_rss_after_mb": round(after / 2**20, 1),
        "rss_per_connection_kb": round((after - before) / connections / 1024, 2),
        "idle_cpu_percent_per_process": round(idle_cpu * 100, 2),
    }


async def run(args: argparse.Namespace, target: Target) -> dict[str, Any]:
    out: dict[str, Any] = {"processes": len(target.urls), "cpu_count": os.cpu_count()}
    scenarios = args.scenario
    if "paced" in scenarios:
        out["paced"] = await paced(target, args.games, args.duration, args.flags)
        print("paced", json.dumps(out["paced"]), flush=True)
    if "saturate" in scenarios:
        out["saturate"] = await saturate(target, args.saturate_games, args.duration)
        print("saturate", json.dumps(out["saturate"]), flush=True)
    if "plies" in scenarios:
        out["plies"] = await plies(target, args.ply_games, args.duration * 3)
        print("plies", json.dumps(out["plies"]), flush=True)
    if "idle" in scenarios:
        out["idle"] = await idle(target, args.connections)
        print("idle", json.dumps(out["idle"]), flush=True)
    if "watch" in scenarios:
        out["watch"] = await watch(target, args.watched_games, args.watchers, args.duration)
        print("watch", json.dumps(out["watch"]), flush=True)
    return out


def main(args: argparse.Namespace) -> int:
    raise_fd_limit()
    if args.url:
        target = Target(args.url, args.pid or [])
        result = asyncio.run(run(args, target))
    else:
        with spawned(args.processes) as target:
            result = asyncio.run(run(args, target))
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0


def register(sub: Any) -> None:
    bench = sub.add_parser("bench", help="load-test a server with real WebSocket clients and write JSON figures")
    bench.add_argument("--processes", type=int, default=1, help="server processes to start (default 1)")
    bench.add_argument("--url", action="append", help="benchmark running servers instead (repeatable)")
    bench.add_argument("--pid", type=int, action="append", help="their process ids, for RSS")
    bench.add_argument(
        "--scenario",
        nargs="+",
        default=["paced", "saturate", "plies", "idle"],
        choices=["paced", "saturate", "plies", "idle", "watch"],
    )
    bench.add_argument("--games", type=int, default=100, help="paced games (each side moves ~1/s)")
    bench.add_argument("--flags", type=int, default=20, help="extra paced games that stop and flag")
    bench.add_argument("--saturate-games", type=int, default=40)
    bench.add_argument("--ply-games", type=int, default=20)
    bench.add_argument("--connections", type=int, default=5000, help="idle connections")
    bench.add_argument("--watched-games", type=int, default=20, help="paced games with watchers")
    bench.add_argument("--watchers", type=int, default=10, help="watchers of each watched game")
    bench.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    bench.add_argument("--output", default="bench/results/latest.json")
    bench.set_defaults(run=main)
