"""The guide editor's form: what it posts, the definition it becomes (the same model the API
and YAML fill, so one set of rules checks all three), and the form filled from a stored
guide. Steps travel as parallel lists, one entry per step row."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, ValidationError

from kasasu.errors import FieldError, InvalidInput
from kasasu.guides.schemas import GuideDefinition, GuideRead, GuideWrite
from kasasu.kit.i18n import _
from kasasu.kit.types import LocalText
from kasasu.kit.validation import pydantic_reason

STEP_FIELDS = ("selector", "title_ja", "title_en", "body_ja", "body_en", "advance")
Short: str = Field(default="", max_length=5_000)
Many: list[str] = Field(default_factory=list, max_length=50)


class GuideForm(BaseModel):
    key: str = Field(default="", max_length=100)
    name: str = Field(default="", max_length=200)
    kind: str = Field(default="walkthrough", max_length=32)
    environment: str = Field(default="", max_length=100)
    existing: str = Field(default="", max_length=100, description="The key of the guide edited")
    step_selector: list[str] = Many
    step_title_ja: list[str] = Many
    step_title_en: list[str] = Many
    step_body_ja: list[str] = Many
    step_body_en: list[str] = Many
    step_advance: list[str] = Many
    segments: list[str] = Many
    touch_models: list[str] = Many
    lifecycle_stages: list[str] = Many
    plans: str = Short
    roles: str = Short
    url: str = Short
    onboarding_step_open: str = Short
    visits_from: str = Field(default="", max_length=10)
    visits_to: str = Field(default="", max_length=10)
    assigned_only: str = Field(default="", max_length=10)
    max_shows: str = Field(default="3", max_length=10)
    days_between: str = Field(default="0", max_length=10)
    starts_at: str = Field(default="", max_length=40)
    ends_at: str = Field(default="", max_length=40)
    topic: str = Short
    survey: str = Field(default="", max_length=100)
    action: str = Field(default="save", max_length=20)
    # Where the editor picks elements (not saved: kept while the form goes back and forth).
    pick_page: str = Field(default="", max_length=2000)

    def steps(self) -> list[dict[str, str]]:
        columns = [getattr(self, f"step_{name}") for name in STEP_FIELDS]
        count = max((len(c) for c in columns), default=0)
        return [
            {
                name: (c[i] if i < len(c) else "")
                for name, c in zip(STEP_FIELDS, columns, strict=True)
            }
            for i in range(count)
        ]

    def with_steps(self, steps: list[dict[str, str]]) -> GuideForm:
        return self.model_copy(
            update={f"step_{name}": [s.get(name, "") for s in steps] for name in STEP_FIELDS}
        )

    def definition(self, zone: str) -> GuideDefinition:
        steps = [
            {
                "selector": s["selector"].strip() or None,
                "title": _text(s["title_ja"], s["title_en"]),
                "body": _text(s["body_ja"], s["body_en"]),
                "advance": s["advance"] or "next",
            }
            for s in self.steps()
            if any(s[name].strip() for name in STEP_FIELDS if name != "advance")
        ]
        return GuideDefinition.model_validate(
            {
                "steps": steps,
                "targeting": {
                    "segments": self.segments,
                    "touch_models": self.touch_models,
                    "lifecycle_stages": self.lifecycle_stages,
                    "plans": _words(self.plans),
                    "roles": _words(self.roles),
                    "url": self.url.strip() or None,
                    "onboarding_step_open": self.onboarding_step_open.strip() or None,
                    "visits_from": self.visits_from or None,
                    "visits_to": self.visits_to or None,
                    "assigned_only": bool(self.assigned_only),
                },
                "caps": {"max_shows": self.max_shows or 3, "days_between": self.days_between or 0},
                "starts_at": _moment("starts_at", self.starts_at, zone),
                "ends_at": _moment("ends_at", self.ends_at, zone),
                "topic": _words(self.topic),
                "survey": self.survey.strip() or None,
            }
        )

    def new_guide(self, definition: GuideDefinition) -> GuideWrite:
        return GuideWrite.model_validate(
            {
                "key": self.key,
                "name": self.name,
                "kind": self.kind,
                "environment": self.environment,
                "definition": definition,
            }
        )


def blank_step() -> dict[str, str]:
    return {**dict.fromkeys(STEP_FIELDS, ""), "advance": "next"}


def form_of(guide: GuideRead, zone: str) -> GuideForm:
    d, aim = guide.draft, guide.draft.targeting
    steps = [
        {
            "selector": step.selector or "",
            **dict(zip(("title_ja", "title_en"), _split(step.title), strict=True)),
            **dict(zip(("body_ja", "body_en"), _split(step.body), strict=True)),
            "advance": step.advance,
        }
        for step in d.steps
    ]
    form = GuideForm(
        key=guide.key,
        name=guide.name,
        kind=guide.kind.value,
        environment=guide.environment,
        existing=guide.key,
        segments=aim.segments,
        touch_models=[t.value for t in aim.touch_models],
        lifecycle_stages=[s.value for s in aim.lifecycle_stages],
        plans=", ".join(aim.plans),
        roles=", ".join(aim.roles),
        url=aim.url or "",
        onboarding_step_open=aim.onboarding_step_open or "",
        visits_from=str(aim.visits_from or ""),
        visits_to=str(aim.visits_to or ""),
        assigned_only="on" if aim.assigned_only else "",
        max_shows=str(d.caps.max_shows),
        days_between=str(d.caps.days_between),
        starts_at=_local(d.starts_at, zone),
        ends_at=_local(d.ends_at, zone),
        topic=", ".join(d.topic),
        survey=d.survey or "",
    )
    return form.with_steps(steps or [blank_step()])


def form_errors(error: InvalidInput | ValidationError, locale: str) -> dict[str, str]:
    """What is wrong, by the dotted path of the field ("steps.0.selector"); a mistake of the
    whole form under ""."""
    found: dict[str, list[str]] = {}
    if isinstance(error, ValidationError):
        for item in error.errors():
            path = ".".join(str(p) for p in item["loc"])
            found.setdefault(path, []).append(pydantic_reason(item).render(locale))
        found.setdefault("", []).append(_("Correct the fields marked below.").render(locale))
    else:
        for e in error.errors:
            path = ".".join(str(p) for p in e.loc)
            found.setdefault(path, []).append(e.message.render(locale))
        found.setdefault("", []).append(error.message.render(locale))
    return {path: " ".join(messages) for path, messages in found.items()}


def _text(ja: str, en: str) -> Any:
    ja, en = ja.strip(), en.strip()
    if ja and en:
        return {"ja": ja, "en": en}
    return ja or en or None


def _split(text: LocalText | str | None) -> tuple[str, str]:
    if isinstance(text, LocalText):
        return text.ja, text.en
    return ("", "") if text is None else (text, "")


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("、", ",").split(",") if w.strip()]


def _moment(field: str, text: str, zone: str) -> datetime | None:
    """A datetime-local field, read as wall time in the user's zone."""
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    except ValueError as exc:
        reason = _("Use a date and time such as 2026-12-24T09:00")
        raise InvalidInput(reason, [FieldError((field,), reason, text)]) from exc


def _local(moment: datetime | None, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") if moment else ""
