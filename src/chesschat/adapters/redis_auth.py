"""Sign-in state shared by every process, in Redis: sessions of a Cognito sign-in (the
pool's tokens, the refresh token sealed), who holds which sessions, the time before which
an account's tokens are refused, and half-done sign-ins (an MFA step, a Google round trip).

Keys: ``auth_session:{token hash}`` (a hash, expiring with the session),
``auth_user_sessions:{user id}`` (a set of token hashes), ``auth_revoked:{user id}`` (epoch
seconds), ``auth_pending:{kind}:{key}`` (a string, read once for ``take``).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from cryptography.fernet import Fernet, InvalidToken


def session_key(key: str) -> str:
    return f"auth_session:{key}"


def user_sessions_key(user_id: str) -> str:
    return f"auth_user_sessions:{user_id}"


class RedisAuth:
    def __init__(self, client: aioredis.Redis) -> None:
        # redis-py's stubs type replies as bytes | str; this client answers bytes.
        self.redis: Any = client

    async def put_session(self, key: str, user_id: str, fields: dict[str, str], ttl_s: int) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(session_key(key), mapping={"user_id": user_id, **fields})
            pipe.expire(session_key(key), ttl_s)
            pipe.sadd(user_sessions_key(user_id), key)
            pipe.expire(user_sessions_key(user_id), ttl_s)
            await pipe.execute()

    async def session(self, key: str) -> dict[str, str] | None:
        raw = await self.redis.hgetall(session_key(key))
        return {k.decode(): v.decode() for k, v in raw.items()} if raw else None

    async def update_session(self, key: str, fields: dict[str, str]) -> None:
        # Only a session that still exists is updated: a sign-out meanwhile stays one.
        if await self.redis.exists(session_key(key)):
            await self.redis.hset(session_key(key), mapping=fields)

    async def drop_user_sessions(self, user_id: str) -> int:
        keys = [k.decode() for k in await self.redis.smembers(user_sessions_key(user_id))]
        if keys:
            await self.redis.delete(*(session_key(k) for k in keys))
        await self.redis.delete(user_sessions_key(user_id))
        return len(keys)

    async def revoke_before(self, user_id: str, at_s: float, ttl_s: int) -> None:
        await self.redis.set(f"auth_revoked:{user_id}", str(at_s), ex=ttl_s)

    async def revoked_before(self, user_id: str) -> float | None:
        value = await self.redis.get(f"auth_revoked:{user_id}")
        return None if value is None else float(value)

    async def put_pending(self, kind: str, key: str, value: str, ttl_s: int) -> None:
        await self.redis.set(f"auth_pending:{kind}:{key}", value, ex=ttl_s)

    async def pending(self, kind: str, key: str) -> str | None:
        value = await self.redis.get(f"auth_pending:{kind}:{key}")
        return None if value is None else value.decode()

    async def take_pending(self, kind: str, key: str) -> str | None:
        value = await self.redis.getdel(f"auth_pending:{kind}:{key}")
        return None if value is None else value.decode()


class FernetSealer:
    """Seals text with a Fernet key (AES-128-CBC and HMAC-SHA256); a text sealed with
    another key, or altered, opens as empty."""

    def __init__(self, key: bytes) -> None:
        self.fernet = Fernet(key)

    def seal(self, text: str) -> str:
        return self.fernet.encrypt(text.encode()).decode() if text else ""

    def open(self, sealed: str) -> str:
        if not sealed:
            return ""
        try:
            return self.fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return ""


def sealing_key(configured: str | None, data_dir: Path) -> bytes:
    """The key sessions are sealed with: the configured one (any text; it is hashed to a
    Fernet key), else one made once and kept in the data dir, for one machine."""
    if configured:
        return base64.urlsafe_b64encode(hashlib.sha256(configured.encode()).digest())
    path = data_dir / "session-key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_bytes().strip()
