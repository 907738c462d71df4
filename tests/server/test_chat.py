"""In-room chat between the two players, over the real socket: text as sent (never markup),
limits on length and rate, and the room's lines for a player who comes back."""

from __future__ import annotations

from tests.server.rooms import open_room
from tests.support import Client, FakeClock, ServerThread, signup


async def test_players_chat_and_a_returning_player_sees_the_lines(
    pair: tuple[Client, Client], server: ServerThread
) -> None:
    ann, bob = pair
    code = await open_room(ann, bob)
    text = "<b>gg</b> & <script>alert(1)</script>"
    await ann.send({"type": "chat", "roomCode": code, "text": f"  {text} "})
    for player in (ann, bob):
        said = await player.expect("chat")
        assert said == {
            "type": "chat",
            "roomCode": code,
            "from": ann.user_id,
            "username": ann.user["username"],
            "text": text,  # as sent, trimmed; the client shows it as text
            "at": said["at"],
        }
    await bob.send({"type": "chat", "roomCode": code, "text": "thanks"})
    await ann.expect("chat")
    await bob.close()
    back = await Client.connect(server.ws_url, bob.account)
    await back.send({"type": "join_room", "roomCode": code})
    joined = await back.expect("room_joined")
    assert [(line["from"], line["text"]) for line in joined["chat"]] == [(ann.user_id, text), (bob.user_id, "thanks")]
    await back.close()


async def test_chat_refuses_strangers_empty_and_long_lines_and_floods(
    pair: tuple[Client, Client], server: ServerThread, clock: FakeClock
) -> None:
    ann, bob = pair
    code = await open_room(ann, bob)
    eve = await Client.connect(server.ws_url, signup(server.base_url))
    assert (await eve.error({"type": "chat", "roomCode": code, "text": "hi"}))["code"] == "NOT_IN_ROOM"
    for bad in ("   ", "x" * 501, 42):
        assert (await ann.error({"type": "chat", "roomCode": code, "text": bad}))["code"] == "INVALID_PAYLOAD"
    for n in range(5):
        await ann.send({"type": "chat", "roomCode": code, "text": f"line {n}"})
        await bob.expect("chat")
    too_fast = await ann.error({"type": "chat", "roomCode": code, "text": "one more"})
    assert too_fast["code"] == "RATE_LIMITED"
    clock.advance(10_000)
    await ann.send({"type": "chat", "roomCode": code, "text": "later"})
    assert (await bob.expect("chat"))["text"] == "later"
    await eve.close()
