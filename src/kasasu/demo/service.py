"""Fill an empty Kasasu with the demo company: operational rows, then usage events.

Never commits: the caller owns the transaction. Usage events go to the DuckDB event store
after the operational rows are flushed, so a failure there rolls the rows back too.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from kasasu.demo import repository
from kasasu.demo.campaigns import campaign_rows
from kasasu.demo.community import add_community, finish_community
from kasasu.demo.company import (
    CSM_EMAIL,
    account_rows,
    assign_owners,
    csm_capacity,
    csm_rows,
    make_accounts,
    make_contacts,
    owner_rule_rows,
)
from kasasu.demo.contracts import (
    RATES_PER_JPY,
    exchange_rate_rows,
    renewal_rows,
    simulate_contracts,
    subscription_rows,
)
from kasasu.demo.engagement import make_nps, make_support
from kasasu.demo.forecasts import forecast_call_rows
from kasasu.demo.guides import make_guides
from kasasu.demo.knowledge import add_knowledge, finish_knowledge
from kasasu.demo.meetings import make_meetings
from kasasu.demo.pipeline import make_pipeline
from kasasu.demo.portal import announcement_rows
from kasasu.demo.purchases import purchase_table
from kasasu.demo.schemas import DemoOptions, DemoSummary, ProgressCallback
from kasasu.demo.segments import segment_rows
from kasasu.demo.shapes import DemoAccount, Row, number
from kasasu.demo.success import (
    make_activities,
    make_feedback,
    make_needs,
    make_onboardings,
    make_tasks,
    mark_references,
)
from kasasu.demo.timeline import Calendar
from kasasu.demo.usage import plan_usage, usage_tables
from kasasu.demo.webinars import webinar_rows
from kasasu.domain.dates import local_midnight
from kasasu.domain.money import minor_digits
from kasasu.errors import Conflict, FieldError, InvalidInput
from kasasu.events.service import append_events, count_events
from kasasu.kit.i18n import Message, _
from kasasu.models import (
    Account,
    Activity,
    Announcement,
    Contact,
    Deal,
    ExchangeRate,
    Feedback,
    Lead,
    MeetingInvitee,
    Milestone,
    Need,
    Onboarding,
    OnboardingMeeting,
    OwnerRule,
    Renewal,
    RenewalForecast,
    Segment,
    Subscription,
    SurveyCampaign,
    SurveyInvitation,
    SurveyResponse,
    Task,
    Ticket,
    User,
    Webinar,
    WebinarRegistration,
)
from kasasu.models.base import Base
from kasasu.onboarding.templates import ensure_shipped_templates, latest_definitions

MAX_ACCOUNTS = 100_000
MAX_MONTHS = 120
CSM_COUNT = 6


def _silent(step: Message, done: int, total: int) -> None:
    """The progress callback when nobody watches."""


def generate_demo(
    session: Session,
    options: DemoOptions,
    *,
    events_path: Path,
    if_empty: bool = False,
    progress: ProgressCallback | None = None,
) -> DemoSummary:
    """Generate the demo company; the same options always give the same data.

    With ``if_empty`` an existing customer base is left alone (and reported); without it,
    existing accounts are a conflict, since demo data must not mix with real data.
    """
    _validate(options)
    existing = _existing_accounts(session, events_path, if_empty=if_empty)
    if existing:
        return DemoSummary(skipped=True, existing_accounts=existing)
    report = progress or _silent
    cal = Calendar.ending(options.as_of, options.months, options.zone)
    accounts, tables = _build(session, cal, options, report)
    rows = _write(session, tables, report)
    sdk = make_guides(session, options.seed, cal, tables[Account])
    per_yen = 1.0 if options.currency == "JPY" else RATES_PER_JPY[options.currency]
    per_yen *= 10 ** minor_digits(options.currency)
    events = _write_events(events_path, cal, options.seed, accounts, report, per_yen=per_yen)
    events += finish_knowledge(session, events_path, cal, tables)
    finish_community(session, tables)
    return DemoSummary(
        skipped=False,
        rows=rows,
        events=events,
        sdk=sdk,
        first_day=cal.start,
        last_day=cal.as_of - timedelta(days=1),
    )


def _existing_accounts(session: Session, events_path: Path, *, if_empty: bool) -> int:
    """Accounts already there, for ``if_empty`` to skip; else demo data must not mix in."""
    existing = repository.count_accounts(session)
    if existing and if_empty:
        return existing
    if existing:
        raise Conflict(
            _(
                "The database already has {count} accounts; the demo needs an empty one",
                count=existing,
            )
        )
    stored = count_events(events_path)
    if stored:
        # Demo event ids start at ev-000000001: older events would swallow some of them.
        raise Conflict(
            _(
                "The event store {path} already has {count} events; the demo needs an empty one",
                path=str(events_path),
                count=stored,
            )
        )
    return 0


def _validate(options: DemoOptions) -> None:
    errors = []
    if not 1 <= options.accounts <= MAX_ACCOUNTS:
        errors.append(
            FieldError(
                ("accounts",), _("Must be between 1 and {max}", max=MAX_ACCOUNTS), options.accounts
            )
        )
    if not 1 <= options.months <= MAX_MONTHS:
        errors.append(
            FieldError(
                ("months",), _("Must be between 1 and {max}", max=MAX_MONTHS), options.months
            )
        )
    if options.currency != "JPY" and options.currency not in RATES_PER_JPY:
        supported = ", ".join(["JPY", *RATES_PER_JPY])
        errors.append(
            FieldError(
                ("currency",),
                _("The demo supports these currencies: {codes}", codes=supported),
                options.currency,
            )
        )
    if errors:
        raise InvalidInput(_("The demo options are not valid"), errors)


def _build(
    session: Session, cal: Calendar, options: DemoOptions, report: ProgressCallback
) -> tuple[list[DemoAccount], dict[type[Base], list[Row]]]:
    """Every operational row, in foreign-key order, ids assigned in a fixed order."""
    step, seed = _("Generating the demo company"), options.seed
    report(step, 0, 4)
    users, csm_ids = _csm_users(session, cal)
    accounts = make_accounts(seed, cal, options.accounts, repository.next_id(session, Account))
    make_contacts(seed, cal, accounts, repository.next_id(session, Contact))
    mark_references(accounts)
    simulate_contracts(seed, cal, accounts)
    touch = assign_owners(cal, accounts, csm_ids)
    capacity = csm_capacity(accounts)
    for user in users:
        user["account_capacity"] = capacity.get(user["id"])
    report(step, 1, 4)
    tickets, csat = make_support(seed, cal, accounts)
    nps, asked = make_nps(seed, cal, accounts)
    surveys = sorted(csat + nps, key=lambda r: r["answered_at"])
    escalations = [t for t in tickets if t["escalated"]]
    report(step, 2, 4)
    tables: dict[type[Base], list[Row]] = {
        User: users,
        Account: account_rows(cal, accounts, touch),
        Contact: [contact for account in accounts for contact in account.contacts],
        Subscription: subscription_rows(cal, accounts, repository.next_id(session, Subscription)),
    }
    tables[Renewal] = renewal_rows(
        cal, accounts, tables[Subscription], repository.next_id(session, Renewal)
    )
    tables[RenewalForecast] = forecast_call_rows(
        seed,
        cal,
        accounts,
        tables[Subscription],
        tables[Renewal],
        first_id=repository.next_id(session, RenewalForecast),
    )
    tables |= {
        Ticket: _numbered(session, Ticket, tickets, "TKT"),
        SurveyResponse: _numbered(session, SurveyResponse, surveys, "SRV"),
    }
    tables[SurveyCampaign], tables[SurveyInvitation] = campaign_rows(
        seed,
        cal,
        asked,
        repository.next_id(session, SurveyCampaign),
        repository.next_id(session, SurveyInvitation),
    )
    tables |= {
        Activity: _numbered(session, Activity, make_activities(seed, cal, accounts, touch), "ACT"),
        Task: _numbered(session, Task, make_tasks(seed, cal, accounts, touch, escalations), "TSK"),
    }
    report(step, 3, 4)
    ensure_shipped_templates(session)
    tables[Onboarding], steps = make_onboardings(
        seed, cal, accounts, latest_definitions(session), repository.next_id(session, Onboarding)
    )
    tables[Milestone] = _numbered(session, Milestone, steps, "MS")
    first_activity = repository.next_id(session, Activity) + len(tables[Activity])
    first_ids = (
        repository.next_id(session, OnboardingMeeting),
        repository.next_id(session, MeetingInvitee),
        first_activity,
    )
    tables[OnboardingMeeting], tables[MeetingInvitee], held = make_meetings(
        seed, cal, accounts, tables[Onboarding], first_ids
    )
    tables[Activity] += held  # inserted with the other activities, before the meetings
    first_need = repository.next_id(session, Need)
    tables[Need] = make_needs(cal, first_need)
    requests = make_feedback(seed, cal, accounts, first_need)
    tables[Feedback] = _numbered(session, Feedback, requests, "FB")
    tables[Lead], tables[Deal] = make_pipeline(
        seed, cal, accounts, repository.next_id(session, Lead), repository.next_id(session, Deal)
    )
    tables[Segment] = segment_rows(cal, repository.next_id(session, Segment))
    tables[Announcement] = announcement_rows(cal, repository.next_id(session, Announcement))
    add_knowledge(session, seed, cal, tables, accounts)  # the help centre and its readers
    first_event = repository.next_id(session, Webinar)
    first_place = repository.next_id(session, WebinarRegistration)
    tables[Webinar], tables[WebinarRegistration] = webinar_rows(
        seed, cal, accounts, (first_event, first_place)
    )  # the events, past ones with who came
    add_community(session, seed, cal, tables, accounts)  # the customers' community
    tables[OwnerRule] = owner_rule_rows(
        cal, accounts, touch, csm_ids, repository.next_id(session, OwnerRule)
    )
    rates = exchange_rate_rows(seed, cal, options.currency)
    first_rate = repository.next_id(session, ExchangeRate)
    tables[ExchangeRate] = [{"id": first_rate + i, **r} for i, r in enumerate(rates)]
    report(step, 4, 4)
    return accounts, tables


def _numbered(session: Session, model: type[Base], rows: list[Row], prefix: str) -> list[Row]:
    return number(rows, repository.next_id(session, model), prefix)


def _csm_users(session: Session, cal: Calendar) -> tuple[list[Row], list[int]]:
    """The demo CSMs to create, and the ids of all of them (existing ones are reused)."""
    emails = [CSM_EMAIL.format(n=i + 1) for i in range(CSM_COUNT)]
    existing = repository.user_ids_by_email(session, emails)
    created = cal.instant(cal.start, 9.0)
    rows = csm_rows(repository.next_id(session, User), cal.zone, created)
    new = [r for r in rows if r["email"] not in existing]
    for i, row in enumerate(new):
        row["id"] = rows[0]["id"] + i  # keep ids dense when some CSMs already exist
    ids = {**{r["email"]: r["id"] for r in new}, **existing}
    return new, [ids[email] for email in emails]


def _write(
    session: Session, tables: dict[type[Base], list[Row]], report: ProgressCallback
) -> dict[str, int]:
    step = _("Writing accounts, contracts and activity")
    total = sum(len(rows) for rows in tables.values())
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        report(step, done, total)

    report(step, 0, total)
    for model, rows in tables.items():
        repository.insert_rows(session, model, rows, advance)
    repository.sync_id_sequences(session, list(tables))
    session.flush()
    return {model.__tablename__: len(rows) for model, rows in tables.items()}


def _write_events(
    events_path: Path,
    cal: Calendar,
    seed: int,
    accounts: list[DemoAccount],
    report: ProgressCallback,
    *,
    per_yen: float,
) -> int:
    step = _("Writing usage events")
    plan = plan_usage(seed, cal, accounts)
    report(step, 0, plan.total)
    done = stored = 0
    received_at = local_midnight(cal.as_of, cal.zone)  # not now(): the demo is reproducible
    for table in usage_tables(seed, cal, plan):
        stored += append_events(events_path, table, received_at)
        done += table.num_rows
        report(step, done, plan.total)
    # The credits bought: few rows, apart from the usage plan so it stays as it was.
    stored += append_events(events_path, purchase_table(seed, cal, accounts, per_yen), received_at)
    return stored
