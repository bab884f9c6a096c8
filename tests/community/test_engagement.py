"""The health feature community_engagement_90d, by hand, on the refresh's own path (the
facts copied to DuckDB from SQLite or PostgreSQL): a segment rule and a scorecard read it
like any feature."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kasasu.analytics.features import MEASURABLE_NAMES
from kasasu.models import (
    CommunityPost,
    CommunityReaction,
    CommunityReply,
    CommunitySpace,
    Contact,
)
from kasasu.segments.schemas import RULE_NAMES
from tests.health.test_features import _features


def _at(day: str, hour: int = 3) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def test_engagement_points_over_90_days(session: Session) -> None:
    # AS_OF is 1 February 2026: the window is [3 Nov 2025, 1 Feb 2026) in Tokyo.
    def community(ids: dict[str, int]) -> None:
        h1 = ids["H1"]
        person = Contact(external_id="eng-1", account_id=h1, name="Eng")
        space = CommunitySpace(slug="eng", name_ja="質問", name_en="Q&A")
        session.add_all([person, space])
        session.flush()

        def post(at: datetime, *, hidden: bool = False) -> CommunityPost:
            row = CommunityPost(space_id=space.id, kind="question", title="t", body="b",
                                language="ja", author_contact_id=person.id, account_id=h1,
                                hidden=hidden, created_at=at, updated_at=at,
                                last_activity_at=at)  # fmt: skip
            session.add(row)
            session.flush()
            return row

        asked = post(_at("2026-01-10"))  # a thread: 3
        post(_at("2026-01-11"), hidden=True)  # hidden: 0
        post(_at("2025-10-01"))  # before the window: 0

        def reply(kind: str, at: datetime, **more: bool) -> None:
            session.add(CommunityReply(post_id=asked.id, kind=kind, body="r", language="ja",
                                       author_contact_id=person.id, account_id=h1,
                                       created_at=at, updated_at=at, **more))  # fmt: skip

        reply("answer", _at("2026-01-12"), accepted=True)  # 2 + 5
        reply("comment", _at("2026-01-13"))  # 1
        reply("answer", _at("2026-01-14"), hidden=True)  # hidden: 0
        reply("answer", datetime(2026, 1, 31, 15, 30, tzinfo=UTC))  # 00:30 on 1 Feb: not yet
        session.flush()
        for n, at in enumerate((_at("2026-01-20"), _at("2026-01-21"))):  # 1 each
            session.add(CommunityReaction(post_id=asked.id, target=f"post:{asked.id}:{n}",
                                          contact_id=person.id, account_id=h1,
                                          reaction="like", created_at=at))  # fmt: skip
        session.flush()

    f = _features(session, None, community)
    assert f["H1"]["community_engagement_90d"] == 3 + 7 + 1 + 2
    assert f["H2"]["community_engagement_90d"] == 0  # no activity: zero, not unknown
    assert "community_engagement_90d" in MEASURABLE_NAMES
    assert "community_engagement_90d" in RULE_NAMES  # a segment field
