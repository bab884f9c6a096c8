"""What the CRM webhook last delivered, per account."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from kasasu.db.repository import Repository
from kasasu.models import CrmHealthSent


class SentHealthRepository(Repository[CrmHealthSent]):
    model = CrmHealthSent

    def sent_for(self, account_ids: Sequence[int]) -> dict[int, CrmHealthSent]:
        if not account_ids:
            return {}
        stmt = select(CrmHealthSent).where(CrmHealthSent.account_id.in_(list(account_ids)))
        return {row.account_id: row for row in self.session.scalars(stmt)}

    def remember(self, sent: dict[int, dict[str, Any]], day: date, now: datetime) -> None:
        """Keep ``sent`` (account id → values) as the latest delivery of each account."""
        known = self.sent_for(list(sent))
        for account_id, values in sent.items():
            row = known.get(account_id)
            if row is None:
                self.session.add(
                    CrmHealthSent(account_id=account_id, sent=values, day=day, sent_at=now)
                )
            else:
                row.sent, row.day, row.sent_at = values, day, now
        self.session.flush()
