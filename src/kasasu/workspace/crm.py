"""Each account's health for its CRM (docs/crm-write-back.md): the accounts list's rows
(health, churn risk and CSM on the latest refresh day), with the account's ids in the CRMs
and its CSM's email; as a file in HubSpot's or Salesforce's columns, or for the webhook."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy.orm import Session

from kasasu.accounts.service import external_ids_of
from kasasu.health.snapshots import latest_refresh_day
from kasasu.users.service import list_users
from kasasu.workspace.accounts import AccountListItem, AccountListQuery, all_accounts
from kasasu.writeback.schemas import AccountHealth
from kasasu.writeback.service import crm_header, crm_row

BATCH = 500  # accounts whose external ids are read at once


def account_health(session: Session, today: date) -> Iterator[AccountHealth]:
    """Every account, by external id, with its health on the latest refresh day."""
    day = latest_refresh_day(session)
    emails = {u.id: u.email for u in list_users(session)}
    listed = all_accounts(session, AccountListQuery(sort="external_id"), today, batch=BATCH)
    while chunk := list(islice(listed, BATCH)):
        ids = external_ids_of(session, [a.id for a in chunk])
        for a in chunk:
            yield _health(a, ids.get(a.id, {}), emails, day)


def crm_table(session: Session, crm: str, today: date) -> tuple[list[str], list[list[Any]]]:
    """The header and one row per account in ``crm``'s columns (hubspot or salesforce)."""
    return crm_header(crm), [crm_row(h, crm) for h in account_health(session, today)]


def _health(
    a: AccountListItem, crm_ids: dict[str, str], emails: dict[int, str], day: date | None
) -> AccountHealth:
    h = a.health
    return AccountHealth(
        account_id=a.id,
        external_id=a.external_id,
        name=a.name,
        domain=a.domain,
        crm_ids=crm_ids,
        health_score=round(h.score, 1) if h is not None and h.score is not None else None,
        health_band=h.band.value if h is not None else None,
        churn_risk=round(h.churn_risk * 100, 1) if h and h.churn_risk is not None else None,
        owner_email=emails.get(a.owner_id) if a.owner_id else None,
        refreshed_on=day if h is not None else None,
    )
