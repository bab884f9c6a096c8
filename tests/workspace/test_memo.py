"""Read models kept between requests: computed once per state of the tables they read, and
computed again as soon as a row of those tables is added, edited or removed."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kasasu.domain.reporting import Reporting
from kasasu.models import Account, Contact
from kasasu.warehouse.source import FACTS_ONLY
from kasasu.workspace.dashboard import recall_dashboard
from kasasu.workspace.home import recall_home
from kasasu.workspace.listening import recall_need_board
from kasasu.workspace.memo import keep, recall
from kasasu.workspace.workload import recall_workload
from tests.workspace.home_data import TODAY, add_home_book


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


def test_each_page_reads_back_what_it_stored(session: Session) -> None:
    """Every kept page survives its trip through JSON: the stored copy equals the page
    computed (home with its lists, the dashboard, the workload, the needs board)."""
    add_home_book(session)
    reporting = Reporting(locale="ja", on=TODAY)
    computing = {
        "home, the team": lambda: recall_home(session, reporting, None),
        "dashboard": lambda: recall_dashboard(session, reporting, FACTS_ONLY),
        "workload": lambda: recall_workload(session, reporting.today()),
        "needs": lambda: recall_need_board(session, [], "JPY"),
    }
    for name, recall_page in computing.items():
        first = recall_page()
        assert first.fresh, name
        keep(session, first)
        again = recall_page()
        assert not again.fresh, name
        # as shown: the dashboard's bookkeeping (computed, key) is not part of the page
        assert again.value.model_dump() == first.value.model_dump(), name
