"""The words of the daily digest, in the CSM's language: a subject and a plain text of one
line per item, the same for an email and a chat message."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from kasasu.domain.money import format_money
from kasasu.kit.i18n import translate
from kasasu.workspace.digest import Digest, DigestTask


def digest_message(digest: Digest, base_url: str) -> tuple[str, str]:
    """(subject, text) of the digest."""
    locale = digest.locale

    def day(value: date) -> str:
        return str(format_date(value, format="medium", locale=locale))

    red = [_account(a.name, a.score, a.churn_risk, locale) for a in digest.red.items]
    renewals = [
        translate(
            "{account} on {day}, MRR {mrr}",
            locale,
            account=r.account_name,
            day=day(r.renewal_date),
            mrr="—" if r.mrr is None else format_money(r.mrr, digest.currency, locale),
        )
        for r in digest.renewals.items
    ]
    tasks = [_task(task, day(task.due_date), locale) for task in digest.tasks.items]
    lines = [
        translate("Hello {name}, here is your day.", locale, name=digest.name),
        "",
        *_section(
            translate("Red accounts: {n}", locale, n=digest.red.total),
            red,
            digest.red.total,
            locale,
        ),
        "",
        *_section(
            translate(
                "Renewals in the next {days} days: {n}",
                locale,
                days=digest.renewal_days,
                n=digest.renewals.total,
            ),
            renewals,
            digest.renewals.total,
            locale,
        ),
        "",
        *_section(
            translate(
                "Tasks due today or overdue: {n} ({overdue} overdue)",
                locale,
                n=digest.tasks.total,
                overdue=digest.overdue,
            ),
            tasks,
            digest.tasks.total,
            locale,
        ),
        "",
        translate("Open Kasasu: {link}", locale, link=f"{base_url.rstrip('/')}/"),
    ]
    subject = translate("Your Kasasu digest for {day}", locale, day=day(digest.today))
    return subject, "\n".join(lines) + "\n"


def _section(head: str, items: list[str], total: int, locale: str) -> list[str]:
    """The heading with the count of all, a line per item shown, and how many are not."""
    more = total - len(items)
    tail = [translate("- and {n} more", locale, n=more)] if more > 0 else []
    return [head, *(f"- {item}" for item in items), *tail]


def _account(name: str, score: float | None, risk: float | None, locale: str) -> str:
    shown = "—" if score is None else str(round(score))
    if risk is None:
        return translate("{account} (score {score})", locale, account=name, score=shown)
    return translate(
        "{account} (score {score}, churn risk {risk})",
        locale,
        account=name,
        score=shown,
        risk=f"{risk * 100:.1f}%",
    )


def _task(task: DigestTask, due: str, locale: str) -> str:
    text = (
        translate(
            "{title} ({account}), due {day}",
            locale,
            title=task.title,
            account=task.account_name,
            day=due,
        )
        if task.account_name
        else translate("{title}, due {day}", locale, title=task.title, day=due)
    )
    return translate("[overdue] {task}", locale, task=text) if task.overdue else text
