from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountCreate
from kasasu.accounts.service import accounts, external_ids, find_account_by_source, set_external_id
from kasasu.errors import Conflict, NotFound


def test_an_account_is_known_by_one_id_per_other_system(session: Session) -> None:
    a = accounts.create(session, AccountCreate(name="株式会社エー", external_id="ACC-A"))
    b = accounts.create(session, AccountCreate(name="株式会社ビー", external_id="ACC-B"))
    set_external_id(session, a.id, "salesforce", "0015g00000XyZ")
    set_external_id(session, a.id, "stripe", "cus_123")
    set_external_id(session, a.id, "stripe", "cus_456")  # corrected, not added
    assert external_ids(session, a.id) == {"salesforce": "0015g00000XyZ", "stripe": "cus_456"}
    found = find_account_by_source(session, "stripe", "cus_456")
    assert found is not None
    assert found.name == "株式会社エー"
    assert find_account_by_source(session, "stripe", "cus_123") is None
    with pytest.raises(Conflict):
        set_external_id(session, b.id, "stripe", "cus_456")
    with pytest.raises(NotFound):
        set_external_id(session, 999_999, "stripe", "cus_x")
