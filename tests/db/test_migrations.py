"""Migrations go up and down on SQLite and PostgreSQL, and match the models exactly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kasasu.db import create_db_engine
from kasasu.db.migrate import current_revision, downgrade, head_revision, upgrade
from kasasu.models import Base
from kasasu.models.search import SQLITE_FTS_TABLE
from tests.conftest import new_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('mig') / 'm.db'}"
        return
    with new_postgres_database() as url:
        yield url


def _modelled(name: str) -> bool:
    """Whether a table is one a model describes: not Alembic's, nor SQLite's full-text index
    (a virtual table and its shadow tables, which SQLAlchemy cannot describe)."""
    return name != "alembic_version" and not name.startswith(SQLITE_FTS_TABLE)


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return {name for name in sa.inspect(engine).get_table_names() if _modelled(name)}
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_and_downgrade_removes_them(empty_url: str) -> None:
    upgrade(empty_url)
    assert _tables(empty_url) == set(Base.metadata.tables)
    downgrade(empty_url, "base")
    assert _tables(empty_url) == set()
    upgrade(empty_url)  # and up again: downgrade left nothing behind that blocks it
    engine = create_db_engine(empty_url)
    assert current_revision(engine) == head_revision(empty_url)
    engine.dispose()


def test_models_match_migrations(empty_url: str) -> None:
    upgrade(empty_url)
    engine = create_db_engine(empty_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _parent: kind != "table" or _modelled(name),
            },
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def _add_account(connection: sa.Connection, now: str) -> None:
    """Account 1, written in SQL as the schema of an old revision has it."""
    connection.execute(
        sa.text(
            "INSERT INTO accounts (id, external_id, name, custom_fields, created_at, "
            "updated_at) VALUES (1, 'A', 'A', '{}', :now, :now)"
        ),
        {"now": now},
    )


def test_old_exclusive_contract_dates_become_last_days(empty_url: str) -> None:
    """0009: an end or cancellation date on the start's day of the month (the old exclusive
    style) moves to the day before; a date already written as a last day stays; a renewal
    recorded on a moved end date moves with it. Downgrading writes every last day back in
    the old style (the day after), which is how the old code reads them."""
    upgrade(empty_url, "0008")
    engine = create_db_engine(empty_url)
    old = [  # id, start, end, cancelled_on → end, cancelled_on after the upgrade
        (1, "2025-04-01", "2026-04-01", None, "2026-03-31", None),
        (2, "2025-04-01", "2026-03-31", None, "2026-03-31", None),
        (3, "2025-06-15", "2025-09-15", "2025-09-15", "2025-09-14", "2025-09-14"),
        (4, "2025-01-01", "2025-02-01", "2025-01-20", "2025-01-31", "2025-01-20"),
    ]
    insert_line = sa.text(
        "INSERT INTO subscriptions (id, external_id, account_id, product, amount, currency, "
        "billing_interval, start_date, end_date, auto_renew, status, cancelled_on, created_at, "
        "updated_at) VALUES (:id, :ext, 1, 'Core', 100, 'JPY', 'month', :start, :end, false, "
        "'ended', :cancelled, :now, :now)"
    )
    now = "2025-01-01"
    with engine.begin() as c:
        _add_account(c, now)
        for line_id, start, end, cancelled, _end, _cancelled in old:
            values = {"id": line_id, "ext": f"S{line_id}", "start": start, "end": end}
            c.execute(insert_line, {**values, "cancelled": cancelled, "now": now})
        c.execute(
            sa.text(
                "INSERT INTO renewals (id, subscription_id, renewal_date, outcome, decided_at) "
                "VALUES (1, 1, '2026-04-01', 'renewed', :now)"
            ),
            {"now": now},
        )

    def stored() -> list[tuple[str, str | None]]:
        with engine.connect() as c:
            rows = c.execute(
                sa.text("SELECT end_date, cancelled_on FROM subscriptions ORDER BY id")
            ).all()
            renewal = c.execute(sa.text("SELECT renewal_date FROM renewals")).scalar_one()
        return [(str(end), cancelled and str(cancelled)) for end, cancelled in rows] + [
            (str(renewal), None)
        ]

    upgrade(empty_url, "0009")
    assert stored() == [(end, cancelled) for *_x, end, cancelled in old] + [("2026-03-31", None)]
    downgrade(empty_url, "0008")
    assert stored() == [
        ("2026-04-01", None),
        ("2026-04-01", None),  # March 31 inclusive is April 1 for the old code
        ("2025-09-15", "2025-09-15"),
        ("2025-02-01", "2025-01-20"),
        ("2026-04-01", None),
    ]
    engine.dispose()


def test_requests_done_become_shipped_like_their_needs(empty_url: str) -> None:
    """0017: a request said "done" where its need says "shipped"; the upgrade renames it, the
    other statuses stay, and the downgrade writes "done" back."""
    upgrade(empty_url, "0016")
    engine = create_db_engine(empty_url)
    now = "2025-01-01"
    with engine.begin() as c:
        _add_account(c, now)
        for n, status in enumerate(("done", "planned", "declined")):
            c.execute(
                sa.text(
                    "INSERT INTO feedback (id, external_id, account_id, title, status, "
                    "created_at, updated_at) VALUES (:id, :ext, 1, 'x', :status, :now, :now)"
                ),
                {"id": n + 1, "ext": f"F{n}", "status": status, "now": now},
            )

    def statuses() -> list[str]:
        with engine.connect() as c:
            return list(c.execute(sa.text("SELECT status FROM feedback ORDER BY id")).scalars())

    try:
        upgrade(empty_url, "0017")
        assert statuses() == ["shipped", "planned", "declined"]
        downgrade(empty_url, "0016")
        assert statuses() == ["done", "planned", "declined"]
    finally:
        engine.dispose()


def test_existing_accounts_get_their_search_text(empty_url: str) -> None:
    """0018: an account written before the column existed is found by its reading."""
    upgrade(empty_url, "0017")
    engine = create_db_engine(empty_url)
    try:
        with engine.begin() as c:
            c.execute(
                sa.text(
                    "INSERT INTO accounts (id, external_id, name, name_kana, domain, "
                    "custom_fields, created_at, updated_at) VALUES (1, 'A-7', '仙台商事', "
                    "'センダイショウジ', 'Sendai.example.jp', '{}', :now, :now)"
                ),
                {"now": "2025-01-01"},
            )
        upgrade(empty_url, "0018")
        with engine.connect() as c:
            found = c.execute(sa.text("SELECT search_text FROM accounts")).scalar_one()
        # Folded name, kana as hiragana, romaji as typed and without the long vowel.
        assert found == "仙台商事 せんだいしょうじ sendaishouji sendaishoji a-7 sendai.example.jp"
        downgrade(empty_url, "0017")
        with engine.connect() as c:
            columns = {col["name"] for col in sa.inspect(c).get_columns("accounts")}
        assert "search_text" not in columns
    finally:
        engine.dispose()
