"""Engine review of a finished game: ask for it, then read it (``queued`` → ``running`` →
``done`` or ``failed``). Only a player of the game may do either."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from chesschat.domain.serde import review_to_dict
from chesschat.services.reviews import Reviews, StoredReview
from chesschat.web.http import CurrentAccount, refusals

REVIEW_REFUSALS = refusals("UNAUTHORIZED", "FORBIDDEN_ORIGIN", "NOT_FOUND", "NOT_READY")


class Accuracy(BaseModel):
    white: float | None
    black: float | None


class PlyOut(BaseModel):
    ply: int
    san: str
    cp: int | None
    mate: int | None
    best: str | None
    judgement: Literal["inaccuracy", "mistake", "blunder"] | None


class ReviewOut(BaseModel):
    status: Literal["queued", "running", "done", "failed"]
    plies: list[PlyOut]
    accuracy: Accuracy


def _out(stored: StoredReview) -> dict[str, Any]:
    body: dict[str, Any] = {"status": stored.status, "plies": [], "accuracy": {"white": None, "black": None}}
    if stored.review is not None:
        body.update(review_to_dict(stored.review))
    return body


def _reviews(request: Request) -> Reviews:
    reviews: Reviews = request.app.state.wiring.reviews
    return reviews


def install(app: FastAPI) -> None:
    @app.post(
        "/api/games/{game_id}/analysis",
        tags=["games"],
        status_code=202,
        response_model=ReviewOut,
        responses=REVIEW_REFUSALS,
    )
    async def request_review(request: Request, game_id: str, account: CurrentAccount) -> Response:
        """Queue the engine's review of a game you played; asking again changes nothing."""
        stored = await _reviews(request).request(account.user_id, game_id)
        return JSONResponse(_out(stored), status_code=202)

    @app.get("/api/games/{game_id}/analysis", tags=["games"], response_model=ReviewOut, responses=REVIEW_REFUSALS)
    async def get_review(request: Request, game_id: str, account: CurrentAccount) -> Response:
        """Its state and, once done, an evaluation per ply (White's view, centipawns or mate),
        the engine's move for mistakes and blunders, and each side's accuracy."""
        return JSONResponse(_out(await _reviews(request).get(account.user_id, game_id)))
