"""Read models kept between requests: computed once per state of the tables they read, and
computed again as soon as a row of those tables is added, edited or removed."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kasasu.models import Account, Contact
from kasasu.workspace.memo import keep, recall


class Names(BaseModel):
    names: list[str]


def _account(session: Session, name: str) -> Account:
    row = Account(external_id=name, name=name, custom_fields={})
    session.add(row)
    session.flush()
    return row


def test_kept_until_a_watched_table_changes(session: Session) -> None:
    calls: list[int] = []

    def names() -> Names:
        calls.append(1)
        return Names(names=sorted(a.name for a in session.query(Account)))

    def look(month: str = "2026-11") -> Names:
        found = recall(
            session, "test", {"month": month}, tables=(Account,), compute=names, kind=Names
        )
        keep(session, found)
        return found.value

    first = _account(session, "一")
    assert look() == Names(names=["一"])
    assert look() == Names(names=["一"])
    assert len(calls) == 1  # the second came from the store
    assert look("2026-10") == Names(names=["一"])
    assert len(calls) == 2  # other parameters: their own entry

    session.add(Contact(external_id="c", account_id=first.id, name="c"))  # not watched
    session.flush()
    look()
    assert len(calls) == 2

    first.name = "壱"  # edited: updated_at moves
    session.flush()
    assert look() == Names(names=["壱"])
    second = _account(session, "二")  # added
    assert look() == Names(names=["二", "壱"])
    session.delete(second)  # removed
    session.flush()
    assert look() == Names(names=["壱"])
    assert len(calls) == 5
    assert look("2026-10") == Names(names=["壱"])  # the other month saw the change too
