"""Searching accounts as a Japanese team types (issue 16): 仙台 from せんだい, センダイ,
ｾﾝﾀﾞｲ, sendai or SENDAI, on SQLite and PostgreSQL, through the API and the account list."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.models import Account

ACCOUNTS = [
    {"external_id": "A-1", "name": "仙台システム株式会社", "name_kana": "センダイシステム"},
    {"external_id": "A-2", "name": "東京商事", "name_kana": "トウキョウショウジ"},
    {"external_id": "A-3", "name": "Sendai Labs", "domain": "labs.example.com"},
]


def _found(api: TestClient, query: str) -> list[str]:
    body = api.get("/accounts", params={"q": query, "limit": 100}).json()
    return sorted(a["external_id"] for a in body["items"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("仙台", ["A-1"]),
        ("せんだい", ["A-1"]),  # A-3 has no kana reading: its name "Sendai Labs" is letters…
        ("センダイ", ["A-1"]),
        ("ｾﾝﾀﾞｲ", ["A-1"]),
        ("sendai", ["A-1", "A-3"]),  # …but its letters match the romaji of A-1 and its name
        ("SENDAI", ["A-1", "A-3"]),
        ("tokyo", ["A-2"]),  # Hepburn without the long vowels
        ("toukyou", ["A-2"]),  # as typed on a Japanese keyboard
        ("とうきょう", ["A-2"]),
        ("東京 商事", ["A-2"]),  # spaces do not count
        ("labs.example", ["A-3"]),
        ("a-2", ["A-2"]),
        ("大阪", []),
    ],
)
def test_an_account_is_found_however_its_name_is_typed(
    admin_api: TestClient, query: str, expected: list[str]
) -> None:
    for account in ACCOUNTS:
        assert admin_api.post("/accounts", json=account).status_code == 201
    assert _found(admin_api, query) == expected


def test_an_account_without_kana_is_found_by_the_dictionarys_reading(
    admin_api: TestClient,
) -> None:
    """An import often has no kana column: the name's reading comes from the dictionary."""
    made = admin_api.post("/accounts", json={"external_id": "N-1", "name": "新潟精機株式会社"})
    assert made.status_code == 201
    for typed in ("にいがた", "ニイガタ", "niigata", "seiki"):
        assert _found(admin_api, typed) == ["N-1"]


def test_a_renamed_account_is_found_by_its_new_reading(admin_api: TestClient) -> None:
    created = admin_api.post("/accounts", json=ACCOUNTS[0]).json()
    changed = {"name": "札幌システム株式会社", "name_kana": "サッポロシステム"}
    assert admin_api.patch(f"/accounts/{created['id']}", json=changed).status_code == 200
    assert _found(admin_api, "sapporo") == ["A-1"]
    assert _found(admin_api, "sendai") == []


def test_accounts_written_in_bulk_are_searchable(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    """The demo writes accounts with one INSERT of many rows, past the ORM."""
    with sessions() as s:
        s.execute(
            sa.insert(Account),
            [
                {
                    "external_id": "B-1",
                    "name": "福岡食品",
                    "name_kana": "フクオカショクヒン",
                    "custom_fields": {},
                },
                {
                    "external_id": "B-2",
                    "name": "大阪鉄工",
                    "name_kana": "オオサカテッコウ",
                    "custom_fields": {},
                },
            ],
        )
        s.commit()
    assert _found(admin_api, "fukuoka") == ["B-1"]
    assert _found(admin_api, "osaka") == ["B-2"]
