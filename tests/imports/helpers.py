"""Files for import tests, written the way Excel and other tools write them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SUBSCRIPTION_HEADER = ["契約ID", "顧客ID", "製品名", "金額", "請求周期", "契約開始日"]


def excel_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """CP932 with CRLF, as Japanese Excel saves "CSV (comma delimited)"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().replace("¥", "\\").encode("cp932")


def subscription_rows(count: int, account: str = "ACC-0001") -> list[list[object]]:
    return [
        [f"SUB-T{n:03d}", account, "Kasasu Cloud", f"¥{10_000 * n:,}", "月払い", "2026/04/01"]
        for n in range(1, count + 1)
    ]
