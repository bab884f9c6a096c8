"""The sections of Kasasu's configuration (``KASASU_<SECTION>__*``), each a typed model that
:class:`kasasu.settings.Settings` holds."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from kasasu.domain.choices import Role
from kasasu.kit.net import parse_allowed

DEV_SECRET = "dev-insecure-secret"  # noqa: S105 - the default that dev mode accepts and production refuses


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Strict-Transport-Security max-age outside dev mode (one year); 0 sends none.
    hsts_max_age: int = Field(default=31_536_000, ge=0)
    # A read (GET/HEAD) still working after this many seconds is stopped and answered 503
    # with Retry-After; so is one whose client disconnected.
    request_budget_seconds: float = Field(default=30.0, gt=0, le=3600)
    # On SIGTERM, requests in flight get this long to finish; then they are stopped.
    graceful_shutdown_seconds: int = Field(default=10, ge=0, le=3600)
    # Server processes (``kasasu serve --workers``); each has its own throttles' counts.
    workers: int = Field(default=1, ge=1, le=64)
    # Requests of one server process whose sync work (the database's) runs at once, each in
    # a worker thread; the others wait for a free one. 40 is anyio's default. One thread
    # runs Python at a time, so for small API reads fewer threads take fewer turns at the
    # interpreter's lock: 32 clients of one process got about 1.5x the reads a second with
    # 4 threads and 1.8x with 2 on SQLite, less on PostgreSQL (docs/benchmarks.md). But
    # event batches wait in a thread while the store writes the group they joined: with 4
    # threads, 10-event batches from 32 senders halved. Lower it for a server that mostly
    # answers reads.
    threads: int = Field(default=40, ge=1, le=256)
    # GET /metrics: when set, a scrape must send ``Authorization: Bearer <token>``; unset,
    # only this machine's own clients (loopback, not through a proxy) are answered.
    metrics_token: SecretStr | None = None


class RefreshSettings(BaseModel):
    """The daily refresh that ``kasasu worker`` and ``kasasu serve`` run (``KASASU_REFRESH__*``)."""

    # Run the schedule (the refresh and the periodic jobs) inside ``kasasu serve``; false
    # when ``kasasu worker`` runs it.
    scheduled: bool = True
    at: time = time(3, 0)  # local time in ``timezone``; the day refreshed is that day
    # A failed refresh is tried again after each of these minutes (comma-separated; empty:
    # not again).
    retry_minutes: str = "1,5,15"
    history_days: int = Field(default=30, ge=1, le=3650)  # the job history kept
    # How often the schedule checks that the pages computing over every account are stored
    # for the data as it is (the first check a few seconds after the start); 0: only after
    # the daily refresh.
    pages_every_minutes: int = Field(default=30, ge=0, le=24 * 60)

    @field_validator("retry_minutes")
    @classmethod
    def _minutes(cls, value: str) -> str:
        try:
            waits = [float(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise ValueError("minutes, comma-separated (e.g. 1,5,15)") from None
        if any(not 0 <= wait <= 24 * 60 for wait in waits) or len(waits) > 10:
            raise ValueError("at most 10 waits, each of 0 to 1440 minutes")
        return value

    def retry_seconds(self) -> tuple[float, ...]:
        return tuple(float(part) * 60 for part in self.retry_minutes.split(",") if part.strip())


class ExportSettings(BaseModel):
    """The warehouse export (``KASASU_EXPORT__*``, docs/warehouse.md)."""

    # When set, ``kasasu serve`` writes every table and the usage events there as Parquet
    # after each daily refresh, as ``kasasu export parquet DIR`` does.
    parquet_dir: Path | None = None


class TouchSettings(BaseModel):
    """MRR from which an account without a touch model of its own is high- or low-touch,
    in minor units of the reporting currency (``KASASU_TOUCH__*``)."""

    high_mrr: int = Field(default=300_000, ge=0)
    low_mrr: int = Field(default=50_000, ge=0)


class MailSettings(BaseModel):
    """Where playbook emails go (``KASASU_MAIL__*``). A new install writes them as .eml files
    under the data directory's ``outbox`` until ``backend`` is set to ``smtp``, so a demo or
    a test import can never write to real customers."""

    backend: Literal["file", "smtp"] = "file"
    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    sender: str = "kasasu@localhost"  # the From: address
    timeout: float = Field(default=10.0, gt=0)


class PlaybookSettings(BaseModel):
    """How playbooks act (``KASASU_PLAYBOOKS__*``)."""

    enabled: bool = True  # evaluate playbooks as the last step of the daily refresh
    base_url: str = "http://127.0.0.1:8000"  # where links in emails and webhooks point
    slack_url: str | None = None  # the incoming webhook that "url: slack" actions post to
    # A Microsoft Teams "Workflows" webhook (Send webhook alerts to a channel) for notify
    # actions with channel teams.
    teams_url: str | None = None
    # Chatwork (channel chatwork): the API token of the account that posts, its room, and
    # the API's base URL.
    chatwork_token: SecretStr | None = None
    chatwork_room: str | None = Field(default=None, pattern=r"^\d+$")
    chatwork_api: str = "https://api.chatwork.com/v2"
    # Signs every webhook body (HMAC-SHA256); receivers check X-Kasasu-Signature with it.
    webhook_secret: SecretStr = SecretStr(DEV_SECRET)
    webhook_timeout: float = Field(default=10.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)  # more tries after a failed send
    backoff: float = Field(default=1.0, ge=0)  # seconds before the first retry, doubling
    attempts: int = Field(default=3, ge=1, le=20)  # runs that try a failed action
    # An email or webhook started this long ago by a run that never finished is tried again.
    reclaim_after_minutes: int = Field(default=30, ge=0)
    # Webhooks never go to loopback, private, link-local, multicast, reserved or cloud
    # metadata addresses, except to the hosts, addresses and networks listed here
    # (comma-separated, e.g. "hooks.internal,10.20.0.0/16").
    webhook_hosts: str = ""

    @field_validator("webhook_hosts")
    @classmethod
    def _hosts_or_networks(cls, value: str) -> str:
        parse_allowed(value.split(","))  # a bad network is refused at start
        return value

    def allowed_webhook_hosts(self) -> frozenset[str]:
        return parse_allowed(self.webhook_hosts.split(","))


class DigestSettings(BaseModel):
    """The daily digest to each CSM after the refresh of today (``KASASU_DIGEST__*``): their
    red accounts, renewals ahead and tasks due, by email or to the chat each one chooses
    (Settings, or ``kasasu digests set``)."""

    enabled: bool = True
    renewal_days: int = Field(default=30, ge=1, le=365)  # renewals within this many days


class CrmSettings(BaseModel):
    """Health written back to the CRM (``KASASU_CRM__*``, docs/crm-write-back.md): after the
    refresh of today, the accounts whose band, score, churn risk or CSM changed since the
    last delivery are POSTed to ``webhook_url``, signed as playbook webhooks are."""

    webhook_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    batch_size: int = Field(default=500, ge=1, le=10_000)  # accounts per POST
    # Signs the CRM's requests; unset, the playbooks' webhook secret does. Its own secret
    # lets the CRM's receiver hold a key that cannot sign a playbook's webhook.
    webhook_secret: SecretStr | None = None


class FeedSettings(BaseModel):
    """One export fetched from a URL: where, and the headers its server asks for."""

    url: str = Field(pattern=r"^https?://\S+$")
    headers: dict[str, SecretStr] = {}

    @model_validator(mode="before")
    @classmethod
    def _just_a_url(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value


class ConnectorSettings(BaseModel):
    """Billing, CRM and helpdesk connectors (``KASASU_CONNECTORS__*``)."""

    # The signing secret of the Stripe webhook endpoint (whsec_…); unset, /webhooks/stripe
    # refuses every delivery.
    stripe_webhook_secret: SecretStr | None = None
    # Seconds a signed Stripe delivery stays valid; an older one is refused as a replay.
    stripe_tolerance: int = Field(default=300, ge=1, le=86_400)
    # Files dropped in <drop_dir>/<profile>/ (e.g. hubspot-companies/) are imported by the
    # scheduler with that profile, then moved to <drop_dir>/<profile>/done/.
    drop_dir: Path | None = None
    drop_every_minutes: int = Field(default=5, ge=1, le=24 * 60)  # how often it is looked at
    # Exports fetched over HTTP(S) with a profile, by profile name (JSON), e.g.
    # {"hubspot-companies": "https://…/companies.csv"} or {"salesforce-accounts": {"url":
    # "https://…", "headers": {"Authorization": "Bearer …"}}}. An export whose content did not
    # change since its last import is not imported again.
    feeds: dict[str, FeedSettings] = {}
    # The installation's own import profiles (YAML, as src/kasasu/imports/profiles.yaml), for
    # exports Kasasu has no preset for; docs/connectors.md.
    profiles_file: Path | None = None
    feed_every_minutes: int = Field(default=60, ge=1, le=24 * 60)
    # Feeds never reach loopback, private, link-local or cloud metadata addresses, except the
    # hosts, addresses and networks listed here (comma-separated), as webhooks.
    feed_hosts: str = ""

    @field_validator("feed_hosts")
    @classmethod
    def _feed_hosts(cls, value: str) -> str:
        parse_allowed(value.split(","))  # a bad network is refused at start
        return value


class SurveySettings(BaseModel):
    """Survey campaigns (``KASASU_SURVEYS__*``); links point at ``playbooks.base_url``."""

    throttle_days: int = Field(default=90, ge=0, le=3650)  # no contact asked twice within
    expires_days: int = Field(default=30, ge=1, le=365)  # a personal link answers this long
    remind_after_days: int = Field(default=7, ge=1, le=365)  # reminders after this, once
    # Sites (scheme://host[:port], comma-separated) whose pages may post widget answers.
    widget_origins: str = ""
    # Signs the widget's contacts (one key per campaign is derived from it); empty: the
    # secret key. Changing it invalidates every signature the customer's backend computed.
    widget_secret: SecretStr = SecretStr("")


class OnboardingSettings(BaseModel):
    """The customer's reminders (``KASASU_ONBOARDING__*``), sent every ``reminders_every_minutes``
    inside ``kasasu serve`` (or by ``kasasu onboarding remind``); links point at
    ``playbooks.base_url``."""

    meeting_reminder_hours: int = Field(default=24, ge=1, le=24 * 14)  # before each meeting
    step_due_days: int = Field(default=2, ge=0, le=30)  # a customer step due within this
    reminders_every_minutes: int = Field(default=60, ge=1, le=24 * 60)


class PortalSettings(BaseModel):
    """The customer portal (``KASASU_PORTAL__*``): its branding, and how contacts sign in.
    Links in its emails point at ``playbooks.base_url``."""

    name: str = Field(default="Customer portal", min_length=1, max_length=100)
    # An image Kasasu serves itself (a path such as /static/...): the pages load nothing
    # from elsewhere (their Content-Security-Policy would block it).
    logo_url: str | None = Field(default=None, pattern=r"^/[^/\\]", max_length=500)
    color: str = Field(default="#1f5fbf", pattern=r"^#[0-9A-Fa-f]{6}$")  # the primary colour
    link_minutes: int = Field(default=15, ge=1, le=24 * 60)  # a sign-in link works this long
    session_hours: int = Field(default=24 * 14, ge=1, le=24 * 365)  # a portal session lasts
    links_per_email: int = Field(default=5, ge=1)  # sign-in link requests per email ...
    links_per_address: int = Field(default=20, ge=1)  # ... and per client address ...
    links_window_seconds: int = Field(default=3600, ge=1)  # ... within this window


class CommunitySettings(BaseModel):
    """The community's flood and spam limits per contact (``KASASU_COMMUNITY__*``), counted
    in each server process's memory like the other throttles."""

    posts_per_minute: int = Field(default=5, ge=1)  # threads and replies one contact writes ...
    posts_per_hour: int = Field(default=30, ge=1)  # ... in a minute and in an hour
    links_per_post: int = Field(default=5, ge=0)  # links one thread or reply may hold


