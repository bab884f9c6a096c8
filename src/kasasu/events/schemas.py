"""What a usage event looks like on the way in, and what an ingestion reports back.

Field names follow the API; files use the same names. Each field also accepts the name the
event store uses (``account_external_id``, ``event_name``, ``occurred_at``), so a table
exported from the store can be sent back in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import pyarrow as pa
from pydantic import AliasChoices, AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

MAX_BATCH = 10_000
MAX_PROPERTIES_BYTES = 32 * 1024  # one event's properties, as compact JSON (UTF-8)

# The columns a batch hands to the store, in order. ``event_id`` may be null: the store then
# derives it from the other fields, in one place, so a file and the API derive the same id.
BATCH_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.string()),
        pa.field("account_external_id", pa.string(), nullable=False),
        pa.field("user_id", pa.string()),
        pa.field("event_name", pa.string(), nullable=False),
        pa.field("occurred_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("value", pa.float64()),
        pa.field("properties", pa.string()),  # JSON text
    ]
)
# Every column of a stored event, as Arrow: what the warehouse export writes.
STORED_SCHEMA = BATCH_SCHEMA.set(0, pa.field("event_id", pa.string(), nullable=False)).append(
    pa.field("received_at", pa.timestamp("us", tz="UTC"), nullable=False)
)


@dataclass(frozen=True)
class StoredEvents:
    """Stored events being read (STORED_SCHEMA), and how many there are to read."""

    total: int
    batches: pa.RecordBatchReader


_Text = Annotated[str, Field(min_length=1, max_length=500)]


class EventIn(BaseModel):
    """One product usage event (利用イベント)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "event_id": "evt-0001",
                    "account_id": "ACME-001",
                    "user_id": "u-42",
                    "event": "report_exported",
                    "timestamp": "2026-11-22T10:30:00+09:00",
                    "value": 3,
                    "properties": {"format": "xlsx"},
                }
            ]
        },
    )

    event_id: _Text | None = Field(
        default=None,
        description=(
            "Your id for the event; sending the same id again never counts it twice. "
            "When absent, Kasasu derives one from all the other fields."
        ),
    )
    account_id: _Text = Field(
        validation_alias=AliasChoices("account_id", "account_external_id"),
        description="The account's external id (alias: account_external_id)",
    )
    user_id: _Text | None = Field(default=None, description="The customer's user who acted")
    event: _Text = Field(
        validation_alias=AliasChoices("event", "event_name"),
        description="Event name, e.g. login (alias: event_name)",
    )
    timestamp: AwareDatetime = Field(
        validation_alias=AliasChoices("timestamp", "occurred_at"),
        description="When it happened, ISO 8601 with a UTC offset (alias: occurred_at)",
    )
    value: float | None = Field(default=None, allow_inf_nan=False, description="Optional number")
    properties: dict[str, Any] = Field(default_factory=dict, description="Any JSON object")


EVENT_LIST = TypeAdapter(list[EventIn])


class IngestResult(BaseModel):
    """How many events came in, how many were new, and how many were already stored."""

    received: int
    inserted: int
    duplicates: int

    @classmethod
    def of(cls, received: int, inserted: int) -> IngestResult:
        return cls(received=received, inserted=inserted, duplicates=received - inserted)


class AccountEventCount(BaseModel):
    account_external_id: str
    events: int
