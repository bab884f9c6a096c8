"""Read models kept between requests and processes: a figure costly to compute (the
dashboard's KPIs) is stored under the key of what it was computed from (the latest refresh
day, the month, the currency) and served until that key changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, JSONType


class CachedResult(Base):
    __tablename__ = "cached_results"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)  # e.g. dashboard
    key: Mapped[str] = mapped_column(String(500))  # what the payload was computed from
    payload: Mapped[Any] = mapped_column(JSONType)
    computed_at: Mapped[datetime]
