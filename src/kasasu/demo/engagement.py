"""What customers say: support tickets, CSAT after tickets, and quarterly NPS.

Tickets rise and scores fall as a churn nears (``Period.risk``), so the later health and
churn-risk models have real signal to find. Customers leaving over support quality
complain more and wait longer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from kasasu.demo import texts
from kasasu.demo.shapes import DemoAccount, Period, Row, active_months
from kasasu.demo.timeline import Calendar
from kasasu.domain.choices import (
    CancellationReason,
    ContactRole,
    Priority,
    SurveyKind,
    TicketChannel,
    TicketStatus,
)

TICKETS_PER_MONTH = {"Starter": 0.3, "Pro": 0.7, "Enterprise": 1.6}
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
PRIORITY_ODDS = (0.2, 0.55, 0.2, 0.05)
# Median minutes to first response and hours to resolution, by priority.
FIRST_RESPONSE_MIN = {"low": 480, "normal": 180, "high": 60, "urgent": 20}
RESOLUTION_HOURS = {"low": 72, "normal": 30, "high": 12, "urgent": 4}
CHANNELS = (TicketChannel.EMAIL, TicketChannel.WEB, TicketChannel.CHAT, TicketChannel.PHONE)
CHANNEL_ODDS = (0.45, 0.25, 0.2, 0.1)
CSAT_HEALTHY = (0.03, 0.05, 0.12, 0.40, 0.40)
CSAT_UNHAPPY = (0.20, 0.25, 0.25, 0.20, 0.10)
NPS_MONTHS = (2, 5, 8, 11)  # quarterly, avoiding the April renewal rush
NPS_CAMPAIGN = "NPS {year}年{month}月"
CSAT_CAMPAIGN = "サポート対応満足度"


def _strain(period: Period, risk: float) -> float:
    """How much worse support feels: more for customers leaving over support quality."""
    return risk * (1.6 if period.reason is CancellationReason.SUPPORT_QUALITY else 1.0)


def make_support(
    seed: int, cal: Calendar, accounts: list[DemoAccount]
) -> tuple[list[Row], list[Row]]:
    """Tickets, and the CSAT answers given after them (both without ids yet)."""
    rng = np.random.default_rng([seed, 4])
    tickets: list[Row] = []
    answers: list[Row] = []
    for account in accounts:
        contacts = [c["id"] for c in account.contacts]
        for period, lo, hi in active_months(cal, account):
            mid = lo + (hi - lo) / 2
            risk = period.risk(mid)
            strain = _strain(period, risk)
            share = (hi - lo).days / 30.44
            onboarding = 1.5 if (lo - period.start).days < 60 else 1.0
            rate = TICKETS_PER_MONTH[account.core_plan_on(lo)] * share * onboarding
            for _ in range(int(rng.poisson(rate * (1 + 2.5 * risk)))):
                contact = contacts[int(rng.integers(len(contacts)))]
                opened = cal.working_instant(rng, lo, hi)
                ticket = _ticket(
                    rng, cal, opened, account_id=account.id, contact_id=contact, strain=strain
                )
                tickets.append(ticket)
                if ticket["satisfaction"] is not None:
                    answers.append(_csat(rng, cal, ticket))
    return tickets, answers


def _ticket(
    rng: np.random.Generator,
    cal: Calendar,
    opened: datetime,
    *,
    account_id: int,
    contact_id: int,
    strain: float,
) -> Row:
    priority = PRIORITIES[int(rng.choice(4, p=PRIORITY_ODDS))]
    slow = 1 + strain
    response = opened + timedelta(
        minutes=float(rng.lognormal(np.log(FIRST_RESPONSE_MIN[priority.value]), 0.8)) * slow
    )
    resolution = response + timedelta(
        hours=float(rng.lognormal(np.log(RESOLUTION_HOURS[priority.value]), 1.0)) * slow
    )
    first_response_at = cal.clip(response)
    resolved_at = cal.clip(resolution) if first_response_at else None
    odds = CSAT_UNHAPPY if strain > 0.3 else CSAT_HEALTHY
    answered = resolved_at is not None and rng.random() < 0.45
    escalate = 0.03 + 0.15 * strain + (0.2 if priority is Priority.URGENT else 0)
    return {
        "account_id": account_id,
        "contact_id": contact_id,
        "subject": texts.TICKET_SUBJECTS[int(rng.integers(len(texts.TICKET_SUBJECTS)))],
        "opened_at": opened,
        "first_response_at": first_response_at,
        "resolved_at": resolved_at,
        "priority": priority,
        "status": _status(cal, first_response_at, resolved_at),
        "channel": CHANNELS[int(rng.choice(4, p=CHANNEL_ODDS))],
        "escalated": bool(rng.random() < escalate),
        "satisfaction": int(rng.choice(5, p=odds)) + 1 if answered else None,
        "created_at": opened,
        "updated_at": resolved_at or first_response_at or opened,
    }


def _status(
    cal: Calendar, first_response_at: datetime | None, resolved_at: datetime | None
) -> TicketStatus:
    if resolved_at is None:
        return TicketStatus.PENDING if first_response_at else TicketStatus.OPEN
    week_before_end = cal.instant(cal.as_of, 0.0) - timedelta(days=7)
    return TicketStatus.CLOSED if resolved_at < week_before_end else TicketStatus.RESOLVED


def _csat(rng: np.random.Generator, cal: Calendar, ticket: Row) -> Row:
    score = int(ticket["satisfaction"])
    resolved: datetime = ticket["resolved_at"]
    answered = cal.clip(resolved + timedelta(hours=float(rng.exponential(20)))) or resolved
    pool = texts.CSAT_COMMENTS["good" if score >= 4 else "bad"]
    comment = pool[int(rng.integers(len(pool)))] if rng.random() < 0.35 else None
    return {
        "account_id": ticket["account_id"],
        "contact_id": ticket["contact_id"],
        "kind": SurveyKind.CSAT,
        "score": score,
        "comment": comment,
        "answered_at": answered,
        "campaign": CSAT_CAMPAIGN,
        "created_at": answered,
        "updated_at": answered,
    }


def make_nps(seed: int, cal: Calendar, accounts: list[DemoAccount]) -> tuple[list[Row], list[Row]]:
    """Quarterly NPS: every champion, decision maker and user of a customer of two months or
    more is asked; about a third answer. (The answers, and who was asked with when.)"""
    rng = np.random.default_rng([seed, 5])
    rows: list[Row] = []
    asked: list[Row] = []
    campaigns = [m + timedelta(days=9) for m in cal.month_starts() if m.month in NPS_MONTHS]
    for day in campaigns:
        if day >= cal.as_of:
            continue
        name = NPS_CAMPAIGN.format(year=day.year, month=day.month)
        for account in accounts:
            period = account.period_on(day, cal.as_of)
            if period is None or (day - period.start).days < 60:
                continue
            risk = period.risk(day)
            for contact in account.contacts:
                if contact["role"] is ContactRole.BILLING:
                    continue
                invitation: Row = {
                    "campaign": name,
                    "day": day,
                    "account_id": account.id,
                    "contact_id": contact["id"],
                    "answered_at": None,
                }
                asked.append(invitation)
                if rng.random() >= 0.35:
                    continue
                answered = cal.clip(cal.working_instant(rng, day, day + timedelta(days=14)))
                if answered is None:
                    continue
                invitation["answered_at"] = answered
                score, group = _nps_score(rng, risk, account.engagement)
                pool = texts.NPS_COMMENTS[group]
                comment = pool[int(rng.integers(len(pool)))] if rng.random() < 0.55 else None
                rows.append(
                    {
                        "account_id": account.id,
                        "contact_id": contact["id"],
                        "kind": SurveyKind.NPS,
                        "score": score,
                        "comment": comment,
                        "answered_at": answered,
                        "campaign": name,
                        "created_at": answered,
                        "updated_at": answered,
                    }
                )
    return rows, asked


def _nps_score(rng: np.random.Generator, risk: float, engagement: float) -> tuple[int, str]:
    promoter = max(0.03, min(0.7, 0.42 - 0.4 * risk + 0.15 * (engagement - 1)))
    detractor = max(0.05, min(0.9, 0.15 + 0.6 * risk))
    draw = rng.random()
    if draw < promoter:
        return int(rng.choice((9, 10), p=(0.55, 0.45))), "promoter"
    if draw < promoter + detractor:
        return int(rng.choice(7, p=(0.04, 0.04, 0.07, 0.1, 0.15, 0.25, 0.35))), "detractor"
    return int(rng.choice((7, 8), p=(0.45, 0.55))), "passive"
