"""Hostile import files refused, as run by ``make bench`` (security review F2).

Each file of the review is built into a temporary folder (the builders of the tests,
``tests/imports/hostile.py``), then read by :func:`kasasu.imports.readers.read_table` in a
fresh Python process, which prints how long the refusal took and its peak RSS
(the process's ``VmHWM``). The first line is that process reading an ordinary file, for the
RSS that is Python, Kasasu and openpyxl themselves. Before the fix the review measured
53.9 s and +5.2 GiB for the header, 316 s and +2.7 GiB for the 1.36 GB zip bomb.
Target (issue): each refused within 2 s, with bounded memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from kasasu.errors import InvalidInput
from kasasu.imports.readers import read_table
path = Path(sys.argv[1])
data = path.read_bytes()
start = time.perf_counter()
try:
    table = read_table(data, path.name)
    outcome = f"read: {len(table.rows):,} rows"
except InvalidInput as error:
    outcome = "refused: " + error.message.render("en")
seconds = time.perf_counter() - start
# This process's own high-water mark (ru_maxrss would count the parent's size at fork).
status = Path("/proc/self/status")
lines = status.read_text().splitlines() if status.exists() else []
hwm = [line for line in lines if line.startswith("VmHWM")]
peak = int(hwm[0].split()[1]) * 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak": peak, "outcome": outcome}))
"""


def files(folder: Path) -> list[tuple[str, Path]]:
    sys.path.insert(0, str(ROOT))
    from tests.imports.hostile import header_bomb, many_parts, xlsx_bomb

    made = {
        "accounts.csv": (ROOT / "examples" / "accounts.csv").read_bytes(),
        "header-5M-columns.csv": header_bomb(),
        "zip-bomb-136MB.xlsx": xlsx_bomb(136),
        "zip-bomb-1360MB.xlsx": xlsx_bomb(1360),
        "parts-10001.xlsx": many_parts(10_001),
        "line-10MB.csv": b"external_id,name\nA-1," + b"x" * 10_000_000 + b"\n",
        # Quotes defeat the delimiter count: the reader splits the (at most 4 MiB) row.
        "quoted-2M-cells.csv": b'"a",' + b"a," * 2_000_000,
        # Within every other limit: read up to the 10 M-cell cap, the costliest refusal.
        "cells-10M.csv": (
            ",".join(f"c{i}" for i in range(1_000)) + "\n" + ("1," * 999 + "1\n") * 10_001
        ).encode(),
        "rows-5M.csv": b"external_id,name\n" + b"x,\n" * 5_000_000,
        "keys-5000.jsonl": json.dumps({f"k{i}": 1 for i in range(5_000)}).encode(),
    }
    out = []
    for name, data in made.items():
        path = folder / name
        path.write_bytes(data)
        out.append((f"{name} ({len(data) / 1e6:,.2f} MB)", path))
    return out


def measure(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> None:
    print(f"{'file':<36} {'seconds':>8} {'peak RSS':>10}  outcome")
    slow = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in files(Path(tmp)):
            result = measure(path)
            seconds, peak = float(str(result["seconds"])), int(str(result["peak"]))
            print(f"{label:<36} {seconds:>8.3f} {peak / 2**20:>6.0f} MiB  {result['outcome']}")
            refused = str(result["outcome"]).startswith("refused")
            read_to_cap = "cells-10M" in label or "rows-5M" in label
            if refused and not read_to_cap and seconds > TARGET_SECONDS:
                slow.append(label)
    print(f"target: each file of the review refused within {TARGET_SECONDS:.0f} s: ", end="")
    print("met" if not slow else f"NOT met ({', '.join(slow)})")


if __name__ == "__main__":
    main()
