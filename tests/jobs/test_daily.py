"""The whole daily refresh: the playbooks follow the refresh only for today, never in a
backfill or for another day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.domain.choices import (
    LifecycleStage,
    OwnerMethod,
    Role,
)
from kasasu.domain.reporting import Reporting
from kasasu.events.schemas import EventIn
from kasasu.events.service import ingest_batch
from kasasu.health.features import RefreshConfig
from kasasu.jobs.daily import run_day
from kasasu.models import Account, CachedResult, Milestone, Onboarding, User
from kasasu.ownership.schemas import OwnerRuleDefinition
from kasasu.ownership.service import save_rule
from kasasu.playbooks.definitions import ensure_default_playbooks
from kasasu.warehouse.source import AnalyticsSource
from tests.health.golden_health import AS_OF, add_health_base
from tests.onboarding.world import account_on_contract
from tests.playbooks.runner import setup

CONFIG = RefreshConfig("Asia/Tokyo", "JPY")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/kasasu.db"
    upgrade(url)
    engine = create_db_engine(url)
    with transaction(session_factory(engine)) as session:
        add_health_base(session)
    yield engine
    engine.dispose()


def test_today_is_refreshed_then_acted_on(engine: Engine, tmp_path: Path) -> None:
    ran = run_day(engine, [AS_OF], CONFIG, setup(1, tmp_path), today=AS_OF)
    assert ran.refresh.scored == {AS_OF: 2}  # H1 and H2 pay; H3 was cancelled
    assert ran.playbooks is not None
    assert (ran.playbooks.day, ran.playbooks.dry_run) == (AS_OF, False)


def test_a_backfill_another_day_or_no_playbooks_never_act(engine: Engine, tmp_path: Path) -> None:
    playbooks = setup(1, tmp_path)
    yesterday = AS_OF - timedelta(days=1)
    backfill = run_day(engine, [AS_OF], CONFIG, playbooks, today=AS_OF, backfill=True)
    assert (backfill.refresh.scored, backfill.playbooks) == ({AS_OF: 2}, None)
    history = run_day(engine, [yesterday, AS_OF], CONFIG, playbooks, today=AS_OF)
    assert (history.refresh.scored, history.playbooks) == ({yesterday: 2, AS_OF: 2}, None)
    past = run_day(engine, [yesterday], CONFIG, playbooks, today=AS_OF)
    assert (past.refresh.scored, past.playbooks) == ({yesterday: 2}, None)
    switched_off = run_day(engine, [AS_OF], CONFIG, None, today=AS_OF)
    assert (switched_off.refresh.scored, switched_off.playbooks) == ({AS_OF: 2}, None)


def test_the_refresh_of_today_gives_unowned_accounts_their_csm(engine: Engine) -> None:
    with transaction(session_factory(engine)) as session:
        csm = User(email="c@x.jp", name="千葉", role=Role.CSM)
        session.add(csm)
        session.flush()
        csm_id = csm.id
        save_rule(
            session, OwnerRuleDefinition(name="all", method=OwnerMethod.FIXED, owners=[csm_id])
        )
        live = [
            a.id
            for a in session.scalars(select(Account))
            if a.owner_id is None and a.lifecycle_stage is not LifecycleStage.CHURNED
        ]
    backfill = run_day(engine, [AS_OF], CONFIG, None, today=AS_OF, backfill=True)
    assert backfill.owners is None  # a rebuilt history gives nobody anything
    ran = run_day(engine, [AS_OF], CONFIG, None, today=AS_OF)
    assert ran.owners is not None
    assert sorted(a.account_id for a in ran.owners.assigned) == sorted(live)
    assert live
    with transaction(session_factory(engine)) as session:
        assert {session.get(Account, a).owner_id for a in live} == {csm_id}


def test_the_pages_are_computed_when_a_refresh_brings_the_latest_day(engine: Engine) -> None:
    """A backfill that ends on the latest day (``make demo``'s) leaves the dashboard stored
    for its first visit; refreshing an older day afterwards computes nothing."""
    reporting = Reporting(locale="ja", on=AS_OF)
    yesterday = AS_OF - timedelta(days=1)

    def stored() -> set[str]:
        with transaction(session_factory(engine)) as session:
            return {r.name for r in session.scalars(select(CachedResult))}

    run_day(engine, [yesterday, AS_OF], CONFIG, None, today=AS_OF, backfill=True, warm=reporting)
    assert "dashboard" in stored()
    with transaction(session_factory(engine)) as session:
        session.execute(delete(CachedResult))
    run_day(engine, [yesterday], CONFIG, None, today=AS_OF, warm=reporting)
    assert stored() == set()  # the latest day is still AS_OF: its pages did not change


def test_a_new_account_gets_its_plan_and_the_product_ticks_a_step(
    engine: Engine, tmp_path: Path
) -> None:
    """The shipped playbook new-account-onboarding starts the plan that applies on the
    refresh of today; the next day's refresh ticks the step whose event the product sent."""
    events = tmp_path / "events.duckdb"
    config = RefreshConfig("Asia/Tokyo", "JPY", AnalyticsSource(events_path=events))
    with transaction(session_factory(engine)) as session:
        ensure_default_playbooks(session)
        new_id = account_on_contract(session, "NEW", "Pro", AS_OF - timedelta(days=3))
    run_day(engine, [AS_OF], config, setup(1, tmp_path), today=AS_OF)
    with transaction(session_factory(engine)) as session:
        plans = list(session.scalars(select(Onboarding)))
        assert [(p.account_id, p.started_on) for p in plans] == [
            (new_id, AS_OF - timedelta(days=3))
        ]  # H1 and H2 are older than seven days: no plan
        steps = {m.step_key: m for m in session.scalars(select(Milestone))}
        assert steps["setup"].done_at is None
    sent = datetime(2026, 2, 1, 5, 0, tzinfo=UTC)
    ingest_batch(
        events,
        [EventIn.model_validate({"account_id": "NEW", "event": "invite_user", "timestamp": sent})],
    )
    tomorrow = AS_OF + timedelta(days=1)
    run_day(engine, [tomorrow], config, setup(1, tmp_path), today=tomorrow)
    with transaction(session_factory(engine)) as session:
        steps = {m.step_key: m for m in session.scalars(select(Milestone))}
        assert steps["setup"].done_at == sent
        assert steps["data"].done_at is None
        assert len(list(session.scalars(select(Onboarding)))) == 1  # started once
