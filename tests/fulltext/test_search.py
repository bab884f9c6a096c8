"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector): Japanese words inside
compounds and sentences, inflected verbs, ranking, highlights that stay escaped."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from kasasu.fulltext.repository import SearchDocumentRepository
from kasasu.fulltext.service import index_document, remove_document, search
from kasasu.fulltext.terms import highlight, query_terms, terms


def _kind() -> str:
    """A kind of its own, so that one example's documents never meet another's."""
    return f"t{uuid.uuid4().hex[:12]}"


def _add(session: Session, kind: str, ref_id: int, title: str, body: str, **kw: object) -> None:
    language = str(kw.pop("language", "ja"))
    index_document(session, kind, ref_id, language=language, title=title, body=body, **kw)  # type: ignore[arg-type]


def _found(session: Session, kind: str, query: str, **kw: object) -> list[int]:
    return [h.ref_id for h in search(session, kind, query, **kw).hits]  # type: ignore[arg-type]


def test_a_word_is_found_inside_a_phrase_and_an_inflected_verb_by_its_dictionary_form(
    session: Session,
) -> None:
    kind = _kind()
    _add(session, kind, 1, "請求書の発行", "毎月の請求書を発行した。")
    _add(session, kind, 2, "ログインできない", "パスワードを再設定してください。")
    _add(session, kind, 3, "Exporting reports", "You exported the monthly report as CSV.",
         language="en")  # fmt: skip
    assert _found(session, kind, "請求書") == [1]
    assert _found(session, kind, "発行する") == [1]  # 発行した in the body
    assert _found(session, kind, "請求") == [1]  # a short unit of 請求書
    assert _found(session, kind, "再設定した") == [2]
    assert _found(session, kind, "export") == [3]
    assert _found(session, kind, "exports") == [3]
    assert _found(session, kind, "How do I export a report?") == [3]
    assert _found(session, kind, "請求書 パスワード") == []  # every word must be there
    assert _found(session, kind, "の") == []  # a particle alone asks for nothing


def test_the_title_outranks_the_body_and_more_mentions_outrank_fewer(session: Session) -> None:
    kind = _kind()
    for n in range(10, 16):  # documents without the word, so that it is a rare one
        _add(session, kind, n, f"設定 {n}", "通知の設定を変える方法")
    _add(session, kind, 3, "ユーザーの追加", "請求書の宛先を変えるときは管理画面から変更します。")
    _add(session, kind, 2, "ユーザーの削除", "請求書と請求書の控え。")
    _add(session, kind, 1, "請求書", "宛先")
    # By hand: SQLite's BM25 weighs a title word 5 times a body word; PostgreSQL's ts_rank
    # gives a title word 1.0 and body words 0.4 + 0.4/4 (two) or 0.4 (one).
    assert _found(session, kind, "請求書") == [1, 2, 3]
    results = search(session, kind, "請求書")
    assert results.total == 3
    assert [h.score for h in results.hits] == sorted((h.score for h in results.hits), reverse=True)


def test_pages_and_totals_cover_every_match(session: Session) -> None:
    kind = _kind()
    for n in range(1, 8):
        _add(session, kind, n, f"記事 {n}", "請求書" + "。請求書" * n)
    first = search(session, kind, "請求書", limit=3)
    rest = search(session, kind, "請求書", limit=3, offset=3)
    last = search(session, kind, "請求書", limit=3, offset=6)
    assert first.total == rest.total == last.total == 7
    seen = [h.ref_id for page in (first, rest, last) for h in page.hits]
    assert sorted(seen) == list(range(1, 8))


def test_highlights_mark_the_matched_words_and_escape_everything_else(session: Session) -> None:
    kind = _kind()
    _add(
        session,
        kind,
        1,
        "<b>請求書</b>の発行",
        '<script>alert("x")</script> 請求書を発行した & more',
    )
    hit = search(session, kind, "発行する").hits[0]
    assert hit.title_html == "&lt;b&gt;請求書&lt;/b&gt;の<mark>発行</mark>"
    assert hit.snippet_html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 請求書を<mark>発行</mark>した &amp; more"
    )
    assert "<script" not in hit.snippet_html


