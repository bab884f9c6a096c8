"""The sales pipeline before each demo customer: marketing's leads and sales' deals.

Every customer came in as a lead some weeks before its first contract, was qualified, and
its new-business deal was won a few days before the contract started; each upsell or
cross-sell of its history was an expansion deal won shortly before the change. Around them,
about twice as many leads never became customers: most were never qualified, the others
lost (or, lately, still open) deals.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from kasasu.demo import catalog
from kasasu.demo.shapes import DemoAccount, Row
from kasasu.demo.timeline import Calendar
from kasasu.domain.choices import DealKind, DealStage

# Marketing channels as a Japanese B2B SaaS team names them, with their share of leads.
SOURCES = (
    ("Webサイト", 0.3),
    ("Web広告", 0.22),
    ("ウェビナー", 0.18),
    ("展示会", 0.12),
    ("紹介", 0.1),
    ("パートナー", 0.08),
)
OTHER_LEADS = 2.0  # leads that never became customers, per customer
QUALIFIED_ODDS = 0.35  # of those, the share qualified (their deals lost, or still open)
OPEN_DAYS = 60  # a deal opened this close to the data's end may still be open


def make_pipeline(
    seed: int, cal: Calendar, accounts: list[DemoAccount], first_lead: int, first_deal: int
) -> tuple[list[Row], list[Row]]:
    """Lead rows and deal rows, ids assigned in a fixed order."""
    rng = np.random.default_rng([seed, 21])
    made = _Made(cal, first_lead, first_deal)
    for account in accounts:
        _customer(rng, made, account)
    for _n in range(int(rng.poisson(OTHER_LEADS * len(accounts)))):
        _prospect(rng, made)
    return made.leads, made.deals


class _Made:
    def __init__(self, cal: Calendar, first_lead: int, first_deal: int) -> None:
        self.cal, self.first_lead, self.first_deal = cal, first_lead, first_deal
        self.leads: list[Row] = []
        self.deals: list[Row] = []

    def lead(
        self,
        rng: np.random.Generator,
        came: date,
        qualified: date | None,
        company: tuple[str, str | None, str | None],
        account_id: int | None,
    ) -> int:
        """A lead that came in on ``came`` (qualified on ``qualified``): ``company`` is its
        company's name, its person's name and email."""
        lead_id = self.first_lead + len(self.leads)
        at = self.cal.instant(came, 9.0 + float(rng.random()) * 9)
        name, person, email = company
        self.leads.append(
            {
                "id": lead_id,
                "external_id": f"LEAD-{len(self.leads) + 1:06d}",
                "company_name": name,
                "contact_name": person,
                "email": email,
                "source": _source(rng),
                "created_at": at,
                "qualified_at": None
                if qualified is None
                else self.cal.instant(qualified, 10.0 + float(rng.random()) * 7),
                "account_id": account_id,
                "updated_at": at,
            }
        )
        return lead_id

    def deal(self, opened: date, closed: date | None, stage: DealStage, **values: object) -> None:
        n = len(self.deals)
        self.deals.append(
            {
                "id": self.first_deal + n,
                "external_id": f"DEAL-{n + 1:06d}",
                "stage": stage,
                "currency": "JPY",
                "created_on": opened,
                "closed_on": closed,
                "owner_id": None,
                "created_at": self.cal.instant(opened, 10.0),
                "updated_at": self.cal.instant(closed or opened, 18.0),
                **values,
            }
        )


_SOURCE_CDF = np.cumsum([w for _name, w in SOURCES]) / sum(w for _name, w in SOURCES)


def _source(rng: np.random.Generator) -> str:
    # One uniform draw against the cumulative shares: rng.choice(p=...) checks and normalises
    # the weights on every call, a tenth of the pipeline's time.
    index = int(np.searchsorted(_SOURCE_CDF, rng.random(), side="right"))
    return SOURCES[min(index, len(SOURCES) - 1)][0]


def _customer(rng: np.random.Generator, made: _Made, account: DemoAccount) -> None:
    """Its lead and won new-business deal before its first contract; its expansion deals."""
    start = account.acquired_on
    won = start - timedelta(days=int(rng.integers(1, 11)))
    qualified = won - timedelta(days=int(rng.integers(10, 61)))
    came = qualified - timedelta(days=int(rng.integers(2, 31)))
    contact = account.contacts[0] if account.contacts else {}
    person = (account.name, contact.get("name"), contact.get("email"))
    lead_id = made.lead(rng, came, qualified, person, account.id)
    first_mrr = account.mrr_on(start)
    made.deal(
        qualified,
        won,
        DealStage.WON,
        name=f"{account.name} 新規導入",
        amount=first_mrr * 12,
        kind=DealKind.NEW,
        account_id=account.id,
        lead_id=lead_id,
    )
    for day, grown in _growth(account):
        closed = max(qualified, day - timedelta(days=int(rng.integers(3, 21))))
        opened = closed - timedelta(days=int(rng.integers(10, 41)))
        made.deal(
            opened,
            closed,
            DealStage.WON,
            name=f"{account.name} 追加提案",
            amount=grown * 12,
            kind=DealKind.EXPANSION,
            account_id=account.id,
            lead_id=None,
        )


def _growth(account: DemoAccount) -> list[tuple[date, int]]:
    """The days within a customer period its MRR grew (an upsell or a cross-sell), and by
    how much."""
    starts = {p.start for p in account.periods}
    days = sorted({line.start for line in account.lines} - starts)
    found = []
    for day in days:
        grown = account.mrr_on(day) - account.mrr_on(day - timedelta(days=1))
        if grown > 0:
            found.append((day, grown))
    return found


def _prospect_company(rng: np.random.Generator) -> tuple[str, str]:
    """A prospect's name and domain: a place or brand word and a trade (no customer's own
    unique name: a prospect's may repeat, as leads of one company often do)."""
    stem = catalog.NAME_STEMS[int(rng.integers(len(catalog.NAME_STEMS)))]
    word = catalog.COMPANY_WORDS[int(rng.integers(len(catalog.COMPANY_WORDS)))]
    return f"株式会社{stem[0]}{word[0]}", f"{stem[2]}-{word[2]}.co.jp"


def _prospect(rng: np.random.Generator, made: _Made) -> None:
    """A lead that never became a customer: never qualified, or its deal lost or open."""
    cal = made.cal
    came = cal.day_of(int(rng.integers(cal.days)))
    name, domain = _prospect_company(rng)
    company = (name, None, f"info@{domain}")
    if rng.random() >= QUALIFIED_ODDS:
        made.lead(rng, came, None, company, None)
        return
    qualified = came + timedelta(days=int(rng.integers(2, 31)))
    if qualified >= cal.as_of:
        qualified = came
    lead_id = made.lead(rng, came, qualified, company, None)
    closed = qualified + timedelta(days=int(rng.integers(14, 91)))
    recent = (cal.as_of - qualified).days < OPEN_DAYS
    open_stage = DealStage.PROPOSAL if rng.random() < 0.6 else DealStage.NEGOTIATION
    still_open = closed >= cal.as_of or (recent and rng.random() < 0.5)
    stage, closed_on = (open_stage, None) if still_open else (DealStage.LOST, closed)
    made.deal(
        qualified,
        closed_on,
        stage,
        name=f"{name} 導入検討",
        amount=int(rng.choice([30_000, 60_000, 120_000, 240_000])) * 12,
        kind=DealKind.NEW,
        account_id=None,
        lead_id=lead_id,
    )
