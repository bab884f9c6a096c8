"""Read a page's tables as text, cell by cell (what a person sees, tags stripped)."""

from __future__ import annotations

import html
import re

ROW = re.compile(r"<tr\b.*?</tr>", re.DOTALL)
CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def table_rows(page: str) -> list[list[str]]:
    """Every row of every table body, as the text of its cells."""
    body = "".join(re.findall(r"<tbody>.*?</tbody>", page, re.DOTALL))
    return [
        [" ".join(html.unescape(TAG.sub("", cell)).split()) for cell in CELL.findall(row)]
        for row in ROW.findall(body)
    ]
