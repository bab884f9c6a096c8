"""Signing in with a password, guarded (security review F5): failures are counted per
account and per client address and answered :class:`~kasasu.errors.Throttled` beyond the
limits; at most a few argon2 verifications run at once, so guessing cannot starve the server.

The guard's counts live in this process (see :mod:`kasasu.kit.ratelimit`); the composition
root makes one guard per application from the settings.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput, KasasuError, Throttled, Unauthenticated
from kasasu.kit.i18n import _
from kasasu.kit.ratelimit import SlidingWindow
from kasasu.users.schemas import UserRead
from kasasu.users.service import change_password, verify_password


@dataclass(frozen=True)
class SignInLimits:
    per_account: int = 5  # failed sign-ins of one email ...
    per_address: int = 20  # ... or from one client address ...
    window_seconds: int = 900  # ... within this many seconds; then 429 until one expires
    password_checks: int = 2  # argon2 verifications at the same time


class SignInGuard:
    def __init__(
        self,
        limits: SignInLimits = SignInLimits(),
        clock: Callable[[], float] = time.monotonic,
        queue_seconds: float = 2.0,
    ) -> None:
        window = limits.window_seconds
        self.accounts = SlidingWindow(limits.per_account, window, clock=clock)
        self.addresses = SlidingWindow(limits.per_address, window, clock=clock)
        self.checks = threading.BoundedSemaphore(limits.password_checks)
        self.queue_seconds = queue_seconds  # a sign-in waits this long for a free check


def sign_in(
    session: Session, guard: SignInGuard, email: str, password: str, address: str
) -> UserRead:
    """The user whose email and password these are; Unauthenticated when wrong, Throttled
    when the account or the address failed too often lately or too many checks are running."""
    account = email.strip().lower()
    return _guarded(
        guard,
        account,
        address,
        lambda: verify_password(session, account, password),
        Unauthenticated,
    )


def change_own_password(
    session: Session, guard: SignInGuard, user: UserRead, passwords: tuple[str, str], address: str
) -> UserRead:
    """A signed-in user changes their password (``passwords``: current, new), counted like a
    sign-in: a stolen session cannot
    guess the current password faster than the sign-in page would let it."""
    return _guarded(
        guard,
        user.email.lower(),
        address,
        lambda: change_password(session, user.id, *passwords),
        InvalidInput,
    )


def _guarded(
    guard: SignInGuard,
    account: str,
    address: str,
    check: Callable[[], UserRead],
    failure: type[KasasuError],
) -> UserRead:
    wait = max(guard.accounts.wait(account), guard.addresses.wait(address))
    if wait:
        minutes = math.ceil(wait / 60)
        raise Throttled(
            _("Too many failed sign-ins. Try again in {minutes} minutes.", minutes=minutes), wait
        )
    if not guard.checks.acquire(timeout=guard.queue_seconds):
        raise Throttled(_("Too many sign-ins at the same time. Try again in a moment."), 1)
    try:
        user = check()
    except failure:
        guard.accounts.add(account)
        guard.addresses.add(address)
        raise
    finally:
        guard.checks.release()
    guard.accounts.clear(account)
    return user
