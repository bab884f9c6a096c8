from __future__ import annotations

from pathlib import Path
from typing import get_args

from kasasu.playbooks.action_schemas import Action
from kasasu.playbooks.definitions import default_library
from kasasu.playbooks.reference import playbook_reference
from kasasu.playbooks.trigger_schemas import Trigger

DOC = Path(__file__).resolve().parents[2] / "docs" / "playbooks.md"


def test_docs_list_every_trigger_action_and_the_library() -> None:
    text = playbook_reference()
    assert DOC.read_text(encoding="utf-8") == text, (
        "docs/playbooks.md is stale: run .venv/bin/python -m kasasu.playbooks.reference "
        "> docs/playbooks.md"
    )
    for union in (Trigger, Action):
        for model in get_args(get_args(union)[0]):
            for kind in get_args(model.model_fields["type"].annotation):
                assert f"`{kind}`" in text
    for playbook in default_library():
        assert f"- name: {playbook.name}\n" in text