class LimitSettings(BaseModel):
    """Throttles against password guessing, enumeration and floods (``KASASU_LIMITS__*``).
    Counted in the memory of each server process (``kasasu serve`` runs one), by the client
    address the server sees: behind a reverse proxy, run uvicorn with its proxy headers."""

    sign_in_per_account: int = Field(default=5, ge=1)  # failed sign-ins per email ...
    sign_in_per_address: int = Field(default=20, ge=1)  # ... and per client address ...
    sign_in_window_seconds: int = Field(default=900, ge=1)  # ... within this window
    password_checks: int = Field(default=2, ge=1)  # argon2 verifications at the same time
    widget_per_address: int = Field(default=30, ge=1)  # widget requests per address ...
    widget_window_seconds: int = Field(default=60, ge=1)  # ... within this window
    sdk_per_address: int = Field(default=600, ge=1)  # SDK event batches per address ...
    sdk_window_seconds: int = Field(default=60, ge=1)  # ... within this window
    survey_page_per_address: int = Field(default=10, ge=1)  # hosted-page requests for a link
    survey_page_window_seconds: int = Field(default=900, ge=1)
    survey_links_per_email: int = Field(default=3, ge=1)  # link emails to one address a day
    # Help-centre searches one address (or signed-in contact) adds to the "searched, not
    # found" report in the window; past it they are answered, not recorded.
    help_searches_per_address: int = Field(default=30, ge=1)
    help_searches_window_seconds: int = Field(default=3600, ge=1)


