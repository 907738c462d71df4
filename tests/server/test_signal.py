"""Signalling reaches only the other seated player of the sender's own room."""

from __future__ import annotations

import asyncio

import pytest

from tests.server.rooms import open_room
from tests.support import Client, ServerThread, signup


async def test_signal_from_outside_the_room_is_refused_and_nothing_is_relayed(server: ServerThread) -> None:
    players = [await Client.connect(server.ws_url, signup(server.base_url)) for _ in range(5)]
    ann, bob, cid, dan, eve = players
    code = await open_room(ann, bob)
    await open_room(cid, dan)
    offer = {"sdp": "v=0 offer"}
    # A player of another room, a stranger in none, and a room that does not exist.
    assert (await cid.error({"type": "signal", "roomCode": code, "data": offer}))["code"] == "NOT_IN_ROOM"
    assert (await eve.error({"type": "signal", "roomCode": code, "data": offer}))["code"] == "NOT_IN_ROOM"
    assert (await eve.error({"type": "signal", "roomCode": "ZZZZ2222", "data": offer}))["code"] == "ROOM_NOT_FOUND"
    for seated in (ann, bob):
        with pytest.raises(asyncio.TimeoutError):
            await seated.expect("signal", timeout=0.5)
    # The players' own signalling still flows, to the other player only.
    await ann.send({"type": "signal", "roomCode": code, "data": offer})
    assert (await bob.expect("signal"))["data"] == offer
    with pytest.raises(asyncio.TimeoutError):
        await dan.expect("signal", timeout=0.3)
    for player in players:
        await player.close()
