"""Settings: preferences, users and API keys (admin), scorecards with a band preview."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.digests.service import digest_preferences
from kasasu.domain.choices import Role
from kasasu.health.features import RefreshConfig, compute_features
from kasasu.health.service import score_day
from kasasu.models import ApiKey, ScorecardVersion, User
from kasasu.warehouse.source import AnalyticsSource
from tests.health.golden_health import AS_OF, add_health_base, write_health_events
from tests.web.conftest import SignIn, csrf


def test_preferences_change_language_and_zone(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    me = sign_in(Role.CSM)
    page = web.get("/settings").text
    assert "API keys" not in page  # admins only
    form = {"csrf_token": csrf(page), "locale": "ja", "zone": "Europe/London"}
    assert web.post("/settings/preferences", data=form).status_code == 303
    assert "<h1>設定</h1>" in web.get("/settings").text
    with sessions() as s:
        user = s.get(User, me)
        assert user is not None
        assert (user.locale, user.timezone) == ("ja", "Europe/London")
    bad = web.post("/settings/preferences", data=form | {"zone": "Mars/Base"})
    assert bad.status_code == 400


def test_admin_adds_users_and_keys(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.ADMIN)
    page = web.get("/settings").text
    user = {
        "name": "山田 花子",
        "email": "hanako@example.com",
        "role": "csm",
        "password": "pw-12345678",
    }
    assert web.post("/settings/users", data=user | {"csrf_token": csrf(page)}).status_code == 303
    assert "山田 花子" in web.get("/settings").text
    # The same email again: a conflict (409, as the API answers it), not a bad request.
    twice = web.post("/settings/users", data=user | {"csrf_token": csrf(page)})
    assert twice.status_code == 409
    assert "A user with email hanako@example.com already exists" in twice.text
    created = web.post(
        "/settings/keys", data={"csrf_token": csrf(page), "name": "CRM", "role": "viewer"}
    )
    key = re.search(r"<code>(ksu_[A-Za-z0-9_-]+)</code>", created.text)
    assert key, "the new key is shown once"
    with sessions() as s:
        [row] = s.query(ApiKey).filter_by(name="CRM").all()
        key_id = row.id
    revoke = web.post(f"/settings/keys/{key_id}/revoke", data={"csrf_token": csrf(page)})
    assert revoke.status_code == 303
    with sessions() as s:
        revoked = s.get(ApiKey, key_id)
        assert revoked is not None
        assert revoked.revoked_at is not None


def test_scorecard_preview_and_save(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    sign_in(Role.LEADER)
    with sessions() as s:
        add_health_base(s)
        config = RefreshConfig(
            "Asia/Tokyo",
            "JPY",
            source=AnalyticsSource(events_path=write_health_events(tmp_path / "e")),
        )
        compute_features(s, [AS_OF], config)
        score_day(s, AS_OF)  # default card: H1 yellow, H2 unknown
        s.commit()
    page = web.get("/settings/scorecards/default").text
    assert "name: default" in page
    strict = (
        "name: default\npriority: 1000\nmeasures:\n"
        "  - metric: open_tickets\n    weight: 1\n"
        "    thresholds: [{up_to: 0, points: 100}, {points: 0}]\n"
    )
    preview = web.post(
        "/settings/scorecards", data={"csrf_token": csrf(page), "text": strict, "action": "preview"}
    ).text
    # Now: 1 yellow, 1 unknown. With open tickets only: H1 has 2 open → 0 points → red;
    # H2 none open → 100 → green.
    rows = dict(
        re.findall(
            r'band-(\w+)">[^<]+</span></th><td class="num">\d+</td><td class="num">(\d+)<', preview
        )
    )
    assert rows == {"red": "1", "yellow": "0", "green": "1", "unknown": "0"}
    bad = web.post(
        "/settings/scorecards",
        data={"csrf_token": csrf(page), "text": "name: x\nmeasures: []\n", "action": "save"},
    )
    assert bad.status_code == 422
    assert "measures" in bad.text
    saved = web.post(
        "/settings/scorecards", data={"csrf_token": csrf(page), "text": strict, "action": "save"}
    )
    assert saved.headers["location"] == "/settings/scorecards/default"
    with sessions() as s:
        # The three shipped cards' v1 (onboarding, adoption, default), then default v2.
        assert s.query(ScorecardVersion).count() == 4


def test_admins_see_each_connectors_last_run_and_its_errors(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    from datetime import UTC, datetime

    from kasasu.connectors.runs import record_run
    from kasasu.connectors.schemas import error
    from kasasu.kit.i18n import _

    with sessions() as s:
        started = datetime(2026, 12, 1, 3, tzinfo=UTC)
        record_run(s, "hubspot-companies", started, rows=3, errors=[], detail="a.csv")
        bad = [error("row 4 Status", _("Missing column"))]
        record_run(s, "zendesk-tickets", started, rows=0, errors=bad, detail="b.csv")
        s.commit()
    sign_in(Role.CSM)
    assert "zendesk-tickets" not in web.get("/settings").text  # admins only
    sign_in(Role.ADMIN)
    page = web.get("/settings").text
    assert re.search(r"<td>hubspot-companies</td><td>[^<]+</td><td>3</td><td>0</td>", page)
    assert re.search(r"<td>zendesk-tickets</td><td>[^<]+</td><td>0</td><td>1</td>", page)
    assert "<code>row 4 Status</code> Missing column" in page


def test_your_daily_digest_channel(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    """Email by default; Teams to a webhook URL of your own; a Chatwork room that is not a
    number is refused under the form (400), what was typed kept, nothing stored."""
    me = sign_in(Role.CSM)
    page = web.get("/settings?lang=en").text
    assert "Your daily digest" in page
    assert '<option value="email" selected>Email</option>' in page
    form = {"csrf_token": csrf(page), "channel": "teams", "target": "https://hook.example/t"}
    saved = web.post("/settings/digest", data=form)
    assert saved.status_code == 303
    after = web.get(saved.headers["location"] + "&lang=en").text
    assert '<option value="teams" selected>Microsoft Teams</option>' in after
    assert 'value="https://hook.example/t"' in after
    wrong = web.post("/settings/digest?lang=en", data=form | {"channel": "chatwork",
                                                               "target": "room-7"})  # fmt: skip
    assert wrong.status_code == 400
    assert "A Chatwork room id is a number" in wrong.text
    assert 'value="room-7" maxlength="2000"' in wrong.text
    with sessions() as s:
        assert digest_preferences(s, [me])[me].channel == "teams"
