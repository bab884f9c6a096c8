"""An onboarding template as the web form shows it, and back: the form's boxes are read into
the very dict a YAML text would give (checked and saved by ``onboarding.templates``, the one
definition), and each of that check's problems is put beside the box it concerns.

Boxes are named by their place: ``stage-0-step-1-due_days``, ``stage-0-step-1-link-0-url``.
A title has a Japanese and an English box; written once (or the same in both) it is one
text shown in both languages. Stages, steps and links are added, removed and moved by the
form's own buttons, each a plain submit: nothing needs a script."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kasasu.domain.choices import StepSide
from kasasu.errors import InvalidInput

MAX_LINKS = 10  # as the template's schema allows


@dataclass
class LinkFields:
    title_ja: str = ""
    title_en: str = ""
    url: str = ""


@dataclass
class StepFields:
    key: str = ""
    title_ja: str = ""
    title_en: str = ""
    side: str = StepSide.CS.value
    due_days: str = ""
    completion_event: str = ""
    first_value: bool = False
    links: list[LinkFields] = field(default_factory=list)


@dataclass
class StageFields:
    title_ja: str = ""
    title_en: str = ""
    steps: list[StepFields] = field(default_factory=lambda: [StepFields()])


@dataclass
class TemplateFields:
    name: str = ""
    title_ja: str = ""
    title_en: str = ""
    description: str = ""
    priority: str = "100"
    segment: str = ""
    applies_to: dict[str, str] = field(default_factory=dict)
    stages: list[StageFields] = field(default_factory=lambda: [StageFields()])


# --- a template (stored, or pasted as YAML) into the form -----------------------------------


def fields_of(definition: Mapping[str, Any]) -> TemplateFields:
    """A template's boxes; a shape the schema would refuse is read as far as it goes."""
    ja, en = _boxes(definition.get("title"))
    applies = definition.get("applies_to")
    return TemplateFields(
        name=_text(definition.get("name")),
        title_ja=ja,
        title_en=en,
        description=_text(definition.get("description")),
        priority=_text(definition.get("priority", 100)),
        segment=_text(definition.get("segment")),
        applies_to=(
            {str(k): _text(v) for k, v in applies.items()} if isinstance(applies, Mapping) else {}
        ),
        stages=[_stage_of(s) for s in _items(definition.get("stages"))],
    )


def _stage_of(stage: Mapping[str, Any]) -> StageFields:
    ja, en = _boxes(stage.get("title"))
    return StageFields(ja, en, [_step_of(s) for s in _items(stage.get("steps"))])


def _step_of(step: Mapping[str, Any]) -> StepFields:
    ja, en = _boxes(step.get("title"))
    links = [
        LinkFields(*_boxes(k.get("title")), _text(k.get("url"))) for k in _items(step.get("links"))
    ]
    return StepFields(
        key=_text(step.get("key")),
        title_ja=ja,
        title_en=en,
        side=_text(step.get("side") or StepSide.CS.value),
        due_days=_text(step.get("due_days")),
        completion_event=_text(step.get("completion_event")),
        first_value=step.get("first_value") is True,
        links=links,
    )


def _boxes(title: Any) -> tuple[str, str]:
    """A title's Japanese and English boxes: one text for both fills both."""
    if isinstance(title, Mapping):
        return _text(title.get("ja")), _text(title.get("en"))
    return _text(title), _text(title)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


# --- the posted boxes into the form, and the form into a template's dict --------------------

_PLACE = re.compile(r"^stage-(\d{1,2})-(?:step-(\d{1,2})-(?:link-(\d{1,2})-)?)?([a-z_]+)$")
_STEP_BOXES = ("key", "title_ja", "title_en", "side", "due_days", "completion_event")


