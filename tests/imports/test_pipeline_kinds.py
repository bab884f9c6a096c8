"""Leads and deals from CRM exports with Japanese headers (examples/leads.csv in CP932 as
Excel saves it, examples/deals.csv in UTF-8 with BOM), and their refusals."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.choices import DealKind, DealStage
from kasasu.errors import InvalidInput
from kasasu.imports.schemas import ImportKind
from kasasu.imports.service import import_file
from kasasu.pipeline.schemas import DealFilter, LeadFilter
from kasasu.pipeline.service import deals, leads
from tests.imports.conftest import OPTIONS
from tests.imports.helpers import EXAMPLES, excel_csv

pytestmark = pytest.mark.usefixtures("example_accounts")


def _import(session: Session, kind: ImportKind, name: str) -> None:
    import_file(session, kind, EXAMPLES / name, name, OPTIONS)


def test_leads_and_deals_with_japanese_headers(session: Session) -> None:
    _import(session, ImportKind.LEADS, "leads.csv")
    _import(session, ImportKind.DEALS, "deals.csv")
    found = {lead.external_id: lead for lead in leads.list_page(session, {}, limit=100).items}
    assert len(found) == 6
    aoba = found["LD-0001"]
    # 2023/02/01 10:00 and 2023/02/10 15:30 in Asia/Tokyo (UTC + 9).
    assert aoba.created_at == datetime(2023, 2, 1, 1, tzinfo=UTC)
    assert aoba.qualified_at == datetime(2023, 2, 10, 6, 30, tzinfo=UTC)
    assert (aoba.company_name, aoba.source, aoba.email) == (
        "株式会社アオバ商事",
        "展示会",
        "aoba@example.co.jp",
    )
    assert aoba.account_id is not None
    assert found["LD-0005"].account_id is None  # not a customer: no account
    assert found["LD-0005"].qualified_at is None
    by_id = {d.external_id: d for d in deals.list_page(session, {}, limit=100).items}
    assert len(by_id) == 7
    # 受注, Closed Won (Salesforce) and closedwon (HubSpot) are all won; 新規, New Customer,
    # newbusiness all new business; アップセル an expansion.
    assert {by_id[k].stage for k in ("OPP-0001", "OPP-0002", "OPP-0003")} == {DealStage.WON}
    assert {by_id[k].kind for k in ("OPP-0001", "OPP-0002", "OPP-0003")} == {DealKind.NEW}
    assert by_id["OPP-0006"].kind is DealKind.EXPANSION
    assert by_id["OPP-0005"].stage is DealStage.PROPOSAL  # Proposal/Price Quote
    assert by_id["OPP-0007"].stage is DealStage.LOST  # 失注
    first = by_id["OPP-0001"]
    assert (first.amount, first.currency) == (3_600_000, "JPY")
    assert (first.created_on, first.closed_on) == (date(2023, 2, 10), date(2023, 3, 20))
    assert first.lead_id == aoba.id
    assert first.account_id == aoba.account_id
    assert by_id["OPP-0005"].account_id is None  # no account yet: optional
    # Importing the same files again changes nothing.
    again = import_file(session, ImportKind.DEALS, EXAMPLES / "deals.csv", "deals.csv", OPTIONS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert leads.count(session, LeadFilter(source="Web広告").model_dump(exclude_none=True)) == 2
    won = DealFilter(stage=DealStage.WON).model_dump(exclude_none=True)
    assert deals.count(session, won) == 5


def test_bad_rows_are_named_and_nothing_is_written(session: Session) -> None:
    _import(session, ImportKind.LEADS, "leads.csv")
    header = ["商談ID", "リードID", "商談名", "フェーズ", "作成日", "受注日"]
    rows = [
        ["OPP-1", "LD-0001", "ok", "受注", "2026/01/10", "2026/01/20"],
        ["OPP-2", "LD-9999", "no such lead", "提案", "2026/01/10", ""],
        ["OPP-3", "LD-0002", "won without a day", "受注", "2026/01/10", ""],
        ["OPP-4", "LD-0003", "closed before it opened", "失注", "2026/01/10", "2026/01/09"],
        ["OPP-5", "LD-0004", "unknown stage", "様子見", "2026/01/10", ""],
    ]
    with pytest.raises(InvalidInput) as caught:
        import_file(session, ImportKind.DEALS, excel_csv(header, rows), "商談.csv", OPTIONS)
    problems = {(e.loc[0], e.loc[1]) for e in caught.value.errors}
    assert problems == {(3, "リードID"), (4, "受注日"), (5, "受注日"), (6, "フェーズ")}
    assert deals.count(session, {}) == 0  # all or nothing
    result = import_file(
        session,
        ImportKind.DEALS,
        excel_csv(header, rows),
        "商談.csv",
        dataclasses.replace(OPTIONS, skip_bad_rows=True),
    )
    assert (result.created, result.skipped_rows) == (1, [3, 4, 5, 6])
