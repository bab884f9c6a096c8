"""The words of a survey in Japanese and English: the standard questions of each kind, and
the invitation and reminder emails."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from kasasu.domain.choices import SurveyKind
from kasasu.kit.i18n import translate


def default_question(kind: SurveyKind, locale: str) -> str:
    if kind is SurveyKind.NPS:
        return translate("How likely are you to recommend us to a friend or colleague?", locale)
    if kind is SurveyKind.CSAT:
        return translate("How satisfied are you with our service?", locale)
    return translate("How easy was it to get what you needed done with us?", locale)


def default_followup(kind: SurveyKind, locale: str) -> str:
    if kind is SurveyKind.NPS:
        return translate("What is the main reason for your score?", locale)
    return translate("What could we do better?", locale)


def scale_ends(kind: SurveyKind, locale: str) -> tuple[str, str]:
    """What the lowest and the highest point of the scale mean."""
    if kind is SurveyKind.NPS:
        return translate("Not at all likely", locale), translate("Extremely likely", locale)
    if kind is SurveyKind.CSAT:
        return translate("Very dissatisfied", locale), translate("Very satisfied", locale)
    return translate("Very difficult", locale), translate("Very easy", locale)


def invitation_email(
    *,
    name: str,
    question: str,
    link: str,
    expires: datetime,
    zone: str,
    locale: str,
    reminder: bool,
) -> tuple[str, str]:
    """(subject, body) of the personal invitation, or of its one reminder."""
    until = format_date(expires.astimezone(ZoneInfo(zone)).date(), format="long", locale=locale)
    if reminder:
        subject = translate("Reminder: one question for you", locale)
        opening = translate("We have not heard from you yet; it takes a minute.", locale)
    else:
        subject = translate("One question for you", locale)
        opening = translate("We would like to hear what you think; it takes a minute.", locale)
    body = translate(
        "Dear {name},\n\n{opening}\n\n{question}\n\nAnswer here: {link}\n\n"
        "This link is yours alone and works until {until}.\n",
        locale,
        name=name,
        opening=opening,
        question=question,
        link=link,
        until=until,
    )
    return subject, body
