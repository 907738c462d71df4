"""The room use cases on the in-memory live store: what each player's socket is sent, what
is stored, what is queued for the records. No Redis, no sockets: milliseconds per test.

Two ``Process`` objects sharing one store behave as two server processes: each has its own
cache and hub, and only its own hub hears its writes (as when another process's relay
message has not arrived yet)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chesschat.domain import errors
from chesschat.domain.game import GameSettings
from chesschat.domain.room import AgreedGame, Player
from chesschat.protocol.inbound import StartSettings
from chesschat.services.hub import Hub
from chesschat.services.ports import Deadline
from chesschat.services.presence import Presence
from chesschat.services.room_commands import RoomCommands
from chesschat.services.room_repository import RoomRepository, UpdateConflict
from chesschat.settings import Settings
from tests.services.fakes import CountingMetrics, MemoryLive, NoVideo, Socket
from tests.support import FakeClock

ALICE = Player("alice-id", "alice", "alice")
BOB = Player("bob-id", "bob", "bob")
FOOLS_MATE = ["f2f3", "e7e5", "g2g4", "d8h4"]


class Process:
    def __init__(self, live: MemoryLive, clock: FakeClock, **overrides: object) -> None:
        self.settings = Settings(**{"reconnect_grace_seconds": 12, **overrides})  # type: ignore[arg-type]
        self.hub = Hub()
        self.metrics = CountingMetrics()
        self.repository = RoomRepository(live, NoVideo(), clock, self.settings.room_update_attempts)
        self.presence = Presence(live, clock, self.settings.node_dead_after_seconds)
        self.rooms = RoomCommands(
            self.repository, self.presence, live, self.hub, NoVideo(), self.metrics, clock, self.settings
        )

    def socket(self, player: Player) -> Socket:
        return Socket(player.user_id, self.presence.new_connection_id())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_000_000)


@pytest.fixture
def live() -> MemoryLive:
    return MemoryLive()


@pytest.fixture
def one(live: MemoryLive, clock: FakeClock) -> Process:
    process = Process(live, clock)
    live.deliver = process.hub.deliver
    return process


async def seated(process: Process) -> tuple[str, Socket, Socket]:
    alice, bob = process.socket(ALICE), process.socket(BOB)
    t = await process.rooms.create_room(ALICE, alice)
    await process.rooms.join(BOB, bob, t.room.code)
    return t.room.code, alice, bob


async def playing(process: Process, live: MemoryLive, **settings: object) -> tuple[str, Socket, Socket, Player, Player]:
    """A game under way (a minute a side unless told); returns the sockets and players as
    white, then black."""
    code, alice, bob = await seated(process)
    requested = StartSettings(**{"time_white_seconds": 60, "time_black_seconds": 60, **settings})  # type: ignore[arg-type]
    await process.rooms.start_game(ALICE, code, requested)
    game = live.rooms[code].active_game
    assert game is not None
    if game.white_id == ALICE.user_id:
        return code, alice, bob, ALICE, BOB
    return code, bob, alice, BOB, ALICE


async def test_room_commands_the_joiner_and_the_host_both_see_the_room(one: Process, live: MemoryLive) -> None:
    code, alice, bob = await seated(one)
    assert live.rooms[code].status == "active"
    assert alice.tags()[:2] == ["participant_joined", "room_joined"]
    assert bob.tags()[:3] == ["participant_joined", "room_joined", "video_ready"]
    assert [p["userId"] for p in bob.last("room_joined")["participants"]] == [ALICE.user_id, BOB.user_id]
    assert live.connections[bob.connection_id].room_code == code


async def test_room_commands_a_game_to_mate_ends_for_both_and_is_queued_once(one: Process, live: MemoryLive) -> None:
    code, white_socket, black_socket, white, black = await playing(one, live)
    for ply, uci in enumerate(FOOLS_MATE):
        await one.rooms.move(white if ply % 2 == 0 else black, code, uci)
    for socket in (white_socket, black_socket):
        assert [f["move"] for f in socket.frames if f["type"] == "move_made"] == FOOLS_MATE
        ended = socket.last("game_ended")
        assert ended["result"] == "checkmate" and ended["winner"] == black.user_id
    assert len(live.queued) == 1
    assert one.metrics.counts == {"GamesStarted": 1, "GamesEnded": 1}


async def test_room_commands_a_refused_move_writes_nothing(one: Process, live: MemoryLive) -> None:
    code, _, _, white, black = await playing(one, live)
    version = live.rooms[code].version
    with pytest.raises(errors.IllegalMove):
        await one.rooms.move(white, code, "e2e5")
    with pytest.raises(errors.NotYourTurn):
        await one.rooms.move(black, code, "e7e5")
    assert live.rooms[code].version == version


async def test_room_commands_a_write_from_elsewhere_is_retried_on_the_stored_room(
    one: Process, live: MemoryLive
) -> None:
    code, _, _, white, _ = await playing(one, live)
    stored = live.rooms[code]
    live.rooms[code] = replace(stored, version=stored.version + 1)  # another process wrote meanwhile
    await one.rooms.move(white, code, "e2e4")
    after = live.rooms[code]
    assert after.version == stored.version + 2
    assert after.active_game is not None and after.active_game.moves == ("e2e4",)


async def test_room_commands_out_of_retries_a_conflict_is_refused_and_nothing_is_written(
    live: MemoryLive, clock: FakeClock
) -> None:
    process = Process(live, clock, room_update_attempts=1)
    live.deliver = process.hub.deliver
    code, _, _, white, _ = await playing(process, live)
    stored = live.rooms[code]
    bumped = replace(stored, version=stored.version + 1)
    live.rooms[code] = bumped
    with pytest.raises(UpdateConflict):
        await process.rooms.move(white, code, "e2e4")
    assert live.rooms[code] is bumped


async def test_room_commands_a_refusal_from_a_stale_copy_is_checked_on_the_stored_room(
    live: MemoryLive, clock: FakeClock
) -> None:
    first, second = Process(live, clock), Process(live, clock)
    live.deliver = first.hub.deliver  # the second process never hears of the first's writes
    code, _, _, white, black = await playing(first, live)
    await second.repository.fetch(code)  # cached by the second process at this version
    await first.rooms.move(white, code, "e2e4")
    await second.rooms.move(black, code, "e7e5")  # its copy says "white to move"
    game = live.rooms[code].active_game
    assert game is not None and game.moves == ("e2e4", "e7e5")


async def test_room_commands_a_player_who_does_not_come_back_forfeits(
    one: Process, live: MemoryLive, clock: FakeClock
) -> None:
    code, white_socket, black_socket, white, black = await playing(one, live)
    await one.rooms.move(white, code, "e2e4")
    await one.rooms.move(black, code, "e7e5")
    await one.rooms.disconnected(black.user_id, black_socket)
    paused = white_socket.last("reconnect_state")
    assert paused["status"] == "paused" and paused["disconnectedUserId"] == black.user_id
    assert await live.due(Deadline.GRACE, clock.now_ms() / 1000 + 13) == [code]
    clock.advance(12_000)
    await one.rooms.expire_grace(code)
    ended = white_socket.last("game_ended")
    assert ended["result"] == "forfeit_disconnect" and ended["winner"] == white.user_id
    assert white_socket.tags()[-1] == "room_closed"
    assert code not in live.rooms and len(live.queued) == 1


async def test_room_commands_a_player_back_within_the_grace_plays_on(one: Process, live: MemoryLive) -> None:
    code, white_socket, black_socket, white, black = await playing(one, live)
    await one.rooms.disconnected(black.user_id, black_socket)
    back = one.socket(black)
    await one.rooms.join(black, back, code)
    assert white_socket.last("reconnect_state")["status"] == "restored"
    await one.rooms.move(white, code, "e2e4")
    assert back.last("move_made")["move"] == "e2e4"


async def test_room_commands_the_flag_falls_with_no_move(one: Process, live: MemoryLive, clock: FakeClock) -> None:
    code, white_socket, _, white, black = await playing(one, live)
    await one.rooms.move(white, code, "e2e4")
    await one.rooms.move(black, code, "e7e5")
    deadline = await live.first_due(Deadline.CLOCK)
    assert deadline == pytest.approx(clock.now_ms() / 1000 + 60)  # white to move, a minute left
    clock.advance(59_999)
    await one.rooms.check_flag(code)
    assert "game_ended" not in white_socket.tags()
    clock.advance(1)
    await one.rooms.check_flag(code)
    ended = white_socket.last("game_ended")
    assert ended["result"] == "timeout" and ended["winner"] == black.user_id


async def test_room_commands_the_seats_of_a_dead_process_are_dropped(live: MemoryLive, clock: FakeClock) -> None:
    first, second = Process(live, clock), Process(live, clock)
    live.deliver = second.hub.deliver
    alice, bob = first.socket(ALICE), second.socket(BOB)
    code = (await first.rooms.create_room(ALICE, alice)).room.code
    await second.rooms.join(BOB, bob, code)
    await second.rooms.reap_node(first.presence.node_id)
    seat = live.rooms[code].participant(ALICE.user_id)
    assert seat is not None and not seat.connected
    assert await live.node_rooms(first.presence.node_id) == []


async def test_room_commands_only_issued_codes_open_a_room(one: Process, live: MemoryLive) -> None:
    with pytest.raises(errors.RoomNotFound):
        await one.rooms.join(BOB, one.socket(BOB), "ABCDEFGH")
    code = await one.rooms.reserve_code(ALICE)
    t = await one.rooms.join(BOB, one.socket(BOB), code)
    assert t.room.host_user_id == BOB.user_id and code in live.rooms


async def test_room_commands_a_signal_reaches_only_the_other_player(one: Process) -> None:
    code, alice, bob = await seated(one)
    await one.rooms.signal(ALICE, code, {"sdp": "offer"})
    assert bob.last("signal") == {"type": "signal", "roomCode": code, "from": ALICE.user_id, "data": {"sdp": "offer"}}
    assert "signal" not in alice.tags()
    with pytest.raises(errors.NotInRoom):
        await one.rooms.signal(Player("eve-id", "eve", "eve"), code, {"sdp": "x"})


async def test_room_commands_a_pair_code_opens_for_either_friend_and_seats_no_one_else(
    one: Process, live: MemoryLive
) -> None:
    await live.remember_pair("PAIRCODE", ALICE.user_id, BOB.user_id)
    eve = Player("eve-id", "eve", "eve")
    with pytest.raises(errors.RoomNotFound):
        await one.rooms.join(eve, one.socket(eve), "PAIRCODE")
    opened = await one.rooms.join(BOB, one.socket(BOB), "PAIRCODE")
    assert opened.room.host_user_id == BOB.user_id
    with pytest.raises(errors.RoomFull):
        await one.rooms.join(eve, one.socket(eve), "PAIRCODE")
    await one.rooms.join(ALICE, one.socket(ALICE), "PAIRCODE")
    assert {p.user_id for p in live.rooms["PAIRCODE"].participants} == {ALICE.user_id, BOB.user_id}


async def test_room_commands_clocks_wait_for_the_first_moves_and_a_missed_one_aborts(
    one: Process, live: MemoryLive, clock: FakeClock
) -> None:
    code, white_socket, black_socket, white, _ = await playing(one, live)
    started = white_socket.last("game_started")
    assert started["firstMoveDeadlineMs"] == clock.now_ms() + 30_000
    assert started["settings"]["first_move_timeout_seconds"] == 30.0
    clock.advance(10_000)
    await one.rooms.move(white, code, "e2e4")
    moved = black_socket.last("move_made")
    assert moved["timeWhite"] == 60.0 and moved["timeBlack"] == 60.0  # no clock ran
    assert moved["firstMoveDeadlineMs"] == clock.now_ms() + 30_000
    assert await live.first_due(Deadline.CLOCK) == pytest.approx(clock.now_ms() / 1000 + 30)
    clock.advance(29_999)
    await one.rooms.check_flag(code)
    assert "game_ended" not in white_socket.tags()
    clock.advance(1)
    assert await live.due(Deadline.CLOCK, clock.now_ms() / 1000) == [code]
    await one.rooms.check_flag(code)
    for socket in (white_socket, black_socket):
        ended = socket.last("game_ended")
        assert (ended["result"], ended["outcome"], ended["winner"]) == ("aborted", "*", "draw")
        assert '[Termination "abandoned"]' in ended["pgn"]
    (record,) = live.queued
    assert record.reason.value == "aborted" and not record.counts
    assert code not in live.deadlines[Deadline.CLOCK]


async def test_room_commands_the_clocks_run_once_both_sides_moved(
    one: Process, live: MemoryLive, clock: FakeClock
) -> None:
    code, white_socket, _, white, black = await playing(one, live)
    await one.rooms.move(white, code, "e2e4")
    clock.advance(5_000)
    await one.rooms.move(black, code, "e7e5")
    moved = white_socket.last("move_made")
    assert moved["firstMoveDeadlineMs"] is None and moved["timeBlack"] == 60.0
    assert await live.first_due(Deadline.CLOCK) == pytest.approx(clock.now_ms() / 1000 + 60)


async def test_room_commands_the_host_chooses_a_colour(one: Process, live: MemoryLive) -> None:
    for colour, host_white in (("black", False), ("white", True), ("black", False)):
        code, _, bob = await seated(one)
        await one.rooms.start_game(ALICE, code, StartSettings(color=colour))  # type: ignore[arg-type]
        started = bob.last("game_started")
        assert (started["whitePlayerId"] == ALICE.user_id) is host_white


async def test_room_commands_a_declined_draw_is_told_to_the_offerer(one: Process, live: MemoryLive) -> None:
    code, white_socket, _, white, black = await playing(one, live)
    await one.rooms.offer_draw(white, code)
    await one.rooms.decline_draw(black, code)
    declined = white_socket.last("draw_declined")
    assert declined["byUserId"] == black.user_id and declined["roomCode"] == code
    assert white_socket.tags()[-2:] == ["draw_declined", "draw_offer_state"]


async def test_room_commands_a_takeback_by_consent_is_asked_answered_and_shown_as_available(
    one: Process, live: MemoryLive
) -> None:
    code, white_socket, black_socket, white, black = await playing(
        one, live, allow_takebacks=True, takeback_mode="consent"
    )
    game = live.rooms[code].active_game
    assert game is not None and game.settings.takeback_mode == "consent"
    await one.rooms.move(white, code, "e2e4")
    assert black_socket.last("move_made")["takebackAllowed"] == {"white": True, "black": False}
    await one.rooms.request_takeback(white, code)
    asked = black_socket.last("takeback_requested")
    assert asked["byUserId"] == white.user_id
    with pytest.raises(errors.TakebackNotPending):
        await one.rooms.accept_takeback(white, code)
    await one.rooms.decline_takeback(black, code)
    assert white_socket.last("takeback_declined")["byUserId"] == black.user_id
    await one.rooms.request_takeback(white, code)
    await one.rooms.accept_takeback(black, code)
    applied = white_socket.last("takeback_applied")
    assert applied["byUserId"] == white.user_id and applied["moves"] == []
    assert applied["takebackRequestBy"] is None


async def test_room_commands_either_player_offers_a_rematch_and_the_other_accepts(
    one: Process, live: MemoryLive
) -> None:
    code, white_socket, black_socket, white, black = await playing(one, live)
    await one.rooms.resign(white, code)
    guest_socket = white_socket if white is BOB else black_socket
    host_socket = black_socket if guest_socket is white_socket else white_socket
    await one.rooms.offer_rematch(BOB, code)  # the guest: not only the host starts the next game
    offered = host_socket.last("rematch_offered")
    assert offered["byUserId"] == BOB.user_id
    assert (offered["whitePlayerId"], offered["blackPlayerId"]) == (black.user_id, white.user_id)
    await one.rooms.accept_rematch(ALICE, code)
    started = guest_socket.last("game_started")
    assert (started["whitePlayerId"], started["blackPlayerId"]) == (black.user_id, white.user_id)
    assert started["settings"]["initial_time_white"] == 60.0
    assert live.rooms[code].rematch_offer_by is None


async def test_room_commands_a_declined_rematch_is_told(one: Process, live: MemoryLive) -> None:
    code, white_socket, _, white, black = await playing(one, live)
    await one.rooms.abort(white, code)
    await one.rooms.offer_rematch(white, code)
    await one.rooms.decline_rematch(black, code)
    assert white_socket.last("rematch_declined")["byUserId"] == black.user_id
    with pytest.raises(errors.RematchNotPending):
        await one.rooms.accept_rematch(black, code)


async def test_room_commands_an_agreed_game_waits_for_the_first_moves_too(
    one: Process, live: MemoryLive, clock: FakeClock
) -> None:
    code = "PAIRAAAA"
    live.pairs[code] = (ALICE.user_id, BOB.user_id)
    live.agreed[code] = AgreedGame("ch-1", BOB.user_id, ALICE.user_id, GameSettings(60_000, 60_000))
    alice, bob = one.socket(ALICE), one.socket(BOB)
    await one.rooms.join(ALICE, alice, code)
    await one.rooms.join(BOB, bob, code)
    started = alice.last("game_started")
    assert started["whitePlayerId"] == BOB.user_id
    assert started["firstMoveDeadlineMs"] == clock.now_ms() + 30_000
