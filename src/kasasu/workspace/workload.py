"""CSM workload per touch model: accounts, their MRR and open tasks per owner."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, computed_field
from sqlalchemy.orm import Session

from kasasu.domain.choices import TouchModel
from kasasu.health.snapshots import latest_refresh_day
from kasasu.models import Account, HealthScore, Task, User
from kasasu.users.service import user_names
from kasasu.workspace.accounts import NO_TOUCH_MODEL
from kasasu.workspace.memo import Recalled, recall
from kasasu.workspace.repository import WorkloadRepository

# The columns of the workload table; "none": no touch model of its own and not scored on
# the latest refresh day.
TOUCH_COLUMNS = (*(t.value for t in TouchModel), NO_TOUCH_MODEL)


class WorkloadCell(BaseModel):
    accounts: int = 0
    mrr: float = Field(default=0.0, description="Reporting currency, minor units")
    open_tasks: int = 0
    overdue_tasks: int = Field(default=0, description="Open and due before today")


class OwnerWorkload(BaseModel):
    owner_id: int | None = Field(description="None: the accounts nobody owns")
    name: str
    cells: dict[str, WorkloadCell] = Field(
        default_factory=lambda: {t: WorkloadCell() for t in TOUCH_COLUMNS},
        description='Per touch model ("none": neither its own nor from the refresh)',
    )

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def total(self) -> WorkloadCell:
        cells = self.cells.values()
        return WorkloadCell(
            accounts=sum(c.accounts for c in cells),
            mrr=sum(c.mrr for c in cells),
            open_tasks=sum(c.open_tasks for c in cells),
            overdue_tasks=sum(c.overdue_tasks for c in cells),
        )


class Workload(BaseModel):
    as_of: date | None = Field(description="The latest refresh day (none before the first)")
    owners: list[OwnerWorkload]


def csm_workload(session: Session, today: date) -> Workload:
    """Per owner × touch model: accounts, MRR, open tasks and those due before ``today``,
    with touch models and MRR as of the latest refresh. Owners by name; unowned last."""
    day = latest_refresh_day(session)
    repo = WorkloadRepository(session)
    on = day or date.min  # before any refresh: only touch models set by hand count
    owners: dict[int | None, OwnerWorkload] = {}

    def cell(owner_id: int | None, touch: TouchModel | None) -> WorkloadCell:
        row = owners.setdefault(owner_id, OwnerWorkload(owner_id=owner_id, name=""))
        return row.cells[touch.value if touch else NO_TOUCH_MODEL]

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
    return Workload(as_of=day, owners=ordered)


# The workload reads accounts (owner, own touch model), the latest scores (touch model,
# MRR), open tasks and the users' names.
WORKLOAD_TABLES = (Account, HealthScore, Task, User)


def recall_workload(session: Session, today: date) -> Recalled[Workload]:
    return recall(
        session,
        "workload",
        {"today": today},
        tables=WORKLOAD_TABLES,
        compute=lambda: csm_workload(session, today),
        kind=Workload,
    )
