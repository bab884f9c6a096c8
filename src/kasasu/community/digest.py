"""The daily email digest of what a member follows: the new threads of their spaces and
the new replies of their threads, by others, on the day before. It goes once per contact
and day: the record (contact, day) is claimed under a unique key and committed before the
mail is sent (as kasasu.digests does for the CSMs), and released when the send fails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kasasu.community.stats_repository import CommunityStatsRepository
from kasasu.domain.dates import local_midnight
from kasasu.kit.i18n import translate


@dataclass(frozen=True)
class DigestItem:
    post_id: int
    title: str
    posts: int  # 1 when the thread itself is new
    replies: int


@dataclass(frozen=True)
class MemberDigest:
    contact_id: int
    name: str
    email: str
    locale: str
    day: date
    items: list[DigestItem]


def digests_due(session: Session, day: date, zone: str) -> list[MemberDigest]:
    """The digests of ``day`` not sent yet, covering the local day before it; members with
    nothing new get none."""
    repo = CommunityStatsRepository(session)
    start, end = local_midnight(day - timedelta(days=1), zone), local_midnight(day, zone)
    due = []
    for contact, name, email, locale in repo.digest_readers(day):
        items = [DigestItem(*row) for row in repo.followed_activity(contact, start, end)]
        if items:
            due.append(MemberDigest(contact, name, email, locale, day, items))
    return due


def claim_digest(session: Session, contact_id: int, day: date) -> bool:
    """Record the contact's digest of ``day`` (in a savepoint); False when one is recorded
    already. The caller commits, sends, and releases it if the send failed."""
    point = session.begin_nested()
    try:
        CommunityStatsRepository(session).record_digest(contact_id, day, datetime.now(UTC))
    except IntegrityError:
        point.rollback()
        return False
    point.commit()
    return True


def release_digest(session: Session, contact_id: int, day: date) -> None:
    CommunityStatsRepository(session).forget_digest(contact_id, day)


def digests_sent(session: Session, day: date) -> list[int]:
    return list(CommunityStatsRepository(session).digests_on(day))


def digest_text(digest: MemberDigest, base_url: str) -> tuple[str, str]:
    """(subject, plain text) of the digest, in the member's language."""
    locale, base = digest.locale, base_url.rstrip("/")
    lines = [translate("Hello {name}, here is what is new in what you follow.", locale,
                       name=digest.name), ""]  # fmt: skip
    for item in digest.items:
        words = (
            translate("New thread: {title}", locale, title=item.title)
            if item.posts
            else translate("{n} new replies: {title}", locale, n=item.replies, title=item.title)
        )
        lines += [f"- {words}", f"  {base}/portal/community/posts/{item.post_id}"]
    lines += [
        "",
        translate("Stop these emails: {url}", locale, url=f"{base}/portal/community/followed"),
    ]
    subject = translate("Community digest: {n} threads with news", locale, n=len(digest.items))
    return subject, "\n".join(lines)
