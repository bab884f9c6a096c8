"""Recording the runs of the scheduled jobs and reading them back (Settings, the API); the
daily refresh prunes the old ones so that the history stays small."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from kasasu.errors import FieldError, InvalidInput
from kasasu.jobruns.repository import JobRunRepository
from kasasu.jobruns.schemas import JobHistory, JobRunCreate, JobRunRead, JobSummary
from kasasu.kit.i18n import _
from kasasu.models import JobRun

ERROR_CHARS = 2000  # of a failed run's error; a traceback's first lines say enough
MAX_RUNS = 500  # recent runs one answer lists


def record_job_run(session: Session, run: JobRunCreate) -> JobRunRead:
    error = run.error
    if error is not None and len(error) > ERROR_CHARS:
        error = error[: ERROR_CHARS - 1] + "…"
    row = JobRunRepository(session).add(JobRun(**run.model_dump(exclude={"error"}), error=error))
    return JobRunRead.model_validate(row)


def job_history(session: Session, *, name: str | None = None, limit: int = 50) -> JobHistory:
    """Each job's latest run and latest run not skipped, then the ``limit`` most recent runs
    (of the job ``name`` only, when given), newest first."""
    if not 1 <= limit <= MAX_RUNS:
        raise InvalidInput(
            _("Page out of range"),
            [FieldError(("query", "limit"), _("Between 1 and {n}", n=MAX_RUNS), limit)],
        )
    repo = JobRunRepository(session)
    done = {
        row.name: JobRunRead.model_validate(row) for row in repo.latest_per_name(done_only=True)
    }
    jobs = [
        JobSummary(
            name=row.name, last_run=JobRunRead.model_validate(row), last_done=done.get(row.name)
        )
        for row in repo.latest_per_name()
    ]
    runs = [JobRunRead.model_validate(row) for row in repo.recent(name=name, limit=limit)]
    return JobHistory(jobs=jobs, runs=runs)


def day_done(session: Session, name: str, day: date) -> JobRunRead | None:
    """The run of the job ``name`` that did ``day`` and succeeded, if one did."""
    row = JobRunRepository(session).last_ok(name, day)
    return None if row is None else JobRunRead.model_validate(row)


def prune_job_runs(session: Session, before: datetime) -> int:
    """Delete the runs started before ``before``; how many there were."""
    return JobRunRepository(session).delete_before(before)