class AuthSettings(BaseModel):
    """How people sign in to the pages (``KASASU_AUTH__*``)."""

    # False: only single sign-on (KASASU_OIDC__*); the CLI still creates users and API keys.
    password_sign_in: bool = True


class OidcSettings(BaseModel):
    """Single sign-on with an OpenID Connect provider (``KASASU_OIDC__*``); off until
    ``issuer`` is set. See docs/sso.md."""

    issuer: str | None = None  # e.g. https://login.example.com/realms/acme (discovery below it)
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    scopes: str = "openid email profile"
    provider_name: str = "SSO"  # the button says "Sign in with <provider_name>"
    # The ID token claim with the person's groups or roles (a list or one string).
    roles_claim: str = "groups"
    # Claim value → Kasasu role (admin, leader, csm, viewer), as JSON:
    # {"kasasu-admins": "admin", "cs-team": "csm"}. The most powerful match wins.
    role_map: dict[str, Role] = Field(default_factory=dict)
    default_role: Role | None = None  # when no value maps; unset: such people are refused
    provision: bool = False  # create a Kasasu user at the first sign-in (else it must exist)
    email_domains: str = ""  # allowed domains, comma-separated; empty: any
    require_verified_email: bool = True  # link or create by email only if email_verified
    # The callback URL registered at the provider; default: this server's /login/sso/callback
    # as the browser reached it.
    redirect_url: str | None = None

    @field_validator("issuer")
    @classmethod
    def _bare_issuer(cls, value: str | None) -> str | None:
        return value.strip().rstrip("/") or None if value else None

    def domains(self) -> tuple[str, ...]:
        return tuple(
            d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()
        )
