"""Which guides a user sees (issue 17: p95 ≤ 20 ms server time at 20,000 accounts and 200
live guides), as ``make bench`` runs it.

A fresh data directory: 20,000 accounts (plans, touch models, lifecycle stages), 10
segments holding about 2,000 accounts each, an onboarding plan on 2,000 accounts, and 200
published guides of every kind whose targeting asks what real ones do (segments, touch
model, plan, lifecycle stage, an open onboarding step, URL patterns, roles, playbook
assignments). 2,000 questions from random users on random pages are answered by the
service itself (the server time), then 1,000 through ``POST /api/v1/sdk/guides`` of a
served Kasasu beside ``GET /healthz`` as the reference measured in the same run.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kasasu.db.engine import create_db_engine
from kasasu.domain.choices import GuideKind, LifecycleStage, TouchModel
from kasasu.guides.authoring import create_guide, publish
from kasasu.guides.decision import decide
from kasasu.guides.schemas import GuideAsk, GuideWrite
from kasasu.models import Account, Segment, SegmentMember
from kasasu.onboarding.schemas import OnboardingStart
from kasasu.onboarding.service import start_onboarding
from serving import kasasu_output, served

ACCOUNTS, GUIDES, SEGMENTS, PLANS = 20_000, 200, 10, 2_000
QUESTIONS, SERVED = 2_000, 1_000
ORIGIN = "https://app.example.jp"
TARGET_MS = 20.0
PAGES = ["/", "/reports", "/reports/weekly", "/settings", "/billing", "/team/invite"]
rng = random.Random(17)


def _guide(number: int) -> GuideWrite:
    kind = list(GuideKind)[number % 5]  # tooltip … checklist; no survey
    aim: dict[str, object] = {}
    match number % 7:
        case 0:
            aim["segments"] = [f"segment-{number % SEGMENTS}"]
        case 1:
            aim["touch_models"] = [list(TouchModel)[number % 3].value]
        case 2:
            aim["plans"] = ["Pro", "Enterprise"]
        case 3:
            aim["lifecycle_stages"] = [LifecycleStage.ONBOARDING.value]
            aim["onboarding_step_open"] = "setup"
        case 4:
            aim["url"] = rng.choice(["/reports*", "/settings", "/team/*"])
            aim["roles"] = ["admin"]
        case 5:
            aim["assigned_only"] = True
        case _:
            aim["visits_to"] = 3
    steps = [
        {"selector": f"#step-{i}", "title": {"ja": f"手順 {i}", "en": f"Step {i}"},
         "body": "Use **this** to [learn more](https://example.com/help)."}
        for i in range(3)
    ]  # fmt: skip
    return GuideWrite.model_validate(
        {
            "key": f"guide-{number}",
            "name": f"Guide {number}",
            "kind": kind,
            "environment": "bench",
            "definition": {"steps": steps, "targeting": aim, "caps": {"max_shows": 5}},
        }
    )


def _fill(session: Session) -> list[str]:
    stages, touch = list(LifecycleStage), list(TouchModel)
    session.execute(
        insert(Account),
        [
            {
                "external_id": f"ACC-{n:05d}",
                "name": f"Account {n}",
                "plan": rng.choice(["Basic", "Pro", "Enterprise"]),
                "touch_model": rng.choice(touch),
                "lifecycle_stage": rng.choice(stages),
                "custom_fields": {},
            }
            for n in range(ACCOUNTS)
        ],
    )
    ids = list(session.scalars(select(Account.id)))
    for s in range(SEGMENTS):
        segment = Segment(name=f"segment-{s}", rule="mrr >= 0")
        session.add(segment)
        session.flush()
        members = rng.sample(ids, ACCOUNTS // SEGMENTS)
        entered = date(2026, 12, 1)
        rows = [{"segment_id": segment.id, "account_id": a, "entered_on": entered} for a in members]
        session.execute(insert(SegmentMember), rows)
    for account_id in rng.sample(ids, PLANS):
        start_onboarding(session, account_id, OnboardingStart(template="standard"), by=None,
                         locale="en", today=date(2026, 11, 20))  # fmt: skip
    now = datetime.now(UTC)
    for number in range(GUIDES):
        create_guide(session, _guide(number))
        publish(session, f"guide-{number}", by=None, now=now)
    return [f"ACC-{n:05d}" for n in range(ACCOUNTS)]


def _percentiles(took: list[float]) -> tuple[float, float]:
    ordered = sorted(took)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95)] * 1000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-guides-") as tmp:
        data = Path(tmp)
        env = {**os.environ, "KASASU_DATA_DIR": str(data), "KASASU_LOCALE": "en",
               "KASASU_REFRESH__SCHEDULED": "false", "KASASU_DEV_MODE": "true",
               "KASASU_LIMITS__SDK_PER_ADDRESS": "1000000"}  # fmt: skip
        kasasu_output(env, "init")
        made = kasasu_output(env, "sdk", "create", "bench", "--origin", ORIGIN)
        key = re.search(r"(pk_\S+)", made)
        secret = re.search(r"shown once\): ([0-9a-f]{64})", made)
        assert key is not None, made
        assert secret is not None, made
        engine = create_db_engine(f"sqlite:///{data / 'kasasu.db'}")
        began = time.perf_counter()
        with Session(engine) as session, session.begin():
            accounts = _fill(session)
        built = time.perf_counter() - began
        print(f"built {ACCOUNTS:,} accounts, {GUIDES} live guides in {built:.0f} s")

        def ask() -> GuideAsk:
            account, user = rng.choice(accounts), f"u-{rng.randrange(5)}"
            signed = hmac.new(secret[1].encode(), f"{account}:{user}".encode(), hashlib.sha256)
            return GuideAsk(environment=key[1], account=account, user=user,
                            signature=signed.hexdigest(), url=rng.choice(PAGES),
                            traits={"role": rng.choice(["admin", "member"])})  # fmt: skip

        took, shown = [], 0
        for _ in range(QUESTIONS):
            question = ask()
            with Session(engine) as session, session.begin():
                started = time.perf_counter()
                answer = decide(session, question, ORIGIN, datetime.now(UTC))
                took.append(time.perf_counter() - started)
            shown += len(answer.guides)
        median, p95 = _percentiles(took)
        verdict = "MET" if p95 <= TARGET_MS else "MISSED"
        print(f"guide decision (server time): median {median:.1f} ms, p95 {p95:.1f} ms "
              f"({verdict}, target ≤ {TARGET_MS:.0f} ms); {shown / QUESTIONS:.1f} guides a "
              f"question on average")  # fmt: skip

        with served(env) as (base, _server), httpx.Client(base_url=base, timeout=30) as client:
            asked, reference = [], []
            for _ in range(SERVED):
                body = ask().model_dump()
                started = time.perf_counter()
                origin = {"Origin": ORIGIN}
                answer_http = client.post("/api/v1/sdk/guides", json=body, headers=origin)
                asked.append(time.perf_counter() - started)
                assert answer_http.status_code == 200, answer_http.text
                started = time.perf_counter()
                client.get("/healthz")
                reference.append(time.perf_counter() - started)
        served_median, served_p95 = _percentiles(asked)
        ref_median, ref_p95 = _percentiles(reference)
        print(f"POST /api/v1/sdk/guides over loopback: median {served_median:.1f} ms, p95 "
              f"{served_p95:.1f} ms; GET /healthz (reference): median {ref_median:.1f} ms, p95 "
              f"{ref_p95:.1f} ms; ratio of medians {served_median / ref_median:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
