"""What an action of a firing is built from: the account, its people and the day's facts,
and the variables its texts render with (the names templates.ACCOUNT_KEYS lists)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kasasu.contacts.language import account_language, contact_language
from kasasu.domain.account_fields import TEMPLATE_FIELDS
from kasasu.domain.choices import ContactRole
from kasasu.domain.money import format_money
from kasasu.kit.i18n import LOCALES
from kasasu.kit.types import local_text
from kasasu.models import Account, Contact, User
from kasasu.playbooks.chat import ChatConfig
from kasasu.playbooks.facts import DayFacts
from kasasu.playbooks.schemas import PlaybookDefinition
from kasasu.playbooks.triggers.base import Firing


def _plain(value: Any) -> Any:
    """A choice as its value, what templates compare with ("tech"); others as they are."""
    return getattr(value, "value", value)


@dataclass(frozen=True)
class PlaybookConfig:
    zone: str
    currency: str
    locale: str  # for readers whose own language Kasasu does not know
    base_url: str  # links in emails and webhooks point here
    slack_url: str | None = None  # for webhook actions whose url is "slack"
    # Where notify actions post (one to a channel without a destination is skipped).
    chat: ChatConfig = field(default_factory=ChatConfig)
    # Internal hosts and networks webhooks may reach (KASASU_PLAYBOOKS__WEBHOOK_HOSTS).
    webhook_hosts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reader:
    account: Account
    owner: User | None
    contacts: list[Contact]

    def champions(self) -> list[Contact]:
        return [c for c in self.contacts if c.role == ContactRole.CHAMPION and c.email]


class Money:
    """MRR as the reader writes it, formatted only when a template shows it (Babel's
    formatting was a quarter of planning a day for 20,000 accounts)."""

    def __init__(self, amount: float, currency: str, locale: str) -> None:
        self.amount, self.currency, self.locale = amount, currency, locale

    def __str__(self) -> str:
        return format_money(self.amount, self.currency, self.locale)


@dataclass(frozen=True)
class FiringContext:
    """One firing of one playbook for one account, as its actions are planned."""

    config: PlaybookConfig
    day: date
    playbook: PlaybookDefinition
    firing: Firing
    account: Account
    reader: Reader
    facts: DayFacts
    cache: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)

    def locale_of_owner(self) -> str:
        owner = self.reader.owner
        return owner.locale if owner and owner.locale in LOCALES else self.config.locale

    def locale_of_customer(self, readers: Sequence[Contact] = ()) -> str:
        """The language the readers share (one email goes to them all), else the
        account's."""
        spoken = {contact_language(c, self.account, self.config.locale) for c in readers}
        return (
            spoken.pop() if len(spoken) == 1 else account_language(self.account, self.config.locale)
        )

    def variables(self, locale: str) -> dict[str, Any]:
        """Built once per firing and language, however many actions render from it."""
        if locale not in self.cache:
            self.cache[locale] = self._variables(locale)
        return self.cache[locale]

    def _event(self, locale: str) -> dict[str, Any]:
        """The event a trigger names (event_attended, event_no_show), else empty values."""
        event = self.firing.event or {}
        return {
            "id": event.get("id", ""),
            "title": local_text(event.get("title"), locale),
            "recording_url": event.get("recording_url", ""),
        }

    def trigger_contacts(self) -> list[Contact]:
        """The account's contacts the firing is about, with an address."""
        wanted = set(self.firing.contacts)
        return [c for c in self.reader.contacts if c.id in wanted and c.email]

    def _variables(self, locale: str) -> dict[str, Any]:
        a, owner = self.account, self.reader.owner
        features = dict(self.facts.features().get(a.id, {}))
        health = dict(self.facts.health().get(a.id, {}))
        mrr = features.get("mrr")
        champions = self.reader.champions()
        champion = champions[0] if champions else None
        account = {f.variable: _plain(getattr(a, f.name)) for f in TEMPLATE_FIELDS if f.variable}
        return {
            "account": {
                **account,
                # The model chosen by the refresh when no one set one on the account.
                "touch_model": account["touch_model"] or _plain(health.get("touch_model")),
                "mrr": Money(mrr, self.config.currency, locale) if mrr is not None else "",
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
                "event": self._event(locale),
            },
            "playbook": {
                "name": self.playbook.name,
                "title": local_text(self.playbook.title, locale),
            },
            "day": self.day.isoformat(),
            "link": f"{self.config.base_url.rstrip('/')}/accounts/{a.id}",
        }
