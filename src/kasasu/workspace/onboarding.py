"""The onboarding board kept between requests: it counts every plan's steps (tens of
thousands of rows at 20,000 accounts), so it is computed once per state of the tables it
reads, its filters and the day (days since the start and late steps count from today)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kasasu.models import (
    Account,
    Milestone,
    Onboarding,
    OnboardingTemplate,
    OnboardingTemplateVersion,
)
from kasasu.onboarding.board import onboarding_board
from kasasu.onboarding.schemas import OnboardingBoard
from kasasu.workspace.memo import Recalled, recall

BOARD_TABLES = (Onboarding, Milestone, Account, OnboardingTemplate, OnboardingTemplateVersion)


def recall_onboarding_board(
    session: Session,
    today: date,
    *,
    finished: bool | None,
    owner_id: int | None,
    template: str | None,
    limit: int,
    offset: int,
) -> Recalled[OnboardingBoard]:
    def compute() -> OnboardingBoard:
        return onboarding_board(
            session,
            today,
            finished=finished,
            owner_id=owner_id,
            template=template,
            limit=limit,
            offset=offset,
        )

    asked = {"finished": finished, "owner_id": owner_id, "template": template}
    return recall(
        session,
        "onboarding-board",
        {"today": today, "limit": limit, "offset": offset, **asked},
        tables=BOARD_TABLES,
        compute=compute,
        kind=OnboardingBoard,
    )
