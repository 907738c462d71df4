"""Asking and answering over real WebSockets against a real Redis: takebacks by consent,
declined draws, rematches and the host's colour."""

from __future__ import annotations

from tests.server.rooms import open_room, start
from tests.support import Client, play


async def test_a_takeback_by_consent_is_asked_then_declined_or_accepted(pair: tuple[Client, Client]) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, started = await start(a, b, code, allowTakebacks=True, takebackMode="consent")
    assert started["settings"]["takeback_mode"] == "consent"
    moved = await play(white, black, code, ["e2e4", "e7e5"])
    assert moved["takebackAllowed"] == {"white": True, "black": True}
    await white.send({"type": "request_takeback", "roomCode": code})
    for player in (white, black):
        asked = await player.expect("takeback_requested")
        assert asked["byUserId"] == white.user_id
    refused = await white.error({"type": "accept_takeback", "roomCode": code})
    assert refused["code"] == "TAKEBACK_NOT_PENDING"
    await black.send({"type": "decline_takeback", "roomCode": code})
    declined = await white.expect("takeback_declined")
    assert declined["byUserId"] == black.user_id
    await white.send({"type": "request_takeback", "roomCode": code})
    await black.expect("takeback_requested")
    await black.send({"type": "accept_takeback", "roomCode": code})
    for player in (white, black):
        applied = await player.expect("takeback_applied")
        assert applied["byUserId"] == white.user_id
        assert applied["moves"] == [] and applied["turn"] == "white"
        assert applied["takebackRequestBy"] is None


async def test_a_declined_draw_is_told_to_the_offerer(pair: tuple[Client, Client]) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code)
    await play(white, black, code, ["d2d4", "d7d5"])
    await white.send({"type": "offer_draw", "roomCode": code})
    await black.expect("draw_offer_pending")
    await black.send({"type": "decline_draw", "roomCode": code})
    assert await white.types_until("draw_offer_state") == ["draw_offer_pending", "draw_declined", "draw_offer_state"]
    declined = [f for f in white.seen if f["type"] == "draw_declined"][-1]
    assert declined["byUserId"] == black.user_id and declined["roomCode"] == code


async def test_the_guest_offers_a_rematch_and_the_host_accepts_with_colours_swapped(
    pair: tuple[Client, Client],
) -> None:
    host, guest = pair
    code = await open_room(host, guest)
    white, black, first = await start(host, guest, code, timeWhiteSeconds=120, timeBlackSeconds=120)
    refused = await guest.error({"type": "offer_rematch", "roomCode": code})
    assert refused["code"] == "GAME_ALREADY_ACTIVE"
    await white.send({"type": "resign", "roomCode": code})
    await guest.expect("game_ended")
    await guest.send({"type": "offer_rematch", "roomCode": code})
    offered = await host.expect("rematch_offered")
    assert offered["byUserId"] == guest.user_id
    assert (offered["whitePlayerId"], offered["blackPlayerId"]) == (black.user_id, white.user_id)
    assert offered["settings"]["initial_time_white"] == 120.0
    await host.send({"type": "accept_rematch", "roomCode": code})
    for player in (host, guest):
        started = await player.expect("game_started")
        assert (started["whitePlayerId"], started["blackPlayerId"]) == (black.user_id, white.user_id)
        assert started["settings"] == first["settings"]
        assert started["gameId"] != first["gameId"]


async def test_a_declined_rematch_is_told_and_the_offer_is_gone(pair: tuple[Client, Client]) -> None:
    host, guest = pair
    code = await open_room(host, guest)
    await start(host, guest, code)
    await host.send({"type": "abort", "roomCode": code})
    await guest.expect("game_ended")
    await host.send({"type": "offer_rematch", "roomCode": code})
    await guest.expect("rematch_offered")
    again = await host.error({"type": "offer_rematch", "roomCode": code})
    assert again["code"] == "REMATCH_ALREADY_PENDING"
    await guest.send({"type": "decline_rematch", "roomCode": code})
    declined = await host.expect("rematch_declined")
    assert declined["byUserId"] == guest.user_id
    late = await guest.error({"type": "accept_rematch", "roomCode": code})
    assert late["code"] == "REMATCH_NOT_PENDING"


async def test_the_host_starts_with_the_colour_asked_for(pair: tuple[Client, Client]) -> None:
    host, guest = pair
    code = await open_room(host, guest)
    for colour in ("black", "white", "black"):
        _, _, started = await start(host, guest, code, color=colour)
        assert (started["whitePlayerId"] == host.user_id) is (colour == "white")
        await host.send({"type": "abort", "roomCode": code})
        await guest.expect("game_ended")
    refused = await host.error({"type": "start_game", "roomCode": code, "settings": {"color": "green"}})
    assert refused["code"] == "INVALID_PAYLOAD"
