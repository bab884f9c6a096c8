"""What the playbooks will do on a day: who fires, for which occurrence, and each action
rendered (texts in the reader's language, recipients resolved). A dry run shows this; a run
stores it, so a retry sends exactly what was planned."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from jinja2 import TemplateError
from sqlalchemy.orm import Session

from kasasu.domain.choices import ContactRole
from kasasu.domain.money import format_money
from kasasu.domain.rules import compile_rule
from kasasu.kit.i18n import LOCALES, Message, _
from kasasu.models import Account, Contact, User
from kasasu.playbooks import schemas as s
from kasasu.playbooks.definitions import enabled_playbooks
from kasasu.playbooks.facts import DayFacts
from kasasu.playbooks.repository import Recipients, RunRepository
from kasasu.playbooks.templates import pick, render
from kasasu.playbooks.triggers import Firing, fire
from kasasu.segments.schemas import ACCOUNT_FIELDS, RULE_NAMES

log = logging.getLogger("kasasu.playbooks")

# Runs this old still count as "already fired" for windows that are not the day itself.
MEMORY_DAYS = 400


@dataclass(frozen=True)
class PlaybookConfig:
    zone: str
    currency: str
    locale: str  # for readers whose own language Kasasu does not know
    base_url: str  # links in emails and webhooks point here
    slack_url: str | None = None  # for webhook actions whose url is "slack"
    # Internal hosts and networks webhooks may reach (KASASU_PLAYBOOKS__WEBHOOK_HOSTS).
    webhook_hosts: frozenset[str] = frozenset()


@dataclass
class Step:
    kind: str
    payload: dict[str, Any] | None  # None: skipped, for ``skip``
    skip: Message | None = None


@dataclass
class Planned:
    playbook_id: int
    playbook: str
    firing: Firing
    steps: list[Step] = field(default_factory=list)


@dataclass
class Plan:
    day: date
    planned: list[Planned]
    skipped: int  # fired before for the occurrence, or cooling down
    checked: set[str] = field(default_factory=set)  # playbooks evaluated
    # Playbooks that could not be evaluated (a condition or a definition stored before a
    # check it now fails), left out so that the others run; the reason under each name.
    problems: dict[str, Exception] = field(default_factory=dict)


def plan_day(
    session: Session,
    day: date,
    config: PlaybookConfig,
    facts: DayFacts | None = None,
    only: Sequence[str] = (),
) -> Plan:
    facts = facts or DayFacts(session, day, config.zone)
    runs = RunRepository(session)
    fired: list[tuple[int, s.PlaybookDefinition, Firing]] = []
    skipped, problems, checked = 0, dict[str, Exception](), set[str]()
    for playbook_id, playbook in enabled_playbooks(session, problems):
        if only and playbook.name not in only:
            continue
        since = day - timedelta(days=max(playbook.cooldown_days, MEMORY_DAYS))
        try:
            firings, held = new_firings(playbook, facts, runs.recent(playbook_id, since))
        except Exception as exc:  # noqa: BLE001 - one bad playbook never stops the others
            problems[playbook.name] = exc
            log.warning("playbooks %s: %s skipped: %s", day, playbook.name, exc)
            continue
        checked.add(playbook.name)
        fired += [(playbook_id, playbook, firing) for firing in firings]
        skipped += held
    if only:
        problems = {name: exc for name, exc in problems.items() if name in only}
    planned = _render_all(session, day, config, facts, fired)
    return Plan(day, planned, skipped, checked, problems)


def new_firings(
    playbook: s.PlaybookDefinition, facts: DayFacts, recent: Iterable[tuple[int, str, date]]
) -> tuple[list[Firing], int]:
    """The playbook's firings on the facts' day that match its condition, once per account,
    leaving out the occurrences ``recent`` runs (account, window, day) answered already and
    the accounts still in their cool-down; and how many were left out."""
    candidates = _matching(playbook, fire(playbook.trigger, facts), facts)
    recent = list(recent)
    done = {(a, w) for a, w, _d in recent}
    cool_from = facts.day - timedelta(days=playbook.cooldown_days - 1)
    cooling = {a for a, _w, d in recent if playbook.cooldown_days and cool_from <= d <= facts.day}
    # Leave out the occurrences answered before choosing one per account, so that after the
    # cool-down an account fires for its next occurrence (its second overdue milestone).
    fresh = _once_per_account([f for f in candidates if (f.account_id, f.window) not in done])
    new = [f for f in fresh if f.account_id not in cooling]
    return new, len(candidates) - len(new)


def _once_per_account(firings: list[Firing]) -> list[Firing]:
    """At most one firing per account and day (three overdue milestones make one task);
    the others stay for the days after the cool-down."""
    first: dict[int, Firing] = {}
    for firing in firings:
        first.setdefault(firing.account_id, firing)
    return list(first.values())


def _matching(
    playbook: s.PlaybookDefinition, firings: list[Firing], facts: DayFacts
) -> list[Firing]:
    if playbook.when is None:
        return firings
    rule = compile_rule(playbook.when, RULE_NAMES, where=f"{playbook.name}.when")
    accounts, features, health = facts.accounts(), facts.features(), facts.health()
    names = [n for n in rule.names if n in ACCOUNT_FIELDS]  # the rest: features and health

    def values(a: int) -> dict[str, Any]:
        """What the rule reads, as segments merge it: account fields, then the day's
        features, then health (only the names the rule uses: thousands of firings)."""
        account = accounts.get(a, {})
        found = {**{f: account.get(f) for f in names}, **features.get(a, {}), **health.get(a, {})}
        return {k: getattr(found.get(k), "value", found.get(k)) for k in rule.names}

    return [f for f in firings if rule.matches(values(f.account_id))]


def _render_all(
    session: Session,
    day: date,
    config: PlaybookConfig,
    facts: DayFacts,
    fired: list[tuple[int, s.PlaybookDefinition, Firing]],
) -> list[Planned]:
    ids = sorted({f.account_id for _p, _d, f in fired})
    people = Recipients(session)
    accounts = people.accounts(ids)
    owners = people.users(sorted({a.owner_id for a in accounts.values() if a.owner_id}))
    contacts = people.contacts(ids)
    planned = []
    for playbook_id, playbook, firing in fired:
        account = accounts[firing.account_id]
        reader = _Reader(account, owners.get(account.owner_id or 0), contacts.get(account.id, []))
        context = _Context(config, day, playbook, firing, account, reader, facts)
        steps = [_safe_step(action, context) for action in playbook.actions]
        planned.append(Planned(playbook_id, playbook.name, firing, steps))
    return planned


@dataclass(frozen=True)
class _Reader:
    account: Account
    owner: User | None
    contacts: list[Contact]

    def champions(self) -> list[Contact]:
        return [c for c in self.contacts if c.role == ContactRole.CHAMPION and c.email]


class _Money:
    """MRR as the reader writes it, formatted only when a template shows it (Babel's
    formatting was a quarter of planning a day for 20,000 accounts)."""

    def __init__(self, amount: float, currency: str, locale: str) -> None:
        self.amount, self.currency, self.locale = amount, currency, locale

    def __str__(self) -> str:
        return format_money(self.amount, self.currency, self.locale)


@dataclass(frozen=True)
class _Context:
    config: PlaybookConfig
    day: date
    playbook: s.PlaybookDefinition
    firing: Firing
    account: Account
    reader: _Reader
    facts: DayFacts
    cache: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)

    def locale_of_owner(self) -> str:
        owner = self.reader.owner
        return owner.locale if owner and owner.locale in LOCALES else self.config.locale

    def locale_of_customer(self) -> str:
        wanted = (self.account.custom_fields or {}).get("locale")
        return wanted if wanted in LOCALES else self.config.locale

    def variables(self, locale: str) -> dict[str, Any]:
        """Built once per firing and language, however many actions render from it."""
        if locale not in self.cache:
            self.cache[locale] = self._variables(locale)
        return self.cache[locale]

    def _variables(self, locale: str) -> dict[str, Any]:
        a, owner = self.account, self.reader.owner
        features = dict(self.facts.features().get(a.id, {}))
        health = dict(self.facts.health().get(a.id, {}))
        mrr = features.get("mrr")
        champions = self.reader.champions()
        champion = champions[0] if champions else None
        return {
            "account": {
                "id": a.id,
                "external_id": a.external_id,
                "name": a.name,
                "plan": a.plan,
                "tier": a.tier,
                "industry": a.industry,
                "lifecycle_stage": getattr(a.lifecycle_stage, "value", None),
                "touch_model": getattr(a.touch_model, "value", None)
                or getattr(health.get("touch_model"), "value", health.get("touch_model")),
                "mrr": _Money(mrr, self.config.currency, locale) if mrr is not None else "",
                "custom": a.custom_fields or {},
            },
            "owner": {"name": owner.name if owner else "", "email": owner.email if owner else ""},
            "contact": {
                "name": champion.name if champion else "",
                "email": champion.email if champion else "",
            },
            "health": {
                "score": None if health.get("score") is None else round(health["score"]),
                "band": health.get("band"),
            },
            "features": features,
            "trigger": {
                "type": self.playbook.trigger.type,
                "summary": self.firing.summary.render(locale),
                "window": self.firing.window,
            },
            "playbook": {"name": self.playbook.name, "title": pick(self.playbook.title, locale)},
            "day": self.day.isoformat(),
            "link": f"{self.config.base_url.rstrip('/')}/accounts/{a.id}",
        }


def _safe_step(action: Any, c: _Context) -> Step:
    """A text that cannot render for this account (a value it lacks) skips that action,
    with the reason in the log, and leaves the others."""
    try:
        return _step(action, c)
    except (TemplateError, TypeError, ValueError) as exc:
        return Step(action.type, None, _("Template error: {problem}", problem=str(exc)))


def _step(action: Any, c: _Context) -> Step:
    step: Step = _BUILDERS[type(action)](action, c)
    return step


def _task_step(action: s.TaskAction, c: _Context) -> Step:
    return Step("task", _task(action, c))


def _set_field(action: s.SetFieldAction, c: _Context) -> Step:
    return Step(
        "set_field", {"account_id": c.account.id, "field": action.field, "value": action.value}
    )


def _survey(action: s.SurveyAction, c: _Context) -> Step:
    chosen = c.reader.champions() if action.contacts == "champion" else c.reader.contacts
    if not chosen:
        return Step("enrol_survey", None, _("No contact to survey"))
    payload = {
        "account_id": c.account.id,
        "kind": action.kind.value,
        "contact_ids": [x.id for x in chosen],
    }
    return Step("enrol_survey", payload)


def _onboarding(action: s.OnboardingAction, c: _Context) -> Step:
    plan = [
        {"name": m.name, "due_date": (c.day + timedelta(days=m.due_in_days)).isoformat()}
        for m in action.milestones
    ]
    return Step(
        "add_onboarding", {"account_id": c.account.id, "plan": action.plan, "milestones": plan}
    )


def _task(action: s.TaskAction, c: _Context) -> dict[str, Any]:
    locale = c.locale_of_owner()
    variables = c.variables(locale)
    lines = [render(action.description, locale, variables)] if action.description else []
    lines += [f"☐ {render(item, locale, variables)}" for item in action.checklist]
    return {
        "account_id": c.account.id,
        "owner_id": c.account.owner_id,
        "title": render(action.title, locale, variables),
        "description": "\n".join(lines) or None,
        "due_date": (c.day + timedelta(days=action.due_in_days)).isoformat(),
        "priority": action.priority.value,
    }


def _email(action: s.EmailAction, c: _Context) -> Step:
    if action.to == "owner":
        owner = c.reader.owner
        to, locale = ([owner.email] if owner else []), c.locale_of_owner()
    else:
        chosen = c.reader.champions() if action.to == "champion" else c.reader.contacts
        to, locale = [x.email for x in chosen if x.email], c.locale_of_customer()
    if not to:
        return Step("email", None, _("No recipient with an email address"))
    variables = c.variables(locale)
    return Step(
        "email",
        {
            "to": to,
            "locale": locale,
            "subject": render(action.subject, locale, variables).strip(),
            "body": render(action.body, locale, variables),
        },
    )


def _webhook(action: s.WebhookAction, c: _Context) -> Step:
    url = c.config.slack_url if action.url == "slack" else action.url
    if not url:
        return Step(
            "webhook", None, _("No Slack webhook URL is configured (KASASU_PLAYBOOKS__SLACK_URL)")
        )
    locale = c.locale_of_owner()
    variables = c.variables(locale)
    text = render(action.text, locale, variables) if action.text else None
    if action.format == "slack":
        body: dict[str, Any] = {"text": text}
    else:
        body = {
            "event": "playbook.fired",
            "playbook": c.playbook.name,
            "day": c.day.isoformat(),
            "window": c.firing.window,
            "account": {
                **{k: variables["account"][k] for k in ("id", "external_id", "name", "plan")},
                "mrr": str(variables["account"]["mrr"]),
            },
            "owner": variables["owner"],
            "health": variables["health"],
            "trigger": variables["trigger"],
            "text": text,
        }
    return Step("webhook", {"url": url, "format": action.format, "body": body})


_DESCRIPTIONS: dict[str, Callable[[Mapping[str, Any]], Message]] = {
    "task": lambda p: _("task “{title}” due {due}", title=p["title"], due=p["due_date"]),
    "email": lambda p: _("email to {to}: {subject}", to=", ".join(p["to"]), subject=p["subject"]),
    "webhook": lambda p: _("POST {url} ({format})", url=p["url"], format=p["format"]),
    "set_field": lambda p: _("set {field} = {value}", field=p["field"], value=p["value"]),
    "enrol_survey": lambda p: _(
        "{kind} survey for {n} contacts", kind=p["kind"].upper(), n=len(p["contact_ids"])
    ),
    "add_onboarding": lambda p: _(
        "onboarding plan {plan} ({n} milestones)", plan=p["plan"], n=len(p["milestones"])
    ),
}


def describe(
    kind: str, payload: Mapping[str, Any] | None, skip: Message | None, locale: str
) -> str:
    """One line a person reads in a dry run or the log."""
    if payload is None:
        reason = skip.render(locale) if skip else ""
        return _("skipped: {reason}", reason=reason).render(locale)
    return _DESCRIPTIONS[kind](payload).render(locale)


_BUILDERS: dict[type, Callable[[Any, _Context], Step]] = {
    s.TaskAction: _task_step,
    s.EmailAction: _email,
    s.WebhookAction: _webhook,
    s.SetFieldAction: _set_field,
    s.SurveyAction: _survey,
    s.OnboardingAction: _onboarding,
}
