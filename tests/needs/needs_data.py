"""A small book of needs whose ranking is computed by hand.

Latest refresh 2026-02-01 (an older one, 2026-01-25, gives other MRR and bands that must not
count). Accounts (MRR on the latest refresh → ARR = 12 × MRR, band):

  A1 ¥100,000 → ¥1,200,000 red      owner Aoki (ja)
  A2 ¥50,000  → ¥600,000   yellow   owner Brown (en)
  A3 ¥200,000 → ¥2,400,000 green    owner Aoki
  A4 not scored on the latest refresh → ¥0, no band, no owner

Needs and the requests grouped under them:

  N1 "Slack通知"   effort 10  A1 (2 requests), A3   → ARR 3,600,000; at risk 1 (A1), 1,200,000;
                                                       value 360,000 per day
  N2 "PDF出力"     effort 2   A2, A4              → ARR 600,000; at risk 1 (A2), 600,000;
                                                       value 300,000 per day
  N3 "kintone連携" effort 40  A1, A2, A3          → ARR 4,200,000; at risk 2, 1,800,000;
                                                       value 105,000 per day
  N4 "API拡張"     no effort  A3                  → not estimated, ARR 2,400,000
  N5 "一括編集"    no effort  none                → not estimated, ARR 0
Ranked: N1, N2, N3; not estimated: N4, N5. One request (A2) is grouped under no need.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from kasasu.domain.choices import Role
from kasasu.models import Account, Feedback, Need, User
from tests.health.touch_data import snapshot

DAY = date(2026, 2, 1)
BEFORE = date(2026, 1, 25)


def add_needs_book(session: Session) -> dict[str, int]:
    """The book above; returns the ids of accounts, needs, owners and the unlinked request."""
    ids: dict[str, int] = {}
    for name, locale in [("Aoki", "ja"), ("Brown", "en")]:
        u = User(email=f"{name.lower()}@example.com", name=name, role=Role.CSM, locale=locale)
        session.add(u)
        session.flush()
        ids[name] = u.id
    owners = {"A1": "Aoki", "A2": "Brown", "A3": "Aoki", "A4": None}
    for name, owner in owners.items():
        account = Account(
            external_id=name,
            name=f"株式会社{name}",
            owner_id=ids[owner] if owner else None,
            custom_fields={},
        )
        session.add(account)
        session.flush()
        ids[name] = account.id
    for name in ("A1", "A2", "A3", "A4"):  # the older refresh: all green, other MRR
        snapshot(session, BEFORE, ids[name], None, 999_999, "green")
    for name, mrr, band in [
        ("A1", 100_000, "red"),
        ("A2", 50_000, "yellow"),
        ("A3", 200_000, "green"),
    ]:
        snapshot(session, DAY, ids[name], None, mrr, band)
    needs = [
        ("N1", "Slack通知", 10, ["A1", "A1", "A3"]),
        ("N2", "PDF出力", 2, ["A2", "A4"]),
        ("N3", "kintone連携", 40, ["A1", "A2", "A3"]),
        ("N4", "API拡張", None, ["A3"]),
        ("N5", "一括編集", None, []),
    ]
    created = datetime(2026, 1, 10, tzinfo=UTC)
    n = 0
    for key, title, effort, asking in needs:
        need = Need(title=title, effort_days=effort, created_at=created, updated_at=created)
        session.add(need)
        session.flush()
        ids[key] = need.id
        for account in asking:
            n += 1
            session.add(_request(n, ids[account], need.id, title))
    n += 1
    lone = _request(n, ids["A2"], None, "英語のアンケート")
    session.add(lone)
    session.flush()
    ids["lone"] = lone.id
    return ids


def _request(n: int, account_id: int, need_id: int | None, title: str) -> Feedback:
    at = datetime(2026, 1, 1, 9, n, tzinfo=UTC)
    return Feedback(
        external_id=f"R{n}",
        account_id=account_id,
        need_id=need_id,
        title=title,
        created_at=at,
        updated_at=at,
    )
