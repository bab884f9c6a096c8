"""The playbook triggers community_question_unanswered and first_post: which questions and
contacts they fire for on a day (SQLite and PostgreSQL), and that a playbook run for real
acts once per question however often it runs (the playbooks' world: P1 and P2 pay on DAY,
10 June 2026; the day starts at 9 June 15:00 UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kasasu.db import session_factory, transaction
from kasasu.jobs.playbooks import run_playbooks
from kasasu.models import CommunityPost, CommunityReply, CommunitySpace, Contact
from kasasu.playbooks.facts import DayFacts
from kasasu.playbooks.trigger_schemas import CommunityQuestionUnanswered, FirstPost
from kasasu.playbooks.triggers import fire, trigger_words
from tests.playbooks.conftest import Mailbox, smtp, sqlite_engine
from tests.playbooks.runner import prepare, setup
from tests.playbooks.world import DAY, build_world

__all__ = ["smtp", "sqlite_engine"]


def _at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=UTC) if day > 0 else datetime(2026, 5, 1, tzinfo=UTC)


def _community(session: Session, ids: dict[str, int]) -> dict[str, int]:
    """Questions of P1's and P2's contacts; returns their ids by name."""
    space = CommunitySpace(slug="q", name_ja="質問", name_en="Questions")
    p1b = Contact(external_id="c1b", account_id=ids["P1"], name="佐々木", email="p1b@cust.jp")
    session.add_all([space, p1b])
    session.flush()
    p1 = session.scalars(select(Contact).where(Contact.external_id == "c1")).one()
    p2 = session.scalars(select(Contact).where(Contact.external_id == "c2")).one()
    made: dict[str, int] = {}

    def ask(name: str, who: Contact, at: datetime, **more: Any) -> CommunityPost:
        row = CommunityPost(space_id=space.id, kind="question", title=name, body="?",
                            language="ja", author_contact_id=who.id, account_id=who.account_id,
                            created_at=at, updated_at=at, last_activity_at=at, **more)  # fmt: skip
        session.add(row)
        session.flush()
        made[name] = row.id
        return row

    def answer(post: CommunityPost, who: Contact, at: datetime) -> None:
        session.add(CommunityReply(post_id=post.id, kind="answer", body="!", language="ja",
                                   author_contact_id=who.id, account_id=who.account_id,
                                   created_at=at, updated_at=at))  # fmt: skip

    ask("q1 unanswered 60h", p1, _at(7))  # asked before 7 June 15:00: fires
    q4 = ask("q4 self-answered", p1, _at(6))  # only the asker answered: fires
    answer(q4, p1, _at(6, 5))
    ask("q2 too recent", p2, _at(9, 10))  # 29 hours before the day: not yet
    q3 = ask("q3 answered", p2, _at(5))  # answered by P1's contact: no
    answer(q3, p1, _at(5, 8))
    ask("q5 hidden", p2, _at(4), hidden=True)  # hidden: no
    ask("q6 old", p1b, _at(0))  # asked 1 May, before the 14 days: no
    session.flush()
    made.update(p1=p1.id, p2=p2.id, p1b=p1b.id)
    return made


def test_which_questions_and_first_posts_fire(session: Session) -> None:
    ids = build_world(session)
    made = _community(session, ids)
    facts = DayFacts(session, DAY, "Asia/Tokyo")
    unanswered = fire(CommunityQuestionUnanswered(type="community_question_unanswered"), facts)
    assert sorted((f.account_id, f.window, f.contacts) for f in unanswered) == sorted([
        (ids["P1"], f"question:{made['q1 unanswered 60h']}", (made["p1"],)),
        (ids["P1"], f"question:{made['q4 self-answered']}", (made["p1"],)),
    ])  # fmt: skip
    # Asked 60 hours before the day began: 72 hours is not reached yet.
    later = CommunityQuestionUnanswered(type="community_question_unanswered", hours=72)
    assert [f.window for f in fire(later, facts)] == [f"question:{made['q4 self-answered']}"]
    first = fire(FirstPost(type="first_post"), facts)
    # P1's contact began on 6 June, P2's on 4 June (the hidden one counts: they wrote it);
    # P1's second contact on 1 May, long before the 7 days.
    assert sorted((f.account_id, f.window, f.contacts) for f in first) == sorted([
        (ids["P1"], f"first-post:{made['p1']}", (made["p1"],)),
        (ids["P2"], f"first-post:{made['p2']}", (made["p2"],)),
    ])  # fmt: skip
    assert trigger_words({"type": "first_post"}, "en") == (
        "A contact's first community post (within 7 days)"
    )
    assert trigger_words({"type": "community_question_unanswered", "hours": 24}, "ja") == (
        "コミュニティの質問に 24 時間回答がない"
    )


NUDGE: dict[str, Any] = {
    "name": "community-unanswered",
    "title": {"ja": "未回答の質問", "en": "Unanswered question"},
    "trigger": {"type": "community_question_unanswered", "hours": 48},
    "cooldown_days": 0,
    "actions": [
        {
            "type": "email",
            "to": "trigger",
            "subject": {"ja": "ご質問について：{{ trigger.summary }}", "en": "About your question"},
            "body": {"ja": "担当者が確認しています。", "en": "We are on it."},
        }
    ],
}


def test_a_question_is_acted_on_once(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    ids = prepare(sqlite_engine, NUDGE)
    with transaction(session_factory(sqlite_engine), write=True) as session:
        made = _community(session, ids)
    # One firing per account and run (the engine's rule): q1 on the first run, q4 on the
    # next; then each question has had its email and nothing more goes.
    fired = [run_playbooks(sqlite_engine, DAY, setup(port, tmp_path)).fired for _ in range(4)]
    assert fired == [1, 1, 0, 0]
    assert [m["To"] for m in mailbox.messages] == ["p1@cust.jp", "p1@cust.jp"]
    subjects = sorted(m["Subject"] for m in mailbox.messages)
    assert subjects == sorted(
        f"ご質問について：コミュニティの質問が未回答：{t}"
        for t in ("q1 unanswered 60h", "q4 self-answered")
    )
    assert made["p1"]
