"""A cancelled budget stops a DuckDB query where it runs, and no new work starts under it."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from kasasu.kit import deadline
from kasasu.kit.deadline import Budget, Cancelled

# Minutes of work for DuckDB, unless interrupted.
ENDLESS = "SELECT count(*) FROM range(1000000000000) a WHERE a.range % 7 = 3"


def test_cancelling_interrupts_the_running_query() -> None:
    con = duckdb.connect()
    budget = Budget(1)
    threading.Timer(0.3, budget.cancel, (deadline.DEADLINE,)).start()
    started = time.monotonic()
    with pytest.raises(duckdb.InterruptException), budget.interruptible(con.interrupt):
        con.execute(ENDLESS).fetchall()
    assert time.monotonic() - started < 3
    with pytest.raises(Cancelled) as stopped:
        budget.check()
    assert stopped.value.reason == "deadline"


def test_a_cancel_between_two_queries_still_stops_the_next() -> None:
    # DuckDB forgets an interrupt that lands while nothing runs; the budget repeats it.
    con = duckdb.connect()
    budget = Budget()
    with budget.interruptible(con.interrupt):
        budget.cancel(deadline.DISCONNECTED)
        time.sleep(0.2)  # a few interrupts, and none finds a query
        with pytest.raises(duckdb.InterruptException):
            con.execute(ENDLESS).fetchall()


def test_nothing_new_starts_under_a_cancelled_budget() -> None:
    budget = Budget()
    budget.cancel(deadline.SHUTDOWN)
    with deadline.running(budget):
        assert deadline.cancelled()
        with pytest.raises(Cancelled):
            deadline.check()
        with pytest.raises(Cancelled), deadline.interruptible(lambda: None):
            pass
    assert not deadline.cancelled()  # outside: no budget
    deadline.check()


def test_retry_after_is_the_budget_for_work_out_of_time() -> None:
    late, gone = Budget(2.5), Budget(2.5)
    late.cancel(deadline.DEADLINE)
    gone.cancel(deadline.DISCONNECTED)
    assert (late.retry_after, gone.retry_after) == (3, 1)
