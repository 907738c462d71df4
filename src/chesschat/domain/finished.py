"""A finished game as it is kept forever: who played, how it ended, every move and the PGN.

This is the one shape a finished game has between the room that ended it, the
finalization queue, the record stores and the history API; each of those maps it to its
own format at its edge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from chesschat.domain.game import Game, Reason

DELETED_PLAYER = "deleted user"
"""How a player whose account is gone is named in the games they played."""


@dataclass(frozen=True, slots=True)
class FinishedGame:
    game_id: str
    room_code: str
    white_id: str
    black_id: str
    white_username: str
    black_username: str
    winner_id: str | None
    """The winner's user id; ``None`` for a draw and for an aborted game."""
    reason: Reason
    outcome: str
    """The PGN result: ``1-0``, ``0-1``, ``1/2-1/2``, or ``*`` for an aborted game."""
    ply: int
    duration_s: int
    """Whole seconds from the start to the end of the game."""
    time_white_ms: int
    """White's clock when the game ended."""
    time_black_ms: int
    moves: tuple[str, ...]
    """Every move, UCI."""
    sans: tuple[str, ...]
    """Every move, SAN."""
    fens: tuple[str, ...]
    """The starting position and the position after each move."""
    pgn: str
    time_control: str
    """The PGN TimeControl: ``300+2``, or ``?``."""
    increment_ms: int
    started_at_ms: int
    ended_at_ms: int

    @classmethod
    def from_game(cls, game: Game, room_code: str, pgn_text: str, names: Mapping[str, str]) -> FinishedGame:
        """The record of ``game``, which must have ended; ``names`` maps user ids to the
        names the players had in the room."""
        assert game.result is not None and game.ended_at_ms is not None
        return cls(
            game_id=game.game_id,
            room_code=room_code,
            white_id=game.white_id,
            black_id=game.black_id,
            white_username=names.get(game.white_id, ""),
            black_username=names.get(game.black_id, ""),
            winner_id=game.winner_id(),
            reason=game.result.reason,
            outcome=game.result.outcome,
            ply=game.ply,
            duration_s=max(0, (game.ended_at_ms - game.started_at_ms) // 1000),
            time_white_ms=game.time_white_ms,
            time_black_ms=game.time_black_ms,
            moves=game.moves,
            sans=game.sans,
            fens=game.fens,
            pgn=pgn_text,
            time_control=game.settings.time_control,
            increment_ms=game.settings.increment_ms,
            started_at_ms=game.started_at_ms,
            ended_at_ms=game.ended_at_ms,
        )

    @property
    def counts(self) -> bool:
        """Whether the game moves the players' counters (an aborted game does not)."""
        return self.reason is not Reason.ABORTED

    @property
    def loser_id(self) -> str | None:
        if self.winner_id is None:
            return None
        return self.black_id if self.winner_id == self.white_id else self.white_id

    def played_by(self, user_id: str) -> bool:
        return user_id in (self.white_id, self.black_id)

    def named(self, names: Mapping[str, str]) -> FinishedGame:
        """The game with its players under their names now (``names`` maps the user ids of
        accounts that still exist), in its fields and in its PGN's tags; a player missing
        from ``names`` deleted their account and is shown as :data:`DELETED_PLAYER`."""
        white = names.get(self.white_id, DELETED_PLAYER)
        black = names.get(self.black_id, DELETED_PLAYER)
        if (white, black) == (self.white_username, self.black_username):
            return self
        pgn = self.pgn
        for tag, name in (("White", white), ("Black", black)):
            quoted = name.replace("\\", "\\\\").replace('"', '\\"')
            # a replacement template reads backslashes, so the tag's own are doubled once more
            template = f'[{tag} "{quoted}"]'.replace("\\", "\\\\")
            pgn = re.sub(rf'^\[{tag} ".*"\]$', template, pgn, count=1, flags=re.M)
        return replace(self, white_username=white, black_username=black, pgn=pgn)
