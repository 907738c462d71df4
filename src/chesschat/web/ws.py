"""The WebSocket endpoint: authenticate, then read frames until the socket closes.

Nothing a client sends can end this loop except its own disconnect or abuse (a frame over
the size limit, or a flood past the rate limit): every other bad frame is answered with an
``error`` frame and the connection stays usable.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, assert_never

import structlog
from starlette.websockets import WebSocket, WebSocketDisconnect

from chesschat.domain.errors import DomainError
from chesschat.domain.room import Player
from chesschat.protocol import inbound
from chesschat.protocol.outbound import Error, HeartbeatAck, RoomLeft, ServerFrame, encode
from chesschat.services.identity import player_of, token_hash
from chesschat.services.watching import WatchingOnly
from chesschat.web.origins import origin_allowed

if TYPE_CHECKING:
    from chesschat.web.app import Wiring

log = structlog.get_logger("chesschat.ws")
CLOSE_UNAUTHORIZED = 4001
CLOSE_FORBIDDEN_ORIGIN = 4003
CLOSE_TOO_LARGE = 1009
CLOSE_POLICY = 1008
TOUCH_EVERY_S = 300
MAX_BACKLOG = 512


class TokenBucket:
    """``rate`` frames per second sustained, bursts of ``burst``.

    Refused frames are counted too, draining at the same rate: a client that keeps
    sending once refused has more than ``burst`` of them outstanding and is a flood.
    """

    __slots__ = ("burst", "rate", "refused", "stamp", "tokens")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.refused = 0.0
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        earned = (now - self.stamp) * self.rate
        self.stamp = now
        self.tokens = min(self.burst, self.tokens + earned)
        self.refused = max(0.0, self.refused - earned)
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False

    @property
    def flooding(self) -> bool:
        return self.refused > self.burst


class Connection:
    """One open socket of one user (the hub's outlet).

    Frames go out through a small per-socket queue drained by its own short-lived task, so a
    client that stops reading holds up nobody else: the relay never waits on one socket.
    A client that falls ``MAX_BACKLOG`` frames behind is disconnected.
    """

    __slots__ = (
        "backlog",
        "bucket",
        "connection_id",
        "player",
        "room_code",
        "session",
        "touched",
        "user_id",
        "watch_code",
        "watching",
        "writer",
        "ws",
    )

    def __init__(self, ws: WebSocket, player: Player, bucket: TokenBucket, connection_id: str, session: str) -> None:
        self.ws = ws
        self.session = session
        self.player = player
        self.user_id = player.user_id
        self.connection_id = connection_id
        self.room_code: str | None = None
        self.watching: str | None = None
        self.watch_code: str | None = None
        self.bucket = bucket
        self.touched = time.monotonic()
        self.backlog: deque[str] = deque()
        self.writer: asyncio.Task[None] | None = None

    def push(self, text: str) -> None:
        if len(self.backlog) >= MAX_BACKLOG:
            self.backlog.clear()
            log.warning("ws_slow_consumer_closed", connectionId=self.connection_id)
            asyncio.get_running_loop().create_task(self.ws.close(CLOSE_POLICY, "Too slow"))
            return
        self.backlog.append(text)
        if self.writer is None:
            self.writer = asyncio.get_running_loop().create_task(self._drain())

    def revoke(self) -> None:
        log.info("ws_session_ended", connectionId=self.connection_id)
        asyncio.get_running_loop().create_task(self.ws.close(CLOSE_UNAUTHORIZED, "Session ended"))

    def send(self, frame: ServerFrame) -> None:
        self.push(encode(frame))

    async def _drain(self) -> None:
        try:
            while self.backlog:
                await self.ws.send_text(self.backlog.popleft())
        except Exception:  # the socket is gone; the receive loop sees the close
            self.backlog.clear()
        finally:
            self.writer = None

    def discard_backlog(self) -> None:
        """The socket is closed: frames still queued for it are dropped."""
        self.backlog.clear()
        if self.writer is not None:
            self.writer.cancel()

    async def flush(self) -> None:
        """Wait until every queued frame is written (before closing the socket)."""
        while self.writer is not None:
            await asyncio.shield(self.writer)


def _token(ws: WebSocket, cookie_name: str) -> tuple[str | None, bool]:
    """The session token, and whether it came from the cookie (which a browser attaches
    to an upgrade from any page: those must come from an allowed Origin)."""
    header = ws.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    query = ws.query_params.get("token")
    if query:
        return query, False
    cookie = ws.cookies.get(cookie_name)
    return cookie, cookie is not None


async def endpoint(ws: WebSocket, wiring: Wiring) -> None:
    settings = wiring.settings
    token, by_cookie = _token(ws, settings.cookie_name)
    account = await wiring.identity.authenticate(token)
    # Refusals are sent after the upgrade: a close before it is an HTTP 403 that a client
    # sees as 1006 and retries forever.
    await ws.accept()
    if account is None or token is None:
        await ws.close(CLOSE_UNAUTHORIZED, "Unauthorized")
        return
    if by_cookie and not origin_allowed(ws.headers.get("origin"), ws.headers.get("host"), settings):
        log.warning("ws_foreign_origin_refused", origin=(ws.headers.get("origin") or "")[:100])
        await ws.close(CLOSE_FORBIDDEN_ORIGIN, "Origin not allowed")
        return
    bucket = TokenBucket(settings.ws_rate_per_second, settings.ws_rate_burst)
    session = token_hash(token)
    conn = Connection(ws, player_of(account), bucket, wiring.presence.new_connection_id(), session)
    bound = log.bind(sessionId=session[:16], connectionId=conn.connection_id, userId=conn.user_id)
    try:
        await wiring.presence.opened(conn.user_id, conn.connection_id)
    except DomainError as exc:
        bound.warning("ws_refused", code=exc.code)
        conn.send(Error(exc.code, exc.detail))
        await conn.flush()
        await ws.close(CLOSE_POLICY, "Too many connections")
        return
    wiring.hub.opened(conn, session)
    wiring.metrics.incr("WsConnectionsOpened")
    wiring.metrics.open_connections.inc()
    bound.info("ws_connected")
    try:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            if not await _frame(wiring, conn, message, bound):
                break
    except WebSocketDisconnect:
        pass
    finally:
        conn.discard_backlog()
        wiring.hub.closed(conn, session)
        wiring.metrics.incr("WsConnectionsClosed")
        wiring.metrics.open_connections.dec()
        bound.info("ws_disconnected", roomCode=conn.room_code)
        try:
            await wiring.watching.unwatch(conn)
            await wiring.rooms.disconnected(conn.user_id, conn)
            await wiring.presence.disconnected(conn.user_id, conn.connection_id)
        except Exception:
            wiring.metrics.incr("AppErrors")
            bound.exception("ws_cleanup_failed")


async def _frame(wiring: Wiring, conn: Connection, message: Mapping[str, Any], bound: Any) -> bool:
    """Handle one inbound frame; ``False`` closes the connection (abuse only)."""
    settings = wiring.settings
    text = message.get("text")
    # A binary frame meets the same size limit and rate budget as a text one, then is refused.
    size = len(text) if text is not None else len(message.get("bytes") or b"")
    if size > settings.ws_max_frame_bytes:
        conn.send(Error("FRAME_TOO_LARGE", context={"limitBytes": settings.ws_max_frame_bytes}))
        bound.warning("ws_frame_too_large", size=size)
        await conn.flush()
        await conn.ws.close(CLOSE_TOO_LARGE, "Frame too large")
        return False
    if not conn.bucket.take():
        if conn.bucket.flooding:
            bound.warning("ws_flood_closed")
            await conn.flush()
            await conn.ws.close(CLOSE_POLICY, "Rate limit exceeded")
            return False
        conn.send(Error("RATE_LIMITED"))
        return True
    if text is None:
        conn.send(Error("INVALID_PAYLOAD", "Send JSON text frames."))
        return True
    parsed = inbound.parse(text)
    if isinstance(parsed, inbound.Rejection):
        conn.send(Error(parsed.code, parsed.message))
        return True
    # Which frame an error answers, so that a client can undo what it showed ahead of time.
    context = {"roomCode": getattr(parsed, "room_code", None), "type": parsed.TYPE}
    try:
        await _dispatch(wiring, conn, parsed)
    except DomainError as exc:
        conn.send(Error(exc.code, exc.detail, {**context, **exc.context}))
    except Exception:
        wiring.metrics.incr("AppErrors")
        bound.exception("ws_frame_failed", frameType=context["type"])
        conn.send(Error("INTERNAL_ERROR", context=context))
    return True


WATCHER_MAY = (inbound.LeaveRoom, inbound.WatchRoom)
"""What a socket may send about the room it watches, by either of its codes: anything else
is a player's act (``join_room`` too, unless by the room's own code, which seats anyone)."""


async def _dispatch(wiring: Wiring, conn: Connection, msg: inbound.ClientMessage) -> None:
    rooms, watching, player = wiring.rooms, wiring.watching, conn.player
    watched = conn.watching
    named = getattr(msg, "room_code", None)
    takes_free_seat = isinstance(msg, inbound.JoinRoom) and named == watched
    if (
        watched is not None
        and named in (watched, conn.watch_code)
        and not (isinstance(msg, WATCHER_MAY) or takes_free_seat)
    ):
        raise WatchingOnly()
    match msg:
        case inbound.Heartbeat():
            conn.send(HeartbeatAck(wiring.clock.now_ms()))
            if time.monotonic() - conn.touched > TOUCH_EVERY_S:
                conn.touched = time.monotonic()
                await wiring.presence.still_connected(conn.user_id, conn.connection_id)
                await watching.still_watching(conn)
        case inbound.CreateRoom():
            await rooms.create_room(player, conn)
        case inbound.JoinRoom(code):
            await rooms.join(player, conn, code)
            if conn.watching == code:  # a watcher who takes the free seat plays from now on
                await watching.unwatch(conn)
            conn.send(await watching.count(code))
        case inbound.LeaveRoom(code) if conn.watching is not None and code in (conn.watching, conn.watch_code):
            await watching.unwatch(conn)
            conn.send(RoomLeft(code))
        case inbound.LeaveRoom(code):
            await rooms.leave(player, conn, code)
            conn.send(RoomLeft(code))
        case inbound.WatchRoom(code):
            await watching.watch(player, conn, code)
        case inbound.SetWatching(code, allowed):
            await watching.allow(player, code, allowed)
        case inbound.StartGame(code, requested):
            await rooms.start_game(player, code, requested)
        case inbound.MakeMove(code, text):
            await rooms.move(player, code, text)
        case inbound.Resign(code):
            await rooms.resign(player, code)
        case inbound.RequestTakeback(code):
            await rooms.request_takeback(player, code)
        case inbound.AcceptTakeback(code):
            await rooms.accept_takeback(player, code)
        case inbound.DeclineTakeback(code):
            await rooms.decline_takeback(player, code)
        case inbound.OfferDraw(code):
            await rooms.offer_draw(player, code)
        case inbound.AcceptDraw(code):
            await rooms.accept_draw(player, code)
        case inbound.DeclineDraw(code):
            await rooms.decline_draw(player, code)
        case inbound.CancelDraw(code):
            await rooms.cancel_draw(player, code)
        case inbound.Abort(code):
            await rooms.abort(player, code)
        case inbound.OfferRematch(code):
            await rooms.offer_rematch(player, code)
        case inbound.AcceptRematch(code):
            await rooms.accept_rematch(player, code)
        case inbound.DeclineRematch(code):
            await rooms.decline_rematch(player, code)
        case inbound.Chat(code, text):
            await rooms.say(player, code, text)
        case inbound.Signal(code, data):
            await rooms.signal(player, code, data)
        case inbound.VideoRefresh(code):
            await rooms.refresh_video(player, code)
        case _:
            assert_never(msg)
