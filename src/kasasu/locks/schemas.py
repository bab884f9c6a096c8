"""A lock as read back: who holds it, since when, and until when unless renewed."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class LockRead(BaseModel):
    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime
