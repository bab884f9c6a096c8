"""docs/surveys-widget.md: its Python and JavaScript (Node) examples compute the signature
Kasasu checks."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kasasu.surveys.links import widget_key, widget_signed

DOC = (Path(__file__).resolve().parents[2] / "docs" / "surveys-widget.md").read_text("utf-8")
KEY = widget_key("docs-secret", "Zx3PublicId")
CONTACTS = ["CON-000123", "佐藤 花子@example.jp"]


def _block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", DOC, re.DOTALL)
    assert found, language
    return found.group(1)


@pytest.mark.parametrize("contact", CONTACTS)
def test_the_python_example_signs_as_kasasu_checks(contact: str) -> None:
    scope: dict[str, object] = {}
    exec(_block("python"), scope)  # the documentation's own example
    sign = scope["widget_signature"]
    assert callable(sign)
    signature = sign(KEY, contact)
    assert widget_signed("docs-secret", "Zx3PublicId", contact, signature)
    assert not widget_signed("docs-secret", "Zx3PublicId", contact + "x", signature)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@pytest.mark.parametrize("contact", CONTACTS)
def test_the_node_example_signs_as_kasasu_checks(contact: str) -> None:
    script = _block("js") + "\nconsole.log(widgetSignature(process.argv[1], process.argv[2]));"
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, "-e", script, KEY, contact], capture_output=True, text=True, check=True, timeout=30
    )
    assert widget_signed("docs-secret", "Zx3PublicId", contact, done.stdout.strip())
