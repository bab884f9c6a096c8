"""The demo company's community: four spaces and some forty threads in Japanese and English
(community.yaml) written by customers' contacts over the last four months, with answers
(some accepted), comments, reactions, follows, a pinned thread and one report waiting in
the moderators' queue; some questions stay unanswered."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from typing import Any

import numpy as np
import yaml
from sqlalchemy.orm import Session

from kasasu.community.indexing import index_post
from kasasu.demo import repository
from kasasu.demo.shapes import DemoAccount, Row
from kasasu.demo.timeline import Calendar
from kasasu.domain.community import REACTIONS, handle_candidates, handle_of
from kasasu.models import (
    CommunityFollow,
    CommunityMember,
    CommunityPost,
    CommunityReaction,
    CommunityReply,
    CommunityReport,
    CommunitySpace,
    Contact,
)
from kasasu.models.base import Base

SPAN_DAYS = 120  # the threads were started over the last four months
PINNED = 5  # the thread pinned in its space ("what to do first")
_MODELS: dict[str, type[Base]] = {
    "spaces": CommunitySpace,
    "members": CommunityMember,
    "posts": CommunityPost,
    "replies": CommunityReply,
    "reactions": CommunityReaction,
    "follows": CommunityFollow,
    "reports": CommunityReport,
}


def _content() -> dict[str, Any]:
    text = resources.files("kasasu.demo").joinpath("community.yaml").read_text("utf-8")
    found: dict[str, Any] = yaml.safe_load(text)
    return found


class _Rows:
    """The rows being built, numbered from each table's first free id."""

    def __init__(self, first: dict[str, int]) -> None:
        self.first = first
        self.rows: dict[str, list[Row]] = {name: [] for name in _MODELS}

    def add(self, name: str, **values: Any) -> int:
        row_id = self.first[name] + len(self.rows[name])
        self.rows[name].append({"id": row_id, **values})
        return row_id


def community_rows(
    seed: int, cal: Calendar, contacts: list[Row], first: dict[str, int], customers: set[int]
) -> dict[str, list[Row]]:
    """Every table's rows; the same seed, the same community. Authors are contacts with an
    email at accounts paying at the end (``customers``)."""
    content = _content()
    rng = np.random.default_rng([seed, 39])
    people = [c for c in contacts if c.get("email") and c["account_id"] in customers]
    if len(people) < 4:
        return {name: [] for name in _MODELS}
    rows = _Rows(first)
    opened = cal.instant(cal.as_of - timedelta(days=SPAN_DAYS + 10), 9.0)
    spaces = {
        s["slug"]: rows.add("spaces", slug=s["slug"], name_ja=s["ja"], name_en=s["en"],
                            description_ja=s.get("dja"), description_en=s.get("den"),
                            position=n, created_at=opened, updated_at=opened)
        for n, s in enumerate(content["spaces"])
    }  # fmt: skip
    members: dict[int, str] = {}
    threads = content["threads"]
    post_ids = []
    for n, thread in enumerate(threads):
        ago = SPAN_DAYS * (len(threads) - n) / len(threads)
        at = cal.instant(cal.as_of - timedelta(days=max(1, int(ago))), 10.0 + (n % 8))
        picked = rng.choice(len(people), size=6, replace=False)
        cast = [people[int(i)] for i in picked]
        post_ids.append(
            _thread(rows, n, thread, spaces[thread["space"]], cast, at=at, members=members)
        )
    _reactions(rows, rng, people, members)
    report = content["reports"][0]
    reporter = people[int(rng.integers(len(people)))]
    rows.add("reports", post_id=post_ids[report["thread"]], reply_id=None,
             target=f"post:{post_ids[report['thread']]}", contact_id=reporter["id"],
             reason=report["reason"], note=report["note"],
             created_at=cal.instant(cal.as_of - timedelta(days=2), 15.0), resolved_at=None,
             resolved_by=None, outcome=None)  # fmt: skip
    _members(rows, people, members, opened)
    return rows.rows


