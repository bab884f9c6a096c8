"""Markdown written by people (announcements, knowledge-base articles, community posts) turned
into HTML that is safe to put in a page: the one place that does it.

CommonMark (plus tables and strikethrough) is rendered with raw HTML allowed, because authors
paste it, and the result goes through Ammonia (``nh3``) with an allow-list: tags not listed
are dropped (``<script>``/``<style>`` with their content), every ``on*`` event handler and
``style`` attribute goes, and links and images keep only http(s)/mailto or relative URLs, so
``javascript:``, ``vbscript:`` and ``data:`` never survive. Links get
``rel="noopener noreferrer nofollow"``: a customer's link must not pass rank or the opener.
"""

from __future__ import annotations

from functools import cache
from html import unescape

import nh3
from markdown_it import MarkdownIt

TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "em", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
    "code": {"class"},  # ``language-python`` from a fenced block
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# removed with their content, not unwrapped into text
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "noscript", "template"})


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def sanitise_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes of ``html``."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """``text`` (Markdown, possibly with HTML) as sanitised HTML, ready for ``|safe``."""
    html: str = _parser().render(text)
    return sanitise_html(html).strip()


def plain_excerpt(text: str, length: int = 200) -> str:
    """The first ``length`` characters of ``text``'s visible words (for lists and previews),
    with an ellipsis when it was cut; plain text, for the template to escape."""
    words = " ".join(unescape(nh3.clean(render_markdown(text), tags=set())).split())
    return words if len(words) <= length else words[: length - 1].rstrip() + "…"
