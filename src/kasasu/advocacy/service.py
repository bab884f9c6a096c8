"""Loyal customers (ロイヤルカスタマー) and advocates, for case studies and referral requests.

Loyal: the accounts the KPI ``loyal_customers`` counts at the period's end (DESIGN.md §4 as
``kasasu.analytics.kpis_voice.loyal`` computes it: paid 12 months or more, latest NPS 9–10,
no contraction or churn in the 6 months before the end, green on the latest score by the
end unless ``require_green`` is off). Advocates: contacts whose latest NPS answer is 9 or 10
and who agreed to be a reference.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from kasasu.advocacy.repository import AdvocacyRepository
from kasasu.advocacy.schemas import AdvocateRow, LoyalList, LoyalRow
from kasasu.domain.periods import add_months
from kasasu.domain.scoring import Band
from kasasu.errors import NotFound
from kasasu.health.snapshots import latest_briefs
from kasasu.kit.i18n import _
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import explain_metric
from kasasu.warehouse.source import FACTS_ONLY, AnalyticsSource


def tenure_months(first: date, day: date) -> int:
    """Whole months from ``first`` to ``day`` (a month counts once its day is reached)."""
    return (day.year - first.year) * 12 + day.month - first.month - (day.day < first.day)


def loyal_customers(
    session: Session,
    month: date,
    query: MetricQuery,
    *,
    require_green: bool = True,
    source: AnalyticsSource = FACTS_ONLY,
) -> LoyalList:
    """The loyal customers at the end of ``month``, largest MRR first."""
    query = replace(query, loyal_bands=(Band.GREEN.value,) if require_green else ())
    found = explain_metric(session, "loyal_customers", month, query, source)
    ids = [r.account_id for r in found.rows]
    briefs = latest_briefs(session, ids)
    starts = AdvocacyRepository(session).first_starts(ids)
    end = add_months(month.replace(day=1), 1)  # tenure is counted to the period's end
    rows = []
    for r in found.rows:
        band = b.band if (b := briefs.get(r.account_id)) else None
        first = starts.get(r.account_id)
        rows.append(
            LoyalRow(
                account_id=r.account_id,
                external_id=r.external_id,
                name=r.name,
                mrr=round(float(r.amounts.get("mrr") or 0)),
                tenure_months=tenure_months(first, end) if first else None,
                nps=int(r.amounts.get("nps") or 0),
                band=band,
            )
        )
    rows.sort(key=lambda x: (-x.mrr, x.name, x.account_id))
    return LoyalList(
        period=found.period, currency=query.currency, require_green=require_green, customers=rows
    )


def advocates(session: Session) -> list[AdvocateRow]:
    """Promoters (latest NPS answer 9–10) who agreed to be a reference, by account."""
    return [
        AdvocateRow(
            contact_id=c,
            name=name,
            email=email,
            title=title,
            account_id=a,
            account_name=account,
            score=score,
            answered_at=at,
            comment=comment,
        )
        for c, name, email, title, a, account, score, at, comment in AdvocacyRepository(
            session
        ).advocates()
    ]


def set_reference(session: Session, contact_id: int, *, agreed: bool) -> None:
    """Record whether the contact agreed to be a reference (case study, referral)."""
    if not AdvocacyRepository(session).set_reference(contact_id, agreed):
        raise NotFound(_("Contact {id} does not exist", id=contact_id))
    session.flush()
