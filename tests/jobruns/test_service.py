"""The job history: runs recorded with their error cut short, each job's latest run and latest
run that did the work, the recent runs newest first, the day a refresh did, and the prune;
read by admins at GET /api/v1/jobs and in Settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import JobResult, Role
from kasasu.errors import InvalidInput
from kasasu.jobruns.schemas import JobRunCreate
from kasasu.jobruns.service import (
    ERROR_CHARS,
    day_done,
    job_history,
    prune_job_runs,
    record_job_run,
)
from tests.conftest import make_key

T0 = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 03:00 on the 25th in Tokyo
DAY = date(2026, 11, 25)


def _run(name: str, minutes: int, result: JobResult, **more: object) -> JobRunCreate:
    started = T0 + timedelta(minutes=minutes)
    values: dict[str, object] = {
        "name": name,
        "started_at": started,
        "finished_at": started + timedelta(seconds=90),
        "result": result,
        "holder": "worker-a:101",
        **more,
    }
    return JobRunCreate.model_validate(values)


def history_of_two_workers(session: Session) -> None:
    """Worker A refreshes the day (a failure, then the retry); B skips it; the reminders run
    on A then are skipped by B."""
    for run in (
        _run("daily-refresh", 0, JobResult.FAILED, day=DAY, error="Boom: " + "x" * 3000),
        _run("daily-refresh", 0, JobResult.SKIPPED, day=DAY, holder="worker-b:202",
             held_by="worker-a:101"),
        _run("daily-refresh", 1, JobResult.OK, day=DAY, attempt=2),
        _run("onboarding-reminders", 5, JobResult.OK),
        _run("onboarding-reminders", 6, JobResult.SKIPPED, holder="worker-b:202",
             held_by="worker-a:101"),
    ):  # fmt: skip
        record_job_run(session, run)


def test_the_history_gives_each_jobs_latest_runs_and_the_recent_ones(session: Session) -> None:
    history_of_two_workers(session)
    history = job_history(session)
    assert [(j.name, j.last_run.result, j.last_run.holder) for j in history.jobs] == [
        ("daily-refresh", JobResult.OK, "worker-a:101"),
        ("onboarding-reminders", JobResult.SKIPPED, "worker-b:202"),
    ]
    # The latest run that did the work, beside a later skipped one: A's reminders at +5 min.
    done = history.jobs[1].last_done
    assert done is not None
    assert (done.result, done.started_at) == (JobResult.OK, T0 + timedelta(minutes=5))
    assert [(r.name, r.result, r.attempt, r.seconds) for r in history.runs] == [
        ("onboarding-reminders", JobResult.SKIPPED, 1, 90.0),
        ("onboarding-reminders", JobResult.OK, 1, 90.0),
        ("daily-refresh", JobResult.OK, 2, 90.0),
        ("daily-refresh", JobResult.SKIPPED, 1, 90.0),  # same start as the failure: by id
        ("daily-refresh", JobResult.FAILED, 1, 90.0),
    ]
    failed = history.runs[-1].error
    assert failed is not None
    assert len(failed) == ERROR_CHARS
    assert failed.startswith("Boom: xxx")
    assert failed.endswith("x…")
    one_job = job_history(session, name="daily-refresh", limit=2).runs
    assert [(r.result, r.held_by) for r in one_job] == [
        (JobResult.OK, None),
        (JobResult.SKIPPED, "worker-a:101"),
    ]
    with pytest.raises(InvalidInput):
        job_history(session, limit=0)


def test_a_day_is_done_by_its_successful_run_only(session: Session) -> None:
    record_job_run(session, _run("daily-refresh", 0, JobResult.FAILED, day=DAY, error="e"))
    assert day_done(session, "daily-refresh", DAY) is None
    record_job_run(session, _run("daily-refresh", 1, JobResult.OK, day=DAY, attempt=2))
    done = day_done(session, "daily-refresh", DAY)
    assert done is not None
    assert (done.attempt, done.holder) == (2, "worker-a:101")
    assert day_done(session, "daily-refresh", DAY + timedelta(days=1)) is None
    assert day_done(session, "warehouse-export", DAY) is None


def test_the_prune_deletes_the_runs_started_before_its_moment(session: Session) -> None:
    history_of_two_workers(session)  # started at +0, +0, +1, +5 and +6 minutes
    assert prune_job_runs(session, T0 + timedelta(minutes=1)) == 2
    assert [r.started_at for r in job_history(session).runs] == [
        T0 + timedelta(minutes=m) for m in (6, 5, 1)
    ]


def test_admins_read_the_history_at_api_jobs(
    api: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        history_of_two_workers(s)
        s.commit()
    api.headers["Authorization"] = f"Bearer {make_key(sessions, Role.LEADER)}"
    assert api.get("/jobs").status_code == 403
    api.headers["Authorization"] = f"Bearer {make_key(sessions, Role.ADMIN)}"
    answer = api.get("/jobs", params={"name": "daily-refresh", "limit": 1})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(j["name"], j["last_run"]["result"]) for j in body["jobs"]] == [
        ("daily-refresh", "ok"),
        ("onboarding-reminders", "skipped"),
    ]
    assert body["jobs"][1]["last_done"]["result"] == "ok"
    (run,) = body["runs"]
    assert {k: run[k] for k in ("name", "day", "result", "attempt", "seconds", "held_by")} == {
        "name": "daily-refresh",
        "day": "2026-11-25",
        "result": "ok",
        "attempt": 2,
        "seconds": 90.0,
        "held_by": None,
    }
    assert api.get("/jobs", params={"limit": 501}).status_code == 422
    assert api.get("/jobs", params={"name": "Not A Job"}).status_code == 422
