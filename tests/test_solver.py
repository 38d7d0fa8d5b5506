"""The solver on its own: readings of a run of tokens, and a table solved as a whole."""

from __future__ import annotations

import itertools
import random
import time

import pytest

from ingest.parser import labels as L
from ingest.parser.solver import Constraint, Meter, Slot, SumRule, readings, solve
from ingest.parser.tables import t3_constraints

ROW = (SumRule(tuple(range(6)), 6),)
T4 = tuple(SumRule((g * 5, g * 5 + 1, g * 5 + 2, g * 5 + 3), g * 5 + 4) for g in range(3))


# --- readings of one run ------------------------------------------------------------------------


def vals(en) -> list[tuple]:
    return [v for v, _ in en.readings]


def test_a_glued_row_read_by_its_own_total() -> None:
    en = readings(["21710000218"], 7, ROW)
    assert en.checked and en.complete
    assert all(sum(v[:6]) == v[6] for v in vals(en))
    assert (2, 1, 7, 10, 0, 0, 20) not in vals(en)  # 2+1+7+10 = 20 but the digits end in 218


def test_owners_point_at_the_printed_tokens() -> None:
    en = readings(["3", "12", ""], 4)
    assert en.readings == [((3, 1, 2, 0), (0, 1, 1, 2))]


def test_no_leading_zero_and_signs() -> None:
    assert vals(readings(["05"], 2)) == [(0, 5)]
    assert vals(readings(["1-20"], 3, signed={1})) == [(1, -2, 0)]
    assert readings(["1-20"], 3).readings == []  # a negative where none may stand: no reading
    assert vals(readings(["12.5"], 1)) == [(12.5,)]


def test_blank_cells_that_vanished_are_put_back() -> None:
    # two printed values in a seven-cell row: every placement that keeps the row's total
    en = readings(["5", "5"], 7, ROW, gaps=True)
    assert en.checked and len(en.readings) == 6
    assert {v.index(5) for v in vals(en)} == set(range(6))
    assert all(v[6] == 5 for v in vals(en))
    blank_owner = en.readings[0][1]
    assert blank_owner.count(None) == 5


def test_broken_row_read_without_the_check() -> None:
    en = readings(["1", "1", "1", "1", "1", "1", "9"], 7, ROW)
    assert not en.checked and vals(en) == [(1, 1, 1, 1, 1, 1, 9)]


def test_table4_run_of_fifteen() -> None:
    en = readings(["21317000001324019"], 15, T4)
    assert en.checked and en.complete and en.readings
    for v in vals(en):
        for g in range(3):
            assert sum(v[g * 5 : g * 5 + 4]) == v[g * 5 + 4]


def test_bounded_on_a_pathological_run() -> None:
    t0 = time.perf_counter()
    en = readings(["1" * 60], 7, ROW, budget=20_000)
    en2 = readings(["1" * 40, "2" * 40], 15, T4, budget=20_000)
    en3 = readings(["7"] * 6, 40, gaps=True, budget=20_000)
    assert time.perf_counter() - t0 < 5
    assert not en3.complete  # cut at its bound, and says so
    assert en.complete or not en.readings
    assert en2.complete or len(en2.readings) <= 64


# --- a table as a whole ---------------------------------------------------------------------------


def test_rows_each_ambiguous_decided_together() -> None:
    # two rows, each with two readings that keep its own total; the column sums pick one pair
    a = Slot((("a", 0), ("a", 1), ("a", 2)), [(1, 10, 11), (11, 0, 11)])
    b = Slot((("b", 0), ("b", 1), ("b", 2)), [(2, 3, 5), (5, 0, 5)])
    t = Slot((("t", 0), ("t", 1), ("t", 2)), [(3, 13, 16)])
    cons = [Constraint(f"col {c}", (("a", c), ("b", c)), (("t", c),)) for c in range(3)]
    res = solve([a, b, t], cons)
    assert res.values[("a", 0)] == 1 and res.values[("b", 1)] == 3
    assert res.solutions == 1 and not res.candidates and not res.broken


def test_several_joint_readings_leave_nulls_with_candidates() -> None:
    a = Slot((("a", 0), ("a", 1), ("a", 2)), [(1, 10, 11), (11, 0, 11)])
    b = Slot((("b", 0), ("b", 1), ("b", 2)), [(10, 1, 11), (0, 11, 11)])
    t = Slot((("t", 0), ("t", 1), ("t", 2)), [(11, 11, 22)])
    cons = [Constraint(f"col {c}", (("a", c), ("b", c)), (("t", c),)) for c in range(3)]
    res = solve([a, b, t], cons)
    assert res.solutions == 2
    assert res.values[("a", 0)] is None and res.candidates[("a", 0)] == [1, 11]
    assert res.values[("a", 2)] == 11  # the same in every joint reading: decided
    assert res.values[("t", 1)] == 11


def test_never_the_first_reading() -> None:
    s = Slot(("x", "y"), [(1, 2), (12, 0)])
    res = solve([s], [])
    assert res.values == {"x": None, "y": None}
    assert res.candidates == {"x": [1, 12], "y": [0, 2]}


def test_broken_arithmetic_named_and_only_unique_readings_kept() -> None:
    # the column rule fails whatever is chosen: set aside; a slot with one reading keeps it, one with two does not
    a = Slot((("a", 0),), [(4,)])
    b = Slot((("b", 0),), [(1,), (2,)])
    t = Slot((("t", 0),), [(100,)])
    res = solve([a, b, t], [Constraint("col 0", (("a", 0), ("b", 0)), (("t", 0),))])
    assert res.broken == ["col 0"]
    assert res.values[("a", 0)] == 4 and res.values[("t", 0)] == 100
    assert res.values[("b", 0)] is None and res.candidates[("b", 0)] == [1, 2]


