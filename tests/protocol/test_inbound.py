"""Every client frame is parsed into its own message class, or refused with a catalogue code:
nothing a client sends can reach a handler incomplete."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chesschat.protocol import inbound

CODE = "abcd2345"
EVERY_FRAME: list[tuple[dict[str, Any], inbound.ClientMessage]] = [
    ({"type": "heartbeat"}, inbound.Heartbeat()),
    ({"type": "create_room"}, inbound.CreateRoom()),
    ({"type": "join_room", "roomCode": CODE}, inbound.JoinRoom("ABCD2345")),
    ({"type": "leave_room", "roomCode": CODE}, inbound.LeaveRoom("ABCD2345")),
    ({"type": "start_game", "roomCode": CODE}, inbound.StartGame("ABCD2345", inbound.StartSettings())),
    ({"type": "make_move", "roomCode": CODE, "move": "e2e4"}, inbound.MakeMove("ABCD2345", "e2e4")),
    ({"type": "resign", "roomCode": CODE}, inbound.Resign("ABCD2345")),
    ({"type": "request_takeback", "roomCode": CODE}, inbound.RequestTakeback("ABCD2345")),
    ({"type": "accept_takeback", "roomCode": CODE}, inbound.AcceptTakeback("ABCD2345")),
    ({"type": "decline_takeback", "roomCode": CODE}, inbound.DeclineTakeback("ABCD2345")),
    ({"type": "offer_draw", "roomCode": CODE}, inbound.OfferDraw("ABCD2345")),
    ({"type": "accept_draw", "roomCode": CODE}, inbound.AcceptDraw("ABCD2345")),
    ({"type": "decline_draw", "roomCode": CODE}, inbound.DeclineDraw("ABCD2345")),
    ({"type": "cancel_draw", "roomCode": CODE}, inbound.CancelDraw("ABCD2345")),
    ({"type": "abort", "roomCode": CODE}, inbound.Abort("ABCD2345")),
    ({"type": "offer_rematch", "roomCode": CODE}, inbound.OfferRematch("ABCD2345")),
    ({"type": "accept_rematch", "roomCode": CODE}, inbound.AcceptRematch("ABCD2345")),
    ({"type": "decline_rematch", "roomCode": CODE}, inbound.DeclineRematch("ABCD2345")),
    ({"type": "signal", "roomCode": CODE, "data": {"sdp": "x"}}, inbound.Signal("ABCD2345", {"sdp": "x"})),
    ({"type": "chat", "roomCode": CODE, "text": "  gg <b>wp</b> "}, inbound.Chat("ABCD2345", "gg <b>wp</b>")),
    ({"type": "video_refresh", "roomCode": CODE}, inbound.VideoRefresh("ABCD2345")),
    ({"type": "watch_room", "roomCode": CODE}, inbound.WatchRoom("ABCD2345")),
    ({"type": "set_watching", "roomCode": CODE, "allowed": False}, inbound.SetWatching("ABCD2345", False)),
]


@pytest.mark.parametrize(("frame", "expected"), EVERY_FRAME, ids=lambda v: v["type"] if isinstance(v, dict) else "")
def test_inbound_each_tag_parses_into_its_own_message(frame: dict[str, Any], expected: inbound.ClientMessage) -> None:
    parsed = inbound.parse(orjson.dumps(frame))
    assert parsed == expected
    assert frame["type"] == type(parsed).TYPE


@pytest.mark.parametrize("color", ["white", "black", "random", None])
def test_inbound_start_game_reads_the_colour_and_the_takeback_mode(color: str | None) -> None:
    settings = {"allowTakebacks": True, "takebackMode": "consent", "color": color}
    parsed = inbound.parse(orjson.dumps({"type": "start_game", "roomCode": CODE, "settings": settings}))
    assert isinstance(parsed, inbound.StartGame)
    assert parsed.settings.color == color and parsed.settings.takeback_mode == "consent"
    plain = inbound.parse(orjson.dumps({"type": "start_game", "roomCode": CODE, "settings": {}}))
    assert isinstance(plain, inbound.StartGame) and plain.settings.takeback_mode == "unilateral"


def test_inbound_every_client_tag_has_a_message_class() -> None:
    assert {frame["type"] for frame, _ in EVERY_FRAME} == inbound.CLIENT_TAGS


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (b"{not json", "BAD_JSON"),
        (b"[1, 2]", "INVALID_PAYLOAD"),
        (b'{"type": 7}', "INVALID_PAYLOAD"),
        (b'{"type": "fly"}', "UNKNOWN_EVENT"),
        (b'{"type": "resign"}', "INVALID_ROOM_CODE"),
        (b'{"type": "resign", "roomCode": "short"}', "INVALID_ROOM_CODE"),
        (b'{"type": "make_move", "roomCode": "ABCD2345"}', "INVALID_PAYLOAD"),
        (b'{"type": "make_move", "roomCode": "ABCD2345", "move": ""}', "INVALID_PAYLOAD"),
        (b'{"type": "make_move", "roomCode": "ABCD2345", "move": ["e2e4"]}', "INVALID_PAYLOAD"),
        (b'{"type": "start_game", "roomCode": "ABCD2345", "settings": []}', "INVALID_PAYLOAD"),
        (b'{"type": "start_game", "roomCode": "ABCD2345", "settings": {"timeWhiteSeconds": "5"}}', "INVALID_PAYLOAD"),
        (b'{"type": "start_game", "roomCode": "ABCD2345", "settings": {"takebacksWhite": 1.5}}', "INVALID_PAYLOAD"),
        (b'{"type": "start_game", "roomCode": "ABCD2345", "settings": {"allowTakebacks": 1}}', "INVALID_PAYLOAD"),
        (b'{"type": "start_game", "roomCode": "ABCD2345", "settings": {"takebackMode": "ask"}}', "INVALID_PAYLOAD"),
        (b'{"type": "start_game", "roomCode": "ABCD2345", "settings": {"color": "red"}}', "INVALID_PAYLOAD"),
        (b'{"type": "start_game", "roomCode": "ABCD2345", "settings": {"color": ["white"]}}', "INVALID_PAYLOAD"),
        (b'{"type": "signal", "roomCode": "ABCD2345"}', "INVALID_PAYLOAD"),
        (b'{"type": "signal", "roomCode": "ABCD2345", "data": null}', "INVALID_PAYLOAD"),
        (b'{"type": "chat", "roomCode": "ABCD2345"}', "INVALID_PAYLOAD"),
        (b'{"type": "chat", "roomCode": "ABCD2345", "text": "   "}', "INVALID_PAYLOAD"),
        (b'{"type": "watch_room"}', "INVALID_ROOM_CODE"),
        (b'{"type": "set_watching", "roomCode": "ABCD2345"}', "INVALID_PAYLOAD"),
        (b'{"type": "set_watching", "roomCode": "ABCD2345", "allowed": "no"}', "INVALID_PAYLOAD"),
    ],
)
def test_inbound_a_bad_frame_is_refused_with_its_code(frame: bytes, code: str) -> None:
    parsed = inbound.parse(frame)
    assert isinstance(parsed, inbound.Rejection) and parsed.code == code


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=16), inner, max_size=3),
    max_leaves=12,
)
FIELDS = {
    "type": st.sampled_from(sorted(inbound.CLIENT_TAGS)) | JSON,
    "roomCode": st.just(CODE) | JSON,
    "move": st.just("e2e4") | JSON,
    "settings": st.fixed_dictionaries(
        {}, optional={k: JSON for k in ("timeWhiteSeconds", "allowTakebacks", "takebackMode", "color")}
    )
    | JSON,
    "data": JSON,
}


@given(st.fixed_dictionaries({}, optional=FIELDS))
def test_inbound_parse_never_raises(fields: dict[str, Any]) -> None:
    assert isinstance(inbound.parse(orjson.dumps(fields)), inbound.ClientMessage | inbound.Rejection)


def test_inbound_a_deeply_nested_signal_is_refused_at_parse_time() -> None:
    nested = '{"a":' * 300 + '"x"' + "}" * 300  # deeper than the encoder can write back
    parsed = inbound.parse(f'{{"type": "signal", "roomCode": "{CODE}", "data": {nested}}}')
    assert isinstance(parsed, inbound.Rejection) and parsed.code == "INVALID_PAYLOAD"
    shallow = {"type": "signal", "roomCode": CODE, "data": [[{"candidate": "a=1"}]]}
    assert isinstance(inbound.parse(orjson.dumps(shallow)), inbound.Signal)
