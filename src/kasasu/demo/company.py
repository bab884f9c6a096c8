"""Who the demo company's customers are: Japanese companies, their people, and the CSMs.

Pure generation: values in, dataclasses and row dicts out. Faker is seeded per instance
and numpy generators are seeded per step, so the same seed always gives the same company.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
from faker import Faker

from kasasu.demo import catalog, texts
from kasasu.demo.shapes import DemoAccount, Row
from kasasu.demo.timeline import Calendar
from kasasu.domain.choices import ContactRole, LifecycleStage, OwnerMethod, Role, TouchModel

CSM_EMAIL = "csm{n}@demo.kasasu.example"


def csm_rows(first_id: int, zone: str, created: Any) -> list[Row]:
    """The demo CSM team, without passwords (they are owners to look at, not logins)."""
    return [
        {
            "id": first_id + i,
            "email": CSM_EMAIL.format(n=i + 1),
            "name": f"{family} {given}",
            "role": Role.CSM,
            "password_hash": None,
            "locale": "ja",
            "timezone": zone,
            "is_active": True,
            "created_at": created,
            "updated_at": created,
        }
        for i, (family, given) in enumerate(catalog.CSMS)
    ]


def _pick(rng: np.random.Generator, weighted: tuple[tuple[str, float], ...]) -> str:
    weights = np.array([w for _name, w in weighted])
    return weighted[int(rng.choice(len(weighted), p=weights / weights.sum()))][0]


def _acquisition_days(rng: np.random.Generator, cal: Calendar, count: int) -> list[date]:
    """Sign-up days: a growing business, busiest in April (new budgets) and October."""
    season = {4: 1.6, 10: 1.25, 3: 0.8, 8: 0.75, 12: 0.8, 1: 0.85}
    days = [cal.day_of(i) for i in range(cal.days)]
    weights = np.array(
        [
            (1.0 + i / max(1, cal.days))
            * season.get(d.month, 1.0)
            * (1 if d.weekday() < 5 else 0.05)
            for i, d in enumerate(days)
        ]
    )
    weights[0] += weights.sum() * 0.08  # customers carried over from before the window
    chosen = rng.choice(len(days), size=count, p=weights / weights.sum())
    return [days[i] for i in np.sort(chosen)]


class CompanyMaker:
    """Japanese company names with their reading and a matching domain, never repeated."""

    def __init__(self, seed: int) -> None:
        self.faker = Faker("ja_JP")
        self.faker.seed_instance(seed)
        self.names: set[str] = set()
        self.domains: set[str] = set()

    def company(self, rng: np.random.Generator) -> tuple[str, str, str]:
        """(name, reading without the legal form, domain)."""
        kanji, kana, romaji = self._stem(rng)
        word = catalog.COMPANY_WORDS[int(rng.integers(len(catalog.COMPANY_WORDS)))]
        core, reading = f"{kanji}{word[0]}", f"{kana}{word[1]}"
        n = 2
        while core in self.names:  # a second office of a taken name: 東京佐藤運輸
            place = catalog.NAME_STEMS[int(rng.integers(len(catalog.NAME_STEMS)))]
            core, reading = f"{place[0]}{kanji}{word[0]}", f"{place[1]}{kana}{word[1]}"
            if core in self.names and n > 20:
                core = f"{core}{n}"
            n += 1
        self.names.add(core)
        legal = _pick(rng, catalog.LEGAL_FORMS)
        name = f"{legal}{core}" if rng.random() < 0.6 else f"{core}{legal}"
        suffix = catalog.DOMAIN_SUFFIXES[int(rng.integers(len(catalog.DOMAIN_SUFFIXES)))]
        base = f"{romaji}-{word[2]}".lower()
        domain, n = f"{base}.{suffix}", 2
        while domain in self.domains:
            domain, n = f"{base}{n}.{suffix}", n + 1
        self.domains.add(domain)
        return name, reading, domain

    def _stem(self, rng: np.random.Generator) -> tuple[str, str, str]:
        """A family name (most Japanese SMEs) or a place or brand word."""
        if rng.random() < 0.6:
            kanji, kana, romaji = self.faker.last_name_pair()
            return kanji, kana, romaji
        return catalog.NAME_STEMS[int(rng.integers(len(catalog.NAME_STEMS)))]


def make_accounts(seed: int, cal: Calendar, count: int, first_id: int) -> list[DemoAccount]:
    rng = np.random.default_rng([seed, 1])
    maker = CompanyMaker(seed)
    acquired = _acquisition_days(rng, cal, count)
    accounts: list[DemoAccount] = []
    for i, day in enumerate(acquired):
        name, kana, domain = maker.company(rng)
        band_index = int(rng.choice(len(catalog.EMPLOYEE_BANDS), p=_band_weights()))
        band, _weight, plan_odds = catalog.EMPLOYEE_BANDS[band_index]
        plan = catalog.PLANS[int(rng.choice(3, p=np.array(plan_odds) / sum(plan_odds)))]
        price = catalog.PRICES[plan]
        yearly = bool(rng.random() < price.yearly_share)
        accounts.append(
            DemoAccount(
                index=i,
                id=first_id + i,
                external_id=f"ACC-{i + 1:05d}",
                name=name,
                name_kana=kana,
                domain=domain,
                industry=_pick(rng, catalog.INDUSTRIES),
                employee_band=band,
                plan=plan,
                seats=int(rng.integers(price.seats[0], price.seats[1] + 1)),
                yearly=yearly,
                fiscal_aligned=yearly and bool(rng.random() < 0.75),
                engagement=float(rng.lognormal(0.0, 0.3)),
                acquired_on=day,
                custom_fields=_custom_fields(rng),
            )
        )
    return accounts


def _band_weights() -> np.ndarray:
    weights = np.array([w for _band, w, _odds in catalog.EMPLOYEE_BANDS])
    normalised: np.ndarray = weights / weights.sum()
    return normalised


def _custom_fields(rng: np.random.Generator) -> dict[str, str]:
    return {
        "契約形態": catalog.CONTRACT_FORMS[int(rng.random() < 0.25)],
        "導入部署": catalog.DEPARTMENTS[int(rng.integers(len(catalog.DEPARTMENTS)))],
        "利用目的": catalog.PURPOSES[int(rng.integers(len(catalog.PURPOSES)))],
    }


def tier_of(band: str) -> str:
    return catalog.TIERS.get(band, "Enterprise")


def make_contacts(seed: int, cal: Calendar, accounts: list[DemoAccount], first_id: int) -> int:
    """Give every account 2-5 people (more at larger companies); returns the next free id."""
    rng = np.random.default_rng([seed, 2])
    faker = Faker("ja_JP")
    faker.seed_instance(seed + 1)
    next_id = first_id
    for account in accounts:
        extra = [b[0] for b in catalog.EMPLOYEE_BANDS].index(account.employee_band) // 2
        count = min(5, int(rng.integers(2, 4)) + extra)
        roles = [ContactRole.CHAMPION, ContactRole.DECISION_MAKER, ContactRole.BILLING]
        roles += [ContactRole.USER] * max(0, count - len(roles))
        seen: set[str] = set()
        for role in roles[:count]:
            contact = _contact(rng, faker, cal, account, role=role, seen=seen)
            contact["id"] = next_id
            contact["external_id"] = f"CON-{next_id - first_id + 1:06d}"
            account.contacts.append(contact)
            next_id += 1
    return next_id


def _contact(
    rng: np.random.Generator,
    faker: Faker,
    cal: Calendar,
    account: DemoAccount,
    *,
    role: ContactRole,
    seen: set[str],
) -> Row:
    last, last_kana, last_romaji = faker.last_name_pair()
    first, first_kana, first_romaji = faker.first_name_pair()
    local = f"{first_romaji}.{last_romaji}".lower()
    email, n = f"{local}@{account.domain}", 2
    while email in seen:
        email, n = f"{local}{n}@{account.domain}", n + 1
    seen.add(email)
    titles = texts.CONTACT_TITLES[role.value]
    created = cal.instant(account.acquired_on, 11.0 + float(rng.random()) * 6)
    return {
        "account_id": account.id,
        "name": f"{last} {first}",
        "name_kana": f"{last_kana} {first_kana}",
        "email": email,
        "phone": faker.phone_number(),
        "title": titles[int(rng.integers(len(titles)))],
        "role": role,
        "created_at": created,
        "updated_at": created,
    }


HIGH_TOUCH_ARR = 5_000_000  # JPY a year: a named CSM who meets the customer
LOW_TOUCH_ARR = 1_000_000  # below this, customers are served one-to-many (tech touch)


def last_mrr(cal: Calendar, account: DemoAccount) -> int:
    """MRR on the data's last day, or on the last day the account was a customer."""
    ends = [line.end for line in account.lines if line.end is not None]
    last = cal.as_of - timedelta(days=1)
    if account.mrr_on(last) or not ends:
        return account.mrr_on(last)
    return account.mrr_on(max(ends) - timedelta(days=1))


