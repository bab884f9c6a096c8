"""The settings, translated into the configuration each part takes (mail, surveys,
playbooks, the refresh, the API and the pages): the one place that reads ``Settings`` for them.

Each translator imports what it builds when called, so that importing this module (as every
CLI command does) stays cheap and never loads the web application.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from kasasu.kit.mail import MailConfig
from kasasu.kit.ratelimit import SlidingWindow
from kasasu.settings import Settings

if TYPE_CHECKING:
    from kasasu.api.context import ApiContext
    from kasasu.connectors.schemas import StripeConfig
    from kasasu.health.features import RefreshConfig
    from kasasu.jobs.digests import DigestConfig
    from kasasu.jobs.export import ExportSetup
    from kasasu.jobs.playbooks import PlaybookSetup
    from kasasu.jobs.writeback import WritebackConfig
    from kasasu.onboarding.config import ReminderConfig
    from kasasu.playbooks.chat import ChatConfig
    from kasasu.playbooks.planning import PlaybookConfig
    from kasasu.surveys.config import SurveyConfig
    from kasasu.surveys.guard import SurveyGuard
    from kasasu.users.signin import SignInGuard
    from kasasu.web.context import SsoConfig


def mail_config(settings: Settings) -> MailConfig:
    """The mail settings as kasasu.kit.mail takes them (playbooks, survey invitations)."""
    mail = settings.mail
    return MailConfig(
        backend=mail.backend,
        host=mail.host,
        port=mail.port,
        sender=mail.sender,
        outbox=settings.data_dir / "outbox",
        username=mail.username,
        password=mail.password.get_secret_value() if mail.password else None,
        starttls=mail.starttls,
        timeout=mail.timeout,
    )


def survey_config(settings: Settings) -> SurveyConfig:
    from kasasu.surveys.config import SurveyConfig

    surveys = settings.surveys
    origins = tuple(o.strip().rstrip("/") for o in surveys.widget_origins.split(",") if o.strip())
    return SurveyConfig(
        secret=settings.secret_key.get_secret_value(),
        base_url=settings.playbooks.base_url,
        locale=settings.locale,
        zone=settings.timezone,
        mail=mail_config(settings),
        throttle_days=surveys.throttle_days,
        expires_days=surveys.expires_days,
        remind_after_days=surveys.remind_after_days,
        widget_origins=origins,
        widget_secret=surveys.widget_secret.get_secret_value(),
    )


def reminder_config(settings: Settings) -> ReminderConfig:
    """The customer's onboarding reminders: their links, mail and timing."""
    from kasasu.onboarding.config import ReminderConfig

    onboarding = settings.onboarding
    return ReminderConfig(
        secret=settings.secret_key.get_secret_value(),
        base_url=settings.playbooks.base_url,
        locale=settings.locale,
        zone=settings.timezone,
        mail=mail_config(settings),
        meeting_reminder_hours=onboarding.meeting_reminder_hours,
        step_due_days=onboarding.step_due_days,
    )


def playbook_config(settings: Settings) -> PlaybookConfig:
    from kasasu.playbooks.planning import PlaybookConfig

    pb = settings.playbooks
    return PlaybookConfig(
        zone=settings.timezone,
        currency=settings.currency,
        locale=settings.locale,
        base_url=pb.base_url,
        slack_url=pb.slack_url,
        webhook_hosts=pb.allowed_webhook_hosts(),
        chat=chat_config(settings),
    )


def chat_config(settings: Settings) -> ChatConfig:
    """Where Slack, Teams and Chatwork messages go (notify actions, digests)."""
    from kasasu.playbooks.chat import ChatConfig

    pb = settings.playbooks
    return ChatConfig(
        slack_url=pb.slack_url,
        teams_url=pb.teams_url,
        chatwork_token=pb.chatwork_token.get_secret_value() if pb.chatwork_token else None,
        chatwork_room=pb.chatwork_room,
        chatwork_api=pb.chatwork_api,
    )


def playbook_setup(settings: Settings) -> PlaybookSetup:
    from kasasu.jobs.playbooks import PlaybookSetup
    from kasasu.playbooks.delivery import Delivery

    pb = settings.playbooks
    return PlaybookSetup(
        config=playbook_config(settings),
        delivery=Delivery(
            mail=mail_config(settings),
            webhook_secret=None
            if settings.webhook_secret_problem()
            else pb.webhook_secret.get_secret_value(),
            webhook_hosts=pb.allowed_webhook_hosts(),
            webhook_timeout=pb.webhook_timeout,
            retries=pb.retries,
            backoff=pb.backoff,
            chat=chat_config(settings),
        ),
        reclaim_after=timedelta(minutes=pb.reclaim_after_minutes),
        max_attempts=pb.attempts,
    )


