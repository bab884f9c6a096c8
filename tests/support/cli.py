"""The ``kasasu`` command for tests: in this process (fast), or in its own (as a user runs it).

``kasasu`` runs the command in-process through Click's test runner: the same ``main()`` with
the same environment, so a test pays Kasasu's import once per worker instead of a Python
start-up per call. ``run_kasasu`` keeps the real process for what only a process shows (exit
codes of ``python -m kasasu``, settings errors at start-up, commands running side by side).
"""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from pathlib import Path
from unittest import mock

from typer.testing import CliRunner


def run_kasasu(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the kasasu command as a user would, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "kasasu", *args],
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def invoke_kasasu(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``kasasu.cli.main`` in this process with exactly ``env`` as the environment.

    The answer has the shape of ``run_kasasu``'s: exit code, stdout, stderr (an unexpected
    exception prints its traceback to stderr and exits 1, as the interpreter would).
    """
    from kasasu.cli import main
    from kasasu.cli.common import console, err_console, settings

    # Variables of this process that ``env`` lacks are removed for the call, then restored.
    overrides: dict[str, str | None] = dict.fromkeys(os.environ.keys() - env.keys())
    overrides.update(env)
    runner = CliRunner()
    with runner.isolation(input=stdin, env=overrides) as (stdout, stderr, _output):
        settings.cache_clear()  # read from this call's environment, like a new process
        # A new process's consoles take their width from COLUMNS when it starts; these were
        # made at import, under whatever environment that was.
        columns = env.get("COLUMNS", "")
        for terminal in (console, err_console):
            terminal._width = int(columns) if columns.isdigit() else None
        try:
            with mock.patch.object(sys, "argv", ["kasasu", *args]):
                main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        except Exception:  # noqa: BLE001 - reported as the interpreter would, exit code 1
            traceback.print_exc(file=sys.stderr)
            code = 1
        finally:
            settings.cache_clear()
        sys.stdout.flush()
        sys.stderr.flush()
        out, err = stdout.getvalue().decode(), stderr.getvalue().decode()
    return subprocess.CompletedProcess(["kasasu", *args], code, out, err)


def data_env(data: Path, **extra: str) -> dict[str, str]:
    """The environment of a Kasasu whose files are all under ``data``."""
    return {
        **os.environ,
        "KASASU_DATA_DIR": str(data),
        "KASASU_DATABASE_URL": f"sqlite:///{data}/kasasu.db",
        "KASASU_EVENTS_PATH": str(data / "events.duckdb"),
        **extra,
    }


def kasasu(data: Path, *args: str, locale: str = "en") -> subprocess.CompletedProcess[str]:
    """The command on the data directory ``data``, in this process."""
    return invoke_kasasu(data_env(data, KASASU_LOCALE=locale), *args)
