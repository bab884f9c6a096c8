"""The churn models and risks the refresh stores."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select

from kasasu.db.repository import Repository
from kasasu.models import ChurnModelVersion, ChurnRisk, LifetimeValue, ValueFit
from kasasu.prediction.schemas import Valued

CHUNK = 2_000


class ChurnRepository(Repository[ChurnModelVersion]):
    model = ChurnModelVersion

    def forget(self, day: date) -> None:
        """The day's model and risks gone (a re-run that could not train replaces them)."""
        self.session.execute(delete(ChurnRisk).where(ChurnRisk.as_of == day))
        self.session.execute(delete(ChurnModelVersion).where(ChurnModelVersion.trained_on == day))

    def replace_model(self, day: date, values: dict[str, Any]) -> int:
        self.forget(day)
        row = ChurnModelVersion(trained_on=day, **values)
        self.session.add(row)
        self.session.flush()
        return row.id

    def replace_risks(
        self, day: date, model_id: int, rows: Sequence[tuple[int, float, list[dict[str, Any]]]]
    ) -> None:
        values = [
            {"account_id": a, "as_of": day, "model_id": model_id, "risk": p, "reasons": why}
            for a, p, why in rows
        ]
        for start in range(0, len(values), CHUNK):
            self.session.execute(insert(ChurnRisk), values[start : start + CHUNK])

    def latest_model(self) -> ChurnModelVersion | None:
        stmt = select(ChurnModelVersion).order_by(ChurnModelVersion.trained_on.desc()).limit(1)
        return self.session.scalars(stmt).first()

    def models(self, limit: int) -> list[ChurnModelVersion]:
        stmt = select(ChurnModelVersion).order_by(ChurnModelVersion.trained_on.desc()).limit(limit)
        return list(self.session.scalars(stmt))

    def latest_risk(self, account_id: int) -> ChurnRisk | None:
        stmt = (
            select(ChurnRisk)
            .where(ChurnRisk.account_id == account_id)
            .order_by(ChurnRisk.as_of.desc())
            .limit(1)
        )
        return self.session.scalars(stmt).first()

    def risks_on(self, day: date) -> dict[int, float]:
        stmt = select(ChurnRisk.account_id, ChurnRisk.risk).where(ChurnRisk.as_of == day)
        return {a: float(p) for a, p in self.session.execute(stmt)}

    def latest_day(self) -> date | None:
        found: date | None = self.session.scalar(select(func.max(ChurnRisk.as_of)))
        return found


class ValueRepository(Repository[ValueFit]):
    model = ValueFit

    def forget(self, day: date) -> None:
        self.session.execute(delete(LifetimeValue).where(LifetimeValue.as_of == day))
        self.session.execute(delete(ValueFit).where(ValueFit.as_of == day))

    def replace(self, day: date, fit: dict[str, Any], rows: Sequence[dict[str, Any]]) -> None:
        self.forget(day)
        row = ValueFit(as_of=day, **fit)
        self.session.add(row)
        self.session.flush()
        values = [{**r, "as_of": day, "fit_id": row.id} for r in rows]
        for start in range(0, len(values), CHUNK):
            self.session.execute(insert(LifetimeValue), values[start : start + CHUNK])

    def latest_fit(self) -> ValueFit | None:
        stmt = select(ValueFit).order_by(ValueFit.as_of.desc()).limit(1)
        return self.session.scalars(stmt).first()

    def account_value(self, account_id: int, day: date) -> LifetimeValue | None:
        stmt = select(LifetimeValue).where(
            LifetimeValue.account_id == account_id, LifetimeValue.as_of == day
        )
        return self.session.scalars(stmt).first()

    def values_on(self, day: date) -> dict[int, Valued]:
        v = LifetimeValue
        stmt = select(v.account_id, v.value, v.value_at_risk, v.purchase_value).where(
            v.as_of == day
        )
        return {a: Valued(int(x), r, p) for a, x, r, p in self.session.execute(stmt)}
