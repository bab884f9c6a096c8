"""Community search over 100,000 posts, as ``make bench`` runs it (issue 20: p95 ≤ 50 ms).

100,000 posts made deterministically from the demo's Japanese comment pools (``voice.py``'s
``comments``: one to three sentences, every other one with a Faker sentence), indexed as the
community indexes a post (``kasasu.fulltext.index_document``, kind "post"), in a fresh SQLite
database and, when PostgreSQL answers at ``KASASU_BENCH_POSTGRES_URL`` (default
127.0.0.1, user postgres), in a fresh PostgreSQL database too. Then 20 queries, each run
10 times: the community's search (:func:`kasasu.community.reading.search_posts`: the terms,
the ranked page of 20, the total, the highlights) against, as the reference in the same run,
the fastest hand-written query of the same page and total on the same tables (FTS5 MATCH
with bm25 on SQLite, ``@@`` with ts_rank on PostgreSQL, the terms given). Prints p50/p95 of
each and their ratio.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kasasu.community.reading import search_posts
from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.fulltext.service import index_document
from kasasu.fulltext.terms import query_terms
from serving import scratch_postgres
from voice import comments

POSTS = 100_000
RUNS = 10
TARGET_MS = 50.0
QUERIES = (
    "請求書", "発行した", "CSV 取り込み", "ログイン", "解約したい", "料金", "ダッシュボード",
    "使いやすい", "サポート", "遅い", "連携", "エクスポート", "権限", "通知", "レポート",
    "請求書 発行", "画面", "エラー", "問い合わせ", "機能",
)  # fmt: skip


def _index(url: str, texts: list[str]) -> float:
    upgrade(url)
    engine = create_db_engine(url)
    sessions, started = session_factory(engine), time.perf_counter()
    for start in range(0, len(texts), 2_000):
        with transaction(sessions, write=True) as session:
            for n, text in enumerate(texts[start : start + 2_000], start=start + 1):
                title = text.split("。")[0][:60]
                index_document(session, "post", n, language="ja", title=title, body=text)
        print(f"  indexed {min(start + 2_000, len(texts)):,} / {len(texts):,}", end="\r")
    engine.dispose()
    return time.perf_counter() - started


def _hand_written(session: Session, terms: list[str]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        query = "plainto_tsquery('simple', :q)"
        session.execute(sa.text(
            f"SELECT ref_id, ts_rank(vector, {query}) AS r FROM search_documents"
            f" WHERE kind = 'post' AND listed AND vector @@ {query} ORDER BY r DESC LIMIT 20"
        ), {"q": " ".join(terms)}).all()  # fmt: skip
        session.execute(sa.text(
            f"SELECT count(*) FROM search_documents WHERE kind = 'post' AND listed"
            f" AND vector @@ {query}"
        ), {"q": " ".join(terms)}).all()  # fmt: skip
        return
    match = " AND ".join(f'"{t}"' for t in terms)
    session.execute(sa.text(
        "SELECT d.ref_id, d.title, d.body FROM (SELECT rowid, bm25(search_documents_fts, 5.0,"
        " 1.0) AS r FROM search_documents_fts WHERE search_documents_fts MATCH :m) AS f"
        " JOIN search_documents d ON d.id = f.rowid WHERE d.kind = 'post' AND d.listed"
        " ORDER BY f.r LIMIT 20"
    ), {"m": match}).all()  # fmt: skip
    session.execute(sa.text(
        "SELECT count(*) FROM search_documents_fts WHERE search_documents_fts MATCH :m"
    ), {"m": match}).all()  # fmt: skip


def _times(sessions: Callable[[], Session], work: Callable[[Session, str], object]) -> list[float]:
    took = []
    with sessions() as session:
        for query in QUERIES:
            work(session, query)  # warm: the first run of a query reads its pages
            for _run in range(RUNS):
                began = time.perf_counter()
                work(session, query)
                took.append((time.perf_counter() - began) * 1000)
    return took


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def _measure(name: str, url: str, texts: list[str]) -> None:
    indexing = _index(url, texts)
    print(f"{name}: indexed {len(texts):,} posts in {indexing:.1f} s" + " " * 20)
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    found = {}
    with sessions() as session:
        for query in QUERIES:
            found[query] = search_posts(session, query, "ja").total
    ours = _times(sessions, lambda s, q: search_posts(s, q, "ja"))
    terms = {q: query_terms(q) for q in QUERIES}
    reference = _times(sessions, lambda s, q: _hand_written(s, terms[q]))
    engine.dispose()
    print(f"  matches per query: min {min(found.values()):,}, max {max(found.values()):,}")
    print(
        f"  search_posts: p50 {statistics.median(ours):.1f} ms, p95 {_p95(ours):.1f} ms"
        f" (target ≤ {TARGET_MS:.0f} ms: {'met' if _p95(ours) <= TARGET_MS else 'NOT met'})"
    )
    print(f"  hand-written: p50 {statistics.median(reference):.1f} ms,"
          f" p95 {_p95(reference):.1f} ms")  # fmt: skip
    print(f"  ratio p95: {_p95(ours) / _p95(reference):.2f}×")


def main() -> None:
    texts = comments(POSTS)
    only = os.environ.get("BENCH_SEARCH_ONLY", "")  # sqlite or postgresql: that one alone
    if only in ("", "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            _measure("SQLite (FTS5)", f"sqlite:///{Path(tmp) / 'kasasu.db'}", texts)
    if only in ("", "postgresql"):
        with scratch_postgres() as url:
            if url is not None:
                _measure("PostgreSQL (tsvector, GIN)", url, texts)


if __name__ == "__main__":
    main()