def digest_config(settings: Settings) -> DigestConfig:
    """The daily digest to each CSM: sent as playbook emails and chat messages are."""
    from kasasu.jobs.digests import DigestConfig

    return DigestConfig(
        reporting=settings.reporting(),
        renewal_days=settings.digest.renewal_days,
        base_url=settings.playbooks.base_url,
        delivery=playbook_setup(settings).delivery,
    )


def writeback_config(settings: Settings) -> WritebackConfig | None:
    """Health to the CRM's webhook, signed as playbook webhooks are; None until
    KASASU_CRM__WEBHOOK_URL is set."""
    from kasasu.jobs.writeback import WritebackConfig

    crm = settings.crm
    if crm.webhook_url is None:
        return None
    delivery = playbook_setup(settings).delivery
    return WritebackConfig(url=crm.webhook_url, batch_size=crm.batch_size, delivery=delivery)


def refresh_config(settings: Settings) -> RefreshConfig:
    from kasasu.health.features import RefreshConfig, TouchRule

    return RefreshConfig(
        zone=settings.timezone,
        currency=settings.currency,
        source=settings.analytics(),
        touch=TouchRule(high_from=settings.touch.high_mrr, low_from=settings.touch.low_mrr),
        gross_margin=settings.gross_margin,
        purchase_events=settings.purchase_names(),
    )


def export_setup(settings: Settings) -> ExportSetup | None:
    """The scheduled warehouse export, or None when KASASU_EXPORT__PARQUET_DIR is not set."""
    from kasasu.jobs.export import ExportSetup

    directory = settings.export.parquet_dir
    return ExportSetup(directory, settings.events_path) if directory is not None else None


def sign_in_guard(settings: Settings) -> SignInGuard:
    from kasasu.users.signin import SignInGuard, SignInLimits

    limits = settings.limits
    return SignInGuard(
        SignInLimits(
            per_account=limits.sign_in_per_account,
            per_address=limits.sign_in_per_address,
            window_seconds=limits.sign_in_window_seconds,
            password_checks=limits.password_checks,
        )
    )


def survey_guard(settings: Settings) -> SurveyGuard:
    from kasasu.surveys.guard import SurveyGuard, SurveyLimits

    limits = settings.limits
    return SurveyGuard(
        SurveyLimits(
            widget_per_address=limits.widget_per_address,
            widget_window_seconds=limits.widget_window_seconds,
            page_per_address=limits.survey_page_per_address,
            page_window_seconds=limits.survey_page_window_seconds,
            links_per_email=limits.survey_links_per_email,
        )
    )


def sso_config(settings: Settings) -> SsoConfig | None:
    """Single sign-on as the pages take it; None until KASASU_OIDC__ISSUER is set."""
    from kasasu.users.schemas import SsoPolicy
    from kasasu.web.context import SsoConfig

    oidc = settings.oidc
    if oidc.issuer is None:
        return None
    return SsoConfig(
        policy=SsoPolicy(
            issuer=oidc.issuer,
            provider=oidc.provider_name,
            roles_claim=oidc.roles_claim,
            role_map=dict(oidc.role_map),
            default_role=oidc.default_role,
            provision=oidc.provision,
            email_domains=oidc.domains(),
            require_verified_email=oidc.require_verified_email,
        ),
        client_id=oidc.client_id,
        client_secret=oidc.client_secret.get_secret_value(),
        scopes=oidc.scopes,
        redirect_url=oidc.redirect_url,
    )


def api_context(settings: Settings) -> ApiContext:
    from kasasu.api.context import ApiContext  # loads the whole API
    from kasasu.db import create_db_engine, session_factory

    engine = create_db_engine(settings.database_url)
    limits = settings.limits
    return ApiContext(
        sessions=session_factory(engine),
        events_path=settings.events_path,
        reporting=settings.reporting(),
        surveys=survey_config(settings),
        survey_guard=survey_guard(settings),
        playbooks=playbook_config(settings),
        sdk_limit=SlidingWindow(limits.sdk_per_address, limits.sdk_window_seconds),
        stripe=stripe_config(settings),
    )


def stripe_config(settings: Settings) -> StripeConfig | None:
    """The Stripe webhook's secret and tolerance, or None when no secret is set."""
    from kasasu.connectors.schemas import StripeConfig

    c = settings.connectors
    if c.stripe_webhook_secret is None:
        return None
    return StripeConfig(
        secret=c.stripe_webhook_secret.get_secret_value(), tolerance=c.stripe_tolerance
    )
