"""Security review F10: a page over its time budget is stopped and answered with the 503
error page and Retry-After, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from kasasu.domain.choices import Role
from kasasu.domain.reporting import Reporting
from kasasu.kit.deadline import BudgetMiddleware
from kasasu.users.schemas import UserCreate
from kasasu.users.service import create_user
from kasasu.web import create_web
from kasasu.web.context import WebContext
from tests.support.long_reads import add_long_comments
from tests.web.conftest import PASSWORD, csrf

# ~2 s of key terms (tests/support/long_reads.py), four times the budget of 0.5 s, which
# leaves a cheap read (its first call included) room on a loaded machine.
COMMENTS = 10_000


def test_a_page_over_its_budget_is_the_503_page(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions() as s:
        add_long_comments(s, COMMENTS)
        create_user(
            s,
            UserCreate(email="l@example.com", name="L", role=Role.LEADER,
                       password=SecretStr(PASSWORD)),
        )  # fmt: skip
        s.commit()
    app = FastAPI()
    app.add_middleware(BudgetMiddleware, seconds=0.5)
    app.add_middleware(SessionMiddleware, secret_key="test-secret", https_only=False)
    ctx = WebContext(sessions, tmp_path / "events.duckdb", Reporting(locale="en"))
    create_web(app, ctx)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as web:
        form = {"email": "l@example.com", "password": PASSWORD, "next": "/",
                "csrf_token": csrf(web.get("/login").text)}  # fmt: skip
        assert web.post("/login", data=form).status_code == 303
        window = {"first": "2026-01-01", "last": "2026-01-31"}  # the comments' month
        page = web.get("/voice/comments", params=window)
        assert page.status_code == 503, page.text[:300]
        assert page.headers["retry-after"] == "1"
        assert "longer than the 0.5 s the server allows" in page.text
        assert web.get("/healthz").text == "ok"
