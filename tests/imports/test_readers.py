"""Reading files as Excel and other tools write them; rules checked with Hypothesis."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasasu.errors import InvalidInput
from kasasu.imports.mapping import header_table, map_columns, normalize_header
from kasasu.imports.readers import detect_encoding, read_csv, read_jsonl, read_table

JAPANESE = st.text(
    alphabet=st.sampled_from("株式会社アオバ商事顧客名金額髙橋ｶﾅ①㈱ーあいうえお、。"), min_size=1
)


@given(JAPANESE)
def test_japanese_cp932_text_is_detected_as_cp932(text: str) -> None:
    data = f"顧客名\r\n{text}\r\n".encode("cp932")
    assert detect_encoding(data) == "cp932"
    assert read_csv(data).rows[0].values == {"顧客名": text}


# A text that itself begins with U+FEFF is left out: at the start of a file that character
# is the byte order mark, by Unicode's definition, and is not read as text.
@given(st.text(min_size=1).filter(lambda t: "\x00" not in t and not t.startswith("\ufeff")))
def test_utf8_with_or_without_bom_reads_back(text: str) -> None:
    for data in (text.encode(), codecs.BOM_UTF8 + text.encode()):
        assert data.decode(detect_encoding(data)).removeprefix("\ufeff") == text


def test_tab_separated_and_blank_rows_keep_row_numbers() -> None:
    table = read_csv("顧客ID\t顧客名\r\nA1\t甲\r\n\t\r\nA2\t乙\r\n".encode("cp932"))
    assert [(r.number, r.values["顧客名"]) for r in table.rows] == [(2, "甲"), (4, "乙")]


def test_quoted_amount_with_comma_and_yen_from_cp932() -> None:
    table = read_csv('金額\r\n"\\1,000"\r\n'.encode("cp932"))
    assert table.rows[0].values == {"金額": "¥1,000"}


def test_json_lines_numbers_lines_and_reports_broken_ones() -> None:
    table = read_jsonl(b'{"id": "a"}\n\nnot json\n{"id": "b", "n": 2}\n')
    assert table.headers == ["id", "n"]
    assert [r.number for r in table.rows] == [1, 4]
    assert [(n, reason.render("en")) for n, _text, reason in table.broken] == [
        (3, "Not valid JSON")
    ]


def test_unknown_file_type_is_refused() -> None:
    with pytest.raises(InvalidInput):
        read_table(b"", "data.pdf")


HEADER_CHARS = st.text(alphabet=st.sampled_from("AaＢｂ_ -顧客ID１"), min_size=1)


@given(HEADER_CHARS)
def test_header_normalisation_ignores_width_case_spaces_and_underscores(header: str) -> None:
    variant = header.upper().replace("_", " ")
    assert normalize_header(variant) == normalize_header(header)
    assert normalize_header(normalize_header(header)) == normalize_header(header)


def test_no_two_fields_of_a_kind_share_a_header() -> None:
    for kind, fields in header_table().items():
        seen: dict[str, str] = {}
        for name, aliases in fields.items():
            assert aliases[0] == name, (kind, name)
            for alias in aliases:
                key = normalize_header(alias)
                assert seen.setdefault(key, name) == name, (kind, alias)


def test_two_columns_for_one_field_is_an_error() -> None:
    with pytest.raises(InvalidInput) as caught:
        map_columns("accounts", ["顧客ID", "顧客名", "会社名"], ["external_id", "name"], {})
    assert caught.value.errors[0].loc == (1, "会社名")


def test_english_headers_in_any_style() -> None:
    columns = map_columns("accounts", ["Account ID", "COMPANY NAME", "Ｐｌａｎ"], ["name"], {})
    assert columns.columns == {
        "external_id": "Account ID",
        "name": "COMPANY NAME",
        "plan": "Ｐｌａｎ",
    }


def test_docs_list_every_accepted_header() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "imports.md").read_text()
    for kind, fields in header_table().items():
        section = text.split(f"### {kind}\n", 1)[1].split("###", 1)[0]
        for name, aliases in fields.items():
            line = next(
                x for x in section.splitlines() if x.startswith((f"| {name} ", f"| **{name}** "))
            )
            for alias in aliases[1:]:
                assert alias in line, (kind, name, alias)
