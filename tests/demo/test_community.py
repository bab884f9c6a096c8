"""The demo's community is lively: four spaces, bilingual threads with accepted answers,
unanswered questions, reactions, a pinned thread and a report waiting; every thread is
findable, and its authors are contacts of paying customers."""

from __future__ import annotations

from kasasu.community.reading import search_posts
from kasasu.db import create_db_engine, session_factory, transaction
from tests.demo.support import DemoRun
from tests.demo.test_service import query


def test_the_demo_community_is_lively(medium_demo: DemoRun) -> None:
    run = medium_demo
    assert query(run, "SELECT count(*) FROM community_spaces")[0][0] == 4
    threads, languages = query(
        run, "SELECT count(*), count(DISTINCT language) FROM community_posts"
    )[0]
    assert 40 <= threads <= 80
    assert languages == 2
    accepted = query(run, "SELECT count(DISTINCT post_id) FROM community_replies WHERE accepted")
    unanswered = query(
        run,
        "SELECT count(*) FROM community_posts p WHERE kind = 'question' AND NOT EXISTS "
        "(SELECT 1 FROM community_replies r WHERE r.post_id = p.id AND r.kind = 'answer')",
    )
    assert accepted[0][0] >= 10
    assert unanswered[0][0] >= 5
    assert query(run, "SELECT count(*) FROM community_reactions")[0][0] >= 40
    assert query(run, "SELECT count(*) FROM community_reports WHERE resolved_at IS NULL")[0][0] == 1
    assert query(run, "SELECT count(*) FROM community_posts WHERE pinned")[0][0] == 1
    # Every author is a contact of their own company.
    assert (
        query(
            run,
            "SELECT count(*) FROM community_replies r "
            "JOIN contacts c ON c.id = r.author_contact_id "
            "WHERE c.account_id <> r.account_id",
        )[0][0]
        == 0
    )
    engine = create_db_engine(run.url)
    with transaction(session_factory(engine)) as session:
        found = search_posts(session, "請求書を発行した", "ja")
        assert found.total >= 2
        assert search_posts(session, "invoices", "en").total >= 1
    engine.dispose()
