"""``kasasu sync``: a profile's file, the Stripe Dashboard's exports and the drop folder,
each run kept in ``kasasu sync status`` with its rows and its errors' rows."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.connectors.stripe_events import sqlite_rows
from tests.support.cli import data_env, invoke_kasasu, kasasu

SAMPLES = Path(__file__).parents[2] / "examples" / "connectors"


def test_hubspot_then_the_stripe_exports(tmp_path: Path) -> None:
    assert kasasu(tmp_path, "init").returncode == 0
    done = kasasu(tmp_path, "sync", "file", "hubspot-companies",
                  str(SAMPLES / "hubspot-companies.csv"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 rows applied" in done.stdout

    backfill = kasasu(tmp_path, "sync", "stripe", "--from-export", str(SAMPLES / "stripe"))
    assert backfill.returncode == 0, backfill.stderr
    assert "6 rows applied" in backfill.stdout  # 2 customers, 2 subscriptions, 2 invoices
    again = kasasu(tmp_path, "sync", "stripe", "--from-export", str(SAMPLES / "stripe"))
    assert "0 rows applied" in again.stdout  # the same rows are the same events

    # The Stripe customers are the HubSpot companies with their email's domain.
    assert sqlite_rows(tmp_path, "SELECT a.external_id, x.external_id FROM account_external_ids x"
                 " JOIN accounts a ON a.id = x.account_id WHERE x.source = 'stripe'"
                 " ORDER BY 2") == [
        ("hubspot:9001001", "cus_S1"), ("hubspot:9001002", "cus_S2"),
    ]  # fmt: skip
    lines = sqlite_rows(tmp_path, "SELECT external_id, amount, seats, billing_interval, start_date,"
                  " status, cancelled_on FROM subscriptions ORDER BY external_id")  # fmt: skip
    # 8 seats × ¥10,000 a month; ¥1,200,000 a year, cancelled at its period's end
    # (1 February 2027 00:00 UTC = 09:00 Tokyo: its last day is 1 February).
    assert lines == [
        ("si_sub_S1", 80_000, 8, "month", "2026-01-10", "active", None),
        ("si_sub_S2", 1_200_000, 1, "year", "2026-02-01", "cancelled", "2027-02-01"),
    ]
    invoices = ("SELECT external_id, status, failed_at IS NOT NULL, paid_at IS NOT NULL"
                " FROM invoices")  # fmt: skip
    assert sqlite_rows(tmp_path, f"{invoices} ORDER BY 1") == [
        ("in_S1", "paid", 0, 1), ("in_S2", "open", 1, 0),
    ]  # fmt: skip

    status = kasasu(tmp_path, "sync", "status")
    assert status.returncode == 0, status.stderr
    table = {line.split("│")[1].strip(): line for line in status.stdout.splitlines()
             if line.count("│") > 4}  # fmt: skip
    assert "│ 3 " in table["hubspot-companies"]
    assert "│ 0 " in table["stripe-export"]  # the latest run: the second, nothing new


def test_the_drop_folder_imports_good_files_and_keeps_the_bad_ones_errors(
    tmp_path: Path,
) -> None:
    drop = tmp_path / "drop"
    env = data_env(tmp_path, KASASU_LOCALE="en", KASASU_CONNECTORS__DROP_DIR=str(drop))
    assert invoke_kasasu(env, "init").returncode == 0
    (drop / "hubspot-companies").mkdir(parents=True)
    shutil.copy(SAMPLES / "hubspot-companies.csv", drop / "hubspot-companies" / "a.csv")
    (drop / "zendesk-tickets").mkdir()
    shutil.copy(SAMPLES / "zendesk-tickets.csv", drop / "zendesk-tickets" / "a.csv")
    shutil.copy(SAMPLES / "hubspot-contacts.csv", drop / "zendesk-tickets" / "b-wrong.csv")

    ran = invoke_kasasu(env, "sync", "drop")
    assert ran.returncode == 0, ran.stderr
    assert "2 files imported" in ran.stdout
    assert sqlite_rows(tmp_path, "SELECT count(*) FROM tickets") == [(3,)]
    # The wrong file is refused whole, named in the status with its missing columns.
    assert "zendesk-tickets · row 1 Id: Missing column" in ran.stdout
    assert [p.name.split("-", 1)[1] for p in (drop / "zendesk-tickets" / "done").iterdir()] == [
        "a.csv"
    ]
    assert [p.name.split("-", 1)[1] for p in (drop / "zendesk-tickets" / "failed").iterdir()] == [
        "b-wrong.csv"
    ]
    assert not list((drop / "zendesk-tickets").glob("*.csv"))
