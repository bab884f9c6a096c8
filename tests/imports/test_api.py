"""``POST /imports/{kind}``: multipart upload, 422 problem+json naming rows and columns."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from tests.conftest import make_key
from tests.imports.helpers import EXAMPLES, SUBSCRIPTION_HEADER, excel_csv, subscription_rows


def _upload(client: TestClient, kind: str, name: str, data: bytes, **params: object):
    return client.post(f"/imports/{kind}", files={"file": (name, data)}, params=params)


def test_upload_imports_and_reimport_changes_nothing(admin_api: TestClient) -> None:
    data = (EXAMPLES / "accounts.csv").read_bytes()
    first = _upload(admin_api, "accounts", "accounts.csv", data)
    assert first.status_code == 200, first.text
    assert first.json()["created"] == 15
    again = _upload(admin_api, "accounts", "accounts.csv", data).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 15)


def test_bad_row_is_422_problem_with_row_and_column(admin_api: TestClient) -> None:
    _upload(admin_api, "accounts", "a.csv", (EXAMPLES / "accounts.csv").read_bytes())
    rows = subscription_rows(10)
    rows[5][3] = "abc"
    response = _upload(admin_api, "subscriptions", "s.csv", excel_csv(SUBSCRIPTION_HEADER, rows))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == [
        {"loc": [7, "金額"], "msg": "Not an amount of money: abc", "input": "abc"}
    ]
    ja = admin_api.post(
        "/imports/subscriptions",
        files={"file": ("s.csv", excel_csv(SUBSCRIPTION_HEADER, rows))},
        headers={"Accept-Language": "ja"},
    ).json()
    assert ja["errors"][0]["msg"] == "金額ではありません: abc"
    listed = admin_api.get("/subscriptions").json()["items"]
    assert listed == []

    skipped = _upload(
        admin_api,
        "subscriptions",
        "s.csv",
        excel_csv(SUBSCRIPTION_HEADER, rows),
        skip_bad_rows=True,
    ).json()
    assert (skipped["created"], skipped["skipped_rows"]) == (9, [7])
    assert skipped["skipped"][0]["column"] == "金額"


def test_import_needs_the_import_right(api: TestClient, sessions: sessionmaker[Session]) -> None:
    api.headers["Authorization"] = f"Bearer {make_key(sessions, Role.CSM)}"
    response = _upload(api, "accounts", "a.csv", b"name\nx\n")
    assert response.status_code == 403


def test_unknown_kind_and_file_type(admin_api: TestClient) -> None:
    assert _upload(admin_api, "tasks", "a.csv", b"x\n").status_code == 422
    odd = _upload(admin_api, "accounts", "a.pdf", b"%PDF")
    assert odd.status_code == 422
    assert odd.json()["errors"][0]["loc"] == ["file"]


def test_too_large_file_is_413(admin_api: TestClient, monkeypatch) -> None:
    monkeypatch.setattr("kasasu.api.uploads.MAX_UPLOAD_BYTES", 10)
    response = _upload(admin_api, "accounts", "a.csv", b"name\n" + b"x" * 20)
    assert response.status_code == 413
    assert response.json()["detail"] == "The file is larger than 0 MB"
