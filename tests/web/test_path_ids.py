"""Every page and form whose path names a row answers a number no database holds (one past
64 bits, and far past it) with a 4xx page, never a server error: the database layer
refuses the number before any statement runs (security review F4, for the pages)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kasasu.domain.choices import Role
from kasasu.web.context import WebContext
from tests.support.routes import routes_naming_a_row
from tests.surveys.conftest import file_config
from tests.web.conftest import SignIn, csrf

HUGE = (2**63, 10**30)


@pytest.fixture
def web_context(web_context: WebContext, tmp_path: Path) -> WebContext:
    """As the server runs: with surveys (the account page's invitation form needs them)."""
    return replace(web_context, surveys=file_config(tmp_path))


def _routes_naming_a_row(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every page route with an ``…_id`` in its path."""
    return [(method, route.path) for method, route in routes_naming_a_row(app)]


def test_every_route_naming_a_row_has_been_found(web_app: FastAPI) -> None:
    """The walk below covers the account page, its forms and the other rows' forms."""
    paths = {path for _m, path in _routes_naming_a_row(web_app)}
    assert {"/accounts/{account_id}", "/accounts/{account_id}/notes", "/needs/{need_id}",
            "/renewals/{subscription_id}", "/tasks/{task_id}/{action}"} <= paths  # fmt: skip


@pytest.mark.parametrize("number", HUGE, ids=["2**63", "10**30"])
def test_a_row_id_past_64_bits_is_a_4xx_page(
    web: TestClient, web_app: FastAPI, sign_in: SignIn, number: int
) -> None:
    sign_in(Role.ADMIN)
    token = csrf(web.get("/accounts").text)
    answers = {}
    for method, path in _routes_naming_a_row(web_app):
        if path.startswith("/portal/"):  # a contact's pages: tests/portal/test_pages.py
            continue
        url = re.sub(r"\{\w+_id\}", str(number), path).replace("{action}", "done")
        data = {"csrf_token": token} if method == "POST" else None
        answers[f"{method} {url}"] = web.request(method, url, data=data).status_code
    assert answers
    assert {k: v for k, v in answers.items() if not 400 <= v < 500} == {}
