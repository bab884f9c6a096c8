"""SQLAlchemy 2 tables, one module per aggregate."""

from kasasu.models.accounts import Account, AccountExternalId
from kasasu.models.activities import Activity
from kasasu.models.audit import AuditEntry, AuditPrune
from kasasu.models.base import Base
from kasasu.models.cache import CachedResult
from kasasu.models.community import (
    CommunityDigest,
    CommunityFollow,
    CommunityMember,
    CommunityPost,
    CommunityReaction,
    CommunityReply,
    CommunityReport,
    CommunitySpace,
)
from kasasu.models.connectors import ConnectorEvent, Invoice, SyncRun
from kasasu.models.contacts import Contact
from kasasu.models.digests import DigestDelivery, DigestPreference
from kasasu.models.feedback import Feedback
from kasasu.models.guides import (
    Guide,
    GuideAssignment,
    GuideVersion,
    GuideViewer,
    SdkEnvironment,
    SdkVisitor,
)
from kasasu.models.health import FeatureSnapshot, HealthScore, Scorecard, ScorecardVersion
from kasasu.models.intake import EventSource, SourceUser
from kasasu.models.jobruns import JobRun
from kasasu.models.knowledge import (
    Article,
    ArticleCategory,
    ArticleComment,
    ArticleView,
    ArticleVote,
    HelpSearch,
    RelatedArticle,
)
from kasasu.models.locks import JobLock
from kasasu.models.needs import Need, NeedStatusChange
from kasasu.models.onboarding import (
    MeetingInvitee,
    Milestone,
    Onboarding,
    OnboardingMeeting,
    OnboardingReminder,
    OnboardingTemplate,
    OnboardingTemplateVersion,
    PlanLink,
    SuccessGoal,
)
from kasasu.models.ownership import OwnerAssignment, OwnerRule
from kasasu.models.pipeline import Deal, Lead
from kasasu.models.playbooks import Playbook, PlaybookAction, PlaybookRun
from kasasu.models.portal import Announcement, PortalLink, PortalSession
from kasasu.models.prediction import ChurnModelVersion, ChurnRisk, LifetimeValue, ValueFit
from kasasu.models.search import SearchDocument
from kasasu.models.segments import Segment, SegmentMember
from kasasu.models.subscriptions import ExchangeRate, Renewal, RenewalForecast, Subscription
from kasasu.models.support import Ticket
from kasasu.models.surveys import SurveyCampaign, SurveyInvitation, SurveyResponse
from kasasu.models.tasks import Task
from kasasu.models.users import ApiKey, SavedView, User
from kasasu.models.webinars import Webinar, WebinarMail, WebinarRegistration
from kasasu.models.writeback import CrmHealthSent

__all__ = [
    "Account",
    "AccountExternalId",
    "Activity",
    "Announcement",
    "ApiKey",
    "Article",
    "ArticleCategory",
    "ArticleComment",
    "ArticleView",
    "ArticleVote",
    "AuditEntry",
    "AuditPrune",
    "Base",
    "CachedResult",
    "ChurnModelVersion",
    "ChurnRisk",
    "CommunityDigest",
    "CommunityFollow",
    "CommunityMember",
    "CommunityPost",
    "CommunityReaction",
    "CommunityReply",
    "CommunityReport",
    "CommunitySpace",
    "ConnectorEvent",
    "Contact",
    "CrmHealthSent",
    "Deal",
    "DigestDelivery",
    "DigestPreference",
    "EventSource",
    "ExchangeRate",
    "FeatureSnapshot",
    "Feedback",
    "Guide",
    "GuideAssignment",
    "GuideVersion",
    "GuideViewer",
    "HealthScore",
    "HelpSearch",
    "Invoice",
    "JobLock",
    "JobRun",
    "Lead",
    "LifetimeValue",
    "MeetingInvitee",
    "Milestone",
    "Need",
    "NeedStatusChange",
    "Onboarding",
    "OnboardingMeeting",
    "OnboardingReminder",
    "OnboardingTemplate",
    "OnboardingTemplateVersion",
    "OwnerAssignment",
    "OwnerRule",
    "PlanLink",
    "Playbook",
    "PlaybookAction",
    "PlaybookRun",
    "PortalLink",
    "PortalSession",
    "RelatedArticle",
    "Renewal",
    "RenewalForecast",
    "SavedView",
    "Scorecard",
    "ScorecardVersion",
    "SdkEnvironment",
    "SdkVisitor",
    "SearchDocument",
    "Segment",
    "SegmentMember",
    "SourceUser",
    "Subscription",
    "SuccessGoal",
    "SurveyCampaign",
    "SurveyInvitation",
    "SurveyResponse",
    "SyncRun",
    "Task",
    "Ticket",
    "User",
    "ValueFit",
    "Webinar",
    "WebinarMail",
    "WebinarRegistration",
]
