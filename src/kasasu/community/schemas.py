"""The community's inputs and what its pages and API show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from kasasu.kit.types import INPUT_CONFIG, RowId, blank_is_none

PostKind = Literal["question", "discussion"]
ReplyKind = Literal["answer", "comment"]
Reaction = Literal["like", "thanks", "helpful", "celebrate"]
ReportReason = Literal["spam", "abuse", "off_topic", "other"]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Slug = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")
]
SpaceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# The length applies to text only: a blank description is None, which has no length.
Description = Annotated[
    Annotated[str, StringConstraints(max_length=5000)] | None, BeforeValidator(blank_is_none)
]


@dataclass(frozen=True)
class Writer:
    """A signed-in contact writing in the community (from the portal's session), in the
    language of their page."""

    contact_id: int
    account_id: int
    name: str
    locale: str = "ja"


class SpaceCreate(BaseModel):
    model_config = INPUT_CONFIG
    slug: Slug
    name_ja: SpaceName
    name_en: SpaceName
    description_ja: Description = None
    description_en: Description = None
    position: int = Field(default=0, ge=0, le=10_000)


class SpaceUpdate(BaseModel):
    model_config = INPUT_CONFIG
    name_ja: SpaceName | None = None
    name_en: SpaceName | None = None
    description_ja: Description = None
    description_en: Description = None
    position: int | None = Field(default=None, ge=0, le=10_000)


class SpaceRead(BaseModel):
    id: int
    slug: str
    name: str = Field(description="The name in the reader's language")
    name_ja: str
    name_en: str
    description: str | None
    position: int
    posts: int = Field(description="Threads in the space (those shown to the reader)")


class PostCreate(BaseModel):
    model_config = INPUT_CONFIG
    space_id: RowId
    kind: PostKind = "question"
    title: Title
    body: Body = Field(description="Markdown; images by URL; raw HTML is sanitised when shown")


class ReplyCreate(BaseModel):
    model_config = INPUT_CONFIG
    kind: ReplyKind = "comment"
    body: Body
    parent_id: RowId | None = Field(default=None, description="The answer commented on")


class ReportCreate(BaseModel):
    model_config = INPUT_CONFIG
    reason: ReportReason = "spam"
    note: Annotated[str | None, BeforeValidator(blank_is_none)] = Field(
        default=None, max_length=2000
    )


class Moderation(BaseModel):
    """What a community manager changes on a thread (what is not given stays)."""

    model_config = INPUT_CONFIG
    pinned: bool | None = None
    locked: bool | None = None
    hidden: bool | None = None
    space_id: RowId | None = Field(default=None, description="Move the thread to this space")


class Author(BaseModel):
    name: str
    handle: str | None = Field(description="The @handle others mention; none for staff")
    staff: bool = Field(description="Written by the CS team")
    contact_id: int | None = Field(default=None, description="Staff views only")
    account_id: int | None = Field(default=None, description="Staff views only")
    account: str | None = Field(default=None, description="Staff views only")


class PostRow(BaseModel):
    id: int
    space_id: int
    space: str
    kind: PostKind
    title: str
    excerpt: str
    language: str
    author: Author
    created_at: datetime
    last_activity_at: datetime
    answers: int
    replies: int
    answered: bool = Field(description="A question with an answer from someone else")
    accepted: bool = Field(description="A question whose asker or a manager accepted an answer")
    pinned: bool
    locked: bool
    hidden: bool


class PostPage(BaseModel):
    items: list[PostRow]
    total: int
    page: int
    pages: int


class ReplyShown(BaseModel):
    id: int
    kind: ReplyKind
    parent_id: int | None
    html: str = Field(description="The body rendered and sanitised")
    author: Author
    created_at: datetime
    accepted: bool
    hidden: bool
    reactions: dict[str, int]
    mine: str | None = Field(description="The reader's own reaction")
    comments: list[ReplyShown] = Field(default_factory=list)


class Thread(BaseModel):
    post: PostRow
    html: str = Field(description="The body rendered and sanitised")
    body: str = Field(description="Markdown as written")
    reactions: dict[str, int]
    mine: str | None
    answers: list[ReplyShown]
    comments: list[ReplyShown]
    following: bool
    can_accept: bool = Field(description="Whether the reader may mark an answer accepted")
    need_id: int | None = Field(default=None, description="Staff views only")


class ReportRow(BaseModel):
    id: int
    post_id: int
    reply_id: int | None
    title: str
    excerpt: str
    reason: ReportReason
    note: str | None
    reporter: str | None
    created_at: datetime
    resolved_at: datetime | None
    outcome: str | None
    hidden: bool = Field(description="Whether the reported post or reply is hidden now")


class Contributor(BaseModel):
    contact_id: int
    name: str
    account_id: int | None
    account: str | None
    points: int
    posts: int
    answers: int
    accepted: int
    advocate: bool = Field(description="Already on the advocates list (agreed to be a reference)")


class CommunityStats(BaseModel):
    start: datetime
    end: datetime
    active_members: int = Field(description="Contacts who posted, replied or reacted")
    posts: int = Field(description="Threads started")
    replies: int
    questions: int
    answered: int = Field(description="Of those questions, answered by someone else")
    answered_rate: float | None = Field(description="answered ÷ questions; none without any")
    median_first_answer_hours: float | None = Field(
        description="Median hours from a question to its first answer by someone else"
    )
    top_contributors: list[Contributor]
    unanswered: list[PostRow] = Field(description="Every visible question without an answer")


class Followed(BaseModel):
    spaces: list[SpaceRead]
    posts: list[PostRow]
    digest: bool = Field(description="Whether the daily digest of them is emailed")


class NeedMade(BaseModel):
    need_id: int
    request_id: int
    created: bool = Field(description="False when the post had been made a need already")
