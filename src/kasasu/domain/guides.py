"""What the in-app guides leave behind, named once: the events the SDK reports (kept per
user by the guides slice), which the usage features must not count as use of the product,
and the per-guide values scorecards and segment rules read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SHOWN, STEP, COMPLETED, DISMISSED = (
    "guide_shown",
    "guide_step_completed",
    "guide_completed",
    "guide_dismissed",
)
GUIDE_EVENTS = frozenset({SHOWN, STEP, COMPLETED, DISMISSED})
# A scorecard measure on guide "setup" reads "guide.setup": 1 when a user of the account
# completed it, 0 when it was shown to them and none completed it, none when never shown
# (the guide did not reach the account, so there is nothing to score).
GUIDE_PREFIX = "guide."
# The segment rule name listing the keys of the guides the account's users completed:
# ``"setup" in guides_completed``.
COMPLETED_LIST = "guides_completed"


def guide_measure(key: str) -> str:
    return f"{GUIDE_PREFIX}{key}"


def completed_keys(features: Mapping[str, Any]) -> list[str]:
    """The keys of the guides completed, from an account's stored features."""
    return sorted(
        name.removeprefix(GUIDE_PREFIX)
        for name, value in features.items()
        if name.startswith(GUIDE_PREFIX) and value == 1
    )
