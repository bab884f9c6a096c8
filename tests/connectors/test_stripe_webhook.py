"""POST /webhooks/stripe against a running Kasasu, with events built and signed by the
``stripe`` library: delivered out of order and twice, they land as one account, its
billing contact, two versions of the contract line and a failed payment, with the MRR
movements of a table computed by hand; a bad signature, a replay and a malformed event are
refused and change nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from benchmarks.serving import served

from tests.connectors import stripe_events as se
from tests.connectors.stripe_events import sqlite_rows
from tests.support.cli import data_env, kasasu

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(__name__)]  # a server process

TABLES = ("accounts", "contacts", "subscriptions", "invoices", "connector_events")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("stripe")
    assert kasasu(data, "init").returncode == 0
    env = {
        **data_env(data),
        "KASASU_DEV_MODE": "true",
        "KASASU_REFRESH__SCHEDULED": "false",
        "KASASU_CONNECTORS__STRIPE_WEBHOOK_SECRET": se.SECRET,
    }
    with served(env, log=data / "serve.log") as (base, _server):
        yield base, data


def _counts(data: Path) -> dict[str, object]:
    return {t: sqlite_rows(data, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def _post(base: str, payload: str, headers: dict[str, str]) -> httpx.Response:
    headers = {"Accept-Language": "en", **headers}
    return httpx.post(f"{base}/webhooks/stripe", content=payload.encode(), headers=headers)


def test_out_of_order_and_twice_gives_the_hand_computed_contract(
    server: tuple[str, Path],
) -> None:
    base, data = server
    events = se.story()
    outcomes = []
    for event_id in ("evt_5", "evt_3", "evt_4", "evt_2", "evt_1", "evt_3", "evt_2"):
        answer = _post(base, events[event_id], se.signed(events[event_id]))
        assert answer.status_code == 200, answer.text
        outcomes.append(answer.json()["outcome"])
    assert outcomes == ["applied"] * 5 + ["duplicate"] * 2

    [account] = sqlite_rows(data, "SELECT id, external_id, name FROM accounts")
    assert account[1:] == ("cus_A", "アクメ株式会社")  # the customer event came last
    assert sqlite_rows(data, "SELECT source, external_id FROM account_external_ids") == [
        ("stripe", "cus_A")
    ]
    assert sqlite_rows(data, "SELECT external_id, email, role FROM contacts") == [
        ("stripe:cus_A", "billing@acme.example", "billing")
    ]
    lines = sqlite_rows(
        data,
        "SELECT external_id, amount, seats, start_date, end_date, status, auto_renew,"
        " cancelled_on, cancel_reason, cancel_comment FROM subscriptions ORDER BY start_date",
    )
    # 5 seats × ¥10,000 from 10 January; 8 seats from the upgrade's day (15 March) to the
    # end of the period it was cancelled at (10 May 10:00 Tokyo: its last day is 10 May).
    assert lines == [
        ("si_A", 50_000, 5, "2026-01-10", "2026-03-14", "ended", 0, None, None, None),
        ("si_A@2026-03-15", 80_000, 8, "2026-03-15", "2026-05-10", "cancelled", 0,
         "2026-05-10", "price", "予算削減"),
    ]  # fmt: skip
    [invoice] = sqlite_rows(data, "SELECT external_id, status, amount_due, failed_at FROM invoices")
    assert invoice[:3] == ("in_A", "open", 80_000)
    assert str(invoice[3]).startswith("2026-04-10 01:05:00")  # 10:05 Tokyo, in UTC

    # MRR at each month's end and its movements, by hand: January +50,000 new; March
    # +30,000 expansion (80,000 − 50,000); May −80,000 churn (the last day is 10 May).
    shown = kasasu(data, "metrics", "mrr", "mrr_movements", "--from", "2026-01", "--to",
                   "2026-06", "--format", "json")  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    values = {(v["metric"], v["period"]): v for v in json.loads(shown.stdout)}
    mrr = [values[("mrr", f"2026-{m:02d}")]["value"] for m in range(1, 7)]
    assert mrr == [50_000, 50_000, 80_000, 80_000, 0, 0]
    moves = {m: values[("mrr_movements", f"2026-{m:02d}")]["breakdown"] for m in range(1, 7)}
    #            start    new  expansion  churn    end
    table = {1: (0,      50_000,      0,      0, 50_000),
             2: (50_000,      0,      0,      0, 50_000),
             3: (50_000,      0, 30_000,      0, 80_000),
             4: (80_000,      0,      0,      0, 80_000),
             5: (80_000,      0,      0, 80_000,      0),
             6: (0,           0,      0,      0,      0)}  # fmt: skip
    for month, row in table.items():
        got = moves[month]
        assert (got["start"], got["new"], got["expansion"], got["churn"], got["end"]) == row
        assert got["contraction"] == got["reactivation"] == 0

    status = kasasu(data, "sync", "status")
    assert status.returncode == 0, status.stderr
    assert "stripe" in status.stdout
    assert "5" in status.stdout  # five events applied today


def test_refusals_change_nothing(server: tuple[str, Path]) -> None:
    base, data = server
    before = _counts(data)
    payload = se.event(
        "evt_9",
        "customer.subscription.updated",
        "2026-06-01T10:00:00+09:00",
        se.subscription(20, "2026-07-10T10:00:00+09:00"),
    )
    wrong = _post(base, payload, se.signed(payload, secret="whsec_someone_else"))
    stale = _post(base, payload, se.signed(payload, at=int(time.time()) - 301))
    unsigned = _post(base, payload, {"Content-Type": "application/json"})
    malformed_body = json.dumps({"id": "evt_10", "type": "invoice.paid"})
    malformed = _post(base, malformed_body, se.signed(malformed_body))
    not_json = _post(base, "{nope", se.signed("{nope"))
    assert malformed.status_code == 422, malformed.text
    for answer in (wrong, stale, unsigned, malformed, not_json):
        assert answer.status_code in {400, 422}, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert "signature" in wrong.json()["detail"].lower()
    assert "data.object" in malformed.json()["detail"]
    assert _counts(data) == before
