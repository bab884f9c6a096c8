"""The README documents every setting and every command the code has."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main
from typer import _click as click  # Typer ships its own click

from kasasu.cli import app
from kasasu.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[1] for line in block.strip().splitlines()] == ["demo", "test"]


def test_every_setting_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        if field.annotation is not None and hasattr(field.annotation, "model_fields"):
            for sub in field.annotation.model_fields:
                assert f"KASASU_{name.upper()}__{sub.upper()}" in README
        else:
            assert f"KASASU_{name.upper()}" in README


def _commands(group: Any, prefix: str = "kasasu") -> list[str]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):  # the root imports its commands when asked
        command = group.get_command(context, name)
        if hasattr(command, "commands"):  # a group (Typer ships its own click)
            found += _commands(command, f"{prefix} {name}")
        else:
            found.append(f"{prefix} {name}")
    return found


def test_every_command_is_documented() -> None:
    commands = _commands(typer.main.get_command(app))
    assert "kasasu init" in commands
    for command in commands:
        assert f"`{command}" in README, command
