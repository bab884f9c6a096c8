"""The settings, translated into the configuration each part takes (mail, surveys,
playbooks, the refresh, the API and the pages): the one place that reads ``Settings`` for them.

Each translator imports what it builds when called, so that importing this module (as every
CLI command does) stays cheap and never loads the web application.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from kasasu.kit.mail import MailConfig
from kasasu.kit.net import parse_allowed
from kasasu.kit.ratelimit import SlidingWindow
from kasasu.settings import Settings

if TYPE_CHECKING:
    from kasasu.api.context import ApiContext
    from kasasu.community.config import CommunityConfig
    from kasasu.connectors.schemas import Feed, StripeConfig
    from kasasu.health.features import RefreshConfig
    from kasasu.imports.schemas import ImportOptions
    from kasasu.jobs.backup import Installation
    from kasasu.jobs.digests import DigestConfig
    from kasasu.jobs.export import ExportSetup
    from kasasu.jobs.playbooks import PlaybookSetup
    from kasasu.jobs.schedule import ScheduleSetup
    from kasasu.jobs.writeback import WritebackConfig
    from kasasu.onboarding.config import ReminderConfig
    from kasasu.playbooks.chat import ChatConfig
    from kasasu.playbooks.planning import PlaybookConfig
    from kasasu.portal.config import PortalConfig
    from kasasu.surveys.config import SurveyConfig
    from kasasu.surveys.guard import SurveyGuard
    from kasasu.users.signin import SignInGuard
    from kasasu.web.context import SsoConfig
    from kasasu.webinars.mails import EventMailConfig


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


def event_mail_config(settings: Settings) -> EventMailConfig:
    """Event invitations and reminders (kasasu.webinars): their links and mail."""
    from kasasu.webinars.mails import EventMailConfig

    return EventMailConfig(
        secret=settings.secret_key.get_secret_value(),
        base_url=settings.playbooks.base_url,
        locale=settings.locale,
        zone=settings.timezone,
        mail=mail_config(settings),
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
    if crm.webhook_secret is not None:
        own = crm.webhook_secret
        problem = settings.secret_problem("KASASU_CRM__WEBHOOK_SECRET", own)
        delivery = replace(delivery, webhook_secret=None if problem else own.get_secret_value())
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


def portal_config(settings: Settings) -> PortalConfig:
    """The customer portal: its branding, sign-in links (mailed as playbook emails are)
    and their throttles."""
    from kasasu.portal.config import Branding, PortalConfig, PortalGuard, PortalLimits

    portal = settings.portal
    limits = PortalLimits(
        portal.links_per_email,
        portal.links_per_address,
        portal.links_window_seconds,
        searches_per_address=settings.limits.help_searches_per_address,
        searches_window_seconds=settings.limits.help_searches_window_seconds,
    )
    return PortalConfig(
        base_url=settings.playbooks.base_url,
        mail=mail_config(settings),
        branding=Branding(name=portal.name, logo_url=portal.logo_url, color=portal.color),
        link_minutes=portal.link_minutes,
        session_hours=portal.session_hours,
        secure_cookie=not settings.dev_mode,
        guard=PortalGuard(limits),
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
        portal=portal_config(settings),
        community=community_config(settings),
    )


def community_config(settings: Settings) -> CommunityConfig:
    """The community's flood and link limits per contact (KASASU_COMMUNITY__*)."""
    from kasasu.community.config import CommunityConfig, CommunityGuard, CommunityLimits

    wanted = settings.community
    limits = CommunityLimits(wanted.posts_per_minute, wanted.posts_per_hour, wanted.links_per_post)
    return CommunityConfig(CommunityGuard(limits))


def stripe_config(settings: Settings) -> StripeConfig | None:
    """The Stripe webhook's secret and tolerance, or None when no secret is set."""
    from kasasu.connectors.schemas import StripeConfig

    c = settings.connectors
    if c.stripe_webhook_secret is None:
        return None
    return StripeConfig(
        secret=c.stripe_webhook_secret.get_secret_value(), tolerance=c.stripe_tolerance
    )


def import_options(settings: Settings, *, dry_run: bool = False) -> ImportOptions:
    """How the connectors read a system's export: the zone and currency of its cells, and
    the installation's own import profiles."""
    from kasasu.imports.schemas import ImportOptions

    return ImportOptions(
        zone=settings.timezone,
        currency=settings.currency,
        dry_run=dry_run,
        profiles_file=settings.connectors.profiles_file,
    )


def feeds(settings: Settings) -> list[Feed]:
    """The exports fetched from URLs (KASASU_CONNECTORS__FEEDS), with their secrets read."""
    from kasasu.connectors.schemas import Feed

    c = settings.connectors
    allowed = parse_allowed(c.feed_hosts.split(","))
    return [
        Feed(profile=name, url=f.url, allowed=allowed,
             headers={k: v.get_secret_value() for k, v in f.headers.items()})
        for name, f in c.feeds.items()
    ]  # fmt: skip


def installation(settings: Settings) -> Installation:
    """Where this Kasasu keeps its data, and the settings its figures depend on (a backup
    records them; a restore says which differ)."""
    from kasasu.jobs.backup import Installation

    figures = {
        "timezone": settings.timezone,
        "currency": settings.currency,
        "fiscal_year_start": str(settings.fiscal_year_start),
        "gross_margin": str(settings.gross_margin),
        "purchase_events": settings.purchase_events,
        "touch.high_mrr": str(settings.touch.high_mrr),
        "touch.low_mrr": str(settings.touch.low_mrr),
    }
    return Installation(settings.database_url, settings.events_path, figures)


def schedule_setup(settings: Settings) -> ScheduleSetup:
    """What ``kasasu worker`` and the scheduler inside ``kasasu serve`` run, and when."""
    from kasasu.jobs.schedule import ScheduleSetup

    c = settings.connectors
    return ScheduleSetup(
        database_url=settings.database_url,
        refresh=refresh_config(settings),
        at=settings.refresh.at,
        retries=settings.refresh.retry_seconds(),
        history_days=settings.refresh.history_days,
        warm=settings.reporting(),
        surveys=survey_config(settings),
        reminders=reminder_config(settings),
        event_mails=event_mail_config(settings),
        reminders_every=settings.onboarding.reminders_every_minutes * 60.0,
        import_options=import_options(settings),
        playbooks=playbook_setup(settings) if settings.playbooks.enabled else None,
        digests=digest_config(settings) if settings.digest.enabled else None,
        crm=writeback_config(settings),
        export=export_setup(settings),
        drop_dir=c.drop_dir,
        drop_every=c.drop_every_minutes * 60.0,
        feeds=feeds(settings),
        feed_every=c.feed_every_minutes * 60.0,
        pages_every=settings.refresh.pages_every_minutes * 60.0,
    )
