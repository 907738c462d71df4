"""Random sequences of what players and timers do to a room keep the room's invariants."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chesschat.domain import errors
from chesschat.domain import game as g
from chesschat.domain import room as r
from chesschat.domain.events import GameEnded, ReconnectState
from tests.domain.support import settings as game_settings

TTL = 120_000
GRACE = 12_000
PLAYERS = (
    r.Player("user-a", "a", "Ann"),
    r.Player("user-b", "b", "Ben"),
    r.Player("user-c", "c", "Cid"),
)
ORDER = {"waiting": 0, "active": 1, "teardown": 2, "terminal": 3}
ACTIONS = (
    ["join"] * 3
    + ["drop"] * 2
    + ["start"] * 3
    + ["move"] * 16
    + ["leave", "resign", "draw", "check_flag", "expire_grace", "expire"]
)
GAPS = [0, 1, 200, 1_000, 1_000, 2_000, 3_000, 13_000, 40_000]


def _check(room: r.Room, before: r.Room, t: r.Transition, now: int) -> None:
    assert ORDER[room.status] >= ORDER[before.status]
    assert room.reconnect_version >= before.reconnect_version
    seated = [p.user_id for p in room.participants]
    assert len(seated) == len(set(seated)) <= 2
    assert room.host_user_id == before.host_user_id
    for user_id, _ in room.grace:
        seat = room.participant(user_id)
        assert seat is not None and not seat.connected
    if room.status == "teardown":
        assert room.active_game is None
        assert room.grace == ()
    game = room.active_game
    if game is not None:
        assert game.result is None
        assert game.paused == bool(room.grace)
        if not game.paused:
            assert all(p.connected for p in room.participants)
        for color in ("white", "black"):
            assert game.remaining_ms(color, now) >= 0
    ended = [e for e in t.events if isinstance(e, GameEnded)]
    assert len(ended) == len(t.finished) == len(room.games_played) - len(before.games_played)
    for ending, record in zip(ended, t.finished, strict=True):
        assert ending.game.result is not None
        assert record.game_id == ending.game.game_id == room.games_played[-1].game_id
        assert record.reason not in (g.Reason.FIVEFOLD_REPETITION, g.Reason.SEVENTYFIVE_MOVES)
    paused = [e for e in t.events if isinstance(e, ReconnectState) and e.status == "paused"]
    assert len(paused) == len(set(room.grace) - set(before.grace))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_room_random_sequences_keep_the_invariants(data: st.DataObject) -> None:
    now = 0
    joins = 0
    room = r.open_room("ABCD2345", PLAYERS[0], "conn-0", now, TTL).room
    if data.draw(st.booleans(), label="second player seated"):
        room = r.join(room, PLAYERS[1], "conn-00", now, TTL).room
    for _ in range(data.draw(st.integers(1, 150), label="steps")):
        now += data.draw(st.sampled_from(GAPS), label="gap")
        action = data.draw(st.sampled_from(ACTIONS), label="action")
        who = data.draw(st.sampled_from(PLAYERS), label="who")
        seat = room.participant(who.user_id)
        game = room.active_game
        change: r.Transition | None
        try:
            if action == "join":
                joins += 1
                change = r.join(room, who, f"conn-{joins}", now, TTL)
            elif action == "drop":
                conn = seat.connection_id if seat else None
                change = r.drop(room, who.user_id, conn or "conn-none", now, GRACE)
            elif action == "leave":
                change = r.leave(room, who.user_id, now, GRACE)
            elif action == "start":
                host = room.host_user_id  # others are refused, as the unit tests show
                change = r.start_game(room, host, game_settings(20_000), f"game-{now}", True, now, TTL)
            elif action == "move":
                if game is None:
                    continue
                text = data.draw(st.sampled_from(game.legal_moves), label="move")
                change = r.move(room, g.board_of(game), game.player_to_move, text, now, TTL)
            elif action == "resign":
                change = r.resign(room, who.user_id, now, TTL)
            elif action == "draw":
                offered = r.offer_draw(room, who.user_id, now, TTL)
                other = offered.room.opponent_of(who.user_id)
                assert other is not None
                change = r.accept_draw(offered.room, other.user_id, now, TTL)
            elif action == "check_flag":
                change = r.check_flag(room, now)
            elif action == "expire_grace":
                change = r.expire_grace(room, now)
            else:
                change = r.expire(room, now)
        except errors.DomainError:
            continue
        if change is None:
            continue
        _check(change.room, room, change, now)
        room = change.room
    event(f"{room.status} after {len(room.games_played)} game(s)")
