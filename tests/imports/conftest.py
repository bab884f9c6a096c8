from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kasasu.imports.schemas import ImportKind, ImportOptions
from kasasu.imports.service import import_file
from tests.imports.helpers import EXAMPLES

OPTIONS = ImportOptions(zone="Asia/Tokyo", currency="JPY")


@pytest.fixture
def example_accounts(session: Session) -> None:
    """The 15 accounts of examples/accounts.csv, which other kinds refer to."""
    import_file(session, ImportKind.ACCOUNTS, EXAMPLES / "accounts.csv", "accounts.csv", OPTIONS)
