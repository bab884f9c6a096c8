"""Typed errors with no HTTP in them; each delivery layer maps them in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kasasu.kit.i18n import Message


class KasasuError(Exception):
    """Base of every error a user may see; ``message`` renders in their locale."""

    # Seconds after which the same request may succeed; answered as ``Retry-After``.
    retry_after: int | None = None

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


class NotFound(KasasuError):
    pass


class Conflict(KasasuError):
    pass


class Unauthenticated(KasasuError):
    pass


class PermissionDenied(KasasuError):
    pass


class Unavailable(KasasuError):
    """A resource outside Kasasu (a database, a file lock) is not usable right now."""

    retry_after = 1


class Throttled(KasasuError):
    """Too many attempts from one client or for one target; try again after a while."""

    def __init__(self, message: Message, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field: where (``loc``), what value, and why."""

    loc: tuple[str | int, ...]
    message: Message
    value: object = None


class InvalidInput(KasasuError):
    def __init__(self, message: Message, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


# The HTTP status of each error, for both HTTP layers (the CLI has its exit codes). Invalid
# input is the caller's choice: the API answers 422, a page 400 with the form again.
HTTP_STATUS: dict[type[KasasuError], int] = {
    NotFound: 404,
    Conflict: 409,
    Unauthenticated: 401,
    PermissionDenied: 403,
    Throttled: 429,
    Unavailable: 503,
}


def http_status(error: KasasuError, invalid: int) -> int:
    """``error``'s HTTP status; ``invalid`` for invalid input (and any other error)."""
    return next((s for cls, s in HTTP_STATUS.items() if isinstance(error, cls)), invalid)