def owner_pools(csm_ids: list[int]) -> dict[TouchModel, list[int]]:
    """Who looks after each touch model: two CSMs for high touch, a pool for the rest (the
    demo's ownership rules say the same, :func:`owner_rule_rows`)."""
    high, low = csm_ids[: catalog.HIGH_TOUCH_CSMS], csm_ids[catalog.HIGH_TOUCH_CSMS :]
    return {TouchModel.HIGH: high, TouchModel.LOW: low[:-1], TouchModel.TECH: low}


def assign_owners(
    cal: Calendar, accounts: list[DemoAccount], csm_ids: list[int]
) -> dict[int, TouchModel]:
    """Touch model by ARR, and an owner from its pool, in turn (round robin)."""
    pools = owner_pools(csm_ids)
    touch: dict[int, TouchModel] = {}
    counts = {TouchModel.HIGH: 0, TouchModel.LOW: 0, TouchModel.TECH: 0}
    for account in accounts:
        arr = 12 * last_mrr(cal, account)
        model = (
            TouchModel.HIGH
            if arr >= HIGH_TOUCH_ARR
            else TouchModel.LOW
            if arr >= LOW_TOUCH_ARR
            else TouchModel.TECH
        )
        pool = pools[model]
        account.owner_id = pool[counts[model] % len(pool)]
        counts[model] += 1
        touch[account.id] = model
    return touch


