"""Error codes with their messages and whether a client should retry."""

from __future__ import annotations

from typing import Any

CATALOGUE: dict[str, tuple[str, bool]] = {
    "BAD_JSON": ("Invalid JSON payload.", True),
    "INVALID_PAYLOAD": ("Invalid payload envelope.", False),
    "UNKNOWN_EVENT": ("Unknown event type.", False),
    "UNAUTHORIZED": ("Unauthorized.", False),
    "INVALID_ROOM_CODE": ("Room code must be 8 characters.", False),
    "ROOM_NOT_FOUND": ("Room does not exist.", False),
    "ROOM_FULL": ("Room already has two players.", False),
    "ROOM_TERMINATED": ("Room is no longer available.", False),
    "ROOM_UPDATE_CONFLICT": ("Concurrent room update detected. Please retry.", True),
    "WAITING_FOR_PLAYER": ("Waiting for second player.", True),
    "GAME_ALREADY_ACTIVE": ("Game already in progress.", False),
    "NO_ACTIVE_GAME": ("No active game in this room.", False),
    "GAME_PAUSED": ("Game is paused while waiting for reconnect.", True),
    "NOT_YOUR_TURN": ("Wait for your turn.", False),
    "ILLEGAL_MOVE": ("Illegal move.", False),
    "DRAW_ALREADY_PENDING": ("A draw offer is already pending.", False),
    "DRAW_NOT_PENDING": ("There is no draw offer to answer.", False),
    "TAKEBACK_NOT_ALLOWED": ("Takebacks are not allowed in this game.", False),
    "TAKEBACK_LIMIT_REACHED": ("You have used all your takebacks.", False),
    "TAKEBACK_WINDOW_CLOSED": ("You can only take back your last move before your opponent replies.", False),
    "TAKEBACK_ALREADY_PENDING": ("A takeback request is already waiting for an answer.", False),
    "TAKEBACK_NOT_PENDING": ("There is no takeback request to answer.", False),
    "REMATCH_NOT_AVAILABLE": ("A rematch can be offered once a game in this room has ended.", False),
    "REMATCH_ALREADY_PENDING": ("You have already offered a rematch.", False),
    "REMATCH_NOT_PENDING": ("There is no rematch offer to answer.", False),
    "ABORT_NOT_ALLOWED": ("The game can only be aborted before both sides have moved.", False),
    "RECONNECT_WINDOW_EXPIRED": ("Reconnect window expired.", False),
    "NOT_IN_ROOM": ("You are not a player in this room.", False),
    "RATE_LIMITED": ("Too many messages; slow down.", True),
    "FRAME_TOO_LARGE": ("Message too large.", False),
    "TOO_MANY_CONNECTIONS": ("Too many open connections for this account.", False),
    "ROOM_LIMIT_REACHED": ("Too many open rooms for this account.", False),
    "WATCHING_OFF": ("The players are not letting anyone watch this room.", False),
    "WATCHERS_FULL": ("This room has as many watchers as it allows.", True),
    "PLAYER_CANNOT_WATCH": ("You play in this room: open it to play.", False),
    "WATCHING_ONLY": ("You are watching this room: watchers cannot play, chat or signal.", False),
    "INTERNAL_ERROR": ("Unexpected error handling request.", True),
    # HTTP-only codes
    "NOT_FOUND": ("Not found.", False),
    "CONFLICT": ("Already exists.", False),
    "INVALID_CREDENTIALS": ("Wrong username or password.", False),
    "TOO_MANY_ATTEMPTS": ("Too many failed sign-ins; wait before trying again.", True),
    "FORBIDDEN_ORIGIN": ("This request must come from this site's own pages.", False),
    "NOT_READY": ("A dependency is unavailable.", True),
    "NOT_CONFIRMED": ("Confirm your email first: type the code it was sent.", False),
    "INVALID_CODE": ("That code is not right.", False),
    "CODE_EXPIRED": ("That code has expired; ask for a new one.", False),
}


def error_body(code: str, message: str | None = None, context: Any = None) -> dict[str, Any]:
    """``{code, message, retryable, context}`` with the catalogue's message and flag."""
    default, retryable = CATALOGUE.get(code, CATALOGUE["INTERNAL_ERROR"])
    return {"code": code, "message": message or default, "retryable": retryable, "context": context}
