"""``kasasu sdk create|list``: an environment's public key and secret are printed once."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.cli import data_env, invoke_kasasu, kasasu


def test_create_then_list(tmp_path: Path) -> None:
    data = tmp_path / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    env = data_env(data, KASASU_LOCALE="en", COLUMNS="200")
    made = invoke_kasasu(env, "sdk", "create", "production", "--origin", "https://app.example.jp")
    assert made.returncode == 0, made.stderr
    key = re.search(r"Public key \(in the product's pages\): (pk_\S+)", made.stdout)
    secret = re.search(r"shown once\): ([0-9a-f]{64})", made.stdout)
    assert key is not None
    assert secret is not None
    listed = invoke_kasasu(env, "sdk", "list").stdout
    assert key[1] in listed
    assert "https://app.example.jp" in listed
    assert secret[1] not in listed  # the secret is never shown again
    twice = invoke_kasasu(env, "sdk", "create", "production", "--origin", "https://x.example")
    assert twice.returncode == 4  # a conflict
    bad = invoke_kasasu(env, "sdk", "create", "staging", "--origin", "app.example.jp")
    assert bad.returncode == 2  # not an origin
