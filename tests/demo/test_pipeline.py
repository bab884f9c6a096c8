"""The demo company's sales pipeline: a lead and a won new-business deal before every
customer's first contract, expansion deals where it grew, prospects that never converted;
and a funnel whose stages narrow from leads to expansion."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from kasasu.db import create_db_engine, session_factory
from kasasu.domain.choices import DealKind, DealStage
from kasasu.domain.periods import Grain
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import compute_metrics
from kasasu.models import Deal, Lead, Subscription
from tests.demo.support import AS_OF, DemoRun


def test_every_customer_was_a_lead_and_a_won_deal_first(medium_demo: DemoRun) -> None:
    engine = create_db_engine(medium_demo.url)
    with session_factory(engine)() as s:
        first_start = dict(
            s.execute(
                sa.select(Subscription.account_id, sa.func.min(Subscription.start_date)).group_by(
                    Subscription.account_id
                )
            ).all()
        )
        leads = s.scalars(sa.select(Lead)).all()
        deals = s.scalars(sa.select(Deal)).all()
    engine.dispose()
    by_lead = {d.lead_id: d for d in deals if d.kind is DealKind.NEW and d.lead_id}
    customers = [lead for lead in leads if lead.account_id is not None]
    assert len(customers) == 300  # one per demo account
    for lead in customers:
        deal = by_lead[lead.id]
        assert deal.stage is DealStage.WON
        assert deal.account_id == lead.account_id
        assert deal.closed_on is not None
        # Came in, then qualified, then won, a few days before the first contract started.
        assert lead.qualified_at is not None
        assert lead.created_at < lead.qualified_at
        assert lead.qualified_at.date() <= deal.closed_on < first_start[lead.account_id]
    prospects = len(leads) - len(customers)
    assert 400 < prospects < 800  # about two per customer
    stages = defaultdict(int)
    for deal in deals:
        stages[deal.kind, deal.stage] += 1
    assert stages[DealKind.NEW, DealStage.LOST] > 50
    assert stages[DealKind.EXPANSION, DealStage.WON] > 20  # the upsells and cross-sells
    assert all(d.closed_on is None or d.closed_on < AS_OF for d in deals)


def test_the_demo_funnel_narrows_stage_by_stage(medium_demo: DemoRun) -> None:
    engine = create_db_engine(medium_demo.url)
    query = MetricQuery(
        names=("funnel_leads",),
        first_month=date(2024, 6, 1),
        last_month=date(2025, 10, 1),
        grain=Grain.QUARTER,
        as_of=AS_OF,
    )
    with session_factory(engine)() as s:
        values = compute_metrics(s, query)
    engine.dispose()
    total: dict[str, int] = defaultdict(int)
    for value in values:
        assert value.breakdown is not None
        for stage, count in value.breakdown.items():
            total[stage] += int(count or 0)
    t = total
    assert t["leads"] > t["qualified"] > t["won"] > t["onboarded"] > 0
    assert t["won"] > t["matured"] > t["retained"] > t["expanded"] > 0
