"""The shared Markdown sanitiser: what people write renders as formatting, never as code."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasasu.kit.markdown import plain_excerpt, render_markdown


class _Elements(HTMLParser):
    """Every start tag and its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_inert(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag not in {"script", "style", "iframe", "svg", "object", "embed", "form"}
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style", tag
            if name in {"href", "src"} and value is not None:
                assert _scheme(value) in {"", "http", "https", "mailto"}, (tag, value)


def _scheme(url: str) -> str:
    """The scheme a browser reads (WHATWG URL): tabs and newlines removed, C0 controls and
    spaces stripped, then letters, digits, + - . before a colon; anything else is a
    relative URL (Hypothesis found "a%20href='javascript:x'", a harmless relative path)."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b"
        "\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15"
        "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
        "\x1f "
    )
    found = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return found.group(1).lower() if found else ""


def test_a_script_tag_is_removed_with_its_content() -> None:
    assert render_markdown("<script>alert('x')</script>Hello") == "Hello"


@pytest.mark.parametrize(
    "source",
    [
        "<img src=x onerror=alert(1)>",
        '<p onclick="steal()">text</p>',
        '<a href="/" onmouseover="x()">a</a>',
        '<i ONLOAD="x()">i</i>',
    ],
)
def test_event_handlers_are_removed(source: str) -> None:
    html = render_markdown(source)
    assert not [name for _, attrs in elements(html) for name in attrs if name.startswith("on")]
    assert "alert" not in html
    assert "steal" not in html
    assert "x()" not in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="  javascript:alert(1)">click</a>',
        '<a href="jav&#x09;ascript:alert(1)">click</a>',
        '<a href="vbscript:msgbox(1)">click</a>',
        '<img src="javascript:alert(1)">',
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_javascript_and_data_urls_are_removed(source: str) -> None:
    html = render_markdown(source)
    assert_inert(html)
    for _, attrs in elements(html):
        assert "href" not in attrs or attrs["href"] in {None, ""}
        assert "src" not in attrs or attrs["src"] in {None, ""}


def test_images_are_allowed() -> None:
    html = render_markdown('![A chart](/static/chart.png "Usage")')
    assert elements(html) == [
        ("p", {}),
        ("img", {"src": "/static/chart.png", "alt": "A chart", "title": "Usage"}),
    ]
    raw = render_markdown('<img src="https://example.com/a.png" alt="a" width="40">')
    assert elements(raw) == [
        ("img", {"src": "https://example.com/a.png", "alt": "a", "width": "40"})
    ]


def test_formatting_survives_and_links_get_rel() -> None:
    html = render_markdown("**請求書**の発行は [こちら](https://example.com/faq)\n\n- 一\n- 二")
    assert html == (
        "<p><strong>請求書</strong>の発行は "
        '<a href="https://example.com/faq" rel="noopener noreferrer nofollow">こちら</a></p>\n'
        "<ul>\n<li>一</li>\n<li>二</li>\n</ul>"
    )


def test_tables_render() -> None:
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert [tag for tag, _ in elements(html)] == [
        "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td",
    ]  # fmt: skip


def test_plain_excerpt_is_visible_text_cut_with_an_ellipsis() -> None:
    assert plain_excerpt("**a & b** <script>x()</script> c") == "a & b c"
    assert plain_excerpt("abcdefghij", length=5) == "abcd…"
    assert plain_excerpt("abcde", length=5) == "abcde"


_PIECES = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "<a href='javascript:x'>",
        "</a>",
        "<svg onload=x>",
        '"',
        "'",
        "<",
        ">",
        "javascript:",
        " onerror=",
        "[l](",
        ")",
        "![i](",
        "**",
        "\n\n",
        "`",
        "<style>",
        "&#106;avascript:",
        "<p style='x'>",
        "<iframe src=//e>",
        "text",
        "文字",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_any_mix_of_hostile_pieces_renders_inert(source: str) -> None:
    assert_inert(render_markdown(source))
