"""Key terms, search and churn reasons over data the tests write (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.reporting import Reporting
from kasasu.errors import InvalidInput
from kasasu.voice.service import churn_reasons, comment_terms, search_comments
from tests.voice.data import add_answers, add_cancellations, add_segment

APRIL = {"first": date(2026, 4, 1), "last": date(2026, 4, 30), "zone": "Asia/Tokyo"}


def test_key_terms_of_detractors_against_promoters(session: Session) -> None:
    add_answers(session)
    result = comment_terms(session, **APRIL)
    # In April (Tokyo): scores 3, 5, 2, 7, 10, 9 → 3 detractors, 1 passive, 2 promoters.
    assert (result.answers, result.detractors, result.promoters) == (6, 3, 2)
    assert (result.detractor_comments, result.promoter_comments) == (3, 2)
    # 遅い is in 2 of the 3 detractor comments and in no promoter's: the most telling.
    top = result.detractor_terms[0]
    assert (top.term, top.detractors, top.promoters) == ("遅い", 2, 0)
    assert top.z > 0
    promoter_words = {t.term: (t.detractors, t.promoters) for t in result.promoter_terms}
    assert promoter_words["見やすい"] == (0, 1)
    assert promoter_words["丁寧"] == (0, 1)
    assert all(t.z < 0 for t in result.promoter_terms)
    # Themes: support in 2 detractor comments (サポート) and 1 promoter's; performance (遅い)
    # in 2 detractor comments; price (料金, 高い) in 1.
    themes = [(t.theme, t.detractors, t.promoters) for t in result.themes]
    assert themes == [("support", 2, 1), ("performance", 2, 0), ("price", 1, 0)]


def test_key_terms_by_plan_and_segment(session: Session) -> None:
    ids = add_answers(session)
    lite = comment_terms(session, plan="Lite", **APRIL)
    # B's April answers: 2 (detractor), 7 (passive), 9 (promoter).
    assert (lite.answers, lite.detractors, lite.promoters) == (3, 1, 1)
    add_segment(session, "lite-accounts", ids["B"], date(2026, 1, 1))
    segment = comment_terms(session, segment="lite-accounts", **APRIL)
    assert (segment.answers, segment.detractors, segment.promoters) == (3, 1, 1)
    everything = comment_terms(session)  # no period: all 8 answers
    assert everything.answers == 8


def test_key_terms_need_nps_or_csat(session: Session) -> None:
    with pytest.raises(InvalidInput):
        comment_terms(session, kind="ces")


def test_search_matches_the_words_not_the_letters(session: Session) -> None:
    add_answers(session)
    page = search_comments(session, "サポートの対応")
    assert page.query_terms == ["サポート", "対応"]
    assert [h.comment for h in page.items] == ["サポートの対応が遅くて困っています"]
    hit = page.items[0]
    assert (hit.score, hit.account_name, hit.kind) == (3, "株式会社A", "nps")
    assert set(hit.themes) == {"support", "performance"}
    # 遅く and 遅い are the same word; newest first, one per page.
    first = search_comments(session, "遅く", limit=1)
    assert [h.comment for h in first.items] == ["サポートに問い合わせても返事が遅い"]
    assert first.next_cursor is not None
    second = search_comments(session, "遅く", limit=1, cursor=first.next_cursor)
    assert [h.comment for h in second.items] == ["サポートの対応が遅くて困っています"]
    assert search_comments(session, "遅く", limit=1, cursor=second.next_cursor).items == []
    april = search_comments(session, "料金", first=date(2026, 4, 1), last=date(2026, 4, 30))
    assert [h.comment for h in april.items] == ["料金が高い"]


def test_search_over_cancellation_comments(session: Session) -> None:
    add_cancellations(session)
    page = search_comments(session, "使いにくい", kind="cancellation")
    assert [(h.comment, h.kind, h.score) for h in page.items] == [
        ("画面が使いにくく、動作も遅い", "hard_to_use", None)
    ]
    with pytest.raises(InvalidInput):
        search_comments(session, "の")  # a particle alone is no word
    with pytest.raises(InvalidInput):
        search_comments(session, "料金", cursor="garbage")


def test_churned_mrr_by_reason_and_by_theme(session: Session) -> None:
    add_cancellations(session)
    result = churn_reasons(session, date(2025, 5, 1), date(2025, 5, 1), Reporting())
    assert result.periods == ["2025-05"]
    assert (result.accounts, result.mrr) == (4, 110_000)
    # Price: C1 30,000 + C3 50,000; hard to use: C4 20,000; missing features: C2 10,000.
    reasons = [(r.reason, r.accounts, r.mrr) for r in result.reasons]
    assert reasons == [
        ("price", 2, 80_000),
        ("hard_to_use", 1, 20_000),
        ("missing_features", 1, 10_000),
    ]
    # C3 said nothing (no theme); C4's comment is about usability and performance.
    themes = [(t.theme, t.accounts, t.mrr) for t in result.themes]
    assert themes == [
        ("none", 1, 50_000),
        ("price", 1, 30_000),
        ("performance", 1, 20_000),
        ("usability", 1, 20_000),
        ("features", 1, 10_000),
    ]
    assert result.themes[0].labels == {"ja": "テーマなし", "en": "No theme"}
    quiet = churn_reasons(session, date(2025, 6, 1), date(2025, 7, 1), Reporting())
    assert quiet.periods == ["2025-06", "2025-07"]
    assert (quiet.accounts, quiet.mrr, quiet.reasons, quiet.themes) == (0, 0, [], [])
