"""A game as PGN text, for the players and for any chess software."""

from __future__ import annotations

import datetime as dt
import io

import chess
import chess.pgn

from chesschat.domain.game import Game, Reason

PGN_TERMINATION = {
    Reason.TIMEOUT: "time forfeit",
    Reason.TIMEOUT_VS_INSUFFICIENT_MATERIAL: "time forfeit",
    Reason.FORFEIT_DISCONNECT: "abandoned",
    Reason.ROOM_EXPIRED: "abandoned",
    Reason.ABORTED: "abandoned",
}
"""The PGN ``Termination`` of each ending that is not ``normal`` (the PGN standard's words,
as lichess uses them: an aborted game was abandoned, not left ``unterminated``)."""


def write_pgn(game: Game, white_name: str, black_name: str, site: str = "ChessChat") -> str:
    """The whole game as PGN: the Seven Tag Roster, time control, how it ended, and after
    each move the mover's clock (``[%clk h:mm:ss]``, whole seconds, as lichess writes it)."""
    record = chess.pgn.Game()
    started = dt.datetime.fromtimestamp(game.started_at_ms / 1000, tz=dt.UTC)
    result = game.result.outcome if game.result else "*"
    record.headers.update(
        {
            "Event": "ChessChat game",
            "Site": site,
            "Date": started.strftime("%Y.%m.%d"),
            "Round": "-",
            "White": white_name,
            "Black": black_name,
            "Result": result,
            "UTCDate": started.strftime("%Y.%m.%d"),
            "UTCTime": started.strftime("%H:%M:%S"),
            "TimeControl": game.settings.time_control,
            "GameId": game.game_id,
        }
    )
    if game.result is not None:
        record.headers["Termination"] = PGN_TERMINATION.get(game.result.reason, "normal")
        record.headers["Ending"] = game.result.reason.value
    node: chess.pgn.GameNode = record
    timed_from = game.ply - len(game.clocks)  # games stored before clocks were kept have fewer
    for ply, uci in enumerate(game.moves):
        node = node.add_variation(chess.Move.from_uci(uci))
        if ply >= timed_from:
            node.set_clock(game.clocks[ply - timed_from] // 1000)
    out = io.StringIO()
    print(record, file=out, end="\n")
    return out.getvalue()
