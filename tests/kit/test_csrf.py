"""The session's CSRF token: made once, then the same; only that token matches."""

from __future__ import annotations

from typing import Any

from kasasu.kit.csrf import SESSION_CSRF, session_token, token_matches


def test_a_session_has_one_token_and_only_it_matches() -> None:
    session: dict[str, Any] = {}
    token = session_token(session)
    assert len(token) == 43  # 256 random bits, URL-safe
    assert session == {SESSION_CSRF: token}
    assert session_token(session) == token
    assert token_matches(token, token)
    for expected, sent in ((token, None), (token, ""), (token, token[:-1]), (None, token),
                           ("", "")):  # fmt: skip
        assert not token_matches(expected, sent), (expected, sent)
