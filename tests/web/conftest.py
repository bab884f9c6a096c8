"""A web client on the test database (rolled back), and signing in as a given role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from kasasu.domain.choices import Role
from kasasu.domain.reporting import Reporting
from kasasu.users.schemas import UserCreate
from kasasu.users.service import create_user
from kasasu.web import create_web
from kasasu.web.context import WebContext
from tests.workspace.home_data import add_home_book

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The pages, built once per worker (routes and compiled templates); each test hands
    them its context, which the handlers read from the app's state at each request."""
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test-secret", https_only=False)
    unused = tmp_path_factory.mktemp("web") / "events.duckdb"
    create_web(app, WebContext(sessionmaker(), unused, Reporting(locale="en")))
    return app


@pytest.fixture
def web_context(sessions: sessionmaker[Session], tmp_path: Path) -> WebContext:
    return WebContext(sessions, tmp_path / "events.duckdb", Reporting(locale="en"))


@pytest.fixture
def web(web_app: FastAPI, web_context: WebContext) -> Iterator[TestClient]:
    web_app.state.kasasu_web = web_context
    with TestClient(web_app, base_url="http://testserver", follow_redirects=False) as client:
        yield client


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


SignIn = Callable[[Role], int]


@pytest.fixture
def sign_in(web: TestClient, sessions: sessionmaker[Session]) -> SignIn:
    """Create a user with ``role`` and sign the client in; returns the user id."""

    def as_role(role: Role) -> int:
        with sessions() as s:
            user = create_user(
                s,
                UserCreate(
                    email=f"{role.value}@example.com",
                    name=f"{role.value.upper()} さん",
                    role=role,
                    password=SecretStr(PASSWORD),
                ),
            )
            s.commit()
        token = csrf(web.get("/login").text)
        form = {"email": user.email, "password": PASSWORD, "csrf_token": token, "next": "/"}
        assert web.post("/login", data=form).status_code == 303
        return user.id

    return as_role


@pytest.fixture
def home_book(sessions: sessionmaker[Session]) -> dict[str, int]:
    """The book of tests/workspace/home_data.py, committed; its ids by name."""
    with sessions() as s:
        ids = add_home_book(s)
        s.commit()
    return ids
