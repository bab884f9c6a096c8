"""CSM workload per touch model: accounts, their MRR and open tasks per owner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from kasasu.domain.choices import TouchModel
from kasasu.health.repository import SnapshotRepository, WorkloadRepository
from kasasu.users.service import user_names

# The columns of the workload table; "none": no touch model of its own and not scored on
# the latest refresh day.
TOUCH_COLUMNS = (TouchModel.HIGH.value, TouchModel.LOW.value, TouchModel.TECH.value, "none")


@dataclass
class WorkloadCell:
    accounts: int = 0
    mrr: float = 0.0  # reporting currency, minor units, on the latest refresh day
    open_tasks: int = 0
    overdue_tasks: int = 0


@dataclass
class OwnerWorkload:
    owner_id: int | None  # None: accounts nobody owns
    name: str
    cells: dict[str, WorkloadCell] = field(
        default_factory=lambda: {t: WorkloadCell() for t in TOUCH_COLUMNS}
    )

    @property
    def total(self) -> WorkloadCell:
        cells = self.cells.values()
        return WorkloadCell(
            accounts=sum(c.accounts for c in cells),
            mrr=sum(c.mrr for c in cells),
            open_tasks=sum(c.open_tasks for c in cells),
            overdue_tasks=sum(c.overdue_tasks for c in cells),
        )


@dataclass(frozen=True)
class Workload:
    as_of: date | None  # the latest refresh day (None before the first refresh)
    owners: list[OwnerWorkload]


def csm_workload(session: Session, today: date) -> Workload:
    """Per owner × touch model: accounts, MRR, open tasks and those due before ``today``,
    with touch models and MRR as of the latest refresh. Owners by name; unowned last."""
    day = SnapshotRepository(session).latest_score_date()
    repo = WorkloadRepository(session)
    on = day or date.min  # before any refresh: only touch models set by hand count
    owners: dict[int | None, OwnerWorkload] = {}

    def cell(owner_id: int | None, touch: TouchModel | None) -> WorkloadCell:
        row = owners.setdefault(owner_id, OwnerWorkload(owner_id, ""))
        return row.cells[touch.value if touch else "none"]

    for owner_id, touch, n, mrr in repo.accounts(on):
        found = cell(owner_id, touch)
        found.accounts, found.mrr = int(n), float(mrr or 0)
    for owner_id, touch, n, overdue in repo.open_tasks(on, today):
        found = cell(owner_id, touch)
        found.open_tasks, found.overdue_tasks = int(n), int(overdue or 0)
    names = user_names(session, [o for o in owners if o is not None])
    for owner_id, row in owners.items():
        row.name = names.get(owner_id, "") if owner_id is not None else ""
    ordered = sorted(owners.values(), key=lambda r: (r.owner_id is None, r.name, r.owner_id or 0))
    return Workload(day, ordered)
