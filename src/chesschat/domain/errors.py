"""Narrow domain errors. Each names the catalogue code the edge turns it into."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. ``code`` is the wire catalogue code; ``context`` adds
    to the refused frame's (e.g. the room's own code for one of its players)."""

    code = "INTERNAL_ERROR"

    def __init__(self, detail: str | None = None, **context: str) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.context = context


class RoomNotFound(DomainError):
    code = "ROOM_NOT_FOUND"


class RoomTerminated(DomainError):
    code = "ROOM_TERMINATED"


class RoomFull(DomainError):
    code = "ROOM_FULL"


class NotInRoom(DomainError):
    code = "NOT_IN_ROOM"


class NotHost(DomainError):
    code = "UNAUTHORIZED"


class WaitingForPlayer(DomainError):
    code = "WAITING_FOR_PLAYER"


class GameAlreadyActive(DomainError):
    code = "GAME_ALREADY_ACTIVE"


class NoActiveGame(DomainError):
    code = "NO_ACTIVE_GAME"


class GamePaused(DomainError):
    code = "GAME_PAUSED"


class NotYourTurn(DomainError):
    code = "NOT_YOUR_TURN"


class IllegalMove(DomainError):
    code = "ILLEGAL_MOVE"


class DrawAlreadyPending(DomainError):
    code = "DRAW_ALREADY_PENDING"


class DrawNotPending(DomainError):
    code = "DRAW_NOT_PENDING"


class TakebackNotAllowed(DomainError):
    code = "TAKEBACK_NOT_ALLOWED"


class TakebackLimitReached(DomainError):
    code = "TAKEBACK_LIMIT_REACHED"


class TakebackWindowClosed(DomainError):
    code = "TAKEBACK_WINDOW_CLOSED"


class TakebackAlreadyPending(DomainError):
    code = "TAKEBACK_ALREADY_PENDING"


class TakebackNotPending(DomainError):
    code = "TAKEBACK_NOT_PENDING"


class RematchNotAvailable(DomainError):
    code = "REMATCH_NOT_AVAILABLE"


class RematchAlreadyPending(DomainError):
    code = "REMATCH_ALREADY_PENDING"


class RematchNotPending(DomainError):
    code = "REMATCH_NOT_PENDING"


class AbortNotAllowed(DomainError):
    code = "ABORT_NOT_ALLOWED"


class ReconnectWindowExpired(DomainError):
    code = "RECONNECT_WINDOW_EXPIRED"


class InvalidSettings(DomainError):
    code = "INVALID_PAYLOAD"


class ChatTooFast(DomainError):
    code = "RATE_LIMITED"
