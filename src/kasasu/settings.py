"""The one typed configuration of Kasasu, read from ``KASASU_*`` environment variables.

Only the edges (cli, app, jobs, api, web) read it; everything below gets plain values.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kasasu.domain.choices import Role
from kasasu.domain.money import is_currency
from kasasu.domain.reporting import Reporting
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import LOCALES, Message, _
from kasasu.kit.net import parse_allowed
from kasasu.warehouse.source import AnalyticsSource

DEV_SECRET = "dev-insecure-secret"  # noqa: S105 - the default that dev mode accepts and production refuses
MIN_SECRET_LENGTH = 32  # characters of every secret outside dev mode
DATA_DIR = Path("kasasu-data")


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


class RefreshSettings(BaseModel):
    """The daily refresh that ``kasasu serve`` runs (``KASASU_REFRESH__*``)."""

    scheduled: bool = True  # run it inside ``kasasu serve``
    at: time = time(3, 0)  # local time in ``timezone``; the day refreshed is that day


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


class Settings(BaseSettings):
    """Configuration; nested sections use ``__`` (e.g. ``KASASU_SERVER__PORT``)."""

    model_config = SettingsConfigDict(
        env_prefix="KASASU_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = DATA_DIR
    database_url: str = f"sqlite:///{DATA_DIR}/kasasu.db"
    events_path: Path = DATA_DIR / "events.duckdb"
    timezone: str = "Asia/Tokyo"
    currency: str = "JPY"
    locale: str = "ja"
    fiscal_year_start: int = Field(default=4, ge=1, le=12)
    # The share of revenue kept after the cost of serving it, for the simple LTV
    # (ARPA × gross margin ÷ monthly logo churn rate); 0.8 means 80%.
    gross_margin: float = Field(default=1.0, gt=0, le=1)
    # Usage events that are purchases (comma-separated names): their value, in minor units of
    # the reporting currency, is revenue outside the contracts (usage-based charges, one-off
    # purchases), projected per account by BG/NBD and Gamma-Gamma.
    purchase_events: str = Field(default="purchase", max_length=2_000)
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    dev_mode: bool = False
    # Where the health features and KPIs are computed: duckdb (embedded copy), postgres (in
    # place; KASASU_ANALYTICS_URL may name a replica) or spark (KASASU_ANALYTICS_URL is the
    # master, default local[2]; usage events are the Parquet at KASASU_ANALYTICS_EVENTS, or
    # the facts and the events both come from the warehouse export at
    # KASASU_ANALYTICS_WAREHOUSE, a directory or a URL Spark reads).
    analytics_engine: Literal["duckdb", "postgres", "spark"] = "duckdb"
    analytics_url: str | None = None
    analytics_events: Path | None = None
    analytics_warehouse: str | None = None
    server: ServerSettings = ServerSettings()
    refresh: RefreshSettings = RefreshSettings()
    export: ExportSettings = ExportSettings()
    touch: TouchSettings = TouchSettings()
    mail: MailSettings = MailSettings()
    playbooks: PlaybookSettings = PlaybookSettings()
    digest: DigestSettings = DigestSettings()
    crm: CrmSettings = CrmSettings()
    surveys: SurveySettings = SurveySettings()
    onboarding: OnboardingSettings = OnboardingSettings()
    limits: LimitSettings = LimitSettings()
    auth: AuthSettings = AuthSettings()
    oidc: OidcSettings = OidcSettings()
    connectors: ConnectorSettings = ConnectorSettings()
    portal: PortalSettings = PortalSettings()

    @model_validator(mode="after")
    def _files_under_the_data_dir(self) -> Settings:
        """The database and the event store live in the data directory unless set apart, so
        KASASU_DATA_DIR alone moves all of Kasasu's files."""
        if "database_url" not in self.model_fields_set:
            self.database_url = f"sqlite:///{self.data_dir}/kasasu.db"
        if "events_path" not in self.model_fields_set:
            self.events_path = self.data_dir / "events.duckdb"
        return self

    @property
    def uploads_dir(self) -> Path:
        """Where a file uploaded in the browser waits between its preview and its import."""
        return self.data_dir / "uploads"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if not is_currency(value.upper()):
            raise ValueError(f"unknown ISO 4217 currency {value!r}")
        return value.upper()

    def analytics(self) -> AnalyticsSource:
        """Where this deployment's analytics run and the usage events they read (Spark
        reads its own copy of the events, ``analytics_events``, or the facts and the events
        of a warehouse export, ``analytics_warehouse``)."""
        engine, url = self.analytics_engine, self.analytics_url
        if engine != "spark":
            return AnalyticsSource(engine=engine, events_path=self.events_path, url=url)
        if self.analytics_warehouse:
            return AnalyticsSource(engine=engine, url=url, warehouse=self.analytics_warehouse)
        return AnalyticsSource(engine=engine, events_path=self.analytics_events, url=url)

    def reporting(self) -> Reporting:
        """How this deployment reports figures, as one value for the services."""
        return Reporting(
            zone=self.timezone,
            currency=self.currency,
            locale=self.locale,
            fiscal_year_start=self.fiscal_year_start,
            gross_margin=self.gross_margin,
        )

    @field_validator("locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError(f"locale must be one of {', '.join(LOCALES)}")
        return value

    def purchase_names(self) -> tuple[str, ...]:
        return tuple(n.strip() for n in self.purchase_events.split(",") if n.strip())

    def check_secret(self) -> None:
        """Outside dev mode, refuse to serve with a secret that is empty, the public default,
        or shorter than 32 characters (security review F9): the secret key, and the webhook
        secret when playbooks run."""
        problem = self.secret_problem("KASASU_SECRET_KEY", self.secret_key)
        if problem is None and self.playbooks.enabled:
            problem = self.webhook_secret_problem()
        if problem is None and self.crm.webhook_secret is not None:
            problem = self.secret_problem("KASASU_CRM__WEBHOOK_SECRET", self.crm.webhook_secret)
        if problem is not None:
            raise InvalidInput(problem)

    def webhook_secret_problem(self) -> Message | None:
        return self.secret_problem(
            "KASASU_PLAYBOOKS__WEBHOOK_SECRET", self.playbooks.webhook_secret
        )

    def secret_problem(self, name: str, secret: SecretStr) -> Message | None:
        value = secret.get_secret_value()
        if self.dev_mode or (value != DEV_SECRET and len(value.strip()) >= MIN_SECRET_LENGTH):
            return None
        return _(
            "{name} is empty, the insecure default or shorter than {n} characters; set a long "
            "random value (e.g. openssl rand -hex 32), or KASASU_DEV_MODE=true for local "
            "development",
            name=name,
            n=MIN_SECRET_LENGTH,
        )

    def check_sign_in(self) -> None:
        """Refuse to serve a configuration in which nobody could sign in, or single sign-on
        that is incomplete or would travel in clear text."""
        oidc = self.oidc
        if oidc.issuer is None:
            if not self.auth.password_sign_in:
                raise InvalidInput(
                    _(
                        "KASASU_AUTH__PASSWORD_SIGN_IN is false but single sign-on is not set "
                        "up (KASASU_OIDC__ISSUER): nobody could sign in"
                    )
                )
            return
        if not oidc.client_id or not oidc.client_secret.get_secret_value():
            raise InvalidInput(
                _("Single sign-on needs KASASU_OIDC__CLIENT_ID and KASASU_OIDC__CLIENT_SECRET")
            )
        if "openid" not in oidc.scopes.split():
            raise InvalidInput(_("KASASU_OIDC__SCOPES must include openid"))
        url = urlsplit(oidc.issuer)
        loopback = url.hostname in {"127.0.0.1", "localhost", "::1"}
        if url.scheme != "https" and not (url.scheme == "http" and (self.dev_mode or loopback)):
            raise InvalidInput(_("KASASU_OIDC__ISSUER must be an https:// URL"))
