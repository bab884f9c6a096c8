"""Values only one of the two databases would take are refused the same way on both.

Whatever edge they came through (a page, an import, the CLI), a NUL character or an integer
beyond 64 bits is bad input (``InvalidInput``), not a driver error and not stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.errors import Conflict, InvalidInput
from kasasu.models.accounts import Account
from tests.conftest import new_postgres_database


def test_nul_in_text_is_refused_naming_the_column(migrated_engine: Engine) -> None:
    sessions = session_factory(migrated_engine)

    def store() -> None:
        with transaction(sessions, write=True) as session:
            session.add(Account(external_id="NUL-1", name="a\x00b"))

    with pytest.raises(InvalidInput) as caught:
        store()
    assert [(e.loc, str(e.message)) for e in caught.value.errors] == [
        (("name",), "Contains a NUL character (U+0000)")
    ]
    with Session(migrated_engine) as session:
        assert session.scalars(select(Account).where(Account.external_id == "NUL-1")).all() == []


@pytest.mark.parametrize("bad", [0, 2, 4])
def test_one_bad_row_of_a_bulk_insert_refuses_the_statement(
    migrated_engine: Engine, bad: int
) -> None:
    """An executemany is checked row by row: the bad value may be in any of them."""
    rows = [{"external_id": f"BULK-{bad}-{n}", "name": f"row {n}"} for n in range(5)]
    rows[bad]["name"] = "a\x00b"
    with pytest.raises(InvalidInput) as caught, migrated_engine.begin() as connection:
        connection.execute(insert(Account), rows)
    assert [(e.loc, str(e.message)) for e in caught.value.errors] == [
        (("name",), "Contains a NUL character (U+0000)")
    ]
    with Session(migrated_engine) as session:
        stored = select(Account).where(Account.external_id.startswith(f"BULK-{bad}-"))
        assert session.scalars(stored).all() == []


def test_nul_in_a_search_is_refused_not_matched(migrated_engine: Engine) -> None:
    with pytest.raises(InvalidInput), Session(migrated_engine) as session:
        session.scalars(select(Account).where(Account.name.contains("\x00"))).all()


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1])
def test_integers_beyond_64_bits_are_refused(migrated_engine: Engine, value: int) -> None:
    with pytest.raises(InvalidInput) as caught, Session(migrated_engine) as session:
        session.get(Account, value)
    assert str(caught.value.errors[0].message) == "Number too large"


def test_the_widest_integers_are_still_compared(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as session:
        assert session.get(Account, 2**63 - 1) is None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def own_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of this test's own: what it commits stays out of the shared one
    (and the audit log it writes cannot be deleted)."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'own.db'}"
        else:
            url = stack.enter_context(new_postgres_database())
        upgrade(url)
        engine = create_db_engine(url)
        stack.callback(engine.dispose)
        yield engine


def test_a_unique_key_taken_meanwhile_is_a_conflict_not_an_error(own_database: Engine) -> None:
    # The services check a key before they write; another transaction may take it between
    # the check and the write (on PostgreSQL, where writers do not queue): a 409, not a 500.
    sessions = session_factory(own_database)
    with transaction(sessions, write=True) as session:
        session.add(Account(external_id="TAKEN", name="first"))

    def store() -> None:
        with transaction(sessions, write=True) as session:
            session.add(Account(external_id="TAKEN", name="second"))

    with pytest.raises(Conflict):
        store()
    with Session(own_database) as session:
        names = session.scalars(select(Account.name).where(Account.external_id == "TAKEN"))
        assert names.all() == ["first"]
