"""``GET /exports/crm`` (tests/jobs/crm_data.py): every account in HubSpot's or Salesforce's
columns, CSV by ``as`` or by the Accept header, JSON otherwise; the same rows as
``kasasu export crm``."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.jobs.crm_data import add_crm_book

# By external id. C1: 0.6234 → 62.3 %; C2: 82.46 → 82.5; C3 not enough data; C4 not scored.
HUBSPOT_CSV = (
    "\ufeffhs_object_id,domain,name,kasasu_account_id,kasasu_health_score,kasasu_health_band,"
    "kasasu_churn_risk,kasasu_csm_email,kasasu_health_date\r\n"
    "1001,c1.jp,株式会社C1,C1,25.0,red,62.3,aoki@example.com,2026-04-01\r\n"
    ",c2.com,C2 Inc.,C2,82.5,green,,,2026-04-01\r\n"
    "1003,,株式会社C3,C3,,unknown,,baba@example.com,2026-04-01\r\n"
    ",,株式会社C4,C4,,,,aoki@example.com,\r\n"
)


def _book(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        ids = add_crm_book(s)
        s.commit()
    return ids


def test_hubspot_csv_by_parameter_and_by_accept(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    _book(sessions)
    by_param = admin_api.get("/exports/crm", params={"format": "hubspot", "as": "csv"})
    assert by_param.status_code == 200
    assert by_param.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_param.text == HUBSPOT_CSV
    assert 'filename="kasasu-hubspot-' in by_param.headers["content-disposition"]
    by_accept = admin_api.get(
        "/exports/crm", params={"format": "hubspot"}, headers={"Accept": "text/csv"}
    )
    assert by_accept.text == HUBSPOT_CSV


def test_salesforce_json(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    _book(sessions)
    records = admin_api.get("/exports/crm", params={"format": "salesforce"}).json()
    assert records[0] == {
        "Id": "001A000001",
        "Name": "株式会社C1",
        "Kasasu_Account_Id__c": "C1",
        "Kasasu_Health_Score__c": 25.0,
        "Kasasu_Health_Band__c": "red",
        "Kasasu_Churn_Risk__c": 62.3,
        "Kasasu_CSM_Email__c": "aoki@example.com",
        "Kasasu_Health_Date__c": "2026-04-01",
    }
    assert [(r["Id"], r["Kasasu_Account_Id__c"], r["Kasasu_Health_Band__c"]) for r in records] == [
        ("001A000001", "C1", "red"),
        (None, "C2", "green"),
        (None, "C3", "unknown"),
        (None, "C4", None),
    ]


def test_an_unknown_crm_is_refused(admin_api: TestClient) -> None:
    refused = admin_api.get("/exports/crm", params={"format": "pipedrive"})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
