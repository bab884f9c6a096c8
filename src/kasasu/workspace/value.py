"""Customer lifetime value for a CS leader: the total, its spread by segment, and the
accounts whose value is most at risk (cohort value × churn risk)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_names
from kasasu.kit.i18n import _
from kasasu.models import Account, LifetimeValue, Segment, SegmentMember, ValueFit
from kasasu.prediction.schemas import ValueSummary
from kasasu.prediction.value import latest_values, summarise
from kasasu.segments.service import current_members, list_segments
from kasasu.workspace.memo import Recalled, keep, recall

AT_RISK_SHOWN = 20
# What the summary reads: the refresh rewrites the values (new rows), segments change with
# their members, account names with the accounts.
VALUE_TABLES = (ValueFit, LifetimeValue, Segment, SegmentMember, Account)


class ValueAtRisk(BaseModel):
    account_id: int
    account_name: str
    value: int
    value_at_risk: int


class LifetimeValues(ValueSummary):
    at_risk: list[ValueAtRisk] = Field(
        description=f"The {AT_RISK_SHOWN} accounts with the most value at risk, the most first"
    )


def lifetime_values(session: Session, locale: str) -> LifetimeValues | None:
    """The latest valued day's lifetime values; None before the first refresh that valued."""
    found = latest_values(session)
    if found is None:
        return None
    fit, values = found
    groups = [(s.name, current_members(session, s.name)) for s in list_segments(session)]
    summary = summarise(fit, values, groups, _("All valued accounts").render(locale))
    riskiest = sorted(
        ((a, v.value, v.at_risk) for a, v in values.items() if v.at_risk),
        key=lambda t: (-t[2], t[0]),
    )[:AT_RISK_SHOWN]
    names = account_names(session, [a for a, _v, _r in riskiest])
    return LifetimeValues(
        **summary.model_dump(),
        at_risk=[
            ValueAtRisk(account_id=a, account_name=names.get(a, ""), value=v, value_at_risk=r)
            for a, v, r in riskiest
        ],
    )


def recall_lifetime_values(session: Session, locale: str) -> Recalled[LifetimeValues | None]:
    """The summary, kept until the values, the segments or an account change."""
    return recall(
        session,
        "lifetime-value",
        {"locale": locale},
        tables=VALUE_TABLES,
        compute=lambda: lifetime_values(session, locale),
        kind=LifetimeValues | None,
    )


def warm_lifetime_values(session: Session, locale: str) -> int:
    """Compute and keep the summary, when there are values (nothing is kept for none)."""
    found = recall_lifetime_values(session, locale)
    if found.value is None:
        return 0
    keep(session, found)
    return int(found.fresh)
