from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from kasasu.domain.choices import Role
from kasasu.errors import InvalidInput
from kasasu.settings import Settings
from kasasu.settings.sections import PlaybookSettings


def test_defaults_suit_a_japanese_team(monkeypatch: pytest.MonkeyPatch) -> None:
    names = ("DATA_DIR", "DATABASE_URL", "EVENTS_PATH", "TIMEZONE", "CURRENCY", "LOCALE")
    for name in (*names, "FISCAL_YEAR_START"):
        monkeypatch.delenv(f"KASASU_{name}", raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///kasasu-data/kasasu.db"
    assert str(settings.events_path) == "kasasu-data/events.duckdb"
    assert (settings.timezone, settings.currency, settings.locale) == ("Asia/Tokyo", "JPY", "ja")
    assert settings.fiscal_year_start == 4


def test_the_data_dir_moves_the_database_and_the_events(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "EVENTS_PATH"):
        monkeypatch.delenv(f"KASASU_{name}", raising=False)
    monkeypatch.setenv("KASASU_DATA_DIR", "/srv/kasasu")
    settings = Settings()
    assert settings.database_url == "sqlite:////srv/kasasu/kasasu.db"
    assert str(settings.events_path) == "/srv/kasasu/events.duckdb"
    monkeypatch.setenv("KASASU_DATABASE_URL", "postgresql://db/kasasu")  # set apart: kept
    assert Settings().database_url == "postgresql://db/kasasu"


def test_environment_overrides_with_prefix_and_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASASU_CURRENCY", "usd")
    monkeypatch.setenv("KASASU_LOCALE", "en")
    monkeypatch.setenv("KASASU_SERVER__PORT", "9000")
    settings = Settings()
    assert (settings.currency, settings.locale, settings.server.port) == ("USD", "en", 9000)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Mars/Olympus"),
        ("CURRENCY", "XYZ"),
        ("LOCALE", "fr"),
        ("FISCAL_YEAR_START", "13"),
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(f"KASASU_{name}", value)
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize("secret", ["", "   ", "dev-insecure-secret"])
def test_server_refuses_default_or_empty_secret_outside_dev_mode(secret: str) -> None:
    with pytest.raises(InvalidInput, match="KASASU_SECRET_KEY"):
        Settings(secret_key=SecretStr(secret), dev_mode=False).check_secret()
    Settings(secret_key=SecretStr(secret), dev_mode=True).check_secret()
    Settings(
        secret_key=SecretStr("a-long-random-production-secret-32"),
        playbooks=PlaybookSettings(webhook_secret=SecretStr("another-long-random-secret-of-32")),
        dev_mode=False,
    ).check_secret()


def test_single_sign_on_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASASU_OIDC__ISSUER", "https://login.example.com/realms/acme/")
    monkeypatch.setenv("KASASU_OIDC__ROLE_MAP", '{"kasasu-admins": "admin", "cs": "csm"}')
    monkeypatch.setenv("KASASU_OIDC__DEFAULT_ROLE", "viewer")
    monkeypatch.setenv("KASASU_OIDC__EMAIL_DOMAINS", "Example.com, @example.co.jp")
    monkeypatch.setenv("KASASU_AUTH__PASSWORD_SIGN_IN", "false")
    oidc = Settings().oidc
    assert oidc.issuer == "https://login.example.com/realms/acme"
    assert oidc.role_map == {"kasasu-admins": Role.ADMIN, "cs": Role.CSM}
    assert oidc.default_role is Role.VIEWER
    assert oidc.domains() == ("example.com", "example.co.jp")
    assert Settings().auth.password_sign_in is False
    monkeypatch.setenv("KASASU_OIDC__ROLE_MAP", '{"x": "owner"}')
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize(
    ("settings", "refusal"),
    [
        ({"auth": {"password_sign_in": False}}, "nobody could sign in"),
        ({"oidc": {"issuer": "https://idp.example"}}, "KASASU_OIDC__CLIENT_ID"),
        (
            {"oidc": {"issuer": "http://idp.example", "client_id": "k", "client_secret": "s"}},
            "https://",
        ),
        (
            {
                "oidc": {
                    "issuer": "https://idp",
                    "client_id": "k",
                    "client_secret": "s",
                    "scopes": "email",
                }
            },
            "openid",
        ),
    ],
)
def test_serving_refuses_sign_in_settings_that_cannot_work(
    settings: dict[str, object], refusal: str
) -> None:
    with pytest.raises(InvalidInput, match=refusal):
        Settings.model_validate(settings).check_sign_in()


def test_sign_in_settings_that_work() -> None:
    Settings().check_sign_in()  # passwords only: the default
    sso = {"issuer": "https://idp.example", "client_id": "k", "client_secret": "s"}
    Settings.model_validate({"oidc": sso, "auth": {"password_sign_in": False}}).check_sign_in()
    loopback = {**sso, "issuer": "http://127.0.0.1:8080"}  # a provider on this machine
    Settings.model_validate({"oidc": loopback}).check_sign_in()


def test_short_secrets_are_refused_outside_dev_mode_naming_the_setting() -> None:
    """Security review F9: a 1-character KASASU_SECRET_KEY was accepted; the webhook secret's
    public default signed webhooks with dev mode off. Both need 32 characters or more."""
    long = SecretStr("k" * 32)
    with pytest.raises(InvalidInput, match="KASASU_SECRET_KEY") as short:
        Settings(secret_key=SecretStr("x"), dev_mode=False).check_secret()
    assert "32" in short.value.message.render("en")
    assert "32" in short.value.message.render("ja")
    for webhook in ("", "dev-insecure-secret", "x" * 31):
        with pytest.raises(InvalidInput, match="KASASU_PLAYBOOKS__WEBHOOK_SECRET"):
            Settings(
                secret_key=long,
                playbooks=PlaybookSettings(webhook_secret=SecretStr(webhook)),
                dev_mode=False,
            ).check_secret()
    with pytest.raises(InvalidInput, match="KASASU_PLAYBOOKS__WEBHOOK_SECRET"):
        Settings(secret_key=long, dev_mode=False).check_secret()  # the default
    Settings(
        secret_key=long, playbooks=PlaybookSettings(webhook_secret=long), dev_mode=False
    ).check_secret()
    Settings(secret_key=SecretStr("x"), dev_mode=True).check_secret()  # dev mode: anything


def test_webhook_hosts_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASASU_PLAYBOOKS__WEBHOOK_HOSTS", " hooks.internal , 10.0.0.0/8,")
    assert Settings().playbooks.allowed_webhook_hosts() == frozenset(
        {"hooks.internal", "10.0.0.0/8"}
    )
    monkeypatch.setenv("KASASU_PLAYBOOKS__WEBHOOK_HOSTS", "10.0.0.0/33")
    with pytest.raises(ValidationError):
        Settings()


def test_the_analytics_source_follows_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB reads the event store; Spark its own copy of the events, at its master."""
    for name in ("EVENTS_PATH", "ANALYTICS_ENGINE", "ANALYTICS_URL", "ANALYTICS_EVENTS"):
        monkeypatch.delenv(f"KASASU_{name}", raising=False)
    monkeypatch.setenv("KASASU_DATA_DIR", "/srv/kasasu")
    embedded = Settings().analytics()
    assert (embedded.engine, str(embedded.events_path), embedded.url) == (
        "duckdb",
        "/srv/kasasu/events.duckdb",
        None,
    )
    monkeypatch.setenv("KASASU_ANALYTICS_ENGINE", "spark")
    monkeypatch.setenv("KASASU_ANALYTICS_URL", "spark://lake:7077")
    monkeypatch.setenv("KASASU_ANALYTICS_EVENTS", "/lake/events.parquet")
    spark = Settings().analytics()
    assert (spark.engine, str(spark.events_path), spark.url) == (
        "spark",
        "/lake/events.parquet",
        "spark://lake:7077",
    )


def test_the_community_and_help_limits_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """KASASU_COMMUNITY__* reach the guard the server uses: a third post in a minute is
    refused; KASASU_LIMITS__HELP_SEARCHES_* stop recording the third search."""
    from kasasu.errors import Throttled
    from kasasu.wiring import community_config, portal_config

    monkeypatch.setenv("KASASU_COMMUNITY__POSTS_PER_MINUTE", "2")
    monkeypatch.setenv("KASASU_COMMUNITY__LINKS_PER_POST", "1")
    monkeypatch.setenv("KASASU_LIMITS__HELP_SEARCHES_PER_ADDRESS", "2")
    settings = Settings()
    guard = community_config(settings).guard
    with pytest.raises(InvalidInput):
        guard.check(7, links=2)
    guard.check(7, links=1)
    guard.check(7, links=0)
    with pytest.raises(Throttled):
        guard.check(7, links=0)
    searches = portal_config(settings).guard
    assert [searches.records_search("10.0.0.1") for _ in range(3)] == [True, True, False]
    assert searches.records_search("10.0.0.2")  # another reader
