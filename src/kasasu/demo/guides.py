"""The demo's in-app guides: an SDK environment for the sample product of examples/host-app
(on port 8100), a guide of each kind published six weeks before the last day, and what the
tech-touch accounts' users did with them since, so the guide list and reports have figures."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from kasasu.demo.timeline import Calendar
from kasasu.domain.choices import TouchModel
from kasasu.domain.guides import COMPLETED, DISMISSED, SHOWN, STEP
from kasasu.guides.authoring import create_guide, parse_guides, publish
from kasasu.guides.progress import Batch, record_batches
from kasasu.guides.schemas import EnvironmentCreate, SdkEvent
from kasasu.guides.service import create_environment

ENVIRONMENT = "demo-product"
ORIGINS = ["http://127.0.0.1:8100", "http://localhost:8100"]  # examples/host-app's default
LIVE_FOR = timedelta(days=42)
TOUR = "first-report-tour"
GUIDES = Path(__file__).with_name("guides.yaml")


def make_guides(
    session: Session, seed: int, cal: Calendar, accounts: list[dict[str, Any]]
) -> tuple[str, str]:
    """The environment's public key and secret (for the sample product), after publishing
    the guides and replaying what the tech-touch accounts' users did with them."""
    # Derived from the seed, as all demo data is: a real product gets its own environment.
    derived = hashlib.sha256(f"kasasu-demo-{seed}".encode()).hexdigest()
    env, secret = create_environment(
        session,
        EnvironmentCreate(name=ENVIRONMENT, origins=list(ORIGINS)),
        keys=(f"pk_demo{derived[:16]}", derived),
    )
    live = cal.instant(cal.as_of - LIVE_FOR, 9.0)
    for guide in parse_guides(GUIDES.read_text(encoding="utf-8"), GUIDES.name, ENVIRONMENT):
        create_guide(session, guide)
        publish(session, guide.key, by=None, now=live)
    rng = np.random.default_rng(seed + 17)
    tech = [a for a in accounts if a["touch_model"] == TouchModel.TECH]
    batches: list[Batch] = []
    for account in tech:
        for user in range(1, int(rng.integers(1, 4)) + 1):
            at = live + timedelta(days=float(rng.uniform(0, LIVE_FOR.days - 1)))
            events = _walked(rng, f"{account['external_id']}-u{user}", at)
            batches.append((account["id"], f"u-{user}", events))
    record_batches(session, batches)
    return env.public_key, secret


def _walked(rng: np.random.Generator, prefix: str, at: Any) -> list[SdkEvent]:
    """A user's way through the tour: most finish it, some stop on a step, some close it."""
    steps = int(rng.choice([3, 3, 3, 2, 1, 0]))
    names = [SHOWN, *[STEP] * steps, COMPLETED if steps == 3 else DISMISSED]
    return [
        SdkEvent(
            id=f"demo-{prefix}-{i}",
            name=name,
            at=at + timedelta(seconds=20 * i),
            properties={"guide": TOUR, "version": 1, **({"step": i - 1} if name == STEP else {})},
        )
        for i, name in enumerate(names)
    ]
