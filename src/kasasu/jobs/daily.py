"""The whole daily refresh (DESIGN.md §3): features → churn risk, value → scores → touch models →
segments, then the ownership rules, the playbooks, the survey campaigns scheduled for the
day, the CSMs' daily digests and the health written back to the CRM. Called by ``kasasu
refresh`` and by the scheduler inside ``kasasu serve``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kasasu.db import session_factory, transaction
from kasasu.domain.reporting import Reporting
from kasasu.health.features import RefreshConfig
from kasasu.health.snapshots import latest_refresh_day
from kasasu.jobs.community import CommunityDigestOutcome, send_community_digests
from kasasu.jobs.digests import DigestConfig, DigestOutcome, send_digests
from kasasu.jobs.onboarding import track_onboarding
from kasasu.jobs.ownership import assign_unowned
from kasasu.jobs.playbooks import PlaybookOutcome, PlaybookSetup, run_playbooks
from kasasu.jobs.portal import forget_ended_sign_ins
from kasasu.jobs.refresh import OnStep, RefreshResult, run_refresh
from kasasu.jobs.surveys import send_scheduled
from kasasu.jobs.warm import warm_pages
from kasasu.jobs.webinars import record_no_shows
from kasasu.jobs.writeback import WritebackConfig, WritebackOutcome, push_health
from kasasu.ownership.schemas import AssignmentPlan
from kasasu.surveys.campaign_schemas import SendOutcome
from kasasu.surveys.config import SurveyConfig

PAGES_STEP = "pages"  # computing the pages of the day ahead, after the refresh of today


@dataclass
class DayResult:
    refresh: RefreshResult
    playbooks: PlaybookOutcome | None  # None when the playbooks did not run
    surveys: list[SendOutcome] | None = None  # the scheduled campaigns sent; None: not run
    owners: AssignmentPlan | None = None  # what the ownership rules did; None: not run
    digests: DigestOutcome | None = None  # the CSMs' daily digests; None: not sent
    crm: WritebackOutcome | None = None  # health sent to the CRM's webhook; None: not set up
    community: CommunityDigestOutcome | None = None  # members' digests; None: not sent


def run_day(
    engine: Engine,
    days: Sequence[date],
    config: RefreshConfig,
    playbooks: PlaybookSetup | None,
    *,
    today: date,
    backfill: bool = False,
    on_step: OnStep | None = None,
    skip_done: bool = False,
    keep: Callable[[Session], None] | None = None,
    surveys: SurveyConfig | None = None,
    warm: Reporting | None = None,
    digests: DigestConfig | None = None,
    crm: WritebackConfig | None = None,
) -> DayResult:
    """On the refresh of today, the onboarding steps done outside their page are ticked
    first; then steps 1–4 for each of ``days`` (see :func:`run_refresh`), then the ownership rules
    give unowned accounts their CSM, then step 5, the playbooks
    (``None``: switched off), for the day refreshed, then the survey campaigns scheduled for
    it (``surveys``: how they are sent; None: not), then each CSM's daily digest
    (``digests``; None: not) and the changed health to the CRM's webhook (``crm``; None:
    not), then the pages computed over every
    account are computed and stored for the day's first visit (``warm``: as whom; None: not).

    Playbooks act on the present: they run only when the one day refreshed is ``today`` and
    this is not a backfill, so a rebuilt history never sends anything. The pages are
    computed whenever the refresh brings the latest day scored (a backfill to today
    included: ``make demo``'s first visit reads them too).
    """
    ahead = warm is not None and brings_latest_day(engine, days)
    present = not backfill and list(days) == [today]
    if present:
        track_onboarding(engine, config.source.events_path)
    refreshed = run_refresh(engine, days, config, on_step, skip_done=skip_done, keep=keep)
    owners = assign_unowned(engine) if present else None
    if present:  # before the playbooks, which read them (trigger event_no_show)
        record_no_shows(engine, datetime.now(UTC))
        forget_ended_sign_ins(engine, datetime.now(UTC))
    acted = run_playbooks(engine, today, playbooks) if playbooks is not None and present else None
    sent = send_scheduled(engine, today, surveys) if surveys is not None and present else None
    digested = send_digests(engine, today, digests) if digests is not None and present else None
    # The community members' digests go with the CSMs' (the same mail settings).
    members = send_community_digests(engine, today, digests) if digests and present else None
    pushed = push_health(engine, today, crm) if crm is not None and present else None
    if warm is not None and ahead:
        warm_pages(engine, warm, config.source)
        if on_step:
            on_step(PAGES_STEP, today)
    return DayResult(refreshed, acted, sent, owners, digested, pushed, members)


def brings_latest_day(engine: Engine, days: Sequence[date]) -> bool:
    """Whether refreshing ``days`` scores the latest day there is (what the pages show)."""
    with transaction(session_factory(engine)) as session:
        latest = latest_refresh_day(session)
    return bool(days) and (latest is None or max(days) >= latest)
