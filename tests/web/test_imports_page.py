"""Importing a file in the browser: preview, per-row errors, then commit."""

from __future__ import annotations

import os
import time
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


def _staged(tmp_path: Path) -> list[str]:
    """The files waiting in the data directory (the fixture's store is in tmp_path)."""
    folder = tmp_path / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_staged_upload_waits_in_the_data_directory_until_commit(
    web: TestClient, sign_in: SignIn, tmp_path: Path
) -> None:
    """Security review F15: it waited in the system temp dir, shared by every instance."""
    sign_in(Role.LEADER)
    preview = _upload(web, "accounts.csv", (EXAMPLES / "accounts.csv").read_bytes())
    assert len(_staged(tmp_path)) == 1
    # A second preview replaces the first one's file.
    preview = _upload(web, "accounts.csv", (EXAMPLES / "accounts.csv").read_bytes())
    assert len(_staged(tmp_path)) == 1
    before_commit = dict(web.cookies)
    assert "Imported" in web.post("/imports/commit", data={"csrf_token": csrf(preview)}).text
    assert _staged(tmp_path) == []
    # Replaying the session from before the commit: a clear 400, not a 500.
    web.cookies.clear()
    web.cookies.update(before_commit)
    again = web.post("/imports/commit", data={"csrf_token": csrf(preview)})
    assert again.status_code == 400
    assert "upload it again" in again.text


def test_cancel_deletes_the_staged_file_and_stale_ones_are_pruned(
    web: TestClient, sign_in: SignIn, tmp_path: Path
) -> None:
    sign_in(Role.LEADER)
    stale = tmp_path / "uploads" / "left-by-an-old-preview"
    stale.parent.mkdir()
    stale.write_bytes(b"x")
    two_hours_ago = time.time() - 2 * 60 * 60
    os.utime(stale, (two_hours_ago, two_hours_ago))
    preview = _upload(web, "accounts.csv", (EXAMPLES / "accounts.csv").read_bytes())
    assert len(_staged(tmp_path)) == 1
    assert not stale.exists()
    cancelled = web.post("/imports/cancel", data={"csrf_token": csrf(preview)})
    assert (cancelled.status_code, cancelled.headers["location"]) == (303, "/imports")
    assert _staged(tmp_path) == []
    nothing = web.post("/imports/commit", data={"csrf_token": csrf(preview)})
    assert nothing.status_code == 400


def test_an_upload_with_the_token_in_the_header_or_a_wrong_one(
    web: TestClient, sign_in: SignIn
) -> None:
    sign_in(Role.LEADER)
    token = csrf(web.get("/imports").text)
    data = (EXAMPLES / "accounts.csv").read_bytes()
    files = {"file": ("accounts.csv", data, "text/csv")}
    by_header = web.post(
        "/imports", data={"kind": "accounts"}, files=files, headers={"X-CSRF-Token": token}
    )
    assert "Preview: nothing is written yet" in by_header.text
    wrong = web.post("/imports", data={"csrf_token": "x", "kind": "accounts"}, files=files)
    assert wrong.status_code == 403
    # The token must open the form: a later field is not looked for.
    late = web.post("/imports", data={"kind": "accounts", "csrf_token": token}, files=files)
    assert late.status_code == 403
