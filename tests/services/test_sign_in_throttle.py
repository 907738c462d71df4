"""The sign-in throttle's policy on an in-memory store of failures."""

from __future__ import annotations

import pytest

from chesschat.services.sign_in_throttle import SignInThrottle, ThrottlePolicy, TooManyAttempts
from tests.services.fakes import MemoryLoginAttempts
from tests.support import FakeClock

POLICY = ThrottlePolicy(free_per_account=3, free_per_address=5, max_delay_s=60, keep_s=3600)


@pytest.mark.parametrize(
    ("failures", "delay_s"), [(0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (8, 32), (9, 60), (40, 60), (2000, 60)]
)
def test_throttle_policy_delay_doubles_after_the_free_failures_up_to_the_longest(failures: int, delay_s: float) -> None:
    assert POLICY.delay_s(failures, POLICY.free_per_account) == delay_s


async def refused_for(throttle: SignInThrottle, account: str, address: str) -> int:
    with pytest.raises(TooManyAttempts) as refused:
        await throttle.admit(account, address)
    assert refused.value.code == "TOO_MANY_ATTEMPTS"
    return refused.value.retry_after_s


async def test_throttle_a_refused_attempt_is_not_counted() -> None:
    attempts, clock = MemoryLoginAttempts(), FakeClock(0)
    throttle = SignInThrottle(attempts, clock, POLICY)
    for _ in range(3):
        await throttle.admit("ana", "a1")
    for _ in range(5):
        assert await refused_for(throttle, "ana", "a1") == 1
    assert attempts.accounts["ana"].count == 3
    clock.advance(1000)
    await throttle.admit("ana", "a1")


async def test_throttle_a_success_clears_the_account_and_takes_back_one_from_the_address() -> None:
    attempts, clock = MemoryLoginAttempts(), FakeClock(0)
    throttle = SignInThrottle(attempts, clock, POLICY)
    for name in ("ana", "ana", "bob"):
        await throttle.admit(name, "a1")
    await throttle.admit("ana", "a1")
    await throttle.succeeded("ana", "a1")
    assert "ana" not in attempts.accounts and attempts.addresses["a1"].count == 3


async def test_throttle_the_address_waits_whatever_account_it_tries() -> None:
    throttle = SignInThrottle(MemoryLoginAttempts(), FakeClock(0), POLICY)
    for i in range(5):
        await throttle.admit(f"name{i}", "a1")
    assert await refused_for(throttle, "fresh", "a1") == 1
    await throttle.admit("fresh", "a2")
