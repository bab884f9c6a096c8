"""The closed vocabularies of Kasasu, each value with its Japanese and English label and
the other words teams write for it (kasasu.kit.choices.LabelledChoice).

Values are stable English codes (stored in the database and used by the API); labels are
for people. :func:`kasasu.kit.choices.parse_choice` accepts a code, either label or an
alias, so a CSV written by a Japanese team (``ハイタッチ``) and one written by an English team
(``high``) both import.
"""

from __future__ import annotations

from kasasu.kit.choices import LabelledChoice
from kasasu.kit.i18n import _


class Role(LabelledChoice):
    ADMIN = "admin", _("Administrator")
    LEADER = "leader", _("CS leader")
    CSM = "csm", _("CSM")
    VIEWER = "viewer", _("Viewer")


class TouchModel(LabelledChoice):
    HIGH = "high", _("High touch"), ("high-touch", "high_touch")
    LOW = "low", _("Low touch"), ("low-touch", "low_touch")
    TECH = "tech", _("Tech touch"), ("tech-touch", "tech_touch")


class OwnerMethod(LabelledChoice):
    """How an ownership rule picks the CSM among its people."""

    FIXED = "fixed", _("The first with room")
    ROUND_ROBIN = "round_robin", _("Round robin"), ("round-robin",)
    FEWEST = "fewest", _("Fewest accounts"), ("fewest-accounts",)


class StepSide(LabelledChoice):
    """Who does an onboarding step: the CS team (it becomes a task) or the customer."""

    CS = "cs", _("CS team"), ("cs-team", "CSチーム")
    CUSTOMER = "customer", _("Customer"), ("顧客",)


class GoalStatus(LabelledChoice):
    """Where a goal of the customer's success plan stands."""

    PLANNED = "planned", _("Planned"), ("予定",)
    ON_TRACK = "on_track", _("On track"), ("on-track", "順調")
    AT_RISK = "at_risk", _("At risk"), ("at-risk", "遅れ気味")
    ACHIEVED = "achieved", _("Achieved"), ("達成",)
    MISSED = "missed", _("Missed"), ("未達",)


class MeetingKind(LabelledChoice):
    """What a meeting on the onboarding plan is for."""

    KICKOFF = "kickoff", _("Kick-off"), ("kick-off", "kick_off", "キックオフ")
    TRAINING = "training", _("Training"), ("トレーニング", "研修")
    REVIEW = "review", _("Review meeting"), ("定例", "振り返り", "レビュー")


class MeetingStatus(LabelledChoice):
    SCHEDULED = "scheduled", _("Scheduled"), ("予定",)
    HELD = "held", _("Held"), ("実施済み",)
    CANCELLED = "cancelled", _("Called off"), ("canceled", "中止")


class Rsvp(LabelledChoice):
    """An invited contact's reply to a meeting."""

    PENDING = "pending", _("No reply yet"), ("未回答",)
    ACCEPTED = "accepted", _("Will attend"), ("yes", "出席")
    DECLINED = "declined", _("Cannot attend"), ("no", "欠席")


class LifecycleStage(LabelledChoice):
    ONBOARDING = "onboarding", _("Onboarding")
    ADOPTION = "adoption", _("Adoption"), ("活用",)
    EXPANSION = "expansion", _("Expansion")
    RENEWAL = "renewal", _("Renewal")
    AT_RISK = "at_risk", _("At risk"), ("要注意", "リスク")
    CHURNED = "churned", _("Churned"), ("解約済み", "解約済")


class ContactRole(LabelledChoice):
    CHAMPION = "champion", _("Champion")
    DECISION_MAKER = "decision_maker", _("Decision maker"), ("decision-maker",)
    USER = "user", _("User")
    BILLING = "billing", _("Billing")


class Language(LabelledChoice):
    """The language a customer's contact reads: of their portal, mail and surveys."""

    JA = "ja", _("Japanese"), ("ja-jp", "jp", "jpn", "和文")
    EN = "en", _("English"), ("en-us", "en-gb", "eng", "英文")


class BillingInterval(LabelledChoice):
    MONTH = "month", _("Monthly"), ("monthly", "月", "月払い", "月額", "月次", "月契約")
    QUARTER = "quarter", _("Quarterly"), ("quarterly", "四半期払い", "四半期")
    YEAR = (
        "year",
        _("Yearly"),
        ("yearly", "annual", "年", "年払い", "年額", "年次", "年契約", "年間"),
    )

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.value]

    def term(self, term_months: int | None) -> int:
        """A line's contract term in months: as recorded, else one billing interval."""
        return term_months or self.months


class SubscriptionStatus(LabelledChoice):
    TRIAL = "trial", _("Trial")
    ACTIVE = "active", _("Active"), ("契約中", "利用中", "継続")
    CANCELLED = "cancelled", _("Cancelled"), ("解約", "解約済", "解約済み", "canceled")
    ENDED = "ended", _("Ended")


