"""Onboarding through the API: store a template, start it on an account (due days from the
given start), tick and reopen a step, and the refusals (a second plan, a bad template)."""

from __future__ import annotations

from fastapi.testclient import TestClient

TEMPLATE = {
    "name": "api-plan",
    "title": {"ja": "API導入", "en": "API onboarding"},
    "stages": [
        {
            "title": "Start",
            "steps": [
                {"key": "kickoff", "title": "Kick-off", "due_days": 5},
                {
                    "key": "value",
                    "title": "First report",
                    "side": "customer",
                    "due_days": 30,
                    "completion_event": "export_report",
                    "first_value": True,
                },
            ],
        }
    ],
}


def test_a_plan_is_started_ticked_and_reopened(admin_api: TestClient) -> None:
    stored = admin_api.post("/onboarding/templates", json=TEMPLATE)
    assert (stored.status_code, stored.json()["version"]) == (200, 1), stored.text
    assert "api-plan" in [t["name"] for t in admin_api.get("/onboarding/templates").json()]
    account = admin_api.post("/accounts", json={"name": "東北ソフト"}).json()

    started = admin_api.post(
        f"/accounts/{account['id']}/onboarding",
        json={"template": "api-plan", "started_on": "2026-04-01"},
    )
    assert started.status_code == 201, started.text
    plan = started.json()
    assert [(s["step_key"], s["due_date"], s["side"]) for s in plan["steps"]] == [
        ("kickoff", "2026-04-06", "cs"),
        ("value", "2026-05-01", "customer"),
    ]
    kickoff = plan["steps"][0]
    assert kickoff["task_id"] is not None
    task = admin_api.get(f"/tasks/{kickoff['task_id']}").json()
    assert (task["source"], task["due_date"], task["status"]) == (
        "onboarding",
        "2026-04-06",
        "open",
    )

    value = plan["steps"][1]["id"]
    ticked = admin_api.post(f"/onboarding/steps/{value}/done")
    assert ticked.status_code == 200
    assert ticked.json()["done_at"] is not None
    assert admin_api.get(f"/accounts/{account['id']}").json()["lifecycle_stage"] == "adoption"
    assert admin_api.get(f"/accounts/{account['id']}/onboarding").json()["first_value_at"]
    reopened = admin_api.delete(f"/onboarding/steps/{value}/done")
    assert reopened.json()["done_at"] is None
    assert admin_api.get(f"/accounts/{account['id']}/onboarding").json()["first_value_at"] is None

    board = admin_api.get("/onboarding/board", params={"template": "api-plan"}).json()
    assert board["total"] == 1
    assert [(r["account"], r["done"], r["steps"]) for r in board["rows"]] == [("東北ソフト", 0, 2)]
    assert [(f["step_key"], f["plans"], f["stalled"]) for f in board["funnel"]] == [
        ("kickoff", 1, 1),
        ("value", 1, 0),
    ]
    assert admin_api.get("/onboarding/board", params={"status": "x"}).status_code == 422
    again = admin_api.post(f"/accounts/{account['id']}/onboarding", json={})
    assert again.status_code == 409
    assert admin_api.post("/onboarding/steps/999999/done").status_code == 404
    assert admin_api.get("/onboarding/templates/nothing-here").status_code == 404


def test_a_bad_template_is_refused_at_its_field(admin_api: TestClient) -> None:
    bad = {**TEMPLATE, "stages": [{"title": "x", "steps": [{"key": "a", "title": "y"}]}]}
    refused = admin_api.post("/onboarding/templates", json=bad)
    assert refused.status_code == 422
    fields = [e["loc"] for e in refused.json()["errors"]]
    assert ["stages", 0, "steps", 0, "due_days"] in fields, refused.text


def test_the_success_plan_through_the_api(admin_api: TestClient) -> None:
    account = admin_api.post("/accounts", json={"name": "盛岡工業"}).json()
    made = admin_api.post(
        f"/accounts/{account['id']}/goals",
        json={"objective": "営業報告の自動化", "title": "週次レポート作成を30分以内に",
              "target_date": "2027-01-31"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    goal = made.json()
    assert goal["status"] == "planned"
    changed = admin_api.patch(f"/goals/{goal['id']}", json={"status": "on_track"})
    assert changed.json()["status"] == "on_track"
    plan = admin_api.get(f"/accounts/{account['id']}/success-plan").json()
    assert [(o["title"], [g["title"] for g in o["goals"]]) for o in plan["objectives"]] == [
        ("営業報告の自動化", ["週次レポート作成を30分以内に"])
    ]
    assert admin_api.patch(f"/goals/{goal['id']}", json={"status": "bad"}).status_code == 422
    assert admin_api.delete(f"/goals/{goal['id']}").status_code == 204
    assert admin_api.get(f"/accounts/{account['id']}/success-plan").json()["objectives"] == []
    assert admin_api.delete(f"/goals/{goal['id']}").status_code == 404