def owner_rule_rows(
    cal: Calendar,
    accounts: list[DemoAccount],
    touch: dict[int, TouchModel],
    csm_ids: list[int],
    first_id: int,
) -> list[Row]:
    """The ownership rules that give a new account its CSM as the demo gave the others:
    round robin within the touch model's pool, going on after the last account given."""
    created = cal.instant(cal.start, 9.0)
    last = {touch[a.id]: a.owner_id for a in accounts}
    return [
        {
            "id": first_id + i,
            "name": f"{model.value}-touch",
            "position": i + 1,
            "condition": f'touch_model == "{model.value}"',
            "segment_id": None,
            "method": OwnerMethod.ROUND_ROBIN,
            "owners": people,
            "enabled": True,
            "last_owner_id": last.get(model),
            "created_at": created,
            "updated_at": created,
        }
        for i, (model, people) in enumerate(owner_pools(csm_ids).items())
    ]


def csm_capacity(accounts: list[DemoAccount]) -> dict[int, int]:
    """Room for about a fifth more than each CSM has, in tens (what a leader would set)."""
    counts: dict[int, int] = {}
    for account in accounts:
        if account.owner_id is not None:
            counts[account.owner_id] = counts.get(account.owner_id, 0) + 1
    return {owner: -(-n * 6 // 50) * 10 for owner, n in counts.items()}


def lifecycle(cal: Calendar, account: DemoAccount) -> LifecycleStage:
    last = cal.as_of - timedelta(days=1)
    period = account.period_on(last, cal.as_of)
    if period is None:
        return LifecycleStage.CHURNED
    if (last - period.start).days < 90:
        return LifecycleStage.ONBOARDING
    if period.risk(cal.as_of) > 0.25:
        return LifecycleStage.AT_RISK
    half_year_ago = max(period.start, last - timedelta(days=182))
    if account.mrr_on(last) > account.mrr_on(half_year_ago):
        return LifecycleStage.EXPANSION
    renewals = [x.renewal_after(last) for x in account.lines if x.active_on(last) and x.yearly]
    if renewals and min(renewals) <= last + timedelta(days=90):
        return LifecycleStage.RENEWAL
    return LifecycleStage.ADOPTION


def account_rows(
    cal: Calendar, accounts: list[DemoAccount], touch: dict[int, TouchModel]
) -> list[Row]:
    last = cal.as_of - timedelta(days=1)
    rows = []
    for account in accounts:
        changes = [x.start for x in account.lines] + [x.end for x in account.lines if x.end]
        changed = max(d for d in changes if d <= last)
        rows.append(
            {
                "id": account.id,
                "external_id": account.external_id,
                "name": account.name,
                "name_kana": account.name_kana,
                "domain": account.domain,
                "industry": account.industry,
                "employee_band": account.employee_band,
                "plan": account.core_plan_on(last),
                "tier": tier_of(account.employee_band),
                "owner_id": account.owner_id,
                "touch_model": touch[account.id],
                "lifecycle_stage": lifecycle(cal, account),
                "custom_fields": account.custom_fields,
                "created_at": cal.instant(account.acquired_on, 9.5),
                "updated_at": cal.instant(changed, 9.5),
            }
        )
    return rows
