"""A read whose work cannot be skipped, for the tests of the time budget: the key terms of
many long NPS comments (``/api/v1/voice/terms``, the page ``/voice/comments``).

Each comment is eight sentences, ~0.2 ms of tokenizing on a 2026 machine, and every comment
differs, so no cache shortens it. Reads that were slow by accident (a month-by-month KPI, a
copy of the facts) got faster and stopped being long: this one stays proportional to
``count``, and the work checks its budget every thousand comments.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kasasu.domain.choices import SurveyKind
from kasasu.models.accounts import Account
from kasasu.models.surveys import SurveyResponse

SENTENCE = "レポート{n}の画面{k}が遅くて使いにくいが、サポート{n}は丁寧"
ANSWERED = datetime(2026, 1, 1, tzinfo=UTC)


def add_long_comments(session: Session, count: int) -> None:
    """``count`` NPS answers of one account, answered on ``ANSWERED``; not committed."""
    account = Account(external_id="LONG-1", name="株式会社ロング")
    session.add(account)
    session.flush()
    session.execute(
        sa.insert(SurveyResponse),
        [
            {
                "external_id": f"R{n}",
                "account_id": account.id,
                "kind": SurveyKind.NPS,
                "score": n % 11,
                "comment": "。".join(SENTENCE.format(n=n, k=k) for k in range(8)),
                "answered_at": ANSWERED,
            }
            for n in range(count)
        ],
    )
