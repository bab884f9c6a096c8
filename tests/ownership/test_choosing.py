"""Which CSM gets the next account: by hand, and the promises over any run of accounts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kasasu.domain.choices import OwnerMethod
from kasasu.ownership.choosing import choose_owner

A, B, C = 1, 2, 3


def _run(
    method: OwnerMethod,
    people: list[int],
    counts: dict[int, int],
    cap: dict[int, int | None],
    n: int,
) -> list[int | None]:
    """Give ``n`` accounts one after another, as the service does."""
    given_to: list[int | None] = []
    last = None
    for _ in range(n):
        owner = choose_owner(method, people, counts, cap, last)
        given_to.append(owner)
        if owner is not None:
            counts[owner] = counts.get(owner, 0) + 1
            last = owner
    return given_to


def test_round_robin_takes_turns_and_skips_the_full() -> None:
    assert _run(OwnerMethod.ROUND_ROBIN, [A, B, C], {}, {}, 5) == [A, B, C, A, B]
    # B can take one more: A, B, C, then B is full so A, C alternate.
    assert _run(OwnerMethod.ROUND_ROBIN, [A, B, C], {B: 4}, {B: 5}, 6) == [A, B, C, A, C, A]


def test_round_robin_goes_on_where_the_last_run_stopped() -> None:
    assert choose_owner(OwnerMethod.ROUND_ROBIN, [A, B, C], {}, {}, last=B) == C
    assert choose_owner(OwnerMethod.ROUND_ROBIN, [A, B, C], {}, {}, last=C) == A
    # someone no longer in the rule: start from the first
    assert choose_owner(OwnerMethod.ROUND_ROBIN, [A, B, C], {}, {}, last=99) == A


def test_fewest_fills_the_emptiest_first() -> None:
    # A has 3, B 1, C 0: C, then C/B tie at 1 → B (earlier), then C, then all at 2 → …
    assert _run(OwnerMethod.FEWEST, [A, B, C], {A: 3, B: 1}, {}, 4) == [C, B, C, B]


def test_first_with_room_fills_in_order() -> None:
    assert _run(OwnerMethod.FIXED, [A, B], {A: 1}, {A: 2, B: 1}, 3) == [A, B, None]


def test_nobody_with_room_gives_none() -> None:
    for method in OwnerMethod:
        assert choose_owner(method, [A, B], {A: 2, B: 0}, {A: 2, B: 0}) is None
        assert choose_owner(method, [], {}, {}) is None


people_st = st.lists(st.integers(1, 6), min_size=1, max_size=5, unique=True)


@given(
    method=st.sampled_from(list(OwnerMethod)),
    people=people_st,
    start=st.dictionaries(st.integers(1, 6), st.integers(0, 5)),
    cap=st.dictionaries(st.integers(1, 6), st.none() | st.integers(0, 8)),
    n=st.integers(0, 30),
)
def test_nobody_goes_over_capacity_and_nobody_with_room_is_passed_over(
    method: OwnerMethod,
    people: list[int],
    start: dict[int, int],
    cap: dict[int, int | None],
    n: int,
) -> None:
    counts = dict(start)
    given_to = _run(method, people, counts, cap, n)
    for person in people:
        limit = cap.get(person)
        if limit is not None:
            assert counts.get(person, 0) <= max(limit, start.get(person, 0))
    # None only once every person is full; after that, always None.
    if None in given_to:
        first = given_to.index(None)
        assert all(g is None for g in given_to[first:])
        assert all(cap.get(p) is not None and counts.get(p, 0) >= cap[p] for p in people)  # type: ignore[operator]
    assert all(g in people for g in given_to if g is not None)


@given(people=people_st, n=st.integers(0, 40))
def test_round_robin_without_limits_is_fair(people: list[int], n: int) -> None:
    counts: dict[int, int] = {}
    _run(OwnerMethod.ROUND_ROBIN, people, counts, {}, n)
    got = [counts.get(p, 0) for p in people]
    assert max(got) - min(got) <= 1
    assert sum(got) == n


@given(
    people=people_st,
    start=st.dictionaries(st.integers(1, 6), st.integers(0, 9)),
    n=st.integers(0, 40),
)
def test_fewest_never_widens_the_gap(people: list[int], start: dict[int, int], n: int) -> None:
    counts = {p: start.get(p, 0) for p in people}
    before = max(counts.values()) - min(counts.values())
    _run(OwnerMethod.FEWEST, people, counts, {}, n)
    after = max(counts.values()) - min(counts.values())
    assert after <= max(before, 1)
