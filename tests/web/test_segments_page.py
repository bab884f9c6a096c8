"""Segments in the web: the list, one segment's members and history, the form (leaders and
admins), the accounts list's segment filter; data of tests/segments/members_data.py."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import Account, Segment, SegmentMember
from kasasu.segments.schemas import SegmentDefinition
from kasasu.segments.service import get_segment, save_segment
from tests.health.touch_data import DAY
from tests.segments.members_data import add_segments
from tests.support.queries import counted
from tests.web.conftest import SignIn, csrf
from tests.web.tables import table_rows


def _segments(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        ids = add_segments(s)
        s.commit()
    return ids


def test_the_list_in_english_and_japanese(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    _segments(sessions)
    en = web.get("/segments?lang=en").text
    assert "<h1>Segments</h1>" in en
    assert "Members after the latest refresh" in en
    rows = [["big", "mrr >= 100000", "大口", "2"], ["small", "mrr < 50000", "—", "0"]]
    assert table_rows(en) == rows
    assert 'href="/accounts?mine=0&amp;segment=big"' in en
    assert 'action="/segments"' not in en  # a viewer gets no form
    ja = web.get("/segments?lang=ja").text
    assert "<h1>セグメント</h1>" in ja
    assert "最新の再計算後のメンバー数" in ja
    assert table_rows(ja) == rows


def test_one_segment_members_and_history(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    _segments(sessions)
    en = web.get("/segments/big?lang=en").text
    assert "<h1>Segment big</h1>" in en
    assert "Members on February 1, 2026" in en
    assert table_rows(en) == [
        ["株式会社W1", "Aoki", "¥400,000", "80"],
        ["株式会社W5", "—", "¥500,000", "80"],
        ["February 1, 2026", "株式会社W5", "entered"],
        ["February 1, 2026", "株式会社W4", "left"],
        ["January 25, 2026", "株式会社W1", "entered"],
        ["January 25, 2026", "株式会社W4", "entered"],
    ]
    ja = web.get("/segments/big?lang=ja").text
    assert "<h1>セグメント big</h1>" in ja
    assert "2026年2月1日 のメンバー" in ja
    assert table_rows(ja)[:3] == [
        ["株式会社W1", "Aoki", "￥400,000", "80"],
        ["株式会社W5", "—", "￥500,000", "80"],
        ["2026年2月1日", "株式会社W5", "参加"],
    ]
    assert table_rows(web.get("/segments/small?lang=en").text) == [
        ["No account is in this segment."],
        ["No account has entered or left yet."],
    ]
    assert web.get("/segments/nope").status_code == 404


def test_the_accounts_list_filters_by_segment(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.ADMIN)
    _segments(sessions)
    page = web.get("/accounts?mine=0&segment=big").text
    assert sorted(row[1] for row in table_rows(page)) == ["株式会社W1", "株式会社W5"]
    assert '<option value="big" selected>big</option>' in page
    assert "2 accounts" in page
    assert "0 accounts" in web.get("/accounts?mine=0&segment=small").text


def test_leaders_store_segments_with_the_rule_checked(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    token = csrf(web.get("/segments").text)
    form = {"csrf_token": token, "name": "mid", "rule": 'plan == "Pro" and mrr >= 50000'}
    r = web.post("/segments", data=form)
    assert (r.status_code, r.headers["location"]) == (303, "/segments")
    assert ["mid", 'plan == "Pro" and mrr >= 50000', "—", "0"] in table_rows(
        web.get("/segments").text
    )
    # The same name changes it.
    web.post("/segments", data=form | {"rule": "mrr >= 60000", "description": "中堅"})
    assert table_rows(web.get("/segments").text) == [["mid", "mrr >= 60000", "中堅", "0"]]
    bad = web.post("/segments?lang=en", data=form | {"rule": "mrr >= 3 and and"})
    assert bad.status_code == 422
    # The mistake under its field, the field marked, what was typed still in it.
    assert '<p class="field-error" id="segment-rule-error">Not a rule (column 14)' in bad.text
    assert (
        'aria-invalid="true" aria-describedby="segment-rule-error">mrr &gt;= 3 and and</textarea>'
        in bad.text
    )
    shifted = web.post("/segments?lang=en", data=form | {"rule": "mrr >> 3"})
    assert "Only names, numbers, text, lists, comparisons" in shifted.text
    unknown = web.post("/segments?lang=ja", data=form | {"rule": "revenue > 3"})
    assert unknown.status_code == 422
    assert "revenue" in unknown.text
    nameless = web.post("/segments?lang=en", data=form | {"name": ""})
    assert 'id="segment-name-error"' in nameless.text
    ja = web.post("/segments?lang=ja", data=form | {"rule": "mrr >= 3 and and"}).text
    assert "ルールとして読めません（14 文字目）" in ja
    assert table_rows(web.get("/segments").text)[0][1] == "mrr >= 60000"  # unchanged


def test_viewers_and_csms_cannot_store_segments_and_forms_need_the_token(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    page = web.get("/segments").text
    form = {"csrf_token": csrf(page), "name": "x", "rule": "mrr > 0"}
    assert web.post("/segments", data=form).status_code == 403
    web.post("/logout", data={"csrf_token": csrf(page)})
    sign_in(Role.VIEWER)
    token = csrf(web.get("/segments").text)
    assert web.post("/segments", data=form | {"csrf_token": token}).status_code == 403
    web.post("/logout", data={"csrf_token": token})
    sign_in(Role.ADMIN)
    assert web.post("/segments", data=form | {"csrf_token": "forged"}).status_code == 403
    assert web.post("/segments", data={"name": "x", "rule": "mrr > 0"}).status_code == 403
    assert "No segment yet." in web.get("/segments").text


def test_segment_pages_cost_the_same_for_few_or_many_rows(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], connection: Connection
) -> None:
    sign_in(Role.ADMIN)
    _segments(sessions)

    def queries(path: str) -> int:
        web.get(path)  # warm
        with counted(connection) as statements:
            assert web.get(path).status_code == 200
        return len(statements)

    list_few, page_few = queries("/segments"), queries("/segments/big")
    with sessions() as s:
        big = get_segment(s, "big").id
        for n in range(20):
            save_segment(s, SegmentDefinition(name=f"more-{n}", rule="mrr > 0"))
            account = Account(external_id=f"M{n}", name=f"株式会社M{n}", custom_fields={})
            s.add(account)
            s.flush()
            s.add(SegmentMember(segment_id=big, account_id=account.id, entered_on=DAY))
        s.commit()
    assert queries("/segments") == list_few
    assert queries("/segments/big") == page_few


def test_a_segment_the_refresh_skipped_shows_why(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    """Security review F7: a leader sees on the list which segment the refresh skipped."""
    from kasasu.segments.service import assign_segments

    sign_in(Role.VIEWER)
    with sessions() as s:
        s.add(Segment(name="deep", rule="not " * 40 + "mrr > 0"))  # stored before the check
        s.flush()
        assign_segments(s, DAY, [], {}, {})
        s.commit()
    en = web.get("/segments?lang=en").text
    assert f"Skipped by the refresh of {DAY.isoformat()}: deep: The rule nests" in en
    ja = web.get("/segments?lang=ja").text
    assert f"{DAY.isoformat()} の再計算でスキップしました" in ja
