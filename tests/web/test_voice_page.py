"""The comments explorer and the churn page's themes, in English and Japanese."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from tests.voice.data import add_answers, add_cancellations
from tests.web.conftest import SignIn

APRIL = "first=2026-04-01&last=2026-04-30"


def test_key_terms_side_by_side_and_themes(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    with sessions() as s:
        add_answers(s)
        s.commit()
    page = web.get(f"/voice/comments?{APRIL}").text
    assert "6 answers: 3 detractors (3 comments), 2 promoters (2 comments)" in page
    detractors = page.split('id="terms-detractors"')[1].split("</table>")[0]
    promoters = page.split('id="terms-promoters"')[1].split("</table>")[0]
    assert "遅い" in detractors
    assert "見やすい" not in detractors
    assert "見やすい" in promoters
    themes = page.split('id="themes"')[1].split("</table>")[0]
    assert themes.index("Support") < themes.index("Performance and quality")
    assert 'href="/voice/comments"' in page  # the nav link
    japanese = web.get(f"/voice/comments?{APRIL}&lang=ja").text
    assert "回答 6 件" in japanese
    assert "サポート対応" in japanese


def test_search_box_replaces_the_hits(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    with sessions() as s:
        add_answers(s)
        s.commit()
    fragment = web.get("/voice/comments?q=サポートの対応", headers={"HX-Request": "true"}).text
    assert fragment.startswith('<div id="comment-hits"')
    assert "サポートの対応が遅くて困っています" in fragment
    assert "NPS 3" in fragment
    assert "<html" not in fragment
    empty = web.get("/voice/comments?q=の", headers={"HX-Request": "true"}).text
    assert "Write at least one word to search for" in empty
    full = web.get("/voice/comments?q=遅い").text
    assert "サポートに問い合わせても返事が遅い" in full


def test_churn_page_has_mrr_lost_per_theme(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    with sessions() as s:
        add_cancellations(s)
        s.commit()
    page = web.get("/churn?period=2025-05&by=month").text
    themes = page.split('id="churn-themes"')[1].split("</table>")[0]
    # No theme: C3 ¥50,000; price: C1 ¥30,000; C4 ¥20,000 in performance and usability.
    assert themes.index("No theme") < themes.index("Price") < themes.index("Usability")
    assert "¥50,000" in themes
    assert "¥30,000" in themes
    japanese = web.get("/churn?period=2025-05&by=month&lang=ja").text
    assert "テーマなし" in japanese