def read_form(form: Mapping[str, str]) -> TemplateFields:
    """The boxes as posted (in the order of their numbers; a link left blank is dropped)."""
    stages: dict[int, dict[str, str]] = {}
    steps: dict[tuple[int, int], dict[str, str]] = {}
    links: dict[tuple[int, int, int], dict[str, str]] = {}
    for name, value in form.items():
        if found := _PLACE.match(name):
            s, i, k, box = found.groups()
            stage = stages.setdefault(int(s), {})
            if i is None:
                stage[box] = value
                continue
            step = steps.setdefault((int(s), int(i)), {})
            if k is None:
                step[box] = value
            else:
                links.setdefault((int(s), int(i), int(k)), {})[box] = value
    return TemplateFields(
        name=_get(form, "name"),
        title_ja=_get(form, "title_ja"),
        title_en=_get(form, "title_en"),
        description=_get(form, "description"),
        priority=_get(form, "priority"),
        segment=_get(form, "segment"),
        applies_to={
            name.removeprefix("applies_to-"): value.strip()
            for name, value in form.items()
            if name.startswith("applies_to-") and value.strip()
        },
        stages=[
            StageFields(
                _get(stages[s], "title_ja"),
                _get(stages[s], "title_en"),
                [_read_step(steps[p], links, p) for p in sorted(steps) if p[0] == s],
            )
            for s in sorted(stages)
        ],
    )


def _read_step(
    boxes: Mapping[str, str],
    links: Mapping[tuple[int, int, int], Mapping[str, str]],
    at: tuple[int, int],
) -> StepFields:
    step = StepFields(
        key=_get(boxes, "key"),
        title_ja=_get(boxes, "title_ja"),
        title_en=_get(boxes, "title_en"),
        side=_get(boxes, "side") or StepSide.CS.value,
        due_days=_get(boxes, "due_days"),
        completion_event=_get(boxes, "completion_event"),
        first_value=bool(boxes.get("first_value")),
    )
    for place in sorted(p for p in links if p[:2] == at):
        link = LinkFields(*(_get(links[place], b) for b in ("title_ja", "title_en", "url")))
        if link.title_ja or link.title_en or link.url:
            step.links.append(link)
    return step


def _get(boxes: Mapping[str, str], name: str) -> str:
    return boxes.get(name, "").strip()


def definition_of(form: TemplateFields) -> dict[str, Any]:
    """What the form says, as the YAML would say it: empty boxes left out (the check then
    names what is required), numbers as numbers when they are numbers."""
    data: dict[str, Any] = {"name": form.name, "title": _title(form.title_ja, form.title_en)}
    data |= {"description": form.description, "applies_to": dict(form.applies_to)}
    data |= {"segment": form.segment, "priority": _number(form.priority)}
    data["stages"] = [
        {"title": _title(stage.title_ja, stage.title_en), "steps": [_step(s) for s in stage.steps]}
        for stage in form.stages
    ]
    return _without_empty(data)


def _step(step: StepFields) -> dict[str, Any]:
    return _without_empty(
        {
            "key": step.key,
            "title": _title(step.title_ja, step.title_en),
            "side": step.side,
            "due_days": _number(step.due_days),
            "completion_event": step.completion_event,
            "first_value": step.first_value or None,
            "links": [
                _without_empty({"title": _title(k.title_ja, k.title_en), "url": k.url})
                for k in step.links
            ],
        }
    )


def _title(ja: str, en: str) -> str | dict[str, str] | None:
    """Both languages when they differ; else the one text (None when both are blank)."""
    if ja and en and ja != en:
        return {"ja": ja, "en": en}
    return ja or en or None


def _number(text: str) -> int | str | None:
    return int(text) if re.fullmatch(r"-?\d{1,9}", text) else (text or None)


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", {}, [])}


# --- the form's buttons: add, remove and move ----------------------------------------------

_MOVE = re.compile(r"^(add|remove|up|down)-(stage|step|link)((?:-\d{1,2}){0,3})$")


def change(form: TemplateFields, action: str) -> str | None:
    """Do what a button of the form asks (``add-step-0``, ``up-stage-2``…); the box to
    put the cursor in afterwards, or None when ``action`` is no such button."""
    found = _MOVE.match(action)
    if not found:
        return None
    verb, what, numbers = found.groups()
    at = [int(n) for n in numbers.split("-")[1:]]
    try:
        if what == "stage":
            return _change_stage(form, verb, at)
        if what == "step":
            return _change_step(form.stages[at[0]], verb, at)
        return _change_link(form.stages[at[0]].steps[at[1]], verb, at)
    except IndexError:  # a button of a form that was changed since: nothing to do
        return None


