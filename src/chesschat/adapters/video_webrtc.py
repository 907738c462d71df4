"""Browser-to-browser video: the server hands out ICE servers and relays signalling only.

TURN credentials follow coturn's REST-API scheme (``use-auth-secret``): the username is
``<unix expiry>:<user id>`` and the password is base64(HMAC-SHA1(secret, username)), so
they are short-lived and need no shared state with the TURN server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Collection
from typing import Any

from chesschat.domain.room import Room
from chesschat.protocol.outbound import VideoReady
from chesschat.services.ports import Clock, Metrics


def turn_credentials(secret: str, user_id: str, expires_at_s: int) -> tuple[str, str]:
    username = f"{expires_at_s}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


class WebRTCVideo:
    """``ttl_s`` is how long a credential lasts; ``relay_only`` makes browsers send every
    packet through TURN (when there is one), so neither player learns the other's address."""

    def __init__(
        self,
        clock: Clock,
        metrics: Metrics,
        stun_urls: list[str],
        turn_urls: list[str],
        turn_secret: str | None,
        ttl_s: int,
        relay_only: bool = False,
    ) -> None:
        self.clock = clock
        self.metrics = metrics
        self.stun_urls = stun_urls
        self.turn_urls = turn_urls
        self.turn_secret = turn_secret
        self.ttl_s = ttl_s
        self.relay_only = relay_only

    def ice_servers(self, user_id: str) -> tuple[list[dict[str, Any]], int | None]:
        """The ICE servers for ``user_id``, and when their TURN credentials expire (epoch
        seconds; ``None`` without TURN)."""
        servers: list[dict[str, Any]] = []
        if self.stun_urls:
            servers.append({"urls": self.stun_urls})
        expires = None
        if self.turn_urls and self.turn_secret:
            expires = self.clock.now_ms() // 1000 + self.ttl_s
            username, credential = turn_credentials(self.turn_secret, user_id, expires)
            servers.append({"urls": self.turn_urls, "username": username, "credential": credential})
            self.metrics.incr("TurnCredentialsIssued")
        return servers, expires

    def ready(self, room: Room, user_id: str) -> VideoReady:
        peer = room.opponent_of(user_id)
        servers, expires = self.ice_servers(user_id)
        relay = self.relay_only and expires is not None
        return VideoReady(
            room_code=room.code,
            provider="webrtc",
            ice_servers=tuple(servers),
            polite=user_id != room.host_user_id,
            peer_user_id=None if peer is None else peer.user_id,
            ice_transport_policy="relay" if relay else "all",
            credentials_expire_at_ms=None if expires is None else expires * 1000,
        )

    async def prepare(self, room: Room, user_ids: Collection[str]) -> dict[str, Any] | None:
        """Nothing to set up: the browsers connect to each other."""
        return None

    async def close(self, room: Room) -> None:
        """Nothing to release: the browsers close their peer connection."""
