"""The demo company's help centre: bilingual articles in categories (knowledge.yaml), and
what customers did with them: contacts' readings (their accounts' usage events too), "was
this helpful?" votes, comments to the team and searches, some of which found nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import yaml
from sqlalchemy.orm import Session

from kasasu.demo import repository
from kasasu.demo.shapes import DemoAccount, Row
from kasasu.demo.timeline import Calendar
from kasasu.domain.dates import local_midnight
from kasasu.domain.search import fold
from kasasu.events.schemas import BATCH_SCHEMA
from kasasu.events.service import append_events
from kasasu.knowledge.reading import VIEW_EVENT
from kasasu.knowledge.service import index_article
from kasasu.models import (
    Account,
    Article,
    ArticleCategory,
    ArticleComment,
    ArticleView,
    ArticleVote,
    Contact,
    HelpSearch,
    RelatedArticle,
)
from kasasu.models.base import Base

PUBLISHED_DAYS = 150  # the help centre opened this many days before the data's end
READERS = 0.35  # share of contacts who read the help centre
COMMENTS = (
    ("ja", "手順の画面が今のバージョンと違います。"),
    ("ja", "年間契約の場合の日割り計算も知りたいです。"),
    ("en", "Please add an example file for the import."),
)


def _content() -> dict[str, Any]:
    text = resources.files("kasasu.demo").joinpath("knowledge.yaml").read_text("utf-8")
    found: dict[str, Any] = yaml.safe_load(text)
    return found


def knowledge_rows(
    seed: int,
    cal: Calendar,
    contacts: list[Row],
    first_ids: dict[str, int],
    customers: dict[int, tuple[datetime, datetime]],
) -> dict[str, list[Row]]:
    """Rows of categories, articles, related links, views, votes, comments and searches,
    ids from ``first_ids`` (by table), times from the calendar: the same seed, the same rows.
    A contact reads only while their account is a customer (``customers``: account id →
    from, until)."""
    content = _content()
    opened = cal.instant(cal.as_of - timedelta(days=PUBLISHED_DAYS), 9.0)
    categories = [
        {"id": first_ids["categories"] + n, "slug": c["slug"], "name_ja": c["ja"],
         "name_en": c["en"], "position": n, "created_at": opened, "updated_at": opened}
        for n, c in enumerate(content["categories"])
    ]  # fmt: skip
    category_ids = {c["slug"]: c["id"] for c in categories}
    articles = [
        _article(first_ids["articles"] + n, n, a, category_ids, opened)
        for n, a in enumerate(content["articles"])
    ]
    ids = {a["slug"]: a["id"] for a in articles}
    related = [
        {"article_id": ids[a["slug"]], "related_id": ids[r], "position": n}
        for a in content["articles"]
        for n, r in enumerate(a.get("related", []))
    ]
    rng = np.random.default_rng([seed, 35])
    views, votes = _readings(rng, contacts, [a["id"] for a in articles], opened, customers)
    for n, row in enumerate(related):
        row["id"] = first_ids["related"] + n
    return {
        "categories": categories,
        "articles": articles,
        "related": related,
        "views": [{"id": first_ids["views"] + n, **v} for n, v in enumerate(views)],
        "votes": [{"id": first_ids["votes"] + n, **v} for n, v in enumerate(votes)],
        "comments": _comments(rng, cal, articles, first_ids["comments"]),
        "searches": _searches(rng, cal, content["searches"], first_ids["searches"], opened),
    }


def _article(
    article_id: int, n: int, data: dict[str, Any], categories: dict[str, int], opened: Any
) -> Row:
    ja, en = data.get("ja") or [None, None], data.get("en") or [None, None]
    return {
        "id": article_id, "slug": data["slug"], "category_id": categories[data["category"]],
        "title_ja": ja[0], "body_ja": ja[1], "title_en": en[0], "body_en": en[1],
        "position": n, "published_at": opened, "author_id": None,
        "created_at": opened, "updated_at": opened,
    }  # fmt: skip


def _readings(
    rng: np.random.Generator,
    contacts: list[Row],
    articles: list[int],
    opened: datetime,
    customers: dict[int, tuple[datetime, datetime]],
) -> tuple[list[Row], list[Row]]:
    """Readers' views (a few articles each, the first ones read most) and their votes."""
    weights = 1.0 / np.arange(1, len(articles) + 1)
    weights /= weights.sum()
    views: list[Row] = []
    votes: list[Row] = []
    for contact in contacts:
        if rng.random() >= READERS or contact["account_id"] not in customers:
            continue
        start, stop = customers[contact["account_id"]]
        start = max(start, opened)
        span = (stop - start).total_seconds()
        if span <= 0:
            continue
        read = rng.choice(articles, size=int(rng.integers(1, 5)), replace=False, p=weights)
        for article_id in sorted(int(a) for a in read):
            at = start + timedelta(seconds=float(rng.uniform(0, span)))
            views.append({"article_id": article_id, "contact_id": contact["id"],
                          "account_id": contact["account_id"], "locale": "ja",
                          "viewed_at": at})  # fmt: skip
            if rng.random() < 0.3:
                votes.append({"article_id": article_id, "contact_id": contact["id"],
                              "visitor": None, "helpful": bool(rng.random() < 0.75),
                              "voted_at": at + timedelta(minutes=2)})  # fmt: skip
    views.sort(key=lambda v: (v["viewed_at"], v["article_id"], v["contact_id"]))
    return views, votes


