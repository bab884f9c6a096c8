"""What an import profile says, and where profiles come from: the ones Kasasu ships
(``profiles.yaml``) and an installation's own file (``KASASU_CONNECTORS__PROFILES_FILE``),
for a system Kasasu has no preset for (a Japanese billing tool's subscription export, an
in-house CRM). An own profile is checked when it is read: its kind, its fields against the
kind's, its match rule; a mistake is named with the file, the profile and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.imports.kinds import kind_specs
from kasasu.imports.schemas import ImportKind
from kasasu.kit.i18n import Message, _

HEADER_ROW = 1
MATCHES = ("source", "name", "domain", "contact")
_ACCOUNT = "account"


@dataclass(frozen=True)
class Profile:
    name: str
    kind: ImportKind
    source: str
    id: str
    match: str
    vendor: str = ""
    export: str = ""
    account: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    join: dict[str, list[str]] = field(default_factory=dict)
    plus_minutes: dict[str, list[str]] = field(default_factory=dict)
    days: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    footer: str = ""
    sample: str = ""

    @property
    def headers(self) -> list[str]:
        """Every column of the export the profile reads."""
        made = [h for hs in (*self.join.values(), *self.plus_minutes.values()) for h in hs]
        made += list(self.days.values())
        named = [self.id, *([self.account] if self.account else []), *self.columns.values()]
        return list(dict.fromkeys([*named, *made]))

    @property
    def account_column(self) -> str:
        """Where the row's account reference goes: its own column unless a field reads the
        same cell (Chatwoot's contact email names the contact and finds the account)."""
        assert self.account is not None
        if self.account in self.columns.values():
            return f"{self.account} ({_ACCOUNT})"
        return self.account


def profiles(own: Path | None = None) -> dict[str, Profile]:
    """Kasasu's profiles, and the installation's own from ``own`` (read again when the file
    changes)."""
    found = dict(_shipped())
    if own is None:
        return found
    try:
        stamp = own.stat().st_mtime_ns
    except OSError as exc:
        raise InvalidInput(
            _("The import profiles file {path} cannot be read: {error}", path=str(own),
              error=exc.strerror or str(exc))
        ) from exc  # fmt: skip
    mine = _own(own, stamp)
    clash = sorted(set(mine) & set(found))
    if clash:
        raise InvalidInput(
            _("{path}: {names} is the name of one of Kasasu's profiles; choose another",
              path=str(own), names=", ".join(clash))
        )  # fmt: skip
    return found | mine


def profile_named(name: str, own: Path | None = None) -> Profile:
    known = profiles(own)
    found = known.get(name)
    if found is None:
        raise NotFound(
            _("No import profile {name} (there are: {names})", name=name,
              names=", ".join(known))
        )  # fmt: skip
    return found


@cache
def _shipped() -> dict[str, Profile]:
    text = resources.files("kasasu.imports").joinpath("profiles.yaml").read_text("utf-8")
    raw: dict[str, dict[str, Any]] = yaml.safe_load(text)
    return {name: _profile(name, spec) for name, spec in raw.items()}


@cache
def _own(path: Path, _stamp: int) -> dict[str, Profile]:
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(
            _("The import profiles file {path} cannot be read: {error}", path=str(path),
              error=str(exc).splitlines()[0])
        ) from exc  # fmt: skip
    if not isinstance(raw, dict):
        raise InvalidInput(_("{path}: write one profile per name, as in profiles.yaml",
                             path=str(path)))  # fmt: skip
    errors = [e for name, spec in raw.items() for e in _mistakes(str(name), spec)]
    if errors:
        raise InvalidInput(_("{path}: some profiles are not valid", path=str(path)), errors)
    return {str(name): _profile(str(name), spec) for name, spec in raw.items()}


_KEYS = {f.name for f in fields(Profile)} - {"name"}
_REQUIRED = ("kind", "source", "id", "match")


def _mistakes(name: str, spec: Any) -> list[FieldError]:
    """What is wrong with one profile of an installation's file."""
    if not isinstance(spec, dict):
        return [_wrong(name, "", _("A profile is a set of keys (kind, source, id, columns…)"))]
    found = [_wrong(name, k, _("Unknown key")) for k in spec if k not in _KEYS]
    found += [_wrong(name, k, _("Missing")) for k in _REQUIRED if spec.get(k) in (None, "")]
    found += _not_text(name, spec)
    kind = spec.get("kind")
    if kind is not None and kind not in {k.value for k in ImportKind}:
        found.append(_wrong(name, "kind", _("Not an import kind: {value}", value=str(kind))))
        return found
    if spec.get("match") not in (None, *MATCHES):
        found.append(_wrong(name, "match", _("Write one of {values}", values=", ".join(MATCHES))))
    if kind is not None:
        known = {c.field for c in kind_specs()[ImportKind(kind)].columns}
        for key in ("columns", "join", "plus_minutes", "days", "values"):
            made = spec.get(key) or {}
            if not isinstance(made, dict):
                found.append(_wrong(name, key, _("Write field: header pairs")))
                continue
            found += [
                _wrong(name, f"{key}.{f}", _("Not a field of {kind} rows", kind=str(kind)))
                for f in made
                if f not in known
            ]
    return found


def _not_text(name: str, spec: dict[str, Any]) -> list[FieldError]:
    """Headers YAML read as something else: a column called No is false, 2026 a number."""
    cells: list[tuple[str, Any]] = [
        (k, spec[k]) for k in ("id", "account", "source", "footer") if k in spec
    ]
    for key in ("columns", "days", "values", "join", "plus_minutes"):
        made = spec.get(key)
        if isinstance(made, dict):
            for f, value in made.items():
                items = value if isinstance(value, list) else [value]
                cells.extend((f"{key}.{f}", item) for item in items)
    return [
        _wrong(name, key, _("Put {value} in quotes: YAML does not read it as text",
                            value=str(value)))
        for key, value in cells
        if not isinstance(value, str)
    ]  # fmt: skip


def _wrong(name: str, key: str, message: Message) -> FieldError:
    return FieldError((name, key) if key else (name,), message, None)


def _profile(name: str, spec: dict[str, Any]) -> Profile:
    return Profile(name=name, **{**spec, "kind": ImportKind(spec["kind"])})
