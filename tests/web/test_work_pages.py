"""My tasks, renewals and churn reasons through the web routes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import (
    BillingInterval,
    CancellationReason,
    Priority,
    Role,
    SubscriptionStatus,
    TaskStatus,
)
from kasasu.models import Account, Subscription, Task
from tests.web.conftest import SignIn, csrf


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Tokyo")).date()


def _account(s: Session, name: str) -> int:
    account = Account(external_id=name, name=name, custom_fields={})
    s.add(account)
    s.flush()
    return account.id


def test_my_tasks_by_due_date_then_priority_and_worked_in_place(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    me = sign_in(Role.CSM)
    today = _today()
    with sessions() as s:
        acme = _account(s, "アクメ株式会社")
        for title, due, priority, owner in [
            ("later", today + timedelta(days=3), Priority.URGENT, me),
            ("today low", today, Priority.LOW, me),
            ("today urgent", today, Priority.URGENT, me),
            ("someone else's", today, Priority.URGENT, None),
        ]:
            s.add(
                Task(title=title, due_date=due, priority=priority, owner_id=owner, account_id=acme)
            )
        s.commit()
    page = web.get("/tasks").text
    order = [page.index(t) for t in ("today urgent", "today low", "later")]
    assert order == sorted(order)
    assert "someone else" not in page
    assert "3 open tasks" in page
    with sessions() as s:
        [urgent] = s.query(Task).filter_by(title="today urgent").all()
        task_id = urgent.id
    done = web.post(
        f"/tasks/{task_id}/complete",
        headers={"HX-Request": "true", "X-CSRF-Token": csrf(page)},
    )
    assert "Done: today urgent" in done.text
    with sessions() as s:
        task = s.get(Task, task_id)
        assert task is not None
        assert task.status is TaskStatus.DONE
        assert task.completed_at is not None
    with sessions() as s:
        [low] = s.query(Task).filter_by(title="today low").all()
        low_id = low.id
    snoozed = web.post(f"/tasks/{low_id}/snooze", data={"csrf_token": csrf(page)})
    assert snoozed.status_code == 303
    after = web.get("/tasks").text
    assert "2 open tasks" in after  # snoozed is still mine, due a week later
    assert after.index("later") < after.index("today low")  # today + 3 before today + 7
    with sessions() as s:
        moved = s.get(Task, low_id)
        assert moved is not None
        assert moved.due_date == today + timedelta(days=7)


def _line(s: Session, account_id: int, end: date) -> int:
    line = Subscription(
        external_id=f"L{account_id}-{end}",
        account_id=account_id,
        product="Core",
        amount=120_000,
        currency="JPY",
        billing_interval=BillingInterval.YEAR,
        start_date=end - timedelta(days=365),
        end_date=end,
        auto_renew=True,
        status=SubscriptionStatus.ACTIVE,
    )
    s.add(line)
    s.flush()
    return line.id


def test_renewals_in_a_window_and_a_churn_recorded(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    today = _today()
    with sessions() as s:
        soon, later = _account(s, "更新間近"), _account(s, "更新はまだ先")
        line = _line(s, soon, today + timedelta(days=20))
        _line(s, later, today + timedelta(days=120))
        s.commit()
    page = web.get("/renewals?within=30").text
    assert "更新間近" in page
    assert "更新はまだ先" not in page
    assert "¥10,000" in page  # ¥120,000 a year = ¥10,000 a month
    assert "更新はまだ先" in web.get("/renewals?within=180").text
    form = {
        "csrf_token": csrf(page),
        "renewal_date": (today + timedelta(days=20)).isoformat(),
        "outcome": "churned",
        "reason": "price",
        "comment": "予算削減のため",
        "within": "30",
    }
    assert web.post(f"/renewals/{line}", data=form | {"reason": ""}).status_code == 400
    assert web.post(f"/renewals/{line}", data=form).status_code == 303
    with sessions() as s:
        cancelled = s.get(Subscription, line)
        assert cancelled is not None
        assert cancelled.status is SubscriptionStatus.CANCELLED
        assert cancelled.cancelled_on == today + timedelta(days=20)
        assert cancelled.cancel_reason is CancellationReason.PRICE
    after = web.get("/renewals?within=30").text
    assert "予算削減のため" in after
    # Changed back to a renewal: the line pays on, for another yearly term.
    assert web.post(f"/renewals/{line}", data=form | {"outcome": "renewed"}).status_code == 303
    with sessions() as s:
        restored = s.get(Subscription, line)
        assert restored is not None
        assert (restored.status, restored.cancelled_on) == (SubscriptionStatus.ACTIVE, None)
        assert restored.end_date is not None
        assert restored.end_date.year == (today + timedelta(days=20)).year + 1
    decided = web.get("/renewals?within=30&decided=yes").text
    assert "更新間近" in decided  # a decided renewal stays in its window
    assert "更新間近" not in web.get("/renewals?within=30&decided=no").text
    nobody = web.get("/renewals?within=180&owner_id=&band=&product=").text  # "All" choices
    assert "更新はまだ先" in nobody
    assert "更新はまだ先" not in web.get("/renewals?within=180&mine=true").text  # not mine


def test_churn_reasons_pareto_and_comments(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    with sessions() as s:
        for name, amount, reason, comment in [
            ("A", 30_000, CancellationReason.PRICE, "高すぎる"),
            ("B", 10_000, CancellationReason.MISSING_FEATURES, "CSV 出力がない"),
            ("C", 50_000, CancellationReason.PRICE, None),
        ]:
            account = _account(s, name)
            s.add(
                Subscription(
                    external_id=f"C-{name}",
                    account_id=account,
                    product="Core",
                    amount=amount,
                    currency="JPY",
                    billing_interval=BillingInterval.MONTH,
                    start_date=date(2025, 1, 1),
                    end_date=date(2026, 1, 1),
                    auto_renew=False,
                    status=SubscriptionStatus.CANCELLED,
                    cancelled_on=date(2025, 5, 10),
                    cancel_reason=reason,
                    cancel_comment=comment,
                )
            )
        s.commit()
    page = web.get("/churn?period=2025-05&by=month").text
    # Price: 30,000 + 50,000 = 80,000 of 90,000 (88.9%), then missing features 10,000.
    assert page.index("Price") < page.index("Missing features")
    assert "¥80,000" in page
    assert "88.9%" in page
    assert "100.0%" in page  # the cumulative share ends at all of it
    assert "高すぎる" in page
    assert "CSV 出力がない" in page


def test_bad_form_fields_get_a_page_that_names_them(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    with sessions() as s:
        account = _account(s, "フォーム")
        s.commit()
    page = web.get(f"/accounts/{account}").text
    r = web.post(
        f"/accounts/{account}/tasks",
        data={"csrf_token": csrf(page), "title": "", "priority": "someday"},
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert 'id="task-title-error"' in r.text  # each mistake under its own field
    assert 'id="task-priority-error"' in r.text
