"""What the hub hands this process's sockets when the relay missed some of a room's events
and the room is resent. In-memory sockets; the relay is fed by hand."""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from chesschat.protocol.outbound import RoomClosed, VideoUnavailable
from chesschat.services.hub import Envelope, Hub


@dataclass(eq=False)
class Socket:
    user_id: str
    connection_id: str = "c"
    room_code: str | None = "ROOMCODE"
    got: list[str] = field(default_factory=list)

    def push(self, text: str) -> None:
        self.got.append(orjson.loads(text)["reason"])


def marked(n: str) -> VideoUnavailable:
    """A frame that carries a marker the test can follow (its ``reason``)."""
    return VideoUnavailable("ROOMCODE", n)


def event(version: int, n: str) -> str:
    return Envelope(version, ((None, marked(n)),)).pack()


async def seated() -> tuple[Hub, Socket]:
    hub, socket = Hub(), Socket("u1")
    await hub.listen(socket, "ROOMCODE")
    await hub.deliver("ROOMCODE", event(1, "opened"))
    return hub, socket


async def test_hub_snapshot_replaces_what_the_relay_missed_and_older_copies_are_dropped() -> None:
    hub, socket = await seated()
    await hub.resend("ROOMCODE", [(None, marked("snapshot"))], 5)
    await hub.deliver("ROOMCODE", event(4, "late"))
    await hub.deliver("ROOMCODE", event(5, "late"))
    await hub.deliver("ROOMCODE", event(6, "next"))
    await hub.deliver("ROOMCODE", event(0, "signal"))
    assert socket.got == ["opened", "snapshot", "next", "signal"]


async def test_hub_a_room_gone_is_closed_for_its_sockets() -> None:
    hub, socket = await seated()
    await hub.resend("ROOMCODE", [(None, RoomClosed("ROOMCODE", "closed"))], 0)
    assert socket.got == ["opened", "closed"]
    assert "ROOMCODE" not in hub.rooms and socket.room_code is None