class ActorKind(LabelledChoice):
    """Who made a change in the audit log (kasasu.db.audit.Origin.actor_kind)."""

    USER = "user", _("Signed-in user")
    API_KEY = "api_key", _("API key")
    PLAYBOOK = "playbook", _("Playbook")
    CLI = "cli", _("Command line")
    VISITOR = "visitor", _("Visitor")
    SYSTEM = "system", _("Automatic")


class InvoiceStatus(LabelledChoice):
    OPEN = "open", _("Open"), ("draft", "未入金", "請求中")
    PAID = "paid", _("Paid"), ("入金済", "入金済み", "支払済")
    VOID = "void", _("Void"), ("取消", "無効")
    UNCOLLECTIBLE = "uncollectible", _("Uncollectible"), ("回収不能", "貸倒")


class CancellationReason(LabelledChoice):
    MISSING_FEATURES = "missing_features", _("Missing features")
    PRICE = "price", _("Price"), ("費用", "コスト", "価格不満", "予算")
    SUPPORT_QUALITY = "support_quality", _("Support quality")
    COMPETITOR = (
        "competitor",
        _("Switched to a competitor"),
        ("競合", "競合乗り換え", "他社乗り換え", "他社移行"),
    )
    DOWNSIZING = "downsizing", _("Business downsizing"), ("縮小", "事業撤退")
    CHAMPION_LEFT = "champion_left", _("Champion left"), ("担当者退職",)
    HARD_TO_USE = "hard_to_use", _("Hard to use"), ("使いにくい", "操作が難しい")
    OTHER = "other", _("Other")


class TicketStatus(LabelledChoice):
    # new / hold / solved: Zendesk's; "Waiting on Customer": Freshdesk's.
    OPEN = "open", _("Open"), ("オープン", "新規", "対応中", "new")
    PENDING = "pending", _("Pending"), ("回答待ち", "お客様返答待ち", "hold", "Waiting on Customer")
    RESOLVED = "resolved", _("Resolved"), ("解決", "対応済み", "対応済", "solved")
    CLOSED = "closed", _("Closed")


class TicketChannel(LabelledChoice):
    # Zendesk's "Via" and Freshdesk's "Source" name them too.
    EMAIL = "email", _("Email"), ("e-mail", "mail", "メール")
    PHONE = "phone", _("Phone"), ("phone call", "voice", "電話")
    CHAT = "chat", _("Chat"), ("messaging", "web widget", "チャット")
    WEB = "web", _("Web form"), ("web form", "portal", "フォーム")


class SurveyKind(LabelledChoice):
    NPS = "nps", _("NPS")
    CSAT = "csat", _("CSAT")
    CES = "ces", _("CES")

    @property
    def score_range(self) -> tuple[int, int]:
        return {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[self.value]


# Per survey kind, the scores of an unhappy and of a happy answer, inclusive: NPS detractors
# (0–6) and promoters (9–10), CSAT 1–3 and 4–5. CES has no such sides here.
SURVEY_SIDES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "nps": ((0, 6), (9, 10)),
    "csat": ((1, 3), (4, 5)),
}


class ActivityKind(LabelledChoice):
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting"), ("会議", "ミーティング", "訪問", "商談", "MTG")
    EMAIL = "email", _("Email"), ("e-mail", "mail")
    WEBINAR = "webinar", _("Webinar")
    COMMUNITY_POST = "community_post", _("Community post")
    # An event of kasasu.webinars: attendance is WEBINAR (what engagement counts); these two
    # keep the rest of its story on the timeline without counting as engagement.
    EVENT_REGISTRATION = "event_registration", _("Event registration")
    EVENT_NO_SHOW = "event_no_show", _("Event no-show")


class EventKind(LabelledChoice):
    """What kind of customer event (kasasu.webinars) it is."""

    WEBINAR = "webinar", _("Webinar"), ("ウェビナー",)
    SEMINAR = "seminar", _("Seminar"), ("セミナー",)
    USER_MEETING = "user_meeting", _("User meeting"), ("ユーザー会",)
    TRAINING = "training", _("Training"), ("トレーニング", "研修")


class RegistrationStatus(LabelledChoice):
    """Where a contact stands for an event: invited, registered (a seat), waiting for a
    seat, or cancelled; attendance and no-show are recorded beside it."""

    INVITED = "invited", _("Invited")
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Registration cancelled")


class TaskStatus(LabelledChoice):
    OPEN = "open", _("Open")
    SNOOZED = "snoozed", _("Snoozed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Called off")


class Priority(LabelledChoice):
    """A task's or a ticket's priority."""

    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal"), ("通常", "普通", "medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TaskSource(LabelledChoice):
    MANUAL = "manual", _("Manual")
    PLAYBOOK = "playbook", _("Playbook")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    ONBOARDING = "onboarding", _("Onboarding")  # a CS-side step of an onboarding plan
    NEED = "need", _("Need")  # closing the loop with the accounts that asked for a need