def test_a_long_text_is_cut_around_the_first_match() -> None:
    text = "あ" * 300 + "請求書" + "い" * 300
    html = highlight(text, query_terms("請求書"), width=100)
    assert html.startswith("…")
    assert html.endswith("…")
    assert "<mark>請求書</mark>" in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) == 102  # 100 and two …


def test_unlisted_documents_are_found_by_staff_only_and_removal_forgets(session: Session) -> None:
    kind = _kind()
    _add(session, kind, 1, "下書き", "請求書の下書き", listed=False)
    assert _found(session, kind, "請求書") == []
    assert _found(session, kind, "請求書", listed_only=False) == [1]
    _add(session, kind, 1, "公開", "請求書の記事", listed=True)  # replaced, now listed
    assert _found(session, kind, "請求書") == [1]
    remove_document(session, kind, 1)
    assert _found(session, kind, "請求書", listed_only=False) == []


def test_a_thing_in_two_languages_is_found_once_in_the_readers_language(session: Session) -> None:
    kind = _kind()
    _add(session, kind, 1, "CSVの書き出し", "CSVで書き出す方法", language="ja")
    _add(session, kind, 1, "Exporting CSV", "How to export CSV files", language="en")
    ja = search(session, kind, "csv", language="ja")
    en = search(session, kind, "csv", language="en")
    assert ja.total == en.total == 1
    assert [h.language for h in ja.hits] == ["ja"]
    assert [h.language for h in en.hits] == ["en"]
    assert [h.language for h in search(session, kind, "export", language="ja").hits] == ["en"]
    other = _kind()  # kinds never mix
    assert _found(session, other, "csv") == []


# Verbs and nouns with their dictionary form and the inflected forms a text may hold.
_WORDS = {
    "発行する": ["発行した", "発行して", "発行します", "発行できない"],
    "確認する": ["確認した", "確認してください", "確認しました"],
    "書く": ["書いた", "書きます", "書いて"],
    "使う": ["使った", "使います", "使わない"],
    "請求書": ["請求書", "請求書の"],
    "export": ["exported", "exporting", "exports"],
    "invoice": ["invoices", "invoiced"],
    "report": ["reports", "reported", "reporting"],
}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    chosen=st.lists(
        st.sampled_from(sorted(_WORDS)).flatmap(
            lambda w: st.tuples(st.just(w), st.sampled_from(_WORDS[w]))
        ),
        min_size=1,
        max_size=5,
    ),
    asked=st.integers(min_value=0, max_value=4),
)
def test_a_document_finds_itself_by_any_of_its_words_dictionary_form(
    session: Session, chosen: list[tuple[str, str]], asked: int
) -> None:
    kind = _kind()
    text = "。".join(inflected for _word, inflected in chosen)
    _add(session, kind, 1, "", text)
    dictionary_form = chosen[asked % len(chosen)][0]
    assert _found(session, kind, dictionary_form) == [1], (text, dictionary_form)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        alphabet=st.sampled_from(
            "請求書発行確認受取設定画面のをにはがしたするexportEDsé ÄＡ12-_.。、"
        ),
        min_size=1,
        max_size=40,
    )
)
def test_any_text_is_found_by_all_its_own_words(session: Session, text: str) -> None:
    """Whatever the text, the words it is stored with find it: the database reads each
    stored term as the term search asks for."""
    kind = _kind()
    _add(session, kind, 1, text, "")
    stored = list(dict.fromkeys(terms(text)))
    if stored:  # each term as the repository asks the database: no second analysis
        repo = SearchDocumentRepository(session)
        for term in stored:
            found = repo.search(kind, [term], listed_only=True, language=None, limit=5, offset=0)
            assert found[0] == 1, (text, term)
        assert repo.search(kind, stored, listed_only=True, language=None, limit=5, offset=0)[0] == 1
