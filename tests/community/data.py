"""Two customer companies with a contact each (and a third contact at A), and two spaces:
the community's test world."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kasasu.community.config import CommunityGuard, CommunityLimits
from kasasu.community.moderation import create_space
from kasasu.community.schemas import SpaceCreate, Writer
from kasasu.models import Account, Contact

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


@dataclass
class World:
    a: int
    b: int
    alice: Writer  # at A
    bob: Writer  # at B
    carol: Writer  # at A too
    howto: int  # space "使い方 / How-to"
    ideas: int  # space "要望 / Ideas"


def add_world(session: Session) -> World:
    tag = uuid.uuid4().hex[:8]
    a = Account(external_id=f"ACME-{tag}", name="Acme 株式会社")
    b = Account(external_id=f"BETA-{tag}", name="Beta 合同会社")
    session.add_all([a, b])
    session.flush()
    people = [
        Contact(external_id=f"alice-{tag}", account_id=a.id, name="山田 花子",
                email=f"alice-{tag}@acme.example"),
        Contact(external_id=f"bob-{tag}", account_id=b.id, name="Bob Smith",
                email=f"bob-{tag}@beta.example"),
        Contact(external_id=f"carol-{tag}", account_id=a.id, name="Carol",
                email=f"carol-{tag}@acme.example"),
    ]  # fmt: skip
    session.add_all(people)
    session.flush()
    alice, bob, carol = (Writer(p.id, p.account_id, p.name, "ja") for p in people)
    howto = create_space(session, SpaceCreate(slug=f"howto-{tag}", name_ja="使い方",
                                              name_en="How-to"))  # fmt: skip
    ideas = create_space(session, SpaceCreate(slug=f"ideas-{tag}", name_ja="要望",
                                              name_en="Ideas"))  # fmt: skip
    return World(a.id, b.id, alice, bob, carol, howto, ideas)


def loose_guard() -> CommunityGuard:
    """Limits no test meets by accident."""
    return CommunityGuard(CommunityLimits(per_minute=1000, per_hour=1000, links=50))
