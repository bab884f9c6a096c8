"""Import profiles on the sample exports of examples/connectors/: HubSpot's companies and
contacts, then Zendesk's tickets, land on the right accounts (one found by its domain),
keep each system's ids, and a second import changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.imports.profiles import import_with_profile, profiles
from kasasu.models import (
    Account,
    AccountExternalId,
    Contact,
    Deal,
    Subscription,
    SurveyResponse,
    Ticket,
)
from tests.imports.conftest import OPTIONS

SAMPLES = Path(__file__).parents[2] / "examples" / "connectors"


def _import(session: Session, profile: str, sample: str | None = None) -> tuple[int, int, int]:
    path = SAMPLES / (sample or profiles()[profile].sample)
    r = import_with_profile(session, profile, path, path.name, OPTIONS)
    session.flush()
    return r.created, r.updated, r.unchanged


def test_hubspot_then_zendesk(session: Session) -> None:
    session.add(Account(external_id="ACC-1", name="ACME", domain="ACME.example"))
    session.flush()
    # 9001001 is found by its domain (case-folded); the other two are new accounts.
    assert _import(session, "hubspot-companies") == (2, 1, 0)
    accounts = {a.external_id: a for a in session.scalars(select(Account))}
    assert sorted(accounts) == ["ACC-1", "hubspot:9001002", "hubspot:9001003"]
    acme = accounts["ACC-1"]
    assert (acme.name, acme.industry, acme.employee_band) == (
        "アクメ株式会社", "Computer Software", "250",
    )  # fmt: skip
    assert acme.custom_fields == {}  # the export's other columns are not kept
    links = session.execute(select(AccountExternalId.external_id, Account.external_id).join(
        Account, Account.id == AccountExternalId.account_id)).all()  # fmt: skip
    assert sorted(links) == [
        ("9001001", "ACC-1"),
        ("9001002", "hubspot:9001002"),
        ("9001003", "hubspot:9001003"),
    ]
    assert _import(session, "hubspot-companies") == (0, 0, 3)  # found by the kept ids

    assert _import(session, "hubspot-contacts") == (3, 0, 0)
    people = {c.external_id: c for c in session.scalars(select(Contact))}
    hanako = people["hubspot:5101"]
    assert (hanako.name, hanako.account_id, hanako.title) == (
        "鈴木 花子", acme.id, "情報システム部 部長",
    )  # fmt: skip
    # "9001002;9001003": the first listed company is the contact's primary one.
    assert people["hubspot:5102"].account_id == accounts["hubspot:9001002"].id

    assert _import(session, "zendesk-tickets") == (3, 0, 0)
    tickets = {t.external_id: t for t in session.scalars(select(Ticket))}
    t1, t2, t3 = (tickets[f"zendesk:{n}"] for n in (1201, 1202, 1203))
    assert t1.account_id == t2.account_id == acme.id  # by the organization's name
    assert t3.account_id == accounts["hubspot:9001002"].id
    assert [(t.status, t.priority, t.channel) for t in (t1, t2, t3)] == [
        ("resolved", "high", "email"),
        ("open", "normal", "web"),
        ("pending", "low", "chat"),
    ]
    # Created 10:15 Tokyo (01:15 UTC) + 45 minutes to the first reply = 02:00 UTC.
    assert t1.first_response_at == datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    assert t1.resolved_at == datetime(2026, 11, 3, 0, 0, tzinfo=UTC)  # 09:00 Tokyo
    assert t2.first_response_at == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)  # 14:00 + 150
    assert t3.first_response_at is None
    assert t3.resolved_at is None
    assert t1.contact_id == hanako.id

    assert _import(session, "hubspot-deals") == (4, 0, 0)
    deals = {d.external_id: d for d in session.scalars(select(Deal))}
    won, upsell = deals["hubspot:7001"], deals["hubspot:7003"]
    assert (won.account_id, won.stage, won.kind, won.amount) == (acme.id, "won", "new", 600_000)
    # "Create Date" 2025-12-01 10:00 (Tokyo) is the day 2025-12-01; "Contract sent" and
    # "Existing Business" are HubSpot's labels of its stage and type.
    assert (won.created_on, won.closed_on) == (date(2025, 12, 1), date(2025, 12, 20))
    assert (upsell.stage, upsell.kind, upsell.closed_on) == ("negotiation", "expansion", None)


def test_the_wrong_export_is_refused_naming_its_missing_columns(session: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        _import(session, "zendesk-tickets", "hubspot-companies.csv")
    assert "Zendesk" in str(refused.value.message)
    assert {e.loc[1] for e in refused.value.errors} >= {"Id", "Organization", "Via"}
    assert session.scalars(select(Ticket)).first() is None


def test_every_profile_reads_its_sample(session: Session) -> None:
    """Each documented profile imports its sample (accounts first, then what hangs off them)."""
    order = sorted(profiles().values(), key=lambda p: p.kind != "accounts")
    assert {p.name for p in order} >= {"hubspot-deals", "salesforce-opportunities"}
    for profile in order:
        created, _updated, _unchanged = _import(session, profile.name)
        assert created > 0 or profile.kind == "accounts", profile.name


def test_chatwoot_ratings_land_on_their_contacts_accounts(session: Session) -> None:
    """Chatwoot's CSAT download names only the person: the account is that of the contact
    with the email (any case); a visitor who is no customer's contact is left out and named,
    and the report's closing "Reporting period" line is not a row."""
    _import(session, "hubspot-companies")
    _import(session, "hubspot-contacts")
    r = import_with_profile(
        session, "chatwoot-csat", SAMPLES / "chatwoot-csat.csv", "chatwoot-csat.csv", OPTIONS
    )
    assert (r.created, r.updated, r.unchanged, r.rows) == (3, 0, 0, 4)
    assert [(e.row, e.column, e.value) for e in r.skipped] == [
        (5, "Contact Email Address", "visitor8841@gmail.example")
    ]
    accounts = {a.external_id: a.id for a in session.scalars(select(Account))}
    people = {c.email: c.id for c in session.scalars(select(Contact))}
    answers = {s.external_id: s for s in session.scalars(select(SurveyResponse))}
    link = "chatwoot:https://app.chatwoot.com/app/accounts/1/conversations/"
    hanako, grace = answers[link + "311"], answers[link + "325"]
    assert (hanako.kind, hanako.score, hanako.comment) == (
        "csat",
        5,
        "すぐに解決してもらえて助かりました",
    )
    assert hanako.account_id == accounts["hubspot:9001001"]
    assert hanako.contact_id == people["hanako.suzuki@acme.example"]
    assert hanako.answered_at == datetime(2026, 11, 4, 1, 12, 44, tzinfo=UTC)  # "… UTC", not Tokyo
    assert (grace.score, grace.comment, grace.account_id) == (4, None, accounts["hubspot:9001003"])
    assert answers[link + "318"].score == 2
    again = import_with_profile(
        session, "chatwoot-csat", SAMPLES / "chatwoot-csat.csv", "chatwoot-csat.csv", OPTIONS
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_an_installations_own_profile_reads_its_export(session: Session) -> None:
    """examples/connectors/own-profiles.yaml: a billing tool's contract list (Shift_JIS),
    its accounts found by name, each contract a contract line."""
    _import(session, "hubspot-companies")
    own = SAMPLES / "own-profiles.yaml"
    assert "billing-contracts" in profiles(own)
    assert "billing-contracts" not in profiles()
    options = replace(OPTIONS, profiles_file=own)
    path = SAMPLES / "own-billing-contracts.csv"
    r = import_with_profile(session, "billing-contracts", path, path.name, options)
    assert (r.created, r.skipped) == (2, [])
    lines = {s.external_id: s for s in session.scalars(select(Subscription))}
    acme = session.scalars(select(Account).where(Account.name == "アクメ株式会社")).one()
    line = lines["billing:C-1001"]
    assert (line.account_id, line.amount, line.currency, line.seats) == (acme.id, 50_000, "JPY", 10)
    assert (line.billing_interval, line.start_date, line.end_date) == (
        "month", date(2026, 4, 1), date(2027, 3, 31),
    )  # fmt: skip
    assert lines["billing:C-1002"].amount == 240_000


def test_a_wrong_own_profile_is_named_with_its_key(tmp_path: Path) -> None:
    own = tmp_path / "mine.yaml"
    own.write_text(
        "mine:\n  kind: subscriptions\n  source: x\n  id: No\n  match: name\n"
        "  columns:\n    price: 金額\n  colour: red\n"
        "other:\n  kind: invoices\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as refused:
        profiles(own)
    assert sorted(e.loc for e in refused.value.errors) == [
        ("mine", "colour"),  # not a key of a profile
        ("mine", "columns.price"),  # not a field of subscription rows
        ("mine", "id"),  # YAML reads No as false: the header must be quoted
        ("other", "id"), ("other", "kind"), ("other", "match"), ("other", "source"),
    ]  # fmt: skip
    own.write_text("zendesk-tickets:\n  kind: tickets\n  source: z\n  id: Id\n  match: name\n")
    with pytest.raises(InvalidInput) as clash:
        profiles(own)
    assert "zendesk-tickets" in clash.value.message.render("en")