def test_a_broken_rule_does_not_stop_the_others_deciding() -> None:
    a = Slot((("a", 0), ("a", 1)), [(1, 2), (2, 1)])
    t = Slot((("t", 0), ("t", 1)), [(1, 2)])
    x = Slot((("x", 0),), [(5,)])
    cons = [
        Constraint("c0", (("a", 0),), (("t", 0),)),
        Constraint("c1", (("a", 1),), (("t", 1),)),
        Constraint("never", (("x", 0),), (("t", 0),)),
    ]
    res = solve([a, t, x], cons)
    assert res.broken == ["never"]
    assert res.values[("a", 0)] == 1


def test_cut_search_decides_nothing_from_the_joint_rules() -> None:
    slots = [Slot(((i, 0),), [(v,) for v in range(1, 9)]) for i in range(8)]
    total = Slot((("t", 0),), [(36,)])
    cons = [Constraint("sum", tuple((i, 0) for i in range(8)), (("t", 0),))]
    res = solve([*slots, total], cons, budget=500)
    assert res.exhausted
    assert all(res.values[(i, 0)] is None for i in range(8))
    assert res.values[("t", 0)] == 36


def test_incomplete_slot_is_not_decided() -> None:
    res = solve([Slot(("x",), [(1,)], complete=False)], [])
    assert res.values == {"x": None}


def test_prose_chooses_only_among_joint_solutions() -> None:
    s = Slot(("r", "l"), [(351, 26), (26, 351)])
    res = solve([s], [], prefer=[("r", 351)])
    assert res.values == {"r": 351, "l": 26}
    res = solve([s], [], prefer=[("r", 7)])  # the prose agrees with no reading: ignored
    assert res.values == {"r": None, "l": None}


def _brute(slots, cons):
    """Per slot, the readings used by some assignment satisfying every constraint (or None if none)."""
    where = {c: (si, ci) for si, s in enumerate(slots) for ci, c in enumerate(s.cells)}
    used = [set() for _ in slots]
    any_ok = False
    for combo in itertools.product(*[range(len(s.readings)) for s in slots]):

        def v(c, combo=combo):
            si, ci = where[c]
            return slots[si].readings[combo[si]][ci]

        if all(sum(v(c) for c in k.lhs) == sum(v(c) for c in k.rhs) for k in cons):
            any_ok = True
            for si, r in enumerate(combo):
                used[si].add(r)
    return used if any_ok else None


@pytest.mark.parametrize("seed", range(60))
def test_joint_search_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    nslots = rng.randint(2, 5)
    slots = []
    for si in range(nslots):
        width = rng.randint(1, 3)
        rs = list({tuple(rng.randint(0, 3) for _ in range(width)) for _ in range(rng.randint(1, 4))})
        slots.append(Slot(tuple((si, c) for c in range(width)), rs))
    cells = [c for s in slots for c in s.cells]
    cons = []
    for k in range(rng.randint(1, 3)):
        pick = rng.sample(cells, min(len(cells), rng.randint(2, 4)))
        cut = rng.randint(1, len(pick) - 1)
        cons.append(Constraint(f"k{k}", tuple(pick[:cut]), tuple(pick[cut:])))
    want = _brute(slots, cons)
    res = solve(slots, cons)
    if want is not None:
        assert not res.broken
        assert [set(a) for a in res.allowed] == want
    else:
        assert res.broken


def test_table3_constraints_cover_the_spec() -> None:
    cons = t3_constraints(L.T3_ROWS_2021, "2021")
    names = {k.name.split()[0] for k in cons}
    assert names == {"T3_ROW_SUM", "T3_COLUMN_BALANCE", "T3_OUTCOME_SUM"}
    assert len(cons) == len(L.T3_ROWS_2021) + 7 + 7
    # rows missing: the column rules that need them are not set
    assert {k.name.split()[0] for k in t3_constraints(["granted"], "2021")} == {"T3_ROW_SUM"}


def test_a_run_too_long_for_its_cells_is_refused_without_a_search():
    # 120 digits cannot fill 7 cells of at most MAX_DIGITS digits each: no reading, and the search
    # says so outright instead of spending its whole budget on splits
    run = "3157912984894136060136118983126212330302" * 3
    en = readings([run], 7, [SumRule(tuple(range(6)), 6)])
    assert en.readings == [] and en.complete


def test_searches_sharing_a_meter_stop_when_it_is_spent():
    run = "31579129848941360601361189831262123"  # 35 digits, 7 cells: far more splits than steps
    alone = readings([run], 7, [SumRule(tuple(range(6)), 6)], budget=5_000)
    assert not alone.complete  # one search alone runs to its own budget
    meter = Meter(6_000)
    first = readings([run], 7, [SumRule(tuple(range(6)), 6)], budget=5_000, meter=meter)
    second = readings([run], 7, [SumRule(tuple(range(6)), 6)], budget=5_000, meter=meter)
    assert not first.complete and not second.complete
    assert meter.left < 0  # the second search stopped when the shared budget was spent, not at its own
    easy = readings(["1", "2", "3"], 3, meter=Meter(100))
    assert easy.complete and easy.readings[0][0] == (1, 2, 3)
