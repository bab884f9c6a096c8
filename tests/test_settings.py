from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from kasasu.errors import InvalidInput
from kasasu.settings import PlaybookSettings, Settings


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
