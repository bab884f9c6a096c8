"""A run of a scheduled job as recorded and read back, and the history as Settings and the
API show it: each job's latest runs, then the recent runs of every job."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from kasasu.domain.choices import JobResult
from kasasu.kit.i18n import Message, _

# The scheduled jobs by the name their runs and locks carry (jobs/schedule.py runs them).
DAILY_REFRESH = "daily-refresh"
WAREHOUSE_EXPORT = "warehouse-export"
REMINDERS = "onboarding-reminders"
CONNECTOR_DROPS = "connector-drops"
CONNECTOR_FEEDS = "connector-feeds"
PAGES = "pages-ahead"
JOB_TITLES: dict[str, Message] = {
    DAILY_REFRESH: _("Daily refresh"),
    WAREHOUSE_EXPORT: _("Warehouse export"),
    REMINDERS: _("Customer reminders and event emails"),
    CONNECTOR_DROPS: _("Connectors' drop folder"),
    CONNECTOR_FEEDS: _("Connectors' feeds"),
    PAGES: _("Pages computed ahead"),
}


class JobRunCreate(BaseModel):
    name: str = Field(max_length=100)
    started_at: datetime
    finished_at: datetime
    result: JobResult
    holder: str = Field(max_length=200)  # host:pid of the process that ran (or skipped) it
    day: date | None = None  # the day a daily job was for
    attempt: int = Field(default=1, ge=1)
    held_by: str | None = Field(default=None, max_length=200)  # skipped: who ran it instead
    error: str | None = None  # cut to ERROR_CHARS when recorded


class JobRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str = Field(examples=["daily-refresh"])
    day: date | None = Field(description="The day a daily job was for (the day refreshed)")
    started_at: datetime
    finished_at: datetime
    result: JobResult = Field(
        description="ok; failed (see error; the daily refresh is tried again); skipped: "
        "another process held the job's lock or had done the work (held_by)"
    )
    attempt: int = Field(description="1, then 2 and more for the retries of a failed run")
    holder: str = Field(description="host:pid of the process", examples=["web-1:4242"])
    held_by: str | None = Field(description="A skipped run: the process that ran it instead")
    error: str | None = Field(description="A failed run's error, cut to 2,000 characters")

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def seconds(self) -> float:
        """How long the run took."""
        return round((self.finished_at - self.started_at).total_seconds(), 3)


class JobSummary(BaseModel):
    name: str
    last_run: JobRunRead = Field(description="The job's latest run, skipped ones included")
    last_done: JobRunRead | None = Field(
        description="Its latest run that was not skipped (ok or failed), by whichever process"
    )


class JobHistory(BaseModel):
    jobs: list[JobSummary] = Field(description="Every job that has run, by name")
    runs: list[JobRunRead] = Field(description="The recent runs, newest first")
