"""A playbook's dry run, kept between requests (workspace.memo): it plans the playbook for
every account of the latest refresh day, so it is computed once per state of the tables
planning reads (the day's features and scores, segments, the playbook and its runs, the
people and the records its triggers look at)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kasasu.models import (
    Account,
    Contact,
    FeatureSnapshot,
    HealthScore,
    Milestone,
    Playbook,
    PlaybookAction,
    PlaybookRun,
    Segment,
    SegmentMember,
    Subscription,
    SurveyResponse,
    Task,
    Ticket,
    User,
)
from kasasu.playbooks.dry_run import DryRun, dry_run
from kasasu.playbooks.planning import PlaybookConfig
from kasasu.workspace.memo import Recalled, recall

PLANNING_TABLES = (
    Playbook, PlaybookRun, PlaybookAction, FeatureSnapshot, HealthScore, Account, Contact,
    Milestone, Segment, SegmentMember, Subscription, SurveyResponse, Task, Ticket, User,
)  # fmt: skip


def recall_dry_run(
    session: Session, name: str, day: date, config: PlaybookConfig, *, locale: str, shown: int
) -> Recalled[DryRun]:
    # What a plan's words and links depend on (not the webhook hosts: a set, in no order).
    setting = (config.zone, config.currency, config.locale, config.base_url)
    params = {"name": name, "day": day, "config": setting, "locale": locale, "shown": shown}
    return recall(
        session,
        "dry-run",
        params,
        tables=PLANNING_TABLES,
        compute=lambda: dry_run(session, name, day, config, locale=locale, shown=shown),
        kind=DryRun,
    )
