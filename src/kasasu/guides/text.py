"""A guide's rich text: a little Markdown (bold, italics, links, lists, line breaks) turned
into HTML the SDK can place in the product's page. Raw HTML is shown as text, never run, and
markdown-it refuses javascript:, vbscript:, file: and data: links."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("zero", {"breaks": True, "html": False}).enable(
        ["emphasis", "link", "newline", "list", "backticks"]
    )


def rendered(text: str) -> str:
    html: str = _parser().render(text)
    return html.strip()
