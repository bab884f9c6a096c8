"""Requests (要望): what one account asked for, heard in an activity, ticket or survey answer;
the needs board groups them into needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.db.service import CrudService
from kasasu.domain.choices import NeedStatus, RequestSource
from kasasu.kit.i18n import _
from kasasu.kit.paging import Page
from kasasu.kit.types import (
    INPUT_CONFIG,
    MAX_INTEGER,
    READ_CONFIG,
    ExternalId,
    LongText,
    RowId,
    ShortText,
)
from kasasu.models import Feedback
from kasasu.needs.repository import FeedbackRepository

EffortDays = Annotated[
    int, Field(ge=0, le=MAX_INTEGER, description="Estimated effort in person-days")
]


class FeedbackCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId
    title: ShortText = Field(min_length=1)
    body: LongText | None = None
    status: NeedStatus = NeedStatus.NEW
    effort_days: EffortDays | None = None
    source_kind: RequestSource | None = Field(
        default=None, description="Where the request was heard: activity, ticket, survey answer"
    )
    source_id: RowId | None = Field(default=None, description="The id of that activity, ...")


class FeedbackRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    account_id: int
    title: str
    body: str | None
    status: NeedStatus
    effort_days: int | None
    need_id: int | None
    source_kind: RequestSource | None
    source_id: int | None
    created_at: datetime


class FeedbackService(CrudService[Feedback, FeedbackCreate, FeedbackCreate, FeedbackRead]):
    repository = FeedbackRepository
    read_schema = FeedbackRead
    noun = _("Feedback")
    external_id_prefix = "fb"


feedback = FeedbackService()


def requests_of_account(
    session: Session,
    account_id: int,
    statuses: Sequence[NeedStatus],
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[FeedbackRead]:
    """One account's requests in ``statuses``, newest first, a page at a time."""
    page = FeedbackRepository(session).page_of_account(account_id, statuses, cursor, limit)
    return Page([FeedbackRead.model_validate(r) for r in page.items], page.next_cursor,
                page.prev_cursor)  # fmt: skip
