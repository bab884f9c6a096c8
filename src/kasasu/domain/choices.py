"""The closed vocabularies of Kasasu, each value with its Japanese and English label.

Values are stable English codes (stored in the database and used by the API); labels are
for people. :func:`parse_choice` accepts a code or either label, so a CSV written by a
Japanese team (``ハイタッチ``) and one written by an English team (``high``) both import.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from functools import cache
from typing import TypeVar

from kasasu.kit.i18n import LOCALES, Message, _


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    CSM = "csm"
    VIEWER = "viewer"


class TouchModel(StrEnum):
    HIGH = "high"
    LOW = "low"
    TECH = "tech"


class LifecycleStage(StrEnum):
    ONBOARDING = "onboarding"
    ADOPTION = "adoption"
    EXPANSION = "expansion"
    RENEWAL = "renewal"
    AT_RISK = "at_risk"
    CHURNED = "churned"


class ContactRole(StrEnum):
    CHAMPION = "champion"
    DECISION_MAKER = "decision_maker"
    USER = "user"
    BILLING = "billing"


class BillingInterval(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.value]

    def term(self, term_months: int | None) -> int:
        """A line's contract term in months: as recorded, else one billing interval."""
        return term_months or self.months


class SubscriptionStatus(StrEnum):
    TRIAL = "trial"
    ACTIVE = "active"
    CANCELLED = "cancelled"
    ENDED = "ended"


class CancellationReason(StrEnum):
    MISSING_FEATURES = "missing_features"
    PRICE = "price"
    SUPPORT_QUALITY = "support_quality"
    COMPETITOR = "competitor"
    DOWNSIZING = "downsizing"
    CHAMPION_LEFT = "champion_left"
    HARD_TO_USE = "hard_to_use"
    OTHER = "other"


class TicketPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketChannel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CHAT = "chat"
    WEB = "web"