def _comments(
    rng: np.random.Generator, cal: Calendar, articles: list[Row], first: int
) -> list[Row]:
    picked = rng.choice(len(articles), size=len(COMMENTS), replace=False)
    return [
        {"id": first + n, "article_id": articles[int(i)]["id"], "contact_id": None,
         "body": body, "locale": locale, "resolved_at": None,
         "created_at": cal.instant(cal.as_of - timedelta(days=3 + 5 * n), 14.0)}
        for n, (i, (locale, body)) in enumerate(zip(picked, COMMENTS, strict=True))
    ]  # fmt: skip


def _searches(
    rng: np.random.Generator, cal: Calendar, asked: dict[str, list[str]], first: int, opened: Any
) -> list[Row]:
    """Searches over the help centre's life; the "found" ones with a plausible count."""
    span = (cal.instant(cal.as_of, 9.0) - opened).total_seconds()
    rows: list[Row] = []
    for query, found in [(q, True) for q in asked["found"]] + [
        (q, False) for q in asked["not_found"]
    ]:
        for _n in range(int(rng.integers(1, 7))):
            at = opened + timedelta(seconds=float(rng.uniform(0, span)))
            rows.append({"query": query, "folded": fold(query)[:200],
                         "results": int(rng.integers(1, 4)) if found else 0,
                         "locale": "en" if query.isascii() else "ja", "contact_id": None,
                         "account_id": None, "searched_at": at})  # fmt: skip
    rows.sort(key=lambda r: (r["searched_at"], r["query"]))
    return [{"id": first + n, **r} for n, r in enumerate(rows)]


def index_articles(session: Session, article_ids: list[int]) -> None:
    """Make the demo's articles findable (after they are written)."""
    for article_id in article_ids:
        row = session.get(Article, article_id)
        if row is not None:
            index_article(session, row)


def view_events(
    views: list[Row], accounts: dict[int, str], contacts: dict[int, str], slugs: dict[int, str]
) -> pa.Table:
    """The contacts' readings as their accounts' usage events (BATCH_SCHEMA)."""
    return pa.table(
        {
            "event_id": [f"kb-view:{v['id']}" for v in views],
            "account_external_id": [accounts[v["account_id"]] for v in views],
            "user_id": [contacts[v["contact_id"]] for v in views],
            "event_name": [VIEW_EVENT] * len(views),
            "occurred_at": [v["viewed_at"] for v in views],
            "value": [None] * len(views),
            "properties": [
                f'{{"article":"{slugs[v["article_id"]]}","locale":"ja"}}' for v in views
            ],
        },
        schema=BATCH_SCHEMA,
    )


_MODELS = {
    "categories": ArticleCategory,
    "articles": Article,
    "related": RelatedArticle,
    "views": ArticleView,
    "votes": ArticleVote,
    "comments": ArticleComment,
    "searches": HelpSearch,
}


def add_knowledge(
    session: Session,
    seed: int,
    cal: Calendar,
    tables: dict[type[Base], list[Row]],
    accounts: list[DemoAccount],
) -> None:
    """Put the help centre's rows among the demo's tables (after contacts, in key order)."""
    first = {name: repository.next_id(session, model) for name, model in _MODELS.items()}
    customers = {
        a.id: (cal.instant(a.periods[-1].start, 9.0),
               cal.instant(a.periods[-1].stop(cal.as_of) - timedelta(days=1), 18.0))
        for a in accounts
        if a.periods
    }  # fmt: skip
    rows = knowledge_rows(seed, cal, tables[Contact], first, customers)
    for name, model in _MODELS.items():
        tables[model] = rows[name]


def finish_knowledge(
    session: Session, events_path: Path, cal: Calendar, tables: dict[type[Base], list[Row]]
) -> int:
    """Once the rows are written: index the articles for search, and store the contacts'
    readings as usage events (received at the demo's fixed instant). Returns events stored."""
    articles = tables[Article]
    index_articles(session, [a["id"] for a in articles])
    accounts = {a["id"]: a["external_id"] for a in tables[Account]}
    contacts = {c["id"]: c["external_id"] for c in tables[Contact]}
    slugs = {a["id"]: a["slug"] for a in articles}
    table = view_events(tables[ArticleView], accounts, contacts, slugs)
    return append_events(events_path, table, local_midnight(cal.as_of, cal.zone))