def _change_stage(form: TemplateFields, verb: str, at: list[int]) -> str | None:
    stages = form.stages
    if verb == "add" and not at:
        stages.append(StageFields())
        return f"stage-{len(stages) - 1}-title_ja"
    s = at[0]
    if verb == "remove":
        del stages[s]
        return f"stage-{max(s - 1, 0)}-title_ja" if stages else "action-add-stage"
    to = _moved(s, verb, len(stages))
    stages.insert(to, stages.pop(s))
    return f"stage-{to}-title_ja"


def _change_step(stage: StageFields, verb: str, at: list[int]) -> str | None:
    s, steps = at[0], stage.steps
    if verb == "add" and len(at) == 1:
        steps.append(StepFields())
        return f"stage-{s}-step-{len(steps) - 1}-key"
    i = at[1]
    if verb == "remove":
        del steps[i]
        return f"stage-{s}-title_ja"
    to = _moved(i, verb, len(steps))
    steps.insert(to, steps.pop(i))
    return f"stage-{s}-step-{to}-key"


def _change_link(step: StepFields, verb: str, at: list[int]) -> str | None:
    if verb != "remove" or len(at) != 3:
        return None
    del step.links[at[2]]
    return f"stage-{at[0]}-step-{at[1]}-key"


def _moved(index: int, verb: str, count: int) -> int:
    return max(0, index - 1) if verb == "up" else min(count - 1, index + 1)


# --- the check's problems beside their boxes -----------------------------------------------

_GROUPS = (("stages", "stage"), ("steps", "step"), ("links", "link"))


def form_errors(error: InvalidInput, data: Mapping[str, Any], locale: str) -> dict[str, str]:
    """Each problem by the name of its box (``stage-0-step-1-due_days``); a problem of a
    whole title by ``…title``, of a whole list by ``…steps``; one of the whole form by ""."""
    found: dict[str, list[str]] = {}
    for e in error.errors:
        name = _box_of(e.loc, data)
        if name is not None:
            found.setdefault(name, []).append(e.message.render(locale))
    if not found:
        found[""] = [error.message.render(locale)]
    return {name: " ".join(dict.fromkeys(reasons)) for name, reasons in found.items()}


def _box_of(loc: tuple[str | int, ...], data: Mapping[str, Any]) -> str | None:
    """The box of a problem at ``loc`` in ``data``; None for a problem with a form of a
    title the form did not write (a title in one text is not a ``{ja, en}`` pair)."""
    parts, prefix, node = list(loc), [], data
    for group, label in _GROUPS:
        if len(parts) < 2 or parts[0] != group or not isinstance(parts[1], int):
            break
        items = node.get(group)
        node = items[parts[1]] if isinstance(items, list) and parts[1] < len(items) else {}
        prefix.append(f"{label}-{parts[1]}")
        parts = parts[2:]
    leaf, rest = (str(parts[0]), parts[1:]) if parts else ("", [])
    if leaf == "title" and rest:
        pair = isinstance(node.get("title"), Mapping)
        if (rest[0] == "LocalText") != pair:
            return None
        if pair and len(rest) > 1 and rest[1] in ("ja", "en"):
            leaf = f"title_{rest[1]}"
    elif leaf == "applies_to" and rest:
        leaf = f"applies_to-{rest[0]}"
    return "-".join([*prefix, leaf] if leaf else prefix)


def box_names(form: TemplateFields, fields: tuple[str, ...]) -> list[str]:
    """Every name the form shows a problem under, in the form's order (``fields``: the
    account fields of ``applies_to``); a problem named otherwise is listed above the form."""
    names = ["name", "title", "title_ja", "title_en", "description", "priority"]
    names += ["applies_to", *(f"applies_to-{f}" for f in fields), "segment"]
    for s, stage in enumerate(form.stages):
        names += [f"stage-{s}-{b}" for b in ("title", "title_ja", "title_en")]
        for i, step in enumerate(stage.steps):
            where = f"stage-{s}-step-{i}"
            names += [f"{where}-{b}" for b in ("key", "title", "title_ja", "title_en")]
            names += [f"{where}-{b}" for b in (*_STEP_BOXES[3:], "first_value", "links")]
            for k in range(len(step.links)):
                boxes = ("title", "title_ja", "title_en", "url")
                names += [f"{where}-link-{k}-{b}" for b in boxes]
        names.append(f"stage-{s}-steps")
    return [*names, "stages"]
