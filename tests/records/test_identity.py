"""Local accounts on the record store: sign-up, log-in, sessions, on both stores."""

from __future__ import annotations

import pytest

from chesschat.services.identity import InvalidCredentials, LocalIdentity, UsernameUnavailable, token_hash
from chesschat.services.presence import Presence
from chesschat.services.records import RecordStore
from chesschat.services.sign_in_throttle import SignInThrottle, ThrottlePolicy
from tests.services.fakes import MemoryLive, MemoryLoginAttempts
from tests.support import FakeClock

ADDRESS = "192.0.2.1"


def throttle() -> SignInThrottle:
    return SignInThrottle(MemoryLoginAttempts(), FakeClock(), ThrottlePolicy(5, 50, 300, 3600))


async def test_identity_signup_login_and_logout_on_the_record_store(store: RecordStore) -> None:
    live = MemoryLive()
    identity = LocalIdentity(store, 60, throttle(), Presence(live, FakeClock(), 10, 8))
    signed_up = await identity.signup("Carlsen", "correct horse", "c@example.com")
    token, account = signed_up.token, signed_up.account
    assert account.username == "carlsen" and await identity.authenticate(token) == account
    with pytest.raises(UsernameUnavailable) as taken:
        await identity.signup("CARLSEN", "another password")
    assert taken.value.code == "CONFLICT"
    with pytest.raises(InvalidCredentials) as wrong:
        await identity.login("carlsen", "wrong password", ADDRESS)
    assert wrong.value.code == "INVALID_CREDENTIALS"
    signed_in = await identity.login("Carlsen", "correct horse", ADDRESS)
    second, again = signed_in.token, signed_in.account
    assert again.user_id == account.user_id and second != token
    assert store.session_user(second, 0) is None  # the store keeps only the token's hash
    assert store.session_user(token_hash(second), 0) == account.user_id
    logged_in = await identity.authenticate(second)
    assert logged_in is not None and logged_in.last_login_at
    await identity.logout(token)
    assert await identity.authenticate(token) is None and await identity.authenticate(second) is not None
    assert live.revoked == [token_hash(token)]  # its sockets close on every process
