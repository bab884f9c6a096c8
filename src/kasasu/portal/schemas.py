"""The portal's contact, its announcements and the answers of its sign-in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints, model_validator

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, UTCDatetime, blank_is_none

Via = Literal["link", "sdk"]


class PortalViewer(BaseModel):
    """The signed-in contact and the one company whose data they may see."""

    contact_id: int
    name: str
    email: str | None
    account_id: int
    account: str = Field(description="The company's name")
    via: Via = Field(description="How the session was opened: emailed link or the product")
    locale: Literal["ja", "en"] | None = Field(
        default=None, description="The language the contact reads, when recorded"
    )


@dataclass(frozen=True)
class LinkAsked:
    """The answer to a sign-in link request: the same for every email. ``deliver`` sends
    the email; the caller runs it after answering, so a known email takes no longer."""

    deliver: Callable[[], bool] | None = None


@dataclass(frozen=True)
class Opened:
    """A new portal session: the cookie's token (only its hash is stored) and who it is."""

    token: str
    viewer: PortalViewer
    expires_at: datetime


AnnouncementTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
]
AnnouncementBody = Annotated[str, StringConstraints(min_length=1, max_length=50_000)]
SegmentName = Annotated[
    Annotated[str, Field(min_length=1, max_length=100)] | None, BeforeValidator(blank_is_none)
]
Locale = Annotated[Literal["ja", "en"] | None, BeforeValidator(blank_is_none)]


class AnnouncementCreate(BaseModel):
    model_config = INPUT_CONFIG
    title: AnnouncementTitle
    body: AnnouncementBody = Field(description="Markdown; raw HTML is sanitised when shown")
    segment: SegmentName = Field(default=None, description="Only this segment's accounts")
    locale: Locale = Field(default=None, description="ja or en: only readers of it; none: all")
    published_at: UTCDatetime = Field(description="Shown from this moment")
    expires_at: Annotated[UTCDatetime | None, BeforeValidator(blank_is_none)] = Field(
        default=None, description="Hidden from this moment; none: until deleted"
    )

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.expires_at is not None and self.expires_at <= self.published_at:
            reason = _("The end must come after the start")
            raise InvalidInput(
                _("The announcement ends before it starts"),
                [FieldError(("body", "expires_at"), reason, self.expires_at.isoformat())],
            )
        return self


class AnnouncementRead(BaseModel):
    model_config = READ_CONFIG
    id: int
    title: str
    body: str = Field(description="Markdown as written")
    html: str = Field(description="The body rendered and sanitised")
    segment: str | None
    locale: str | None
    published_at: datetime
    expires_at: datetime | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime


class AnnouncementShown(BaseModel):
    """An announcement as a contact sees it."""

    id: int
    title: str
    html: str = Field(description="The body rendered and sanitised")
    published_at: datetime
