"""The HTTP API of finished games: a player's history, one game, its PGN file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse

from chesschat.services.records import HISTORY_PAGE, MAX_HISTORY_PAGE, BadCursor, GameNotFound, StoreUnavailable
from chesschat.web.http import CurrentAccount, error_response

PGN_MEDIA_TYPE = "application/x-chess-pgn"


def install(app: FastAPI) -> None:
    @app.exception_handler(GameNotFound)
    async def not_found(_: Request, exc: GameNotFound) -> JSONResponse:
        return error_response("NOT_FOUND", "No such game.")

    @app.exception_handler(BadCursor)
    async def bad_cursor(_: Request, exc: BadCursor) -> JSONResponse:
        return error_response("INVALID_PAYLOAD", "Invalid history cursor.", {"fields": ["cursor"]})

    @app.exception_handler(StoreUnavailable)
    async def unavailable(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return error_response("NOT_READY", "Game records are unavailable; try again shortly.")

    @app.get("/api/history", tags=["games"])
    async def history(
        request: Request,
        account: CurrentAccount,
        cursor: Annotated[str | None, Query(max_length=512)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_HISTORY_PAGE)] = HISTORY_PAGE,
    ) -> dict[str, Any]:
        """The caller's finished games, newest first; pass ``nextCursor`` back for more."""
        games, next_cursor = await request.app.state.wiring.records.history(account.user_id, cursor, limit)
        return {"games": games, "nextCursor": next_cursor}

    # Registered before /api/games/{game_id}, whose parameter would also match "x.pgn".
    @app.get("/api/games/{game_id}.pgn", tags=["games"], response_class=Response)
    async def game_pgn(request: Request, account: CurrentAccount, game_id: str) -> Response:
        """The game as a PGN file, for any chess software."""
        game = await request.app.state.wiring.records.game(account.user_id, game_id)
        return Response(
            game["pgn_notation"],
            media_type=PGN_MEDIA_TYPE,
            headers={"content-disposition": f'attachment; filename="chesschat-{game_id}.pgn"'},
        )

    @app.get("/api/games/{game_id}", tags=["games"])
    async def game(request: Request, account: CurrentAccount, game_id: str) -> dict[str, Any]:
        """The whole record of a game the caller played."""
        return {"game": await request.app.state.wiring.records.game(account.user_id, game_id)}
