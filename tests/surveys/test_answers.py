"""Answering without signing in: once per personal link, clear outcomes for expired and
forged links, bad answers refused with nothing stored; the hosted page by email."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kasasu.domain.choices import SurveyKind
from kasasu.errors import InvalidInput
from kasasu.models import SurveyCampaign, SurveyInvitation, SurveyResponse
from kasasu.surveys.answers import (
    Answer,
    answer_campaign,
    answer_errors,
    answer_link,
    open_campaign,
    open_link,
)
from kasasu.surveys.campaign_schemas import CampaignCreate
from kasasu.surveys.campaigns import create_campaign, send_campaign
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.links import SALT, sign_link
from tests.surveys.conftest import NOW, World, file_config


@pytest.fixture
def config(tmp_path: Path) -> SurveyConfig:
    """Invitations written as files: these tests look at the links, not the emails."""
    return file_config(tmp_path)


def _invited(session: Session, world: World, config: SurveyConfig, email: str) -> str:
    create_campaign(
        session,
        CampaignCreate(name="c", contacts=[email], channel_page=True, channel_widget=True),
        config,
    )
    send_campaign(session, "c", config, NOW)
    invitation = session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.contact_id == world.contacts[email])
    ).one()
    return sign_link(config.secret, invitation)


def _stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


def test_a_link_answers_exactly_once(session: Session, world: World, config: SurveyConfig) -> None:
    link = _invited(session, world, config, "hanako@mitsuba.jp")
    page = open_link(session, config, link, NOW)
    assert (page.state, page.locale, page.kind) == ("open", "ja", SurveyKind.NPS)
    assert list(page.scale) == list(range(11))

    later = NOW + timedelta(days=1)
    assert answer_link(session, config, link, Answer(6, "  遅い  "), later).state == "thanks"
    again = answer_link(session, config, link, Answer(10, "more"), later)
    assert again.state == "answered"
    assert open_link(session, config, link, later).state == "answered"

    stored = session.scalars(select(SurveyResponse)).one()
    assert (stored.score, stored.comment, stored.campaign) == (6, "遅い", "c")
    assert stored.contact_id == world.contacts["hanako@mitsuba.jp"]
    assert stored.account_id == world.accounts["三葉商事"]
    assert stored.answered_at == later
    session.expire_all()
    invitation = session.scalars(select(SurveyInvitation)).one()
    assert (invitation.status, invitation.answered_at) == ("answered", later)


def test_an_expired_link_stores_nothing(
    session: Session, world: World, config: SurveyConfig
) -> None:
    link = _invited(session, world, config, "jane@acme.com")
    after = NOW + timedelta(days=30, seconds=1)  # links work for 30 days by default
    assert open_link(session, config, link, after).state == "expired"
    assert answer_link(session, config, link, Answer(9, None), after).state == "expired"
    assert _stored(session) == 0


@pytest.mark.parametrize("how", ["garbled", "other-secret", "wrong-token", "no-such-id"])
def test_a_forged_link_stores_nothing(
    session: Session, world: World, config: SurveyConfig, how: str
) -> None:
    link = _invited(session, world, config, "jane@acme.com")
    invitation = session.scalars(select(SurveyInvitation)).one()
    forged = {
        "garbled": link[:-3] + "abc",
        "other-secret": URLSafeTimedSerializer("other", salt=SALT).dumps(
            [invitation.id, invitation.token]
        ),
        "wrong-token": URLSafeTimedSerializer(config.secret, salt=SALT).dumps(
            [invitation.id, "guess"]
        ),
        "no-such-id": URLSafeTimedSerializer(config.secret, salt=SALT).dumps([10**9, "x"]),
    }[how]
    assert open_link(session, config, forged, NOW).state == "forged"
    assert answer_link(session, config, forged, Answer(9, None), NOW).state == "forged"
    assert _stored(session) == 0


@pytest.mark.parametrize(
    ("score", "comment", "field"),
    [(11, None, "score"), (-1, None, "score"), (None, "x", "score"), (9, "あ" * 2001, "comment")],
)
def test_bad_answers_are_refused_with_nothing_stored(
    session: Session,
    world: World,
    config: SurveyConfig,
    score: int | None,
    comment: str | None,
    field: str,
) -> None:
    link = _invited(session, world, config, "jane@acme.com")
    with pytest.raises(InvalidInput) as refused:
        answer_link(session, config, link, Answer(score, comment), NOW)
    assert [e.loc[-1] for e in refused.value.errors] == [field]
    assert _stored(session) == 0
    assert open_link(session, config, link, NOW).state == "open"  # still answerable
    # 2,000 characters is the limit, not over it.
    assert answer_link(session, config, link, Answer(9, "あ" * 2000), NOW).state == "thanks"


def test_the_hosted_page_takes_one_answer_per_audience_email(
    session: Session, world: World, config: SurveyConfig
) -> None:
    _invited(session, world, config, "jane@acme.com")
    pid = session.scalars(select(SurveyCampaign.public_id)).one()
    assert open_campaign(session, pid, "page").state == "open"
    with pytest.raises(InvalidInput):
        answer_campaign(session, pid, "page", Answer(9, None, "hanako@mitsuba.jp"), NOW)
    assert answer_campaign(session, pid, "page", Answer(9, None, "Jane@Acme.com"), NOW).state == (
        "thanks"
    )
    assert answer_campaign(session, pid, "page", Answer(3, None, "jane@acme.com"), NOW).state == (
        "answered"
    )
    assert open_campaign(session, "unknown", "page").state == "unknown"
    assert _stored(session) == 1


@given(kind=st.sampled_from(list(SurveyKind)), score=st.integers(-50, 50))
def test_a_score_is_accepted_exactly_within_its_scale(kind: SurveyKind, score: int) -> None:
    low, high = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[kind.value]
    assert (answer_errors(kind, score, None) == []) == (low <= score <= high)
