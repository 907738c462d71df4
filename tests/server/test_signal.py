"""Signalling reaches only the other seated player of the sender's own room."""

from __future__ import annotations

from tests.server.rooms import open_room
from tests.support import Client, ServerThread, signup


async def test_signal_from_outside_the_room_is_refused_and_nothing_is_relayed(server: ServerThread) -> None:
    players = [await Client.connect(server.ws_url, signup(server.base_url)) for _ in range(5)]
    ann, bob, cid, dan, eve = players
    code = await open_room(ann, bob)
    other = await open_room(cid, dan)
    offer = {"sdp": "v=0 offer"}
    # A player of another room, a stranger in none, and a room that does not exist.
    assert (await cid.error({"type": "signal", "roomCode": code, "data": offer}))["code"] == "NOT_IN_ROOM"
    assert (await eve.error({"type": "signal", "roomCode": code, "data": offer}))["code"] == "NOT_IN_ROOM"
    assert (await eve.error({"type": "signal", "roomCode": "ZZZZ2222", "data": offer}))["code"] == "ROOM_NOT_FOUND"
    # Nothing of theirs was relayed: the first signal each seated player gets is their
    # partner's, sent after the refusals were answered.
    await ann.send({"type": "signal", "roomCode": code, "data": offer})
    await bob.send({"type": "signal", "roomCode": code, "data": {"sdp": "answer"}})
    relayed_to_bob, relayed_to_ann = await bob.expect("signal"), await ann.expect("signal")
    assert (relayed_to_bob["from"], relayed_to_bob["data"]) == (ann.user_id, offer)
    assert (relayed_to_ann["from"], relayed_to_ann["data"]) == (bob.user_id, {"sdp": "answer"})
    await cid.send({"type": "signal", "roomCode": other, "data": {"sdp": "theirs"}})
    assert (await dan.expect("signal"))["from"] == cid.user_id  # not ann's, from the other room
    for player in players:
        await player.close()