class SurveyKind(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"

    @property
    def score_range(self) -> tuple[int, int]:
        return {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[self.value]


class ActivityKind(StrEnum):
    NOTE = "note"
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    WEBINAR = "webinar"
    COMMUNITY_POST = "community_post"


class TaskStatus(StrEnum):
    OPEN = "open"
    SNOOZED = "snoozed"
    DONE = "done"
    CANCELLED = "cancelled"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TaskSource(StrEnum):
    MANUAL = "manual"
    PLAYBOOK = "playbook"
    IMPORT = "import"
    API = "api"
    NEED = "need"  # closing the loop with the accounts that asked for a need


# A request (Feedback) is "done"; a need is "shipped": the stored and API values differ, so the
# two stay apart until a migration and an API version rename one of them.
class FeedbackStatus(StrEnum):
    NEW = "new"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DECLINED = "declined"


class NeedStatus(StrEnum):
    NEW = "new"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SHIPPED = "shipped"
    DECLINED = "declined"


class RequestSource(StrEnum):
    """Where a request (Feedback row) was heard."""

    ACTIVITY = "activity"
    TICKET = "ticket"
    SURVEY_RESPONSE = "survey_response"


class RenewalOutcome(StrEnum):
    RENEWED = "renewed"
    EXPANDED = "expanded"
    CONTRACTED = "contracted"
    CHURNED = "churned"


_LABEL_LIST: list[tuple[StrEnum, Message]] = [
    (RenewalOutcome.RENEWED, _("Renewed")),
    (RenewalOutcome.EXPANDED, _("Renewed, expanded")),
    (RenewalOutcome.CONTRACTED, _("Renewed, contracted")),
    (RenewalOutcome.CHURNED, _("Churned")),
    (Role.ADMIN, _("Administrator")),
    (Role.LEADER, _("CS leader")),
    (Role.CSM, _("CSM")),
    (Role.VIEWER, _("Viewer")),
    (TouchModel.HIGH, _("High touch")),
    (TouchModel.LOW, _("Low touch")),
    (TouchModel.TECH, _("Tech touch")),
    (LifecycleStage.ONBOARDING, _("Onboarding")),
    (LifecycleStage.ADOPTION, _("Adoption")),
    (LifecycleStage.EXPANSION, _("Expansion")),
    (LifecycleStage.RENEWAL, _("Renewal")),
    (LifecycleStage.AT_RISK, _("At risk")),
    (LifecycleStage.CHURNED, _("Churned")),
    (ContactRole.CHAMPION, _("Champion")),
    (ContactRole.DECISION_MAKER, _("Decision maker")),
    (ContactRole.USER, _("User")),
    (ContactRole.BILLING, _("Billing")),
    (BillingInterval.MONTH, _("Monthly")),
    (BillingInterval.QUARTER, _("Quarterly")),
    (BillingInterval.YEAR, _("Yearly")),
    (SubscriptionStatus.TRIAL, _("Trial")),
    (SubscriptionStatus.ACTIVE, _("Active")),
    (SubscriptionStatus.CANCELLED, _("Cancelled")),
    (SubscriptionStatus.ENDED, _("Ended")),
    (CancellationReason.MISSING_FEATURES, _("Missing features")),
    (CancellationReason.PRICE, _("Price")),
    (CancellationReason.SUPPORT_QUALITY, _("Support quality")),
    (CancellationReason.COMPETITOR, _("Switched to a competitor")),
    (CancellationReason.DOWNSIZING, _("Business downsizing")),
    (CancellationReason.CHAMPION_LEFT, _("Champion left")),
    (CancellationReason.HARD_TO_USE, _("Hard to use")),
    (CancellationReason.OTHER, _("Other")),
    (TicketPriority.LOW, _("Low")),
    (TicketPriority.NORMAL, _("Normal")),
    (TicketPriority.HIGH, _("High")),
    (TicketPriority.URGENT, _("Urgent")),
    (TicketStatus.OPEN, _("Open")),
    (TicketStatus.PENDING, _("Pending")),
    (TicketStatus.RESOLVED, _("Resolved")),
    (TicketStatus.CLOSED, _("Closed")),
    (TicketChannel.EMAIL, _("Email")),
    (TicketChannel.PHONE, _("Phone")),
    (TicketChannel.CHAT, _("Chat")),
    (TicketChannel.WEB, _("Web form")),
    (SurveyKind.NPS, _("NPS")),
    (SurveyKind.CSAT, _("CSAT")),
    (SurveyKind.CES, _("CES")),
    (ActivityKind.NOTE, _("Note")),
    (ActivityKind.CALL, _("Call")),
    (ActivityKind.MEETING, _("Meeting")),
    (ActivityKind.EMAIL, _("Email")),
    (ActivityKind.WEBINAR, _("Webinar")),
    (ActivityKind.COMMUNITY_POST, _("Community post")),
    (TaskStatus.OPEN, _("Open")),
    (TaskStatus.SNOOZED, _("Snoozed")),
    (TaskStatus.DONE, _("Done")),
    (TaskStatus.CANCELLED, _("Called off")),
    (Priority.LOW, _("Low")),
    (Priority.NORMAL, _("Normal")),
    (Priority.HIGH, _("High")),
    (Priority.URGENT, _("Urgent")),
    (TaskSource.MANUAL, _("Manual")),
    (TaskSource.PLAYBOOK, _("Playbook")),
    (TaskSource.IMPORT, _("Import")),
    (TaskSource.API, _("API")),
    (TaskSource.NEED, _("Need")),
    (NeedStatus.NEW, _("New")),
    (NeedStatus.PLANNED, _("Planned")),
    (NeedStatus.IN_PROGRESS, _("In progress")),
    (NeedStatus.SHIPPED, _("Shipped")),
    (NeedStatus.DECLINED, _("Declined")),
    (RequestSource.ACTIVITY, _("Activity")),
    (RequestSource.TICKET, _("Ticket")),
    (RequestSource.SURVEY_RESPONSE, _("Survey answer")),
    (FeedbackStatus.NEW, _("New")),
    (FeedbackStatus.PLANNED, _("Planned")),
    (FeedbackStatus.IN_PROGRESS, _("In progress")),
    (FeedbackStatus.DONE, _("Done")),
    (FeedbackStatus.DECLINED, _("Declined")),
]

# Words CS teams write in spreadsheets that are not the catalogue's label.
_ALIAS_LIST: list[tuple[StrEnum, tuple[str, ...]]] = [
    (TouchModel.HIGH, ("high-touch", "high_touch")),
    (TouchModel.LOW, ("low-touch", "low_touch")),
    (TouchModel.TECH, ("tech-touch", "tech_touch")),
    (BillingInterval.MONTH, ("monthly", "月", "月払い", "月額", "月次", "月契約")),
    (BillingInterval.QUARTER, ("quarterly", "四半期払い", "四半期")),
    (BillingInterval.YEAR, ("yearly", "annual", "年", "年払い", "年額", "年次", "年契約", "年間")),
    (CancellationReason.COMPETITOR, ("競合", "競合乗り換え", "他社乗り換え", "他社移行")),
    (CancellationReason.CHAMPION_LEFT, ("担当者退職",)),
    (CancellationReason.PRICE, ("費用", "コスト", "価格不満", "予算")),
    (CancellationReason.HARD_TO_USE, ("使いにくい", "操作が難しい")),
    (CancellationReason.DOWNSIZING, ("縮小", "事業撤退")),
    (SubscriptionStatus.ACTIVE, ("契約中", "利用中", "継続")),
    (SubscriptionStatus.CANCELLED, ("解約", "解約済", "解約済み", "canceled")),
    (TicketPriority.NORMAL, ("通常", "普通", "medium")),
    (TicketStatus.OPEN, ("オープン", "新規", "対応中")),
    (TicketStatus.PENDING, ("回答待ち", "お客様返答待ち")),
    (TicketStatus.RESOLVED, ("解決", "対応済み", "対応済")),
    (ActivityKind.MEETING, ("会議", "ミーティング", "訪問", "商談", "MTG")),
    (LifecycleStage.ADOPTION, ("活用",)),
    (LifecycleStage.AT_RISK, ("要注意", "リスク")),
    (LifecycleStage.CHURNED, ("解約済み", "解約済")),
    (TicketChannel.EMAIL, ("e-mail", "mail")),
    (ActivityKind.EMAIL, ("e-mail", "mail")),
    (ContactRole.DECISION_MAKER, ("decision-maker",)),
]

# Keyed by (class, value): StrEnum members of different classes compare equal as strings.
_LABELS = {(type(m), m.value): text for m, text in _LABEL_LIST}
_ALIASES = {(type(m), m.value): names for m, names in _ALIAS_LIST}

E = TypeVar("E", bound=StrEnum)


def label(value: StrEnum) -> Message:
    return _LABELS[type(value), value.value]


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


@cache
def _lookup(enum_cls: type[StrEnum]) -> dict[str, StrEnum]:
    table: dict[str, StrEnum] = {}
    for member in enum_cls:
        names = [member.value, member.name, *_ALIASES.get((enum_cls, member.value), ())]
        names += [label(member).render(locale) for locale in LOCALES]
        for name in names:
            table.setdefault(_key(name), member)
    return table


def parse_choice(enum_cls: type[E], text: str) -> E | None:
    """Return the member whose code, label (ja or en) or alias is ``text``, else None."""
    found = _lookup(enum_cls).get(_key(text))
    return found if isinstance(found, enum_cls) else None