# A request (Feedback) is "done"; a need is "shipped": the stored and API values differ, so the
# two stay apart until a migration and an API version rename one of them.
class NeedStatus(LabelledChoice):
    """Where a need, and each request (Feedback row) behind it, stands: one vocabulary, so
    a request and its need never disagree on what "shipped" is called."""

    NEW = "new", _("New")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SHIPPED = "shipped", _("Shipped"), ("done",)  # requests said "done" before migration 0017
    DECLINED = "declined", _("Declined")


class RequestSource(LabelledChoice):
    """Where a request (Feedback row) was heard."""

    ACTIVITY = "activity", _("Activity")
    TICKET = "ticket", _("Ticket")
    SURVEY_RESPONSE = "survey_response", _("Survey answer")
    COMMUNITY_POST = "community_post", _("Community post")


class RenewalOutcome(LabelledChoice):
    RENEWED = "renewed", _("Renewed")
    EXPANDED = "expanded", _("Renewed, expanded")
    CONTRACTED = "contracted", _("Renewed, contracted")
    CHURNED = "churned", _("Churned")


class ForecastStatus(LabelledChoice):
    """A CSM's call on a renewal to come (更新予測), which overrides the churn model's."""

    COMMIT = "commit", _("Commit")
    LIKELY = "likely", _("Likely")
    AT_RISK = "at_risk", _("At risk")
    WILL_CHURN = "will_churn", _("Will churn")


# The probability of renewal each call stands for before a team has a track record: commit
# and will churn are certain; likely and at risk sit either side of a coin toss (the usual
# reading of a sales forecast's categories). The forecast learns each call's odds from the
# renewals it stood on (kasasu.renewals.forecast); its backtest measures what they are worth.
FORECAST_ODDS = {
    ForecastStatus.COMMIT: 1.0,
    ForecastStatus.LIKELY: 0.8,
    ForecastStatus.AT_RISK: 0.4,
    ForecastStatus.WILL_CHURN: 0.0,
}


class DealStage(LabelledChoice):
    """Where a deal (opportunity, 商談) stands, with the stage names of the CRMs' standard
    pipelines as aliases: HubSpot's stage ids and Salesforce's opportunity stages."""

    QUALIFICATION = (
        "qualification",
        _("Qualification"),
        (
            "appointmentscheduled",
            "qualifiedtobuy",
            "Prospecting",
            "Needs Analysis",
            "ヒアリング",
            "初回商談",
            "案件化",
        ),
    )
    PROPOSAL = (
        "proposal",
        _("Proposal"),
        (
            "presentationscheduled",
            "decisionmakerboughtin",
            "Value Proposition",
            "Id. Decision Makers",
            "Perception Analysis",
            "Proposal/Price Quote",
            "提案",
            "見積",
            "見積提示",
        ),
    )
    NEGOTIATION = (
        "negotiation",
        _("Negotiation"),
        ("contractsent", "Negotiation/Review", "交渉", "契約手続き"),
    )
    WON = "won", _("Won"), ("closedwon", "Closed Won", "受注", "成約")
    LOST = "lost", _("Lost"), ("closedlost", "Closed Lost", "失注")


class DealKind(LabelledChoice):
    """A deal for a new customer, or for more of an existing one (upsell, cross-sell); with
    HubSpot's deal types and Salesforce's opportunity types as aliases."""

    NEW = (
        "new",
        _("New business"),
        ("new_business", "newbusiness", "New Customer", "新規", "新規受注"),
    )
    EXPANSION = (
        "expansion",
        _("Expansion"),
        (
            "existingbusiness",
            "Existing Customer - Upgrade",
            "upsell",
            "cross-sell",
            "アップセル",
            "クロスセル",
            "追加",
        ),
    )


class GuideKind(LabelledChoice):
    """What an in-app guide looks like in the product's pages."""

    TOOLTIP = "tooltip", _("Tooltip"), ("hotspot", "ツールチップ")
    WALKTHROUGH = "walkthrough", _("Walkthrough"), ("ウォークスルー",)
    MODAL = "modal", _("Modal announcement"), ("モーダル",)
    BANNER = "banner", _("Banner announcement"), ("バナー",)
    CHECKLIST = "checklist", _("Onboarding checklist"), ("チェックリスト",)
    SURVEY = "survey", _("Micro-survey"), ("アンケート",)


class JobResult(LabelledChoice):
    """What came of one run of a scheduled job (the job history, kasasu.jobruns)."""

    OK = "ok", _("Done")
    FAILED = "failed", _("Failed")
    # Another process (a second worker, a server's scheduler, cron) held the job's lock or
    # had already done the work: this one did nothing.
    SKIPPED = "skipped", _("Skipped: another process ran it")
