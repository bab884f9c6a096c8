"""Announcements (お知らせ): the team writes them in Markdown, for every account or one
segment's, in one language or both, with a publication window; contacts read the ones
meant for their company in the portal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.kit.markdown import render_markdown
from kasasu.kit.paging import Page
from kasasu.models import Announcement
from kasasu.portal.repository import AnnouncementRepository
from kasasu.portal.schemas import AnnouncementCreate, AnnouncementRead, AnnouncementShown
from kasasu.segments.service import list_segments, segments_of

SHOWN = 20  # the newest announcements a contact sees


def _read(row: Announcement) -> AnnouncementRead:
    values = {c: getattr(row, c) for c in AnnouncementRead.model_fields if c != "html"}
    return AnnouncementRead(**values, html=render_markdown(row.body))


def _check_segment(session: Session, data: AnnouncementCreate) -> None:
    if data.segment is not None and data.segment not in {s.name for s in list_segments(session)}:
        reason = _("No segment named {name}", name=data.segment)
        raise InvalidInput(reason, [FieldError(("body", "segment"), reason, data.segment)])


def create_announcement(
    session: Session, data: AnnouncementCreate, by: int | None
) -> AnnouncementRead:
    _check_segment(session, data)
    row = AnnouncementRepository(session).add(Announcement(**data.model_dump(), created_by=by))
    return _read(row)


def update_announcement(
    session: Session, announcement_id: int, data: AnnouncementCreate
) -> AnnouncementRead:
    _check_segment(session, data)
    row = _row(session, announcement_id)
    for name, value in data.model_dump().items():
        setattr(row, name, value)
    session.flush()
    return _read(row)


def delete_announcement(session: Session, announcement_id: int) -> None:
    AnnouncementRepository(session).delete(_row(session, announcement_id))


def get_announcement(session: Session, announcement_id: int) -> AnnouncementRead:
    return _read(_row(session, announcement_id))


def list_announcements(
    session: Session, *, cursor: str | None = None, limit: int = 50
) -> Page[AnnouncementRead]:
    page = AnnouncementRepository(session).list_page({}, cursor=cursor, limit=limit)
    return Page([_read(r) for r in page.items], page.next_cursor, page.prev_cursor)


def announcements_for(
    session: Session, account_id: int, locale: str, now: datetime, limit: int = SHOWN
) -> list[AnnouncementShown]:
    """What the company's contacts see now, in ``locale``: newest first."""
    rows = AnnouncementRepository(session).shown(segments_of(session, account_id), locale, now,
                                                 limit)  # fmt: skip
    return [_shown(r) for r in rows]


def _shown(row: Announcement) -> AnnouncementShown:
    return AnnouncementShown(
        id=row.id, title=row.title, html=render_markdown(row.body), published_at=row.published_at
    )


def announcement_for(
    session: Session, account_id: int, announcement_id: int, locale: str, now: datetime
) -> AnnouncementShown:
    """One announcement the company may see now; NotFound for any other (another
    segment's, unpublished, expired or unknown), so a guessed id tells nothing."""
    segments = segments_of(session, account_id)
    rows = AnnouncementRepository(session).shown(segments, locale, now, 1, announcement_id)
    if rows:
        return _shown(rows[0])
    raise NotFound(_("Announcement {id} not found", id=announcement_id))


def _row(session: Session, announcement_id: int) -> Announcement:
    row = AnnouncementRepository(session).get(announcement_id)
    if row is None:
        raise NotFound(_("Announcement {id} not found", id=announcement_id))
    return row
