"""The community's services on SQLite and PostgreSQL: the Q&A flow with an accepted
answer, sanitised Markdown, moderation out of lists and search, the flood and link limits,
a need made of a post, reactions, reports and mentions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.community.config import CommunityGuard, CommunityLimits
from kasasu.community.members import resolve_mentions
from kasasu.community.moderation import list_reports, make_need, moderate, resolve_report
from kasasu.community.posting import (
    accept_answer,
    create_post,
    create_reply,
    react,
    report,
)
from kasasu.community.reading import get_thread, list_posts, search_posts
from kasasu.community.schemas import Moderation, PostCreate, ReplyCreate, ReportCreate
from kasasu.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Throttled
from kasasu.models import Activity, CommunityMember, Feedback, Need
from tests.community.data import NOW, World, add_world, loose_guard

GUARD = loose_guard()


@pytest.fixture
def world(session: Session) -> World:
    return add_world(session)


def _ask(
    session: Session,
    world: World,
    title: str = "請求書の発行方法",
    body: str = "教えてください",
    **more: object,
) -> int:
    data = PostCreate.model_validate({"space_id": world.howto, "title": title, "body": body,
                                      **more})  # fmt: skip
    return create_post(session, world.alice, data, NOW, guard=GUARD).post_id


def _answer(session: Session, world: World, post: int, who: str, body: str = "設定画面から") -> int:
    writer = getattr(world, who)
    reply = create_reply(session, writer, post, ReplyCreate(kind="answer", body=body),
                         NOW + timedelta(hours=2), guard=GUARD)  # fmt: skip
    assert reply.reply_id is not None
    return reply.reply_id


def test_a_question_is_answered_and_the_asker_accepts(session: Session, world: World) -> None:
    post = _ask(session, world)
    own = _answer(session, world, post, "alice", "自己解決？")
    row = list_posts(session, "ja", unanswered=True).items
    assert post in [r.id for r in row]  # the asker's own answer does not answer it
    bobs = _answer(session, world, post, "bob")
    carols = _answer(session, world, post, "carol")
    assert post not in [r.id for r in list_posts(session, "ja", unanswered=True).items]
    with pytest.raises(PermissionDenied):  # only the asker (or a manager) accepts
        accept_answer(session, bobs, contact_id=world.bob.contact_id)
    assert accept_answer(session, carols, contact_id=world.alice.contact_id) is True
    assert accept_answer(session, bobs, manager=True) is True  # one accepted at a time
    thread = get_thread(session, post, "ja", contact_id=world.alice.contact_id)
    assert [a.id for a in thread.answers] == [bobs, own, carols]  # accepted first, then oldest
    assert [a.accepted for a in thread.answers] == [True, False, False]
    assert thread.post.accepted
    assert thread.post.answered
    assert thread.can_accept
    assert not get_thread(session, post, "ja", contact_id=world.bob.contact_id).can_accept
    assert accept_answer(session, bobs, contact_id=world.alice.contact_id) is False  # taken back
    # The asker follows the thread, and so does everyone who answered it.
    assert thread.following
    # Comments go under an answer, answers only on questions.
    create_reply(session, world.bob, post, ReplyCreate(kind="comment", body="補足です",
                 parent_id=bobs), NOW, guard=GUARD)  # fmt: skip
    with pytest.raises(InvalidInput):
        create_reply(session, world.bob, post, ReplyCreate(kind="answer", body="x",
                     parent_id=bobs), NOW, guard=GUARD)  # fmt: skip
    shown = get_thread(session, post, "ja")
    assert [c.html for c in shown.answers[1].comments] == ["<p>補足です</p>"]


def test_a_thread_is_an_activity_of_the_askers_company(session: Session, world: World) -> None:
    post = _ask(session, world)
    found = session.scalars(
        select(Activity).where(Activity.external_id == f"community-post:{post}")
    ).one()
    assert (found.account_id, found.kind, found.subject) == (world.a, "community_post",
                                                             "請求書の発行方法")  # fmt: skip


HOSTILE = (
    "Hi <script>alert('x')</script>\n\n"
    '<img src="https://img.example/a.png" onerror="alert(1)" alt="pic">\n\n'
    '[click](javascript:alert(1)) <a href="javascript:alert(2)" onclick="evil()">b</a>\n\n'
    '<p style="color:red" onmouseover="x()">styled</p>\n\n![ok](https://img.example/b.png)'
)


def test_markdown_with_script_handlers_and_javascript_urls_renders_inert(
    session: Session, world: World
) -> None:
    post = _ask(session, world, title="XSS?", body=HOSTILE)
    _answer(session, world, post, "bob", HOSTILE)
    thread = get_thread(session, post, "en")
    for html in (thread.html, thread.answers[0].html):
        lowered = html.lower()
        for bad in ("<script", "alert('x')", "onerror", "onclick", "onmouseover", "style="):
            assert bad not in lowered, (bad, html)
        # No attribute holds a javascript: URL (the Markdown link stays words, never a link).
        assert re.search(r"<[^>]*javascript:", lowered) is None, html
        assert "<a rel=" in html  # the raw link lost its href and handler
        assert '<img src="https://img.example/a.png" alt="pic">' in html  # images stay
        assert '<img src="https://img.example/b.png" alt="ok">' in html
        assert "styled" in html


def test_a_hidden_thread_leaves_lists_and_the_customers_search(
    session: Session, world: World
) -> None:
    post = _ask(session, world, title="請求書の発行について", body="発行した請求書を取り消したい")
    assert [h.ref_id for h in search_posts(session, "請求書", "ja").hits] == [post]
    assert [h.ref_id for h in search_posts(session, "発行する", "ja").hits] == [post]  # inflected
    moderate(session, post, Moderation(hidden=True), NOW, None)
    assert post not in [p.id for p in list_posts(session, "ja", space_id=world.howto).items]
    assert search_posts(session, "請求書", "ja").total == 0
    with pytest.raises(NotFound):
        get_thread(session, post, "ja", contact_id=world.bob.contact_id)
    with pytest.raises(NotFound):  # nor can one answer it, react to it or follow it
        _answer(session, world, post, "bob")
    with pytest.raises(NotFound):
        react(session, world.bob, "like", post_id=post)
    # The team still sees and finds it.
    assert get_thread(session, post, "ja", staff=True).post.hidden
    assert [h.ref_id for h in search_posts(session, "請求書", "ja", staff=True).hits] == [post]
    moderate(session, post, Moderation(hidden=False), NOW, None)
    assert search_posts(session, "請求書", "ja").total == 1


def test_pin_lock_and_move(session: Session, world: World) -> None:
    first = _ask(session, world, title="first")
    second = _ask(session, world, title="second")
    moderate(session, first, Moderation(pinned=True), NOW, None)
    assert [p.id for p in list_posts(session, "ja", space_id=world.howto).items][:2] == [
        first, second]  # fmt: skip
    moderate(session, second, Moderation(locked=True), NOW, None)
    with pytest.raises(Conflict):
        _answer(session, world, second, "bob")
    moderate(session, second, Moderation(space_id=world.ideas), NOW, None)
    assert [p.id for p in list_posts(session, "ja", space_id=world.ideas).items] == [second]


def test_the_flood_limit_trips_per_contact(session: Session, world: World) -> None:
    now = [0.0]
    guard = CommunityGuard(CommunityLimits(per_minute=2, per_hour=3, links=2),
                           clock=lambda: now[0])  # fmt: skip
    data = PostCreate(space_id=world.howto, title="t", body="b")
    create_post(session, world.alice, data, NOW, guard=guard)
    create_post(session, world.alice, data, NOW, guard=guard)
    with pytest.raises(Throttled) as tripped:
        create_post(session, world.alice, data, NOW, guard=guard)
    assert tripped.value.retry_after == 60
    assert tripped.value.message.render("en") == (
        "You are posting too fast: wait 60 seconds and try again"
    )
    assert "秒" in tripped.value.message.render("ja")
    create_post(session, world.bob, data, NOW, guard=guard)  # another contact is not held up
    now[0] = 61.0
    create_post(session, world.alice, data, NOW, guard=guard)  # a minute later: the third
    with pytest.raises(Throttled):  # ... of the hour's three
        create_post(session, world.alice, data, NOW + timedelta(minutes=2), guard=guard)
    links = PostCreate(space_id=world.howto, title="t",
                       body="https://a.example www.b.example [c](http://c.example)")  # fmt: skip
    with pytest.raises(InvalidInput) as spam:
        create_post(session, world.bob, links, NOW, guard=guard)
    assert spam.value.message.render("en") == "A post may hold at most 2 links; this one has 3"


def test_a_post_becomes_a_need_and_keeps_its_source(session: Session, world: World) -> None:
    post = create_post(session, world.bob, PostCreate(space_id=world.ideas, kind="discussion",
                       title="Slack 通知がほしい", body="**Slack** に通知を"), NOW,
                       guard=GUARD).post_id  # fmt: skip
    made = make_need(session, post)
    assert made.created
    request = session.get(Feedback, made.request_id)
    assert request is not None
    assert (request.account_id, request.source_kind, request.source_id, request.need_id) == (
        world.b, "community_post", post, made.need_id)  # fmt: skip
    assert request.body == "Slack に通知を"  # the visible words, not the Markdown
    need = session.get(Need, made.need_id)
    assert need is not None
    assert need.title == "Slack 通知がほしい"
    assert get_thread(session, post, "ja", staff=True).need_id == made.need_id
    again = make_need(session, post)  # a second click: the same need, nothing new
    assert (again.need_id, again.created) == (made.need_id, False)
    assert session.query(Feedback).filter(Feedback.source_id == post).count() == 1


def test_one_reaction_per_contact_and_target(session: Session, world: World) -> None:
    post = _ask(session, world)
    assert react(session, world.bob, "like", post_id=post) == "like"
    assert react(session, world.carol, "like", post_id=post) == "like"
    assert react(session, world.bob, "thanks", post_id=post) == "thanks"  # replaces bob's like
    assert get_thread(session, post, "ja").reactions == {"like": 1, "thanks": 1}
    assert react(session, world.bob, "thanks", post_id=post) is None  # the same again: taken back
    thread = get_thread(session, post, "ja", contact_id=world.carol.contact_id)
    assert (thread.reactions, thread.mine) == ({"like": 1}, "like")


def test_reports_queue_and_hiding_resolves_them(session: Session, world: World) -> None:
    post = _ask(session, world, title="Buy cheap pills")
    first = report(session, world.bob, ReportCreate(reason="spam"), post_id=post)
    assert report(session, world.bob, ReportCreate(reason="spam"), post_id=post) == first
    report(session, world.carol, ReportCreate(reason="abuse", note="広告です"), post_id=post)
    rows, total, _pages = list_reports(session)
    mine = [r for r in rows if r.post_id == post]
    assert len(mine) == 2
    assert total >= 2
    resolve_report(session, first, hide=True, now=NOW, user_id=None)
    rows, _total, _pages = list_reports(session)
    assert post not in [r.post_id for r in rows]  # both closed: the thread is hidden
    assert get_thread(session, post, "ja", staff=True).post.hidden


def test_mentions_reach_members_by_handle(session: Session, world: World) -> None:
    _ask(session, world)  # alice joins: @山田花子
    create_post(session, world.bob, PostCreate(space_id=world.howto, title="x", body="y"), NOW,
                guard=GUARD)  # fmt: skip
    rows = session.execute(select(CommunityMember.contact_id, CommunityMember.handle))
    handles = {row[0]: row[1] for row in rows}
    assert handles[world.alice.contact_id] == "山田花子"
    assert handles[world.bob.contact_id] == "BobSmith"
    found = resolve_mentions(session, "@山田花子さん と @bobsmith に質問 (mail: x@BobSmith)",
                             world.carol.contact_id)  # fmt: skip
    assert sorted(m.contact_id for m in found) == sorted(
        [world.alice.contact_id, world.bob.contact_id])  # fmt: skip
    assert resolve_mentions(session, "@山田花子", world.alice.contact_id) == []  # not oneself
