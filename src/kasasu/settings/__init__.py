"""The one typed configuration of Kasasu, read from ``KASASU_*`` environment variables.

Only the edges (cli, app, jobs, api, web) read it; everything below gets plain values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kasasu.domain.money import is_currency
from kasasu.domain.reporting import Reporting
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import LOCALES, Message, _
from kasasu.kit.logs import LogFormat
from kasasu.settings.sections import (
    DEV_SECRET,
    AuthSettings,
    CommunitySettings,
    ConnectorSettings,
    CrmSettings,
    DigestSettings,
    ExportSettings,
    LimitSettings,
    MailSettings,
    OidcSettings,
    OnboardingSettings,
    PlaybookSettings,
    PortalSettings,
    RefreshSettings,
    ServerSettings,
    SurveySettings,
    TouchSettings,
)
from kasasu.warehouse.source import AnalyticsSource

MIN_SECRET_LENGTH = 32  # characters of every secret outside dev mode
DATA_DIR = Path("kasasu-data")


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
    # How ``kasasu serve`` and ``kasasu worker`` write their logs: text, or JSON (one object
    # a line, with the request id) for a log collector.
    log_format: LogFormat = "text"
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
    community: CommunitySettings = CommunitySettings()

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
