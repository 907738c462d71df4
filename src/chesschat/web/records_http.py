"""The HTTP API of finished games: a player's history, the score against another player,
one game, its PGN file.

A game goes out with the original ChessChat's attribute names and formats (the same as the
``games`` items), so a client written for the original reads it as it is.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from chesschat.domain.finished import FinishedGame
from chesschat.services.records import (
    HEAD_TO_HEAD_GAMES,
    HISTORY_PAGE,
    MAX_HEAD_TO_HEAD_GAMES,
    MAX_HISTORY_PAGE,
    BadCursor,
    GameNotFound,
    PlayerNotFound,
    SamePlayer,
    StoreUnavailable,
    utc_text,
)
from chesschat.web.http import CurrentAccount, ErrorOut, error_response, refusals

PGN_MEDIA_TYPE = "application/x-chess-pgn"
# Game ids are UUIDs; a bound keeps a forged one from reaching the store (DynamoDB refuses
# long keys with an error of its own).
GameId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
GAME_REFUSALS = refusals("UNAUTHORIZED", "NOT_FOUND", "INVALID_PAYLOAD", "NOT_READY")
# User ids are UUIDs (local or Cognito's ``sub``); the same bound as a game id.
UserId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
# Asking for the score against oneself is a request that cannot be answered, whatever its form.
BAD_REQUEST = 400
HEAD_TO_HEAD_REFUSALS = {
    **GAME_REFUSALS,
    BAD_REQUEST: {"model": ErrorOut, "description": "`INVALID_PAYLOAD` (the caller's own id)"},
}


class GameOut(BaseModel):
    """One finished game; times are ISO 8601 text, clocks and the increment in seconds."""

    game_id: str
    room_code: str
    white_player_id: str
    black_player_id: str
    white_username: str
    black_username: str
    winner: str
    """The winner's user id, or ``draw``."""
    result: str
    outcome: str
    total_moves: int
    duration_seconds: int
    time_white_remaining: float
    time_black_remaining: float
    move_list_uci: list[str]
    move_list_san: list[str]
    fen_history: list[str]
    pgn_notation: str
    time_control: str
    increment_seconds: float
    started_at: str
    ended_at: str

    @classmethod
    def of(cls, game: FinishedGame) -> GameOut:
        return cls(
            game_id=game.game_id,
            room_code=game.room_code,
            white_player_id=game.white_id,
            black_player_id=game.black_id,
            white_username=game.white_username,
            black_username=game.black_username,
            winner=game.winner_id or "draw",
            result=game.reason.value,
            outcome=game.outcome,
            total_moves=game.ply,
            duration_seconds=game.duration_s,
            time_white_remaining=game.time_white_ms / 1000,
            time_black_remaining=game.time_black_ms / 1000,
            move_list_uci=list(game.moves),
            move_list_san=list(game.sans),
            fen_history=list(game.fens),
            pgn_notation=game.pgn,
            time_control=game.time_control,
            increment_seconds=game.increment_ms / 1000,
            started_at=utc_text(game.started_at_ms),
            ended_at=utc_text(game.ended_at_ms),
        )


class HistoryOut(BaseModel):
    games: list[GameOut]
    nextCursor: str | None


class GameResponse(BaseModel):
    game: GameOut


class PlayerOut(BaseModel):
    userId: str
    username: str


class HeadToHeadOut(BaseModel):
    """The score between the caller and another player, from the caller's side: the wins,
    draws and losses of every game between the two that counts (an aborted game does not,
    as in ``/api/me``)."""

    opponent: PlayerOut
    wins: int
    draws: int
    losses: int
    games: list[GameOut]
    """The newest games between the two, aborted ones included, newest first."""


def install(app: FastAPI) -> None:
    @app.exception_handler(GameNotFound)
    async def not_found(_: Request, exc: GameNotFound) -> JSONResponse:
        return error_response("NOT_FOUND", "No such game.")

    @app.exception_handler(BadCursor)
    async def bad_cursor(_: Request, exc: BadCursor) -> JSONResponse:
        return error_response("INVALID_PAYLOAD", "Invalid history cursor.", {"fields": ["cursor"]})

    @app.exception_handler(PlayerNotFound)
    async def no_player(_: Request, exc: PlayerNotFound) -> JSONResponse:
        return error_response("NOT_FOUND", "No such player.")

    @app.exception_handler(SamePlayer)
    async def same_player(_: Request, exc: SamePlayer) -> JSONResponse:
        response = error_response(
            "INVALID_PAYLOAD", "A score is between you and another player.", {"fields": ["user_id"]}
        )
        response.status_code = BAD_REQUEST
        return response

    @app.exception_handler(StoreUnavailable)
    async def unavailable(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return error_response("NOT_READY", "Game records are unavailable; try again shortly.")

    @app.get("/api/history", tags=["games"], responses=refusals("UNAUTHORIZED", "INVALID_PAYLOAD", "NOT_READY"))
    async def history(
        request: Request,
        account: CurrentAccount,
        cursor: Annotated[str | None, Query(max_length=512)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_HISTORY_PAGE)] = HISTORY_PAGE,
    ) -> HistoryOut:
        """The caller's finished games, newest first; pass ``nextCursor`` back for more."""
        games, next_cursor = await request.app.state.wiring.records.history(account.user_id, cursor, limit)
        return HistoryOut(games=[GameOut.of(game) for game in games], nextCursor=next_cursor)

    @app.get("/api/users/{user_id}/head-to-head", tags=["games"], responses=HEAD_TO_HEAD_REFUSALS)
    async def head_to_head(
        request: Request,
        account: CurrentAccount,
        user_id: UserId,
        limit: Annotated[int, Query(ge=1, le=MAX_HEAD_TO_HEAD_GAMES)] = HEAD_TO_HEAD_GAMES,
    ) -> HeadToHeadOut:
        """The caller's wins, draws and losses against that player, and their last games."""
        records = request.app.state.wiring.records
        opponent, score = await records.head_to_head(account.user_id, user_id, limit)
        return HeadToHeadOut(
            opponent=PlayerOut(userId=opponent.user_id, username=opponent.username),
            wins=score.wins,
            draws=score.draws,
            losses=score.losses,
            games=[GameOut.of(game) for game in score.games],
        )

    # Registered before /api/games/{game_id}, whose parameter would also match "x.pgn".
    @app.get(
        "/api/games/{game_id}.pgn",
        tags=["games"],
        response_class=Response,
        responses={200: {"content": {PGN_MEDIA_TYPE: {"schema": {"type": "string"}}}}, **GAME_REFUSALS},
    )
    async def game_pgn(request: Request, account: CurrentAccount, game_id: GameId) -> Response:
        """The game as a PGN file, for any chess software."""
        game = await request.app.state.wiring.records.game(account.user_id, game_id)
        return Response(
            game.pgn,
            media_type=PGN_MEDIA_TYPE,
            headers={"content-disposition": f'attachment; filename="chesschat-{game_id}.pgn"'},
        )

    @app.get("/api/games/{game_id}", tags=["games"], responses=GAME_REFUSALS)
    async def game(request: Request, account: CurrentAccount, game_id: GameId) -> GameResponse:
        """The whole record of a game the caller played."""
        return GameResponse(game=GameOut.of(await request.app.state.wiring.records.game(account.user_id, game_id)))
