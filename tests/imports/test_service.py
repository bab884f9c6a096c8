"""The import on the real engines (SQLite and PostgreSQL): the issue's must-show cases."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from kasasu.accounts.repository import AccountRepository
from kasasu.contacts.repository import ContactRepository
from kasasu.domain.choices import (
    BillingInterval,
    CancellationReason,
    ContactRole,
    Language,
    LifecycleStage,
    Priority,
    SubscriptionStatus,
    TicketStatus,
    TouchModel,
)
from kasasu.errors import InvalidInput
from kasasu.imports.schemas import ImportKind
from kasasu.imports.service import import_file
from kasasu.subscriptions.repository import SubscriptionRepository
from kasasu.support.repository import TicketRepository
from tests.imports.conftest import OPTIONS
from tests.imports.helpers import EXAMPLES, SUBSCRIPTION_HEADER, excel_csv, subscription_rows

pytestmark = pytest.mark.usefixtures("example_accounts")


def _import(session: Session, kind: ImportKind, name: str, **options: object):
    return import_file(
        session, kind, EXAMPLES / name, name, dataclasses.replace(OPTIONS, **options)
    )


def test_excel_shift_jis_accounts_import_with_japanese_headers(session: Session) -> None:
    repo = AccountRepository(session)
    assert repo.count() == 15
    aoba = repo.get_by_external_id("ACC-0001")
    assert aoba is not None
    assert (aoba.name, aoba.name_kana, aoba.industry) == (
        "株式会社アオバ商事",
        "アオバショウジ",
        "卸売業",
    )
    assert (aoba.touch_model, aoba.lifecycle_stage) == (TouchModel.HIGH, LifecycleStage.ADOPTION)
    # Unmapped columns are custom fields; the CP932 backslash is the ¥ the user typed.
    assert aoba.custom_fields == {
        "初回契約日": "2023/04/01",
        "都道府県": "東京都",
        "年間予算": "¥3,600,000",
    }
    takahashi = repo.get_by_external_id("ACC-0015")
    assert takahashi is not None
    assert takahashi.name == "株式会社髙橋製作所"  # 髙 exists in CP932, not in Shift_JIS
    churned = repo.get_by_external_id("ACC-0008")
    assert churned is not None
    assert churned.lifecycle_stage == LifecycleStage.CHURNED


def test_excel_shift_jis_subscriptions_with_slash_dates_and_yen(session: Session) -> None:
    result = _import(session, ImportKind.SUBSCRIPTIONS, "subscriptions.csv")
    assert (result.rows, result.created, result.updated, result.unchanged) == (18, 18, 0, 0)
    repo = SubscriptionRepository(session)
    first = repo.get_by_external_id("SUB-0001")
    assert first is not None
    assert (first.amount, first.currency, first.seats) == (120_000, "JPY", 50)
    assert (first.start_date, first.end_date) == (date(2026, 4, 1), date(2027, 3, 31))
    assert first.billing_interval == BillingInterval.MONTH
    assert first.term_months == 12  # billed monthly, a yearly term (契約期間)
    assert first.status == SubscriptionStatus.ACTIVE
    assert first.auto_renew is True
    assert first.account_id == AccountRepository(session).map_external_ids(["ACC-0001"])["ACC-0001"]
    yearly = repo.get_by_external_id("SUB-0002")
    assert yearly is not None
    assert (yearly.amount, yearly.billing_interval) == (4_800_000, BillingInterval.YEAR)
    cancelled = repo.get_by_external_id("SUB-0016")
    assert cancelled is not None
    assert cancelled.status == SubscriptionStatus.CANCELLED  # inferred from 解約日
    assert cancelled.cancelled_on == date(2025, 6, 30)
    assert cancelled.cancel_reason == CancellationReason.MISSING_FEATURES
    assert cancelled.cancel_comment == "会計ソフト連携がないため"
    assert cancelled.auto_renew is False


def test_importing_the_same_files_again_changes_nothing(session: Session) -> None:
    again = _import(session, ImportKind.ACCOUNTS, "accounts.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)
    for kind, name, rows in [
        (ImportKind.SUBSCRIPTIONS, "subscriptions.csv", 18),
        (ImportKind.CONTACTS, "contacts.csv", 10),
        (ImportKind.TICKETS, "tickets.jsonl", 6),
    ]:
        first = _import(session, kind, name)
        second = _import(session, kind, name)
        assert (first.created, second.created, second.updated, second.unchanged) == (
            rows,
            0,
            0,
            rows,
        ), kind


def test_one_bad_row_among_many_writes_nothing_and_names_it(session: Session) -> None:
    rows = subscription_rows(40)
    rows[5][3] = "abc"  # the 6th data row is spreadsheet row 7
    data = excel_csv(SUBSCRIPTION_HEADER, rows)
    before = SubscriptionRepository(session).count()
    with pytest.raises(InvalidInput) as caught:
        import_file(session, ImportKind.SUBSCRIPTIONS, data, "契約.csv", OPTIONS)
    [error] = caught.value.errors
    assert error.loc == (7, "金額")
    assert error.value == "abc"
    assert error.message.render("en") == "Not an amount of money: abc"
    assert error.message.render("ja") == "金額ではありません: abc"
    assert SubscriptionRepository(session).count() == before


def test_every_bad_row_is_reported_with_column_and_value(session: Session) -> None:
    rows = subscription_rows(10)
    rows[1][5] = "2026/13/01"  # row 3: no 13th month
    rows[3][1] = "ACC-9999"  # row 5: unknown account
    rows[7][0] = "SUB-T001"  # row 9: same external id as row 2
    rows[8][4] = "毎週"  # row 10: not a billing interval
    data = excel_csv(SUBSCRIPTION_HEADER, rows)
    with pytest.raises(InvalidInput) as caught:
        import_file(session, ImportKind.SUBSCRIPTIONS, data, "s.csv", OPTIONS)
    found = [(e.loc, e.value, e.message.render("en")) for e in caught.value.errors]
    assert found == [
        ((3, "契約開始日"), "2026/13/01", "No such day: 2026/13/01"),
        ((5, "顧客ID"), "ACC-9999", "No account with external id ACC-9999"),
        ((9, "契約ID"), "SUB-T001", "The same external id is on row 2"),
        ((10, "請求周期"), "毎週", "Not one of: Monthly, Quarterly, Yearly"),
    ]
    assert caught.value.message.render("en") == "4 problems in 4 rows; nothing was written"
    assert "月払い、四半期払い、年払い" in caught.value.errors[3].message.render("ja")


def test_skip_bad_rows_writes_the_good_ones_and_lists_the_bad(session: Session) -> None:
    rows = subscription_rows(12)
    rows[5][3] = "abc"
    data = excel_csv(SUBSCRIPTION_HEADER, rows)
    result = import_file(
        session,
        ImportKind.SUBSCRIPTIONS,
        data,
        "s.csv",
        dataclasses.replace(OPTIONS, skip_bad_rows=True),
    )
    assert (result.rows, result.created, result.skipped_rows) == (12, 11, [7])
    assert SubscriptionRepository(session).get_by_external_id("SUB-T006") is None
    assert SubscriptionRepository(session).get_by_external_id("SUB-T007") is not None


def test_dry_run_checks_but_writes_nothing(session: Session) -> None:
    before = SubscriptionRepository(session).count()
    result = _import(session, ImportKind.SUBSCRIPTIONS, "subscriptions.csv", dry_run=True)
    assert (result.dry_run, result.created) == (True, 18)
    assert SubscriptionRepository(session).count() == before


def test_a_changed_row_is_updated_and_other_columns_are_kept(session: Session) -> None:
    data = excel_csv(["顧客ID", "会社名", "地域"], [["ACC-0001", "株式会社アオバ商事HD", "関東"]])
    result = import_file(session, ImportKind.ACCOUNTS, data, "a.csv", OPTIONS)
    assert (result.updated, result.unchanged) == (1, 0)
    aoba = AccountRepository(session).get_by_external_id("ACC-0001")
    assert aoba is not None
    assert aoba.name == "株式会社アオバ商事HD"
    assert aoba.industry == "卸売業"  # not in this file: left alone
    assert aoba.custom_fields["地域"] == "関東"
    assert aoba.custom_fields["都道府県"] == "東京都"  # custom fields from elsewhere are kept


def test_missing_required_column_is_one_clear_error(session: Session) -> None:
    data = excel_csv(
        ["契約ID", "顧客ID", "製品名", "契約開始日"], [["S1", "ACC-0001", "X", "2026/04/01"]]
    )
    with pytest.raises(InvalidInput) as caught:
        import_file(session, ImportKind.SUBSCRIPTIONS, data, "s.csv", OPTIONS)
    [error] = caught.value.errors
    assert error.loc == (1, "amount")
    assert "金額" in error.message.render("en")


def test_map_option_reads_a_field_from_another_column(session: Session) -> None:
    header = ["契約ID", "顧客ID", "製品名", "ご請求額", "契約開始日"]
    data = excel_csv(header, [["S1", "ACC-0001", "X", "1,000円", "2026年4月1日"]])
    options = dataclasses.replace(OPTIONS, overrides={"amount": "ご請求額"})
    import_file(session, ImportKind.SUBSCRIPTIONS, data, "s.csv", options)
    row = SubscriptionRepository(session).get_by_external_id("S1")
    assert row is not None
    assert (row.amount, row.start_date) == (1000, date(2026, 4, 1))


def test_currency_column_must_agree_with_the_amount(session: Session) -> None:
    header = ["契約ID", "顧客ID", "製品名", "金額", "通貨", "契約開始日"]
    rows = [
        ["S1", "ACC-0001", "X", "USD 12.50", "USD", "2026-04-01"],
        ["S2", "ACC-0001", "X", "¥1,000", "USD", "2026-04-01"],
    ]
    with pytest.raises(InvalidInput) as caught:
        import_file(session, ImportKind.SUBSCRIPTIONS, excel_csv(header, rows), "s.csv", OPTIONS)
    [error] = caught.value.errors
    assert error.loc == (3, "金額")
    assert error.message.render("en") == "The amount is in JPY but the currency column says USD"


def test_utf8_bom_contacts_refer_to_accounts(session: Session) -> None:
    result = _import(session, ImportKind.CONTACTS, "contacts.csv")
    assert result.created == 10
    hanako = ContactRepository(session).get_by_external_id("CON-0001")
    assert hanako is not None
    assert (hanako.name, hanako.role) == ("佐藤 花子", ContactRole.DECISION_MAKER)
    assert hanako.email == "hanako.sato@aoba-shoji.example.jp"
    # 言語: 日本語, ja and 英語 name a language; a blank one leaves the account's.
    languages = {
        c: getattr(ContactRepository(session).get_by_external_id(c), "locale", "?")
        for c in ("CON-0001", "CON-0002", "CON-0006", "CON-0008")
    }
    assert languages == {
        "CON-0001": Language.JA,
        "CON-0002": None,
        "CON-0006": Language.JA,
        "CON-0008": Language.EN,
    }


def test_json_lines_tickets_with_instants_in_the_zone(session: Session) -> None:
    _import(session, ImportKind.CONTACTS, "contacts.csv")
    result = _import(session, ImportKind.TICKETS, "tickets.jsonl")
    assert result.created == 6
    ticket = TicketRepository(session).get_by_external_id("TKT-1002")
    assert ticket is not None
    # "2026-05-14 09:30" has no offset: Asia/Tokyo wall time, 00:30 UTC.
    assert ticket.opened_at == datetime(2026, 5, 14, 0, 30, tzinfo=UTC)
    assert (ticket.priority, ticket.status) == (Priority.HIGH, TicketStatus.RESOLVED)
    contact = ContactRepository(session).get_by_external_id("CON-0004")
    assert contact is not None
    assert ticket.contact_id == contact.id  # found by email
    slash = TicketRepository(session).get_by_external_id("TKT-1003")
    assert slash is not None
    assert slash.opened_at == datetime(2026, 5, 20, 5, 12, tzinfo=UTC)
    assert slash.escalated is True


def test_xlsx_with_typed_cells(session: Session, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Subscription ID", "Account ID", "Product", "Price", "Start date", "Seats"])
    sheet.append(["X1", "ACC-0002", "Kasasu Cloud", 98000, datetime(2026, 4, 1), 12.0])
    sheet.append([None, None, None, None, None, None])  # Excel leaves blank rows
    sheet.append([1002, "ACC-0003", "Kasasu Cloud", "¥1,000", "2026/05/01", "3"])
    path = tmp_path / "契約.xlsx"
    book.save(path)
    first = import_file(session, ImportKind.SUBSCRIPTIONS, path, path.name, OPTIONS)
    again = import_file(session, ImportKind.SUBSCRIPTIONS, path, path.name, OPTIONS)
    assert (first.rows, first.created, again.unchanged) == (2, 2, 2)
    repo = SubscriptionRepository(session)
    x1, numeric = repo.get_by_external_id("X1"), repo.get_by_external_id("1002")
    assert x1 is not None
    assert numeric is not None  # a number cell 1002 is the id "1002", not "1002.0"
    assert (x1.amount, x1.start_date, x1.seats) == (98_000, date(2026, 4, 1), 12)
    assert (numeric.amount, numeric.start_date) == (1000, date(2026, 5, 1))


def test_xlsx_error_names_the_sheet_row(session: Session, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["顧客ID", "顧客名"])
    sheet.append(["N1", "正しい会社"])
    sheet.append(["N2", None])
    path = tmp_path / "顧客.xlsx"
    book.save(path)
    with pytest.raises(InvalidInput) as caught:
        import_file(session, ImportKind.ACCOUNTS, path, path.name, OPTIONS)
    assert [(e.loc, e.message.render("en")) for e in caught.value.errors] == [
        ((3, "顧客名"), "Required")
    ]


def test_the_readmes_amendment_moves_mrr_in_the_month_it_happened(
    session: Session, tmp_path: Path
) -> None:
    """README "Contract dates": the old version ends on March 31, the new one starts April 1."""
    from kasasu.metrics.schemas import MetricQuery
    from kasasu.metrics.service import compute_metrics

    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "amendment.csv"
    path.write_text(example, encoding="utf-8")
    import_file(session, ImportKind.SUBSCRIPTIONS, path, path.name, OPTIONS)
    query = MetricQuery(
        names=("mrr_movements",), first_month=date(2026, 3, 1), last_month=date(2026, 4, 1)
    )
    moves = {v.period: v.breakdown for v in compute_metrics(session, query)}
    march, april = moves["2026-03"], moves["2026-04"]
    assert march is not None
    assert april is not None
    # Only these two lines: March ends with ¥120,000; April adds ¥60,000 (an expansion).
    assert march["end"] == 120_000
    assert april["expansion"] == 60_000
