"""Importing a file in the browser: preview, per-row errors, then commit."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import Account
from tests.web.conftest import SignIn, csrf

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _upload(web: TestClient, name: str, data: bytes, **form: str) -> str:
    page = web.get("/imports").text
    r = web.post(
        "/imports",
        data={"csrf_token": csrf(page), "kind": "accounts", **form},
        files={"file": (name, data, "text/csv")},
    )
    return r.text


def test_a_bad_row_is_shown_and_nothing_is_written(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.ADMIN)
    bad = "顧客ID,顧客名\nB-1,株式会社いち\nB-2,\nB-3,株式会社さん\n".encode()
    page = _upload(web, "bad.csv", bad)
    assert "The file was not imported" in page
    assert "nothing was written" in page
    # Spreadsheet row 3 (the header is row 1) misses its name.
    assert "<td>3</td>" in page
    with sessions() as s:
        assert s.query(Account).filter(Account.external_id.like("B-%")).count() == 0


def test_preview_then_commit_the_example_file(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    data = (EXAMPLES / "accounts.csv").read_bytes()  # CP932, as Excel saves it
    preview = _upload(web, "accounts.csv", data)
    assert "Preview: nothing is written yet" in preview
    with sessions() as s:
        assert s.query(Account).count() == 0
    done = web.post("/imports/commit", data={"csrf_token": csrf(preview)})
    assert "Imported" in done.text
    with sessions() as s:
        names = {a.external_id: a.name for a in s.query(Account)}
    assert names["ACC-0001"] == "株式会社アオバ商事"


def test_a_csm_cannot_import(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.CSM)
    page = web.get("/imports").text
    r = web.post(
        "/imports",
        data={"csrf_token": csrf(page), "kind": "accounts"},
        files={"file": ("a.csv", b"x", "text/csv")},
    )
    assert r.status_code == 403
