"""Recording a request (要望) where it was heard: from the account page, a ticket, a survey
answer or a call note. The source must be the same account's, and the request can join a
need at once (an existing one, or a new need named after it)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, Field, model_validator
from sqlalchemy.orm import Session

from kasasu.activities.service import activities
from kasasu.domain.choices import RequestSource
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.kit.types import INPUT_CONFIG, LongText, RowId, ShortText, blank_is_none
from kasasu.needs.requests import FeedbackCreate, FeedbackRead, feedback
from kasasu.needs.schemas import NeedCreate
from kasasu.needs.service import create_need, link_requests
from kasasu.support.service import tickets
from kasasu.surveys.service import responses

TITLE_FROM_SOURCE = 100  # characters of a ticket's subject or an answer's comment


class RequestEntry(BaseModel):
    """A request as entered: ``source`` is "kind:id" (``activity:12``, ``ticket:5``,
    ``survey_response:9``); ``need`` an existing need's id, or "new" for a new need."""

    model_config = INPUT_CONFIG

    title: ShortText = Field(min_length=1)
    body: Annotated[LongText | None, BeforeValidator(blank_is_none)] = None
    source: Annotated[str | None, BeforeValidator(blank_is_none)] = Field(
        default=None, pattern=r"^(activity|ticket|survey_response):\d{1,18}$"
    )
    need: Annotated[RowId | Literal["new"] | None, BeforeValidator(blank_is_none)] = None

    @model_validator(mode="after")
    def _titled(self) -> Self:
        if not self.title.strip():
            raise InvalidInput(
                _("Give the request a title"), [FieldError(("title",), _("Enter a title"))]
            )
        return self

    def source_parts(self) -> tuple[RequestSource | None, int | None]:
        if self.source is None:
            return None, None
        kind, _sep, row = self.source.partition(":")
        return RequestSource(kind), int(row)


def source_of(session: Session, account_id: int, source: str) -> tuple[RequestSource, int, str]:
    """The source "kind:id" checked to be this account's, with the words it suggests as
    the request's title (a ticket's subject, an answer's comment, an activity's subject)."""
    entry = RequestEntry(title="-", source=source)
    kind, row_id = entry.source_parts()
    if kind is None or row_id is None:  # the pattern requires both; for the type checker
        raise InvalidInput(_("Not something heard from this account"))
    services: dict[RequestSource, Any] = {
        RequestSource.ACTIVITY: activities,
        RequestSource.TICKET: tickets,
        RequestSource.SURVEY_RESPONSE: responses,
    }
    try:
        found: Any = services[kind].get(session, row_id)
    except NotFound:
        found = None
    if found is None or found.account_id != account_id:
        reason = _("Not something heard from this account")
        raise InvalidInput(reason, [FieldError(("source",), reason, source)])
    words = getattr(found, "comment", None) or getattr(found, "subject", None) or ""
    return kind, row_id, " ".join(str(words).split())[:TITLE_FROM_SOURCE]


def record_request(session: Session, account_id: int, entry: RequestEntry) -> FeedbackRead:
    """Store the request on the account, with its source, and group it under its need."""
    kind = row_id = None
    if entry.source is not None:
        kind, row_id, _words = source_of(session, account_id, entry.source)
    created = feedback.create(
        session,
        FeedbackCreate(
            account_id=account_id,
            title=entry.title.strip(),
            body=entry.body,
            source_kind=kind,
            source_id=row_id,
        ),
    )
    if entry.need == "new":
        create_need(session, NeedCreate(title=entry.title.strip(), requests=[created.id]))
    elif entry.need is not None:
        link_requests(session, entry.need, [created.id])
    return feedback.get(session, created.id)
