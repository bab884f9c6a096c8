"""The API's remembered keys (kasasu.api.context.KEY_RECHECK_SECONDS) on a test's clock."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi.testclient import TestClient

from kasasu.api.context import KEY_RECHECK_SECONDS
from kasasu.kit.recent import Recent


class RecheckClock:
    """The clock of the keys the ``api`` client's server remembers: :meth:`recheck` moves
    it past the bound, as a change of a key in the database takes that long to count."""

    def __init__(self, api: TestClient) -> None:
        self.now = 0.0
        app: Any = api.app
        app.state.kasasu = replace(
            app.state.kasasu, api_keys=Recent(KEY_RECHECK_SECONDS, clock=lambda: self.now)
        )

    def recheck(self) -> None:
        self.now += KEY_RECHECK_SECONDS
