"""Ownership through the API: store a rule, preview, apply, capacity, delete."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import Account, User


def test_rules_plan_apply_and_capacity(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        csm = User(email="c@x.jp", name="千葉", role=Role.CSM, account_capacity=5)
        s.add(csm)
        s.add_all(
            Account(
                external_id=f"A{i}", name=f"A{i}", custom_fields={}, plan="Pro" if i else "Free"
            )
            for i in range(3)
        )
        s.commit()
        csm_id = csm.id
    bad = admin_api.post(
        "/ownership/rules",
        json={"name": "pro", "method": "fewest", "owners": [csm_id], "condition": "plan =="},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body.condition"]
    rule = admin_api.post(
        "/ownership/rules",
        json={"name": "pro", "method": "fewest", "owners": [csm_id], "condition": 'plan == "Pro"'},
    )
    assert rule.status_code == 200
    assert rule.json() | {"id": 0} == {
        "id": 0,
        "name": "pro",
        "position": 1,
        "condition": 'plan == "Pro"',
        "segment": None,
        "method": "fewest",
        "owners": [csm_id],
        "owner_names": ["千葉"],
        "enabled": True,
    }
    plan = admin_api.get("/ownership/plan").json()
    assert (plan["unowned"], len(plan["assigned"]), plan["no_rule"], plan["full"]) == (3, 2, 1, 0)
    assert admin_api.post("/ownership/apply").json()["assigned"] == plan["assigned"]
    capacity = admin_api.get("/ownership/capacity").json()
    assert [(c["name"], c["accounts"], c["capacity"], c["room"]) for c in capacity] == [
        ("千葉", 2, 5, 3)
    ]
    assert admin_api.delete(f"/ownership/rules/{rule.json()['id']}").status_code == 204
    assert admin_api.get("/ownership/rules").json() == []
    assert admin_api.delete(f"/ownership/rules/{rule.json()['id']}").status_code == 404
