"""The set-up commands as a new user runs them, on a fresh data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.cli import data_env, kasasu, run_kasasu


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "kasasu-data"
    result = kasasu(path, "init")
    assert result.returncode == 0, result.stderr
    assert "Kasasu is ready" in result.stdout
    return path


def test_commands_before_init_say_what_to_do(tmp_path: Path) -> None:
    # In its own process: the exit code and the one line a user sees, without a traceback.
    env = data_env(tmp_path / "empty", KASASU_LOCALE="ja")
    result = run_kasasu(env, "apikey", "create", "--name", "x")
    assert result.returncode == 6
    assert "kasasu init" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_init_twice_is_harmless(data: Path) -> None:
    assert kasasu(data, "init").returncode == 0


def test_apikey_is_printed_once_and_only_its_hash_is_stored(data: Path) -> None:
    result = kasasu(data, "apikey", "create", "--name", "crm-sync", "--role", "leader")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("ksu_")
    assert len(key) > 40
    assert key.encode() not in (data / "kasasu.db").read_bytes()


def test_user_create_then_duplicate_is_a_clear_error_in_japanese(data: Path) -> None:
    args = (
        "user",
        "create",
        "--email",
        "sato@example.jp",
        "--role",
        "csm",
        "--password",
        "pw-123456",
    )
    assert kasasu(data, *args).returncode == 0
    again = kasasu(data, *args, locale="ja")
    assert again.returncode == 4
    assert "sato@example.jp のユーザーはすでに存在します" in again.stderr
    assert "Traceback" not in again.stderr
    assert kasasu(data, *args, "--if-missing").returncode == 0


def test_bad_setting_names_the_variable(data: Path) -> None:
    env_result = run_kasasu({**os.environ, "KASASU_TIMEZONE": "Mars/Olympus"}, "init")
    assert env_result.returncode == 2
    assert "KASASU_TIMEZONE" in env_result.stderr
    assert "Traceback" not in env_result.stderr


def test_help_speaks_the_configured_language(tmp_path: Path) -> None:
    ja = kasasu(tmp_path, "--help", locale="ja")
    assert ja.returncode == 0
    assert "カスタマーサクセス・プラットフォーム" in ja.stdout
    assert "データディレクトリを作成し" in ja.stdout
    en = kasasu(tmp_path, "apikey", "create", "--help", locale="en")
    assert "only its hash is stored" in en.stdout
    assert "What the key is for" in en.stdout
