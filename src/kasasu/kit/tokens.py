"""Bearer tokens that are stored only as their hash (sign-in links, sessions): a copy of
the database opens nothing, and a token is found by its hash with an ordinary index."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The hex SHA-256 kept in place of ``token`` (64 characters)."""
    return hashlib.sha256(token.encode()).hexdigest()
