"""Steps 1–4 of the daily refresh (DESIGN.md §3), one transaction per step, for one day or a
history: features → churn risk and lifetime value (the run's last day) → scores → touch
models → segments.

Safe to re-run: each step replaces its rows for the day. :func:`kasasu.jobs.daily.run_day`
adds step 5 (the playbooks) and is what ``kasasu refresh`` and the scheduler call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kasasu.db import session_factory, transaction
from kasasu.health.features import RefreshConfig, compute_features, read_accounts
from kasasu.health.service import assign_touch_models, health_on, score_day, scored_days
from kasasu.prediction.schemas import ChurnModelRead, ValueFitRead
from kasasu.prediction.training import RiskConfig, train_and_score
from kasasu.prediction.value import value_accounts
from kasasu.segments.service import assign_segments

# Days whose features are computed from one copy of the facts, in one transaction.
FEATURE_BATCH = 14
STEPS = ("features", "churn risk", "lifetime value", "scores", "touch models", "segments")

OnStep = Callable[[str, date], None]


@dataclass
class RefreshResult:
    features: dict[date, int] = field(default_factory=dict)
    scored: dict[date, int] = field(default_factory=dict)
    segments: dict[date, dict[str, int]] = field(default_factory=dict)
    models: dict[date, ChurnModelRead | None] = field(default_factory=dict)
    values: dict[date, ValueFitRead | None] = field(default_factory=dict)


def days_between(first: date, last: date, every: int = 1) -> list[date]:
    """``first``, ``first + every`` … up to ``last``, always ending with ``last``."""
    days = [first + timedelta(days=k) for k in range(0, (last - first).days + 1, every)]
    return days if days[-1] == last else [*days, last]


def run_refresh(
    engine: Engine,
    days: Sequence[date],
    config: RefreshConfig,
    on_step: OnStep | None = None,
    *,
    skip_done: bool = False,
    keep: Callable[[Session], None] | None = None,
) -> RefreshResult:
    """Features, scores and touch models for each of ``days``, each step committed apart.

    ``skip_done`` leaves out the days that already have scores (a backfill resumed).
    ``keep`` is called in every write transaction and for every day of features (the
    refresh lock's ``Lease.keep``, so that a long refresh keeps its days).
    """
    factory = session_factory(engine)
    result = RefreshResult()

    def done(step: str) -> Callable[[date], None]:
        return lambda day: on_step(step, day) if on_step else None

    @contextmanager
    def writing() -> Iterator[Session]:
        # BEGIN IMMEDIATE: each step reads, then writes; on SQLite a deferred transaction
        # fails at its first write when anyone (a user, the lock) committed since it read.
        with transaction(factory, write=True) as session:
            if keep:
                keep(session)
            yield session

    if skip_done:
        with transaction(factory) as session:
            done_days = scored_days(session, days)
        days = [d for d in days if d not in done_days]
        for day in sorted(done_days):  # counted as done, so progress reaches its total
            for step in STEPS:
                done(step)(day)

    for start in range(0, len(days), FEATURE_BATCH):
        batch = list(days[start : start + FEATURE_BATCH])
        with writing() as session:

            def tick(day: date, session: Session = session) -> None:
                if keep:
                    keep(session)
                done(STEPS[0])(day)

            accounts = read_accounts(session)
            computed = compute_features(session, batch, config, tick, accounts=accounts)
        for day in batch:
            # Each step hands the next what it stored instead of reading it back (JSON for
            # 20,000 accounts and the accounts themselves: ~0.9 s per day on the benchmark).
            features = computed[day]
            result.features[day] = len(features)
            if day == days[-1]:
                # Trained once per run, for its last day (today's refresh): a model per day
                # of a backfill would cost a training each; the backtest replays history.
                with writing() as session:
                    result.models[day] = train_and_score(
                        session, day, features, config, accounts=accounts
                    )
            done(STEPS[1])(day)
            if day == days[-1]:
                with writing() as session:
                    result.values[day] = value_accounts(
                        session, day, features, config, RiskConfig().horizon_days
                    )
            done(STEPS[2])(day)
            with writing() as session:
                result.scored[day] = score_day(
                    session, day, features=features, accounts=accounts, touch=config.touch
                )
            done(STEPS[3])(day)
            with writing() as session:
                assign_touch_models(session, day, config, features=features, accounts=accounts)
            done(STEPS[4])(day)
            with writing() as session:
                health = health_on(session, day)
                result.segments[day] = assign_segments(session, day, features, accounts, health)
            done(STEPS[5])(day)
    return result
