"""Friends, challenges, pair rooms and notifications over real HTTP, in the original
ChessChat's paths and shapes, and every operation's refusals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from chesschat.adapters.redis_live import room_key
from tests.support import Client, ServerThread, eventually, signup


class User:
    def __init__(self, server: ServerThread) -> None:
        self.server = server
        self.account = signup(server.base_url)
        self.id: str = self.account["user"]["user_id"]
        self.name: str = self.account["user"]["username"]

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        headers = {"authorization": f"Bearer {self.account['token']}"}
        return httpx.request(method, f"{self.server.base_url}{path}", headers=headers, json=body, params=params)

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        response = self.call(method, path, body, **params)
        assert response.status_code in (200, 201, 204), response.text
        return response.json() if response.content else None


def befriend(a: User, b: User) -> None:
    request = a.ok("POST", "/api/friends/requests", {"username": b.name})["request"]
    b.ok("POST", f"/api/friends/requests/{request['request_id']}/respond", {"action": "accept"})


def kinds(user: User) -> list[str]:
    return [n["type"] for n in user.ok("GET", "/api/notifications")["notifications"]]


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


async def test_social_http_friend_request_accepted_makes_friends_with_online_status(server: ServerThread) -> None:
    ann, bob = User(server), User(server)
    sent = ann.call("POST", "/api/friends/requests", {"username": f"  {bob.name.upper()} "})
    assert sent.status_code == 201
    request = sent.json()["request"]
    assert request["status"] == "pending" and request["request_id"].startswith("fr_")
    assert (request["sender_user_id"], request["recipient_user_id"]) == (ann.id, bob.id)
    assert (request["sender_username"], request["recipient_username"]) == (ann.name, bob.name)
    assert bob.ok("GET", "/api/friends/requests") == {"received": [request], "sent": []}
    assert ann.ok("GET", "/api/friends/requests") == {"received": [], "sent": [request]}
    (note,) = bob.ok("GET", "/api/notifications")["notifications"]
    assert note["type"] == "friend_request" and note["entity_id"] == request["request_id"] and not note["read"]
    assert set(note) == {
        "user_id", "notification_id", "type", "title", "message", "entity_id", "read", "created_at", "updated_at"
    }  # fmt: skip

    answered = bob.ok("POST", f"/api/friends/requests/{request['request_id']}/respond", {"action": "accept"})
    assert answered["request"]["status"] == "accepted"
    assert "friend_accepted" in kinds(ann)
    (friend,) = ann.ok("GET", "/api/friends")["friends"]
    assert (friend["user_id"], friend["friend_user_id"], friend["friend_username"]) == (ann.id, bob.id, bob.name)
    assert friend["online"] is False
    socket = await Client.connect(server.ws_url, bob.account)
    try:
        assert ann.ok("GET", "/api/friends")["friends"][0]["online"] is True
    finally:
        await socket.close()
    assert bob.ok("GET", "/api/friends")["friends"][0]["friend_user_id"] == ann.id

    assert ann.call("DELETE", f"/api/friends/{bob.id}").status_code == 204
    assert ann.ok("GET", "/api/friends") == {"friends": []} == bob.ok("GET", "/api/friends")
    refused(ann.call("DELETE", f"/api/friends/{bob.id}"), 404, "NOT_FOUND")


async def test_social_http_friend_requests_declined_cancelled_and_refused(server: ServerThread) -> None:
    ann, bob = User(server), User(server)
    refused(ann.call("POST", "/api/friends/requests", {"username": "nobody-here"}), 404, "NOT_FOUND")
    refused(ann.call("POST", "/api/friends/requests", {"username": ann.name}), 409, "CONFLICT")
    first = ann.ok("POST", "/api/friends/requests", {"username": bob.name})["request"]
    refused(ann.call("POST", "/api/friends/requests", {"username": bob.name}), 409, "CONFLICT")
    path = f"/api/friends/requests/{first['request_id']}"
    refused(bob.call("POST", f"{path}/respond", {"action": "maybe"}), 422, "INVALID_PAYLOAD")
    refused(ann.call("POST", f"{path}/respond", {"action": "accept"}), 404, "NOT_FOUND")
    assert bob.ok("POST", f"{path}/respond", {"action": "decline"})["request"]["status"] == "declined"
    refused(bob.call("POST", f"{path}/respond", {"action": "accept"}), 409, "CONFLICT")
    second = ann.ok("POST", "/api/friends/requests", {"username": bob.name})["request"]
    refused(bob.call("POST", f"/api/friends/requests/{second['request_id']}/cancel"), 404, "NOT_FOUND")
    cancelled = ann.ok("POST", f"/api/friends/requests/{second['request_id']}/cancel")
    assert cancelled["request"]["status"] == "canceled"
    assert bob.ok("GET", "/api/friends/requests") == {"received": [], "sent": []}


async def test_social_http_challenge_accepted_returns_the_pair_room(server: ServerThread) -> None:
    ann, bob = User(server), User(server)
    refused(ann.call("POST", "/api/challenges", {"username": bob.name}), 404, "NOT_FOUND")
    refused(ann.call("POST", "/api/challenges", {"username": ann.name}), 409, "CONFLICT")
    befriend(ann, bob)
    for beyond in ({"timeWhiteSeconds": 3 * 3600 + 1}, {"incrementSeconds": 181}):  # the server's game limits
        refused(ann.call("POST", "/api/challenges", {"username": bob.name, "settings": beyond}), 422, "INVALID_PAYLOAD")
    settings = {"timeWhiteSeconds": 180, "incrementSeconds": 2, "color": "white"}
    made = ann.call("POST", "/api/challenges", {"username": bob.name, "settings": settings})
    assert made.status_code == 201
    challenge = made.json()["challenge"]
    assert challenge["status"] == "pending" and challenge["room_code"] is None
    assert challenge["settings"]["timeWhiteSeconds"] == 180 and challenge["settings"]["color"] == "white"
    assert (challenge["challenger_user_id"], challenge["challenged_username"]) == (ann.id, bob.name)
    assert bob.ok("GET", "/api/challenges") == {"challenges": [challenge]} == ann.ok("GET", "/api/challenges")
    assert "challenge_received" in kinds(bob)

    path = f"/api/challenges/{challenge['challenge_id']}"
    refused(ann.call("POST", f"{path}/accept"), 403, "UNAUTHORIZED")
    accepted = bob.ok("POST", f"{path}/accept")["challenge"]
    pair = ann.ok("GET", "/api/rooms/pair", username=bob.name)
    assert accepted["status"] == "active" and accepted["room_code"] == pair["room_code"]
    assert pair["opponent"] == {"user_id": bob.id, "username": bob.name, "display_name": bob.name}
    assert bob.ok("GET", "/api/rooms/pair", username=ann.name)["room_code"] == pair["room_code"]
    assert bob.ok("POST", f"{path}/accept")["challenge"]["room_code"] == pair["room_code"]
    assert "challenge_accepted" in kinds(ann)
    refused(bob.call("POST", f"{path}/decline"), 409, "CONFLICT")


async def test_social_http_challenges_declined_and_cancelled(server: ServerThread) -> None:
    ann, bob = User(server), User(server)
    befriend(ann, bob)
    first = ann.ok("POST", "/api/challenges", {"username": bob.name})["challenge"]
    refused(bob.call("POST", f"/api/challenges/{first['challenge_id']}/cancel"), 403, "UNAUTHORIZED")
    assert bob.ok("POST", f"/api/challenges/{first['challenge_id']}/decline")["challenge"]["status"] == "declined"
    assert "challenge_declined" in kinds(ann)
    second = ann.ok("POST", "/api/challenges", {"username": bob.name})["challenge"]
    assert ann.ok("POST", f"/api/challenges/{second['challenge_id']}/cancel")["challenge"]["status"] == "canceled"
    assert "challenge_canceled" in kinds(bob)
    assert bob.ok("GET", "/api/challenges") == {"challenges": []}
    refused(bob.call("POST", f"/api/challenges/{second['challenge_id']}/accept"), 409, "CONFLICT")


async def test_social_http_expired_challenge_is_refused(server: ServerThread) -> None:
    ann, bob = User(server), User(server)
    befriend(ann, bob)
    challenge = ann.ok("POST", "/api/challenges", {"username": bob.name})["challenge"]
    server.clock.advance(15 * 60 * 1000)
    assert bob.ok("GET", "/api/challenges") == {"challenges": []}
    refused(bob.call("POST", f"/api/challenges/{challenge['challenge_id']}/accept"), 409, "CONFLICT")


async def test_social_http_notifications_marked_read(server: ServerThread) -> None:
    ann, bob, cat = User(server), User(server), User(server)
    bob.ok("POST", "/api/friends/requests", {"username": ann.name})
    server.clock.advance(1)  # notifications are listed newest first, to the millisecond
    cat.ok("POST", "/api/friends/requests", {"username": ann.name})
    newest, older = ann.ok("GET", "/api/notifications")["notifications"]
    refused(bob.call("POST", f"/api/notifications/{older['notification_id']}/read"), 404, "NOT_FOUND")
    assert ann.call("POST", f"/api/notifications/{older['notification_id']}/read").status_code == 204
    assert [n["read"] for n in ann.ok("GET", "/api/notifications")["notifications"]] == [False, True]
    assert ann.ok("POST", "/api/notifications/read-all") == {"updated": 1}
    assert all(n["read"] for n in ann.ok("GET", "/api/notifications")["notifications"])
    assert newest["message"].startswith(cat.name)


async def test_social_http_pair_room_refusals(server: ServerThread) -> None:
    ann = User(server)
    refused(ann.call("GET", "/api/rooms/pair", username="nobody-here"), 404, "NOT_FOUND")
    refused(ann.call("GET", "/api/rooms/pair", username=ann.name), 409, "CONFLICT")
    refused(ann.call("GET", "/api/rooms/pair"), 422, "INVALID_PAYLOAD")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/friends"),
        ("DELETE", "/api/friends/6f1c1e4e-8d1a-4b7e-9a55-0c6b1f2d3e4f"),
        ("GET", "/api/friends/requests"),
        ("POST", "/api/friends/requests"),
        ("POST", "/api/friends/requests/fr_1/respond"),
        ("POST", "/api/friends/requests/fr_1/cancel"),
        ("GET", "/api/challenges"),
        ("POST", "/api/challenges"),
        ("POST", "/api/challenges/ch_1/accept"),
        ("POST", "/api/challenges/ch_1/decline"),
        ("POST", "/api/challenges/ch_1/cancel"),
        ("GET", "/api/notifications"),
        ("POST", "/api/notifications/ntf_1/read"),
        ("POST", "/api/notifications/read-all"),
        ("GET", "/api/rooms/pair?username=someone"),
    ],
)
def test_social_http_refuses_without_a_session(server: ServerThread, method: str, path: str) -> None:
    body = {"username": "someone", "action": "accept"} if method == "POST" else None
    for headers in ({}, {"authorization": "Bearer not-a-session"}):
        response = httpx.request(method, f"{server.base_url}{path}", json=body, headers=headers)
        refused(response, 401, "UNAUTHORIZED")


async def test_social_http_ids_of_others_are_not_found(server: ServerThread) -> None:
    ann, bob, eve = User(server), User(server), User(server)
    request = ann.ok("POST", "/api/friends/requests", {"username": bob.name})["request"]
    bob.ok("POST", f"/api/friends/requests/{request['request_id']}/respond", {"action": "accept"})
    challenge = ann.ok("POST", "/api/challenges", {"username": bob.name})["challenge"]
    (note,) = [n for n in bob.ok("GET", "/api/notifications")["notifications"] if n["type"] == "challenge_received"]
    for method, path, body in (
        ("POST", f"/api/friends/requests/{request['request_id']}/respond", {"action": "decline"}),
        ("POST", f"/api/friends/requests/{request['request_id']}/cancel", None),
        ("POST", f"/api/challenges/{challenge['challenge_id']}/accept", None),
        ("POST", f"/api/challenges/{challenge['challenge_id']}/decline", None),
        ("POST", f"/api/challenges/{challenge['challenge_id']}/cancel", None),
        ("POST", f"/api/notifications/{note['notification_id']}/read", None),
        ("DELETE", f"/api/friends/{ann.id}", None),
        ("POST", "/api/challenges/ch_unknown/accept", None),
    ):
        refused(eve.call(method, path, body), 404, "NOT_FOUND")
    assert bob.ok("GET", "/api/challenges")["challenges"][0]["status"] == "pending"


async def test_social_http_notification_reaches_every_socket_of_the_recipient_on_any_process(
    make_server: Callable[..., ServerThread], tmp_path: Path
) -> None:
    first, second = make_server(data_dir=tmp_path / "shared"), make_server(data_dir=tmp_path / "shared")
    ann, bob = User(first), User(first)
    here, there = await Client.connect(first.ws_url, bob.account), await Client.connect(second.ws_url, bob.account)
    sender = await Client.connect(second.ws_url, ann.account)
    try:
        request = ann.ok("POST", "/api/friends/requests", {"username": bob.name})["request"]
        (listed,) = bob.ok("GET", "/api/notifications")["notifications"]
        for socket in (there, here):
            frame = await socket.expect("notification")
            assert frame == {"type": "notification", "notification": listed}
            assert frame["notification"]["entity_id"] == request["request_id"]
        bob.ok("POST", f"/api/friends/requests/{request['request_id']}/respond", {"action": "accept"})
        accepted = await sender.expect("notification")
        assert accepted["notification"]["type"] == "friend_accepted"
    finally:
        for socket in (here, there, sender):
            await socket.close()


async def test_social_http_pair_room_seats_the_two_friends_only_and_reopens_under_its_code(
    server: ServerThread, clean_redis: str
) -> None:
    ann, bob, eve = User(server), User(server), User(server)
    code = ann.ok("GET", "/api/rooms/pair", username=bob.name)["room_code"]
    a, b, e = [await Client.connect(server.ws_url, user.account) for user in (ann, bob, eve)]
    try:
        assert (await e.error({"type": "join_room", "roomCode": code}))["code"] == "ROOM_NOT_FOUND"
        await a.send({"type": "join_room", "roomCode": code.lower()})
        assert (await a.expect("room_joined"))["hostUserId"] == ann.id
        assert (await e.error({"type": "join_room", "roomCode": code}))["code"] == "ROOM_FULL"
        await b.send({"type": "join_room", "roomCode": code})
        await b.expect("video_ready")
        await a.send({"type": "leave_room", "roomCode": code})
        assert (await b.expect("room_closed"))["reason"] == "left"
        client = redis.Redis.from_url(clean_redis)
        assert eventually(lambda: not client.exists(room_key(code)))
        client.close()
        await b.send({"type": "join_room", "roomCode": code})
        reopened = await b.expect("room_joined")
        assert reopened["roomCode"] == code and reopened["hostUserId"] == bob.id
        assert (await e.error({"type": "join_room", "roomCode": code}))["code"] == "ROOM_FULL"
    finally:
        for socket in (a, b, e):
            await socket.close()


async def test_social_http_accepted_challenge_starts_its_game_when_both_sit_down(server: ServerThread) -> None:
    ann, bob = User(server), User(server)
    befriend(ann, bob)
    settings = {"timeWhiteSeconds": 180, "incrementSeconds": 2, "color": "white"}
    challenge = ann.ok("POST", "/api/challenges", {"username": bob.name, "settings": settings})["challenge"]
    a = await Client.connect(server.ws_url, ann.account)
    b = await Client.connect(server.ws_url, bob.account)
    try:
        code = bob.ok("POST", f"/api/challenges/{challenge['challenge_id']}/accept")["challenge"]["room_code"]
        told = await a.expect("challenge_accepted")
        assert told["roomCode"] == code and told["challengeId"] == challenge["challenge_id"]
        assert told["by"] == {"userId": bob.id, "username": bob.name}
        await b.send({"type": "join_room", "roomCode": code})
        assert (await b.expect("room_joined"))["roomCode"] == code
        await a.send({"type": "join_room", "roomCode": told["roomCode"]})
        # Nobody presses Start: the challenge's game begins, ann white as she asked, 3+2.
        for socket in (a, b):
            started = await socket.expect("game_started")
            assert (started["whitePlayerId"], started["blackPlayerId"]) == (ann.id, bob.id)
            assert (started["timeWhite"], started["timeBlack"]) == (180, 180)
            assert started["settings"]["increment_seconds"] == 2
        await a.send({"type": "make_move", "roomCode": code, "move": "e4"})
        assert (await b.expect("move_made"))["moveSan"] == "e4"
    finally:
        await a.close()
        await b.close()
