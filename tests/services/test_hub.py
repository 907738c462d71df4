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


@dataclass(eq=False)
class UserSocket:
    user_id: str
    got: list[str] = field(default_factory=list)
    revoked: bool = False

    def push(self, text: str) -> None:
        self.got.append(text)

    def revoke(self) -> None:
        self.revoked = True


def test_hub_a_users_frame_reaches_each_of_their_open_sockets_and_no_one_else() -> None:
    hub = Hub()
    phone, laptop, other = UserSocket("u1"), UserSocket("u1"), UserSocket("u2")
    hub.opened(phone, "s1")
    hub.opened(laptop, "s2")
    hub.opened(other, "s3")
    assert hub.to_user("u1", "hello") == 2
    assert phone.got == laptop.got == ["hello"] and other.got == []
    hub.closed(phone, "s1")
    assert hub.to_user("u1", "again") == 1 and laptop.got == ["hello", "again"]
    hub.closed(laptop, "s2")
    assert hub.to_user("u1", "gone") == 0
