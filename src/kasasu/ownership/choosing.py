"""Which CSM a rule gives the next account to: pure, so its promises are easy to prove.

- Nobody is given more accounts than their capacity (None: no limit).
- "The first with room": the first of the rule's people in the order given who has room.
- Round robin: the next person after the last one given an account, in the order given,
  skipping those who are full; the rule remembers where it stopped across runs.
- Fewest accounts: the person with the fewest accounts now (ties: the order given).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kasasu.domain.choices import OwnerMethod


def has_room(owner: int, counts: Mapping[int, int], capacity: Mapping[int, int | None]) -> bool:
    limit = capacity.get(owner)
    return limit is None or counts.get(owner, 0) < limit


def choose_owner(
    method: OwnerMethod,
    people: Sequence[int],
    counts: Mapping[int, int],
    capacity: Mapping[int, int | None],
    last: int | None = None,
) -> int | None:
    """The person to give the next account to; None when every one of them is full."""
    open_ = [p for p in people if has_room(p, counts, capacity)]
    if not open_:
        return None
    if method is OwnerMethod.FEWEST:
        return min(open_, key=lambda p: (counts.get(p, 0), people.index(p)))
    if method is OwnerMethod.ROUND_ROBIN and last in people:
        start = people.index(last) + 1
        turn = [*people[start:], *people[:start]]
        return next(p for p in turn if p in open_)
    return open_[0]
