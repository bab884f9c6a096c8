"""Health for the CRM: its rows in a CRM's columns, and which accounts changed since the
webhook last delivered them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kasasu.models import CrmHealthSent
from kasasu.writeback.repository import SentHealthRepository
from kasasu.writeback.schemas import CRM_COLUMNS, AccountHealth

CHUNK = 500


def crm_header(crm: str) -> list[str]:
    return [name for name, _value in CRM_COLUMNS[crm]]


def crm_row(health: AccountHealth, crm: str) -> list[Any]:
    return [value(health) for _name, value in CRM_COLUMNS[crm]]


def crm_record(health: AccountHealth, crm: str) -> dict[str, Any]:
    return dict(zip(crm_header(crm), crm_row(health, crm), strict=True))


def changed_health(session: Session, rows: Sequence[AccountHealth]) -> list[AccountHealth]:
    """The rows whose health or CSM differ from what was last delivered; and those never
    delivered that have a health to tell (one never scored waits for its first score)."""
    repo, sent = SentHealthRepository(session), dict[int, CrmHealthSent]()
    for start in range(0, len(rows), CHUNK):  # a bounded IN list per query
        sent |= repo.sent_for([r.account_id for r in rows[start : start + CHUNK]])
    return [
        r
        for r in rows
        if (r.account_id in sent and sent[r.account_id].sent != r.sent())
        or (r.account_id not in sent and r.health_band is not None)
    ]


def remember_sent(session: Session, rows: Iterable[AccountHealth], day: date) -> None:
    """Record ``rows`` as delivered (what the next run compares with)."""
    SentHealthRepository(session).remember(
        {r.account_id: r.sent() for r in rows}, day, datetime.now(UTC)
    )