def _thread(
    rows: _Rows, n: int, thread: dict[str, Any], space: int, cast: list[Row], *, at: datetime,
    members: dict[int, str],
) -> int:  # fmt: skip
    """One thread: the asker is ``cast[0]``, the others answer and comment after it."""
    asker, lang = cast[0], thread["lang"]
    members.setdefault(asker["id"], lang)
    post = rows.add("posts", space_id=space, kind=thread["kind"], title=thread["title"],
                    body=thread["body"], language=lang, author_contact_id=asker["id"],
                    author_user_id=None, account_id=asker["account_id"], pinned=n == PINNED,
                    locked=False, hidden=False, need_id=None, last_activity_at=at,
                    created_at=at, updated_at=at)  # fmt: skip
    _follow(rows, asker["id"], post, at)
    latest, first_answer = at, None
    for k, body in enumerate(thread.get("answers", [])):
        who = cast[1 + k]
        latest = at + timedelta(hours=3 + 7 * k)
        reply = _reply(rows, post, None, "answer", body, lang=lang, who=who, at=latest,
                       accepted=k == 0 and bool(thread.get("accepted")))  # fmt: skip
        first_answer = first_answer or reply
        members.setdefault(who["id"], lang)
        _follow(rows, who["id"], post, latest)
    for k, body in enumerate(thread.get("comments", [])):
        who = cast[0] if first_answer and k == 0 else cast[3 + k % 3]
        latest = latest + timedelta(hours=2)
        _reply(rows, post, first_answer, "comment", body, lang=lang, who=who, at=latest)
        members.setdefault(who["id"], lang)
    rows.rows["posts"][-1]["last_activity_at"] = latest
    return post


def _reply(
    rows: _Rows, post: int, parent: int | None, kind: str, body: str, *, lang: str, who: Row,
    at: datetime, accepted: bool = False,
) -> int:  # fmt: skip
    return rows.add("replies", post_id=post, parent_id=parent, kind=kind, body=body,
                    language=lang, author_contact_id=who["id"], author_user_id=None,
                    account_id=who["account_id"], hidden=False, accepted=accepted,
                    created_at=at, updated_at=at)  # fmt: skip


def _follow(rows: _Rows, contact: int, post: int, at: datetime) -> None:
    target = f"post:{post}"
    if any(f["contact_id"] == contact and f["target"] == target for f in rows.rows["follows"]):
        return
    rows.add("follows", contact_id=contact, target=target, post_id=post, space_id=None,
             created_at=at)  # fmt: skip


def _reactions(
    rows: _Rows, rng: np.random.Generator, people: list[Row], members: dict[int, str]
) -> None:
    """A few reactions on each thread and answer, from members other than its author."""
    kinds = list(REACTIONS)
    by_id = {p["id"]: p for p in people}
    targets = [("post", p["id"], p["id"], p["author_contact_id"], p["created_at"])
               for p in rows.rows["posts"]]  # fmt: skip
    targets += [("reply", r["id"], r["post_id"], r["author_contact_id"], r["created_at"])
                for r in rows.rows["replies"] if r["kind"] == "answer"]  # fmt: skip
    readers = sorted(members)
    for kind, ref, post, author, at in targets:
        count = int(rng.integers(0, 5)) + (2 if kind == "reply" else 0)
        chosen = rng.choice(len(readers), size=min(count, len(readers)), replace=False)
        for k, i in enumerate(chosen):
            who = readers[int(i)]
            if who == author:
                continue
            rows.add("reactions", post_id=post, reply_id=ref if kind == "reply" else None,
                     target=f"{kind}:{ref}", contact_id=who,
                     account_id=by_id[who]["account_id"],
                     reaction=kinds[int(rng.integers(len(kinds)))] if k else "like",
                     created_at=at + timedelta(hours=5 + k))  # fmt: skip


def _members(rows: _Rows, people: list[Row], members: dict[int, str], joined: datetime) -> None:
    names = {p["id"]: p["name"] for p in people}
    taken: list[str] = []
    for contact, lang in sorted(members.items()):
        handle = handle_candidates(handle_of(names[contact]), taken)
        taken.append(handle)
        rows.add("members", contact_id=contact, handle=handle, locale=lang, digest=True,
                 joined_at=joined)  # fmt: skip


def add_community(
    session: Session,
    seed: int,
    cal: Calendar,
    tables: dict[type[Base], list[Row]],
    accounts: list[DemoAccount],
) -> None:
    """Put the community's rows among the demo's tables (after contacts, in key order)."""
    first = {name: repository.next_id(session, model) for name, model in _MODELS.items()}
    paying = {a.id for a in accounts if a.periods and a.periods[-1].stop(cal.as_of) >= cal.as_of}
    rows = community_rows(seed, cal, tables[Contact], first, paying)
    for name, model in _MODELS.items():
        tables[model] = rows[name]


def finish_community(session: Session, tables: dict[type[Base], list[Row]]) -> None:
    """Once the rows are written: make the threads findable."""
    for row in tables.get(CommunityPost, []):
        post = session.get(CommunityPost, row["id"])
        if post is not None:
            index_post(session, post)
