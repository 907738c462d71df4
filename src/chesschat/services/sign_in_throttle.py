"""How long a sign-in must wait after failed ones, per account and per client address.

A few failures are free. After them, each further attempt must wait 1 s after the latest
failure, then twice as long after each further one, up to a few minutes: guessing becomes
slow, and the owner of an account someone is guessing at gets back in once the wait is over,
instead of being locked out. An attempt refused for waiting is not counted, so refusals
never lengthen the wait.

An attempt is counted as failed before its password is checked, and taken back if it
succeeds, so that parallel attempts cannot all pass through one opening: only the first of
them to be counted finds the count it was checked against, and the others are refused
(counted, as the guesses they were meant to be).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chesschat.domain.errors import DomainError
from chesschat.services.ports import Clock, LoginAttempts, LoginFailures


class TooManyAttempts(DomainError):
    """Too many failed sign-ins for the account or from the address: try again later."""

    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"Too many failed sign-ins; try again in {retry_after_s} s.")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free_per_account: int
    free_per_address: int
    max_delay_s: float
    keep_s: int
    """How long failures are remembered after the latest."""

    def delay_s(self, failures: int, free: int) -> float:
        """How long after the latest of ``failures`` the next attempt must wait."""
        if failures < free:
            return 0.0
        # The exponent stops at 17 (a day and a half): past 1023 a float overflows.
        return min(2.0 ** min(failures - free, 17), self.max_delay_s)


class SignInThrottle:
    def __init__(self, attempts: LoginAttempts, clock: Clock, policy: ThrottlePolicy) -> None:
        self.attempts = attempts
        self.clock = clock
        self.policy = policy

    def _wait_s(self, by_account: LoginFailures, by_address: LoginFailures, now_ms: int) -> float:
        waits = (
            self.policy.delay_s(failures.count, free) - (now_ms - failures.last_ms) / 1000
            for failures, free in (
                (by_account, self.policy.free_per_account),
                (by_address, self.policy.free_per_address),
            )
        )
        return max(0.0, *waits)

    async def admit(self, account: str, address: str) -> None:
        """Let one sign-in attempt through, counted as failed until :meth:`succeeded`.

        :raises TooManyAttempts: the account or the address must wait (the attempt is not counted).
        """
        now_ms = self.clock.now_ms()
        wait_s = self._wait_s(*await self.attempts.login_failures(account, address), now_ms)
        if wait_s == 0:
            before = await self.attempts.count_login_failure(account, address, now_ms, self.policy.keep_s)
            # Another attempt was counted in between: this one is the second through the gap.
            wait_s = self._wait_s(*before, now_ms)
        if wait_s > 0:
            raise TooManyAttempts(max(1, math.ceil(wait_s)))

    async def succeeded(self, account: str, address: str) -> None:
        """The admitted attempt had the right password: the account starts afresh."""
        await self.attempts.forget_login_failure(account, address)
