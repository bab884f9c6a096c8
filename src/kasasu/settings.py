"""The one typed configuration of Kasasu, read from ``KASASU_*`` environment variables.

Only the edges (cli, app, jobs, api, web) read it; everything below gets plain values.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kasasu.domain.money import is_currency
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import LOCALES, _
from kasasu.kit.mail import MailConfig

DEV_SECRET = "dev-insecure-secret"  # noqa: S105 - the default that dev mode accepts and production refuses
DATA_DIR = Path("kasasu-data")


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # A read (GET/HEAD) still working after this many seconds is stopped and answered 503
    # with Retry-After; so is one whose client disconnected.
    request_budget_seconds: float = Field(default=30.0, gt=0, le=3600)
    # On SIGTERM, requests in flight get this long to finish; then they are stopped.
    graceful_shutdown_seconds: int = Field(default=10, ge=0, le=3600)


class RefreshSettings(BaseModel):
    """The daily refresh that ``kasasu serve`` runs (``KASASU_REFRESH__*``)."""

    scheduled: bool = True  # run it inside ``kasasu serve``
    at: time = time(3, 0)  # local time in ``timezone``; the day refreshed is that day


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
    # Signs every webhook body (HMAC-SHA256); receivers check X-Kasasu-Signature with it.
    webhook_secret: SecretStr = SecretStr(DEV_SECRET)
    webhook_timeout: float = Field(default=10.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)  # more tries after a failed send
    backoff: float = Field(default=1.0, ge=0)  # seconds before the first retry, doubling
    attempts: int = Field(default=3, ge=1, le=20)  # runs that try a failed action
    # An email or webhook started this long ago by a run that never finished is tried again.
    reclaim_after_minutes: int = Field(default=30, ge=0)


class SurveySettings(BaseModel):
    """Survey campaigns (``KASASU_SURVEYS__*``); links point at ``playbooks.base_url``."""

    throttle_days: int = Field(default=90, ge=0, le=3650)  # no contact asked twice within
    expires_days: int = Field(default=30, ge=1, le=365)  # a personal link answers this long
    remind_after_days: int = Field(default=7, ge=1, le=365)  # reminders after this, once
    # Sites (scheme://host[:port], comma-separated) whose pages may post widget answers.
    widget_origins: str = ""


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
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    dev_mode: bool = False
    # Where the health features and KPIs are computed: duckdb (embedded copy), postgres (in
    # place; KASASU_ANALYTICS_URL may name a replica) or spark (KASASU_ANALYTICS_URL is the
    # master, default local[2]; usage events are the Parquet at KASASU_ANALYTICS_EVENTS).
    analytics_engine: Literal["duckdb", "postgres", "spark"] = "duckdb"
    analytics_url: str | None = None
    analytics_events: Path | None = None
    server: ServerSettings = ServerSettings()
    refresh: RefreshSettings = RefreshSettings()
    touch: TouchSettings = TouchSettings()
    mail: MailSettings = MailSettings()
    playbooks: PlaybookSettings = PlaybookSettings()
    surveys: SurveySettings = SurveySettings()

    @model_validator(mode="after")
    def _files_under_the_data_dir(self) -> Settings:
        """The database and the event store live in the data directory unless set apart, so
        KASASU_DATA_DIR alone moves all of Kasasu's files."""
        if "database_url" not in self.model_fields_set:
            self.database_url = f"sqlite:///{self.data_dir}/kasasu.db"
        if "events_path" not in self.model_fields_set:
            self.events_path = self.data_dir / "events.duckdb"
        return self

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

    @field_validator("locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError(f"locale must be one of {', '.join(LOCALES)}")
        return value

    def mail_config(self) -> MailConfig:
        """The mail settings as kasasu.kit.mail takes them (playbooks, survey invitations)."""
        mail = self.mail
        return MailConfig(
            backend=mail.backend,
            host=mail.host,
            port=mail.port,
            sender=mail.sender,
            outbox=self.data_dir / "outbox",
            username=mail.username,
            password=mail.password.get_secret_value() if mail.password else None,
            starttls=mail.starttls,
            timeout=mail.timeout,
        )

    def check_secret(self) -> None:
        """Refuse to serve with the default or an empty secret outside dev mode."""
        secret = self.secret_key.get_secret_value()
        if not self.dev_mode and (not secret.strip() or secret == DEV_SECRET):
            raise InvalidInput(
                _(
                    "KASASU_SECRET_KEY is empty or the insecure default; set a long random "
                    "value (or KASASU_DEV_MODE=true for local development)"
                )
            )
