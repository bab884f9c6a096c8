"""Where a value sits in a YAML text, so an error can name its line."""

from __future__ import annotations

from collections.abc import Sequence

import yaml


def node_tree(text: str) -> yaml.Node | None:
    """The composed YAML nodes (with their marks); None when the text is not YAML."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def line_of(root: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest node ``loc`` reaches; parts that are not keys or
    indexes there (a union's tag in a validation error, say) are passed over."""
    node, line = root, None
    for part in loc:
        child = _child(node, part)
        if child is None:
            continue
        node, line = child, child.start_mark.line + 1
    if line is None and root is not None:
        line = root.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                child: yaml.Node = value
                return child
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None
