"""What the hub hands this process's sockets when the relay missed some of a room's events
and the room is resent. In-memory sockets; the relay is fed by hand."""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from chesschat.protocol.outbound import PLAYERS, WATCHERS, RoomClosed, VideoUnavailable, WatchingChanged
from chesschat.services.hub import Envelope, Hub


@dataclass(eq=False)
class Socket:
    user_id: str
    connection_id: str = "c"
    room_code: str | None = "ROOMCODE"
    watching: str | None = None
    watch_code: str | None = None
    got: list[str] = field(default_factory=list)

    def push(self, text: str) -> None:
        frame = orjson.loads(text)
        self.got.append(frame.get("reason") or frame["type"])


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


async def test_hub_a_watcher_hears_the_room_from_what_it_was_shown_and_never_the_players_own() -> None:
    hub, player = await seated()
    watcher = Socket("u9", "w", room_code=None, watching="ROOMCODE")
    await hub.watch(watcher, "ROOMCODE")
    await hub.deliver("ROOMCODE", event(2, "before the snapshot"))
    await hub.deliver("ROOMCODE", event(3, "after the snapshot"))
    hub.shown(watcher, "ROOMCODE", 2)  # what it was shown is at version 2
    private = ((PLAYERS, marked("chat")), ("u1", marked("video")), ("u9", marked("to u9 as a player")))
    await hub.deliver("ROOMCODE", Envelope(4, (*private, (WATCHERS, marked("watch state")))).pack())
    await hub.deliver("ROOMCODE", event(0, "count"))
    assert watcher.got == ["after the snapshot", "watch state", "count"]
    assert player.got == ["opened", "before the snapshot", "after the snapshot", "chat", "video", "count"]
    await hub.deliver("ROOMCODE", Envelope(5, ((None, WatchingChanged("ROOMCODE", False)),)).pack())
    assert watcher.got[-1] == "watching_changed" and watcher.watching is None
    await hub.deliver("ROOMCODE", event(6, "later"))
    assert watcher.got[-1] == "watching_changed" and player.got[-1] == "later"
    await hub.unlisten(player, "ROOMCODE")
    assert "ROOMCODE" not in hub.rooms and "ROOMCODE" not in hub.watchers


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
