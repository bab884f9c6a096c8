"""The daily churn model at scale (issue 18: training and scoring of 20,000 accounts with a year
of fortnightly snapshots ≤ 60 s on 2 cores, scoring alone ≤ 5 s, peak memory reported), as
``make bench`` runs it.

A fresh data directory, built in a child process: 26,000 accounts on monthly contracts
started over the 30 months before 2026-12-01, about 1.5% of them churning a month (more the
weaker their hidden health), so that about 20,000 pay on that day, and a feature snapshot of
every paying account every 14 days over the 455 days before (usage falls a little and tickets
rise in the 90 days before a churn). The
parent then runs the refresh's step as the refresh runs it (``train_and_score``: the training
frame from the snapshots, both models on forward-chaining folds, calibration, scoring and
storing every account's risk), then scoring alone with the fitted model, and one LightGBM fit
on the same frame as the reference measured in the same run. Peak memory is the parent's
maximum resident set (it holds nothing but the measured work). Then the lifetime values of the
same accounts (the refresh's next step). Last, the four API routes of a served Kasasu beside
``GET /healthz``.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import resource
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kasasu.analytics.features import FEATURE_NAMES
from kasasu.db.engine import create_db_engine
from kasasu.models import Account, FeatureSnapshot, Subscription
from serving import kasasu_output, served

ACCOUNTS = 26_000  # about 20,000 of them paying on DAY
DAY = date(2026, 12, 1)
EVERY, SNAPSHOTS = 14, 33  # 455 days: a year before the cut-off (DAY − 90) and the 90 after
MONTHLY_CHURN = 0.015
TARGET_TOTAL_S, TARGET_SCORING_S = 60.0, 5.0
REQUESTS = 200


def _build(database: str) -> None:
    """The accounts, their contracts and the feature history (in a child process)."""
    rng = np.random.default_rng(18)
    engine = create_db_engine(database)
    health = rng.normal(size=ACCOUNTS)
    start = [DAY - timedelta(days=int(d)) for d in rng.integers(30, 900, ACCOUNTS)]
    # Months until churn: geometric, the hazard twice as high per 1 σ weaker health.
    hazard = np.clip(MONTHLY_CHURN * np.exp(-0.7 * health), 0.001, 0.5)
    months = rng.geometric(hazard)
    churn = [s + timedelta(days=int(30.4 * m)) for s, m in zip(start, months, strict=True)]
    amount = rng.choice([10_000, 30_000, 80_000, 200_000], ACCOUNTS)
    with Session(engine) as session, session.begin():
        session.execute(
            insert(Account),
            [{"external_id": f"ACC-{n:05d}", "name": f"Account {n}",
              "plan": ["Basic", "Pro", "Enterprise"][n % 3], "custom_fields": {}}
             for n in range(ACCOUNTS)],
        )  # fmt: skip
        ids = list(session.scalars(select(Account.id).order_by(Account.id)))
        subscriptions = []
        for n, account_id in enumerate(ids):
            gone = churn[n] < DAY
            subscriptions.append(
                {"account_id": account_id, "external_id": f"SUB-{n:05d}", "product": "Core",
                 "plan": "Pro", "seats": 10, "amount": int(amount[n]), "currency": "JPY",
                 "billing_interval": "month", "start_date": start[n],
                 "end_date": churn[n] if gone else date(2026, 12, 31),
                 "auto_renew": not gone, "status": "cancelled" if gone else "active",
                 "cancelled_on": churn[n] if gone else None}
            )  # fmt: skip
        session.execute(insert(Subscription), subscriptions)
        for k in range(SNAPSHOTS):
            day = DAY - timedelta(days=EVERY * k)
            rows = [
                {"account_id": account_id, "as_of": day,
                 "features": _features(rng, health[n], (start[n], churn[n], day), int(amount[n]))}
                for n, account_id in enumerate(ids)
                if start[n] <= day <= churn[n]
            ]  # fmt: skip
            session.execute(insert(FeatureSnapshot), rows)
    engine.dispose()


def _features(
    rng: np.random.Generator, health: float, days: tuple[date, date, date], mrr: int
) -> dict[str, float | None]:
    """``days``: the contract's start, its churn (maybe after DAY) and the snapshot's day."""
    start, churn, day = days
    leaving = (churn - day).days <= 90
    events = float(rng.poisson(200 * math.exp(0.5 * health) * (0.7 if leaving else 1.0)))
    users = float(rng.integers(1, 10))
    values: dict[str, float | None] = dict.fromkeys(FEATURE_NAMES)
    values.update(
        mrr=float(mrr),
        tenure_days=float((day - start).days),
        events_7d=events / 4,
        events_30d=events,
        events_90d=events * 3,
        usage_trend_30d=float(rng.normal(-0.1 if leaving else 0.0, 0.3)),
        active_users_30d=users,
        dau_mau=float(rng.uniform(0.05, 0.4)),
        features_used_30d=float(rng.integers(1, 12)),
        days_since_last_event=float(rng.poisson(4 if leaving else 2)),
        never_used=0.0,
        seats=10.0,
        seat_utilisation=users / 10,
        open_tickets=float(rng.poisson(1.3 if leaving else 1)),
        escalated_tickets=float(rng.poisson(0.2)),
        latest_nps=float(rng.integers(0, 11)),
    )
    return values


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-churn-") as tmp:
        data = Path(tmp)
        env = {**os.environ, "KASASU_DATA_DIR": str(data), "KASASU_LOCALE": "en",
               "KASASU_REFRESH__SCHEDULED": "false", "KASASU_DEV_MODE": "true"}  # fmt: skip
        kasasu_output(env, "init")
        database = f"sqlite:///{data / 'kasasu.db'}"
        began = time.perf_counter()
        child = multiprocessing.get_context("spawn").Process(target=_build, args=(database,))
        child.start()
        child.join()
        assert child.exitcode == 0
        print(f"built {ACCOUNTS:,} accounts and {SNAPSHOTS} fortnightly snapshots in "
              f"{time.perf_counter() - began:.0f} s")  # fmt: skip
        os.environ.update(env)
        account = _training(database)
        _api(env, data, account)


def _training(database: str) -> int:
    """The refresh's step, scoring alone and the reference; an account scored."""
    import lightgbm
    import pandas as pd

    from kasasu.analytics.models.churn import _ROUNDS, _TREES, fit_churn_model
    from kasasu.health.features import read_accounts
    from kasasu.health.snapshots import features_on
    from kasasu.prediction import training
    from kasasu.prediction.value import value_accounts
    from kasasu.settings import Settings
    from kasasu.wiring import refresh_config

    config = refresh_config(Settings())
    engine = create_db_engine(database)
    before = _peak_mb()
    with Session(engine) as session, session.begin():
        accounts = read_accounts(session)
        today = features_on(session, DAY)
        started = time.perf_counter()
        card = training.train_and_score(session, DAY, today, config, accounts=accounts)
        total = time.perf_counter() - started
    peak = _peak_mb()
    assert card is not None
    with Session(engine) as session, session.begin():
        started = time.perf_counter()
        fit = value_accounts(session, DAY, today, config, 90)
        valued = time.perf_counter() - started
    assert fit is not None
    print(f"lifetime value of {len(today):,} accounts (the LTV KPI's sBG fit, α {fit.alpha:.3f}, "
          f"β {fit.beta:.3f}, then each account's DERL and risk): {valued:.1f} s")  # fmt: skip
    stored = [DAY - timedelta(days=EVERY * k) for k in range(SNAPSHOTS)]
    days = training.training_days(stored, DAY, 90)
    with Session(engine) as session:
        frame = training.training_frame(session, config, days, 90, accounts)
    frame = frame.drop(columns=["account_id"])
    model = fit_churn_model(frame, training.LABEL, categorical=list(training.CATEGORY_FIELDS),
                            time_column=training.DAY, horizon=timedelta(days=90))  # fmt: skip
    rows = pd.DataFrame([training.model_inputs(f, accounts.get(a, {})) for a, f in today])
    started = time.perf_counter()
    model.predict_proba(rows)
    model.reasons(rows, top=3)
    scoring = time.perf_counter() - started
    x, y = model.spec.numbers(frame), frame[training.LABEL].astype(int).to_numpy()
    started = time.perf_counter()
    lightgbm.train(_TREES, lightgbm.Dataset(x, label=y), num_boost_round=_ROUNDS)
    reference = time.perf_counter() - started
    verdict = "MET" if total <= TARGET_TOTAL_S else "MISSED"
    print(f"daily churn model, {card.rows:,} account-days ({len(days)} days, "
          f"{card.churned:,} churned) → {len(today):,} accounts scored: {total:.1f} s "
          f"({verdict}, target ≤ {TARGET_TOTAL_S:.0f} s); model {card.model}, "
          f"AUC {card.cv_auc:.3f}; one LightGBM fit on the same frame (reference) "
          f"{reference:.1f} s, ratio {total / reference:.1f}")  # fmt: skip
    verdict = "MET" if scoring <= TARGET_SCORING_S else "MISSED"
    print(f"scoring alone (probabilities and reasons of {len(today):,} accounts): "
          f"{scoring:.2f} s ({verdict}, target ≤ {TARGET_SCORING_S:.0f} s)")  # fmt: skip
    print(f"peak memory (maximum resident set of the measuring process): {peak:,.0f} MB "
          f"({before:,.0f} MB before training)")  # fmt: skip
    return today[0][0]


def _api(env: dict[str, str], data: Path, account: int) -> None:
    """The four routes of a served Kasasu beside GET /healthz."""
    made = kasasu_output(env, "apikey", "create", "--name", "bench", "--role", "admin")
    key = made.strip().splitlines()[-1].strip()
    paths = [
        "/api/v1/churn/model",
        f"/api/v1/accounts/{account}/churn-risk",
        "/api/v1/lifetime-value",
        f"/api/v1/accounts/{account}/lifetime-value",
        "/healthz",
    ]
    auth = {"Authorization": f"Bearer {key}"}
    with (
        served(env, log=data / "serve.log") as (base, _server),
        httpx.Client(base_url=base, timeout=60, headers=auth) as client,
    ):
        for path in paths:
            took = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                answer = client.get(path)
                took.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, (path, answer.text[:200])
            took.sort()
            shown = re.sub(r"/[0-9]+/", "/{id}/", path)
            p95 = took[int(0.95 * REQUESTS) - 1]
            print(f"GET {shown}: median {statistics.median(took):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
