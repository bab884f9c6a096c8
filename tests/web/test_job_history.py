"""The job history in Settings: admins see each job's latest run that did the work, and the
recent runs of one job with who skipped and why a run failed; in English and Japanese."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from tests.jobruns.test_service import history_of_two_workers
from tests.web.conftest import SignIn


def test_admins_see_the_jobs_in_settings(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        history_of_two_workers(s)
        s.commit()
    sign_in(Role.LEADER)
    assert web.get("/settings/jobs").status_code == 403
    assert 'id="jobs"' not in web.get("/settings").text
    sign_in(Role.ADMIN)
    settings = web.get("/settings").text
    jobs = settings.split('id="jobs"')[1].split("</section>")[0]
    rows = jobs.split("<tbody>")[1].split("</tr>")
    # Each job's latest run that did the work: the refresh's retry; A's reminders.
    assert "Daily refresh" in rows[0]
    assert "Done (try 2)" in rows[0]
    assert "90 s" in rows[0]
    assert "Customer reminders and event emails" in rows[1]
    assert "worker-a:101" in rows[1]
    assert 'href="/settings/jobs"' in jobs
    page = web.get("/settings/jobs", params={"name": "daily-refresh"})
    assert page.status_code == 200
    table = page.text.split("<tbody>")[1]
    assert table.count("<tr>") == 3
    assert "Skipped: another process ran it — <code>worker-a:101</code>" in table
    assert "Boom: xxx" in table
    japanese = web.get("/settings/jobs", headers={"Accept-Language": "ja"}).text
    assert "定期ジョブ" in japanese
