"""Room set-up steps shared by the server tests."""

from __future__ import annotations

from typing import Any

from tests.support import Client


async def open_room(host: Client, guest: Client) -> str:
    """``host`` creates a room and ``guest`` joins it; both have drained the join frames."""
    await host.send({"type": "create_room"})
    joined = await host.expect("room_joined")
    code: str = joined["roomCode"]
    await guest.send({"type": "join_room", "roomCode": code.lower()})
    await guest.expect("video_ready")
    await host.expect("video_ready")
    return code


async def start(host: Client, guest: Client, code: str, **settings: Any) -> tuple[Client, Client, dict[str, Any]]:
    """The host starts a game; returns (white, black, game_started)."""
    await host.send({"type": "start_game", "roomCode": code, "settings": settings})
    started = await host.expect("game_started")
    await guest.expect("game_started")
    white = host if started["whitePlayerId"] == host.user_id else guest
    black = guest if white is host else host
    return white, black, started
