"""The demo company: deterministic, consistent, and with churn that announces itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.demo.schemas import DemoOptions
from kasasu.demo.service import generate_demo
from kasasu.domain.choices import CancellationReason, TouchModel
from kasasu.errors import Conflict, InvalidInput
from kasasu.models import Account, User
from kasasu.ownership.service import apply_rules, capacity
from tests.demo.support import AS_OF, DemoRun, dump

REASONS = {r.value for r in CancellationReason} - {CancellationReason.OTHER.value}
END = datetime(AS_OF.year, AS_OF.month, AS_OF.day, tzinfo=ZoneInfo("Asia/Tokyo"))


def _files(run: DemoRun) -> tuple[str, Path]:
    return run.url, run.events_path


def query(run: DemoRun, sql: str) -> list[Any]:
    engine = sa.create_engine(run.url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(sql)).all()
    engine.dispose()
    return rows


def events_sql(run: DemoRun, sql: str) -> list[Any]:
    with duckdb.connect(str(run.events_path), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql).fetchall()


def test_same_seed_gives_identical_data(demo_run: Callable[..., DemoRun]) -> None:
    first = demo_run(accounts=30, months=6, seed=1)
    second = demo_run(accounts=30, months=6, seed=1)
    tables_a, events_a = dump(first.url, first.events_path)
    tables_b, events_b = dump(second.url, second.events_path)
    assert first.summary.rows["accounts"] == 30
    assert events_a.num_rows > 1000
    for name, rows in tables_a.items():
        assert rows == tables_b[name], name
    assert events_a.equals(events_b)


def test_another_seed_gives_other_data(demo_run: Callable[..., DemoRun]) -> None:
    tables_a, events_a = dump(*_files(demo_run(accounts=30, months=6, seed=1)))
    tables_b, events_b = dump(*_files(demo_run(accounts=30, months=6, seed=2)))
    assert tables_a["accounts"] != tables_b["accounts"]
    assert tables_a["subscriptions"] != tables_b["subscriptions"]
    assert not events_a.equals(events_b)


def test_cancellations_carry_a_reason_and_consistent_dates(medium_demo: DemoRun) -> None:
    rows = query(
        medium_demo,
        "SELECT status, start_date, end_date, cancelled_on, cancel_reason, cancel_comment "
        "FROM subscriptions",
    )
    cancelled = [r for r in rows if r.status == "cancelled"]
    assert len(cancelled) > 20
    for row in cancelled:
        assert row.cancel_reason in REASONS
        assert row.cancel_comment
        assert row.start_date <= row.cancelled_on == row.end_date < AS_OF.isoformat()
    assert {r.cancel_reason for r in cancelled} == REASONS  # every reason occurs
    for row in rows:
        if row.status == "active":
            assert row.cancelled_on is None
            # The current term's last day, on or after the data's last day (before AS_OF).
            assert row.end_date >= (AS_OF - timedelta(days=1)).isoformat()
        if row.status == "ended":
            assert row.cancel_reason is None
            assert row.start_date <= row.end_date


def test_events_belong_to_customers_and_end_before_as_of(medium_demo: DemoRun) -> None:
    accounts = {
        r.external_id: date.fromisoformat(r.start)
        for r in query(
            medium_demo,
            "SELECT a.external_id, min(s.start_date) AS start FROM accounts a "
            "JOIN subscriptions s ON s.account_id = a.id GROUP BY a.external_id",
        )
    }
    per_account = events_sql(
        medium_demo,
        "SELECT account_external_id, min(occurred_at), max(occurred_at), count(*) "
        "FROM usage_events GROUP BY 1",
    )
    assert sum(r[3] for r in per_account) == medium_demo.summary.events
    for account, first, last, _count in per_account:
        assert account in accounts
        tokyo = ZoneInfo("Asia/Tokyo")
        assert first.astimezone(tokyo).date() >= accounts[account]
        assert last < END


def _churns(run: DemoRun) -> dict[int, date]:
    """Accounts that had a contract cancelled and nothing active afterwards: logo churn."""
    rows = query(
        run,
        "SELECT account_id, max(cancelled_on) AS churned, min(start_date) AS started "
        "FROM subscriptions GROUP BY account_id "
        "HAVING sum(status = 'active') = 0 AND max(cancelled_on) IS NOT NULL",
    )
    # Only accounts with six months of history before the churn, so there is a baseline.
    return {
        r.account_id: date.fromisoformat(r.churned)
        for r in rows
        if date.fromisoformat(r.churned) - date.fromisoformat(r.started) > timedelta(days=200)
    }


def _rates(stamps: list[tuple[int, date]], churns: dict[int, date]) -> tuple[float, float]:
    """Mean per-day rate in the 60 days before churn, and in days 61-180 before it."""
    late: dict[int, int] = defaultdict(int)
    early: dict[int, int] = defaultdict(int)
    for account_id, day in stamps:
        if account_id not in churns:
            continue
        before = (churns[account_id] - day).days
        if 0 < before <= 60:
            late[account_id] += 1
        elif 60 < before <= 180:
            early[account_id] += 1
    n = len(churns)
    return sum(late.values()) / 60 / n, sum(early.values()) / 120 / n


def test_usage_falls_and_tickets_rise_before_churn(medium_demo: DemoRun) -> None:
    churns = _churns(medium_demo)
    assert len(churns) >= 10
    ids = {r.id: r.external_id for r in query(medium_demo, "SELECT id, external_id FROM accounts")}
    by_external = {ids[a]: a for a in churns}
    daily = events_sql(
        medium_demo,
        "SELECT account_external_id, CAST(timezone('Asia/Tokyo', occurred_at) AS DATE), count(*) "
        "FROM usage_events GROUP BY 1, 2",
    )
    stamps = [(by_external[a], d) for a, d, n in daily if a in by_external for _ in range(n)]
    late, early = _rates(stamps, churns)
    assert late < 0.8 * early
    tickets = query(medium_demo, "SELECT account_id, opened_at FROM tickets")
    opened = [(r.account_id, datetime.fromisoformat(r.opened_at).date()) for r in tickets]
    late, early = _rates(opened, churns)
    assert late > 1.3 * early


def test_yearly_contracts_renew_mostly_in_april(medium_demo: DemoRun) -> None:
    rows = query(
        medium_demo,
        "SELECT end_date FROM subscriptions WHERE billing_interval = 'year' AND status = 'active'",
    )
    # A term's last day is March 31: it renews on April 1.
    april = sum(1 for r in rows if (date.fromisoformat(r.end_date) + timedelta(days=1)).month == 4)
    assert len(rows) > 20
    assert april / len(rows) > 0.6


def test_accounts_are_complete(medium_demo: DemoRun) -> None:
    accounts = query(
        medium_demo,
        "SELECT a.external_id, a.name, a.name_kana, a.domain, a.touch_model, u.email, "
        "(SELECT count(*) FROM contacts c WHERE c.account_id = a.id) AS contacts, "
        "(SELECT count(*) FROM subscriptions s WHERE s.account_id = a.id) AS subscriptions, "
        "(SELECT count(*) FROM milestones m WHERE m.account_id = a.id AND m.is_first_value) "
        "AS first_value FROM accounts a JOIN users u ON u.id = a.owner_id ORDER BY a.id",
    )
    assert len(accounts) == 300
    assert accounts[0].external_id == "ACC-00001"
    assert len({a.name for a in accounts}) == 300
    assert len({a.domain for a in accounts}) == 300
    for account in accounts:
        assert account.email.endswith("@demo.kasasu.example")
        assert 2 <= account.contacts <= 5
        assert account.subscriptions >= 1
        assert account.first_value == 1
    assert {a.touch_model for a in accounts} == {"high", "low", "tech"}
    late = query(medium_demo, "SELECT max(created_at), max(updated_at) FROM tickets")[0]
    assert all(datetime.fromisoformat(v).replace(tzinfo=UTC) < END for v in late)


def test_if_empty_skips_and_a_second_run_conflicts(demo_run: Callable[..., DemoRun]) -> None:
    run = demo_run(accounts=5, months=3, seed=1)
    engine = create_db_engine(run.url)
    try:
        with transaction(session_factory(engine)) as session:
            skipped = generate_demo(
                session, run.options, events_path=run.events_path, if_empty=True
            )
            assert skipped.skipped
            assert skipped.existing_accounts == 5
            with pytest.raises(Conflict):
                generate_demo(session, run.options, events_path=run.events_path)
    finally:
        engine.dispose()


def test_events_left_in_the_store_are_a_conflict(
    demo_run: Callable[..., DemoRun], session: Session
) -> None:
    """An empty database but a used event store: demo event ids would collide."""
    run = demo_run(accounts=3, months=2, seed=1)
    with pytest.raises(Conflict, match="event store"):
        generate_demo(session, run.options, events_path=run.events_path)


@pytest.mark.parametrize(
    "options",
    [{"accounts": 0}, {"months": 0}, {"months": 121}, {"currency": "XAF"}],
)
def test_bad_options_are_refused(session: Session, tmp_path: Any, options: dict[str, Any]) -> None:
    chosen = {"as_of": AS_OF, "zone": "Asia/Tokyo", "currency": "JPY", **options}
    with pytest.raises(InvalidInput):
        generate_demo(session, DemoOptions(**chosen), events_path=tmp_path / "e.duckdb")


def test_runs_on_both_databases_and_new_rows_get_fresh_ids(session: Session, tmp_path: Any) -> None:
    """On PostgreSQL the id sequences move past the ids the demo set itself."""
    options = DemoOptions(as_of=AS_OF, zone="Asia/Tokyo", currency="USD", accounts=8, months=3)
    summary = generate_demo(session, options, events_path=tmp_path / "e.duckdb")
    assert summary.rows["accounts"] == 8
    assert summary.rows["exchange_rates"] == 3
    account = Account(external_id="after-demo", name="後から追加", custom_fields={})
    session.add(account)
    session.flush()
    assert account.id > max(session.scalars(sa.select(Account.id).where(Account.id != account.id)))


def test_the_demo_saves_segments_that_a_refresh_fills(medium_demo: DemoRun) -> None:
    tables, _events = dump(medium_demo.url, medium_demo.events_path)
    rules = {row.name: row.rule for row in tables["segments"]}
    assert rules == {
        "enterprise": 'plan == "Enterprise"',
        "high-value-at-risk": 'band in ["red", "yellow"] and mrr >= 100000',
        "tech-touch": 'touch_model == "tech"',
        "quiet-users": "days_since_last_event >= 14",
    }


def test_the_demo_ships_sent_nps_campaigns_behind_its_answers(medium_demo: DemoRun) -> None:
    """Each quarterly NPS is a sent campaign; each of its answers has the invitation that
    asked for it, answered at the same moment; the rest of those asked did not answer."""
    campaigns = dict(query(medium_demo, "SELECT name, status FROM survey_campaigns"))
    answers = query(
        medium_demo,
        "SELECT r.campaign, r.contact_id, r.answered_at FROM survey_responses r"
        " WHERE r.kind = 'nps'",
    )
    invitations = query(
        medium_demo,
        "SELECT c.name, i.contact_id, i.answered_at, i.sent_at, i.status FROM survey_invitations i"
        " JOIN survey_campaigns c ON c.id = i.campaign_id",
    )
    assert campaigns
    assert set(campaigns.values()) == {"sent"}
    assert {a[0] for a in answers} == set(campaigns)
    answered = {(n, c): at for n, c, at, _sent, _s in invitations if at is not None}
    assert answered == {(n, c): at for n, c, at in answers}
    for _n, _c, at, sent, status in invitations:
        assert status == ("answered" if at else "sent")
        assert at is None or sent <= at
    assert len(invitations) > len(answers)  # about a third answer


def test_the_demo_ships_ownership_rules_that_go_on_with_its_round_robin(
    medium_demo: DemoRun,
) -> None:
    """A new high-touch account goes to the high-touch CSM after the one who got the last
    high-touch account; each CSM's capacity leaves room (rolled back: the demo is shared)."""
    engine = create_db_engine(medium_demo.url)
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection)
        pool = list(
            session.scalars(
                sa.select(User.id)
                .where(User.email.in_(["csm1@demo.kasasu.example", "csm2@demo.kasasu.example"]))
                .order_by(User.email)
            )
        )
        last = session.scalars(
            sa.select(Account.owner_id)
            .where(Account.touch_model == TouchModel.HIGH)
            .order_by(Account.id.desc())
            .limit(1)
        ).one()
        expected = pool[(pool.index(last) + 1) % len(pool)]
        new = Account(
            external_id="NEW-1", name="新規大手", touch_model=TouchModel.HIGH, custom_fields={}
        )
        session.add(new)
        session.flush()
        done = apply_rules(session)
        assert [(a.account_id, a.owner_id, a.rule_name) for a in done.assigned] == [
            (new.id, expected, "high-touch")
        ]
        for row in capacity(session):
            assert row.capacity is not None
            assert row.accounts <= row.capacity
        session.close()
        outer.rollback()
    engine.dispose()
