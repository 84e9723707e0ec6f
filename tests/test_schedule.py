from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.schedule.holidays import WorkCalendar
from bot.schedule.periods import (
    Period,
    Schedule,
    TaskInstance,
    parse_period,
    period_for,
    previous_period,
)
from knowledge.loader import load_rulebook
from knowledge.model import Rulebook, Task, Unit, Window


@pytest.fixture(scope="module")
def rb() -> Rulebook:
    return load_rulebook()


@pytest.fixture
def schedule(rb: Rulebook) -> Schedule:
    return Schedule(rb, WorkCalendar())


def unit_task(rb: Rulebook, task_id: str) -> tuple[Unit, Task]:
    found = rb.task(task_id)
    assert found is not None, task_id
    return found


def keys(instances: list[TaskInstance]) -> set[tuple[str, str]]:
    return {(i.task_id, i.period.key) for i in instances}


def find(instances: list[TaskInstance], task_id: str, key: str) -> TaskInstance:
    return next(i for i in instances if i.task_id == task_id and i.period.key == key)


# --- periods -------------------------------------------------------------------------------


def test_week_is_iso_week_starting_monday() -> None:
    assert period_for("week", date(2026, 11, 25)) == Period(
        "2026-W48", date(2026, 11, 23), date(2026, 11, 29)
    )
    assert period_for("week", date(2026, 11, 23)).key == "2026-W48"
    assert period_for("week", date(2026, 11, 29)).key == "2026-W48"
    assert period_for("week", date(2026, 11, 30)).key == "2026-W49"
    assert period_for("week", date(2026, 3, 2)).key == "2026-W10"


def test_week_uses_the_iso_year_at_year_end() -> None:
    w53 = Period("2026-W53", date(2026, 12, 28), date(2027, 1, 3))
    assert period_for("week", date(2026, 12, 31)) == w53
    assert period_for("week", date(2027, 1, 1)) == w53
    assert period_for("week", date(2027, 1, 3)) == w53
    assert period_for("week", date(2027, 1, 4)).key == "2027-W01"
    assert period_for("week", date(2025, 12, 29)).key == "2026-W01"
    assert period_for("week", date(2025, 12, 28)).key == "2025-W52"


def test_month_quarter_year() -> None:
    assert period_for("month", date(2026, 11, 25)) == Period(
        "2026-11", date(2026, 11, 1), date(2026, 11, 30)
    )
    assert period_for("month", date(2026, 2, 10)).end == date(2026, 2, 28)
    assert period_for("month", date(2028, 2, 10)).end == date(2028, 2, 29)
    assert period_for("month", date(2026, 1, 1)).key == "2026-01"
    assert period_for("quarter", date(2026, 3, 31)).key == "2026-Q1"
    assert period_for("quarter", date(2026, 4, 1)) == Period(
        "2026-Q2", date(2026, 4, 1), date(2026, 6, 30)
    )
    assert period_for("quarter", date(2026, 11, 25)) == Period(
        "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)
    )
    assert period_for("year", date(2026, 12, 31)) == Period(
        "2026", date(2026, 1, 1), date(2026, 12, 31)
    )
    with pytest.raises(ValueError):
        period_for("day", date(2026, 1, 1))


def test_previous_period_crosses_year_boundaries() -> None:
    assert previous_period("week", period_for("week", date(2027, 1, 4))).key == "2026-W53"
    assert previous_period("week", period_for("week", date(2026, 1, 1))).key == "2025-W52"
    assert previous_period("month", period_for("month", date(2026, 1, 15))).key == "2025-12"
    assert previous_period("month", period_for("month", date(2026, 3, 1))) == Period(
        "2026-02", date(2026, 2, 1), date(2026, 2, 28)
    )
    assert previous_period("quarter", period_for("quarter", date(2026, 2, 1))).key == "2025-Q4"
    assert previous_period("year", period_for("year", date(2026, 2, 1))).key == "2025"


@pytest.mark.parametrize(
    ("every", "d"),
    [
        ("week", date(2026, 11, 25)),
        ("week", date(2027, 1, 1)),
        ("week", date(2026, 1, 5)),
        ("month", date(2026, 2, 1)),
        ("quarter", date(2026, 12, 31)),
        ("year", date(2027, 6, 1)),
    ],
)
def test_parse_period_round_trips(every: str, d: date) -> None:
    period = period_for(every, d)
    assert parse_period(period.key) == (every, period)


@pytest.mark.parametrize(
    "key",
    [
        "2026-W54",
        "2025-W53",
        "2026-W00",
        "2026-13",
        "2026-00",
        "2026-Q5",
        "2026-chunjie",
        "26",
        "",
    ],
)
def test_parse_period_rejects_other_keys(key: str) -> None:
    with pytest.raises(ValueError):
        parse_period(key)


# --- windows -------------------------------------------------------------------------------


def test_window_kinds(rb: Rulebook, schedule: Schedule) -> None:
    cases = {
        "2.2.1:month": ("2026-month", date(2026, 6, 1), date(2026, 6, 30)),
        "9.3:w512": ("2026-w512", date(2026, 5, 11), date(2026, 5, 17)),  # 05-12 is a Tuesday
        "9.3:w116": ("2026-w116", date(2026, 11, 6), date(2026, 11, 12)),
        "3.3.2:lianghui": ("2026-lianghui", date(2026, 3, 1), date(2026, 3, 10)),
        "3.3.2:xunqi": ("2026-xunqi", date(2026, 5, 1), date(2026, 10, 31)),
        "3.3.2:chunjie": ("2026-chunjie", date(2026, 1, 31), date(2026, 2, 15)),
        "3.3.2:qingming": ("2026-qingming", date(2026, 3, 20), date(2026, 4, 4)),
    }
    for task_id, expected in cases.items():
        _, task = unit_task(rb, task_id)
        assert schedule.window(task, 2026) == Period(*expected), task_id


@pytest.mark.parametrize(
    ("task_id", "year", "start", "end"),
    [
        ("3.3.2:chunjie", 2025, date(2025, 1, 13), date(2025, 1, 28)),
        ("3.3.2:chunjie", 2026, date(2026, 1, 31), date(2026, 2, 15)),
        ("3.3.2:zhongqiu", 2025, date(2025, 9, 16), date(2025, 10, 1)),  # holiday from 10-01
        ("3.3.2:zhongqiu", 2026, date(2026, 9, 10), date(2026, 9, 25)),
        ("3.3.2:guoqing", 2025, date(2025, 9, 16), date(2025, 10, 1)),
        ("3.3.2:yuandan", 2027, date(2026, 12, 17), date(2027, 1, 1)),
        ("3.3.2:chunjie", 2027, date(2027, 1, 22), date(2027, 2, 6)),  # fallback year
    ],
)
def test_festival_windows(
    rb: Rulebook, schedule: Schedule, task_id: str, year: int, start: date, end: date
) -> None:
    _, task = unit_task(rb, task_id)
    assert schedule.window(task, year) == Period(f"{year}-{task.key}", start, end)


def test_window_edge_forms(schedule: Schedule) -> None:
    wrap = Task("winter", "冬季", "year", window=Window("range", date="12-15", end="02-15"))
    assert schedule.window(wrap, 2026) == Period(
        "2026-winter", date(2026, 12, 15), date(2027, 2, 15)
    )
    leap = Task("leap", "闰日", "year", window=Window("days_from", date="02-29", days=2))
    assert schedule.window(leap, 2027).start == date(2027, 2, 28)
    assert schedule.window(leap, 2028).start == date(2028, 2, 29)
    after = Task("after", "节后", "year", window=Window("festival", festival="国庆", after=7))
    assert schedule.window(after, 2026) == Period(
        "2026-after", date(2026, 10, 1), date(2026, 10, 8)
    )
    with pytest.raises(ValueError):
        schedule.window(Task("plain", "无窗口", "year"), 2026)


# --- instances -----------------------------------------------------------------------------


def test_instance_of_recurring_and_annual_tasks(rb: Rulebook, schedule: Schedule) -> None:
    unit, patrol = unit_task(rb, "4.2.3:patrol")
    inst = schedule.instance(unit, patrol, date(2026, 11, 25))
    assert inst is not None
    assert (inst.task_id, inst.period.key, inst.due) == (
        "4.2.3:patrol",
        "2026-W48",
        date(2026, 11, 29),
    )
    unit, plan = unit_task(rb, "5.1:plan")
    inst = schedule.instance(unit, plan, date(2026, 11, 25))
    assert inst is not None and inst.period.key == "2026" and inst.due == date(2026, 3, 31)
    unit, study = unit_task(rb, "2.1.1:study")
    inst = schedule.instance(unit, study, date(2026, 2, 1))
    assert inst is not None and inst.due == date(2026, 12, 31)


def test_instance_of_window_tasks(rb: Rulebook, schedule: Schedule) -> None:
    unit, yuandan = unit_task(rb, "3.3.2:yuandan")
    inst = schedule.instance(unit, yuandan, date(2026, 12, 20))
    assert inst is not None and inst.period.key == "2027-yuandan" and inst.due == date(2027, 1, 1)
    inst = schedule.instance(unit, yuandan, date(2026, 1, 1))
    assert inst is not None and inst.period.key == "2026-yuandan"
    assert schedule.instance(unit, yuandan, date(2026, 12, 16)) is None
    unit, chunjie = unit_task(rb, "3.3.2:chunjie")
    inst = schedule.instance(unit, chunjie, date(2026, 2, 14))
    assert inst is not None and inst.period.key == "2026-chunjie" and inst.due == date(2026, 2, 15)
    assert schedule.instance(unit, chunjie, date(2026, 2, 16)) is None
    assert schedule.instance(unit, chunjie, date(2026, 12, 20)) is None


def test_instance_for_key(rb: Rulebook, schedule: Schedule) -> None:
    unit, chunjie = unit_task(rb, "3.3.2:chunjie")
    inst = schedule.instance_for_key(unit, chunjie, "2026-chunjie")
    assert inst is not None and inst.period.start == date(2026, 1, 31)
    assert inst.due == date(2026, 2, 15)
    assert schedule.instance_for_key(unit, chunjie, "2026-yuandan") is None
    assert schedule.instance_for_key(unit, chunjie, "2026") is None
    unit, patrol = unit_task(rb, "4.2.3:patrol")
    inst = schedule.instance_for_key(unit, patrol, "2026-W53")
    assert inst is not None and inst.due == date(2027, 1, 3)
    assert schedule.instance_for_key(unit, patrol, "2026-11") is None
    assert schedule.instance_for_key(unit, patrol, "2026-W54") is None
    assert schedule.instance_for_key(unit, patrol, "nonsense") is None
    unit, plan = unit_task(rb, "5.1:plan")
    inst = schedule.instance_for_key(unit, plan, "2027")
    assert inst is not None and inst.due == date(2027, 3, 31)


# --- due instances -------------------------------------------------------------------------


def test_officer_due_on_2026_11_25(schedule: Schedule) -> None:
    due = schedule.due_instances("officer", date(2026, 11, 25))
    assert find(due, "4.2.3:patrol", "2026-W48").due == date(2026, 11, 29)
    assert find(due, "4.2.3:record", "2026-11").due == date(2026, 11, 30)
    assert ("4.2.3:patrol", "2026-W47") in keys(due)  # last week, still within grace
    assert ("4.2.3:record", "2026-10") in keys(due)  # due 10-31, grace to 12-01
    assert ("9.3:w116", "2026-w116") in keys(due)  # ended 11-12
    assert {i.task_id.split(":")[0] for i in due} <= {"4.2.3", "9.1", "9.3"}
    assert all("officer" in i.task.roles for i in due)


def test_street_due_on_2026_11_25(schedule: Schedule) -> None:
    due = keys(schedule.due_instances("street", date(2026, 11, 25)))
    for task_id in ("2.1.5:inspect", "2.1.7:meeting", "2.1.8:analysis"):
        assert (task_id, "2026-11") in due
    assert ("2.1.6:meeting", "2026-Q4") in due
    assert ("5.1:plan", "2026") in due  # overdue since 03-31, still the current year
    assert ("3.3.2:xunqi", "2026-xunqi") in due  # ended 10-31
    assert ("3.3.2:guoqing", "2026-guoqing") not in due  # ended 10-01, grace over
    assert ("3.3.2:yuandan", "2027-yuandan") not in due  # starts 2026-12-17
    assert not any(task_id.startswith("4.2.3") for task_id, _ in due)


def test_yuandan_window_opens_fifteen_days_before(schedule: Schedule) -> None:
    assert ("3.3.2:yuandan", "2027-yuandan") not in keys(
        schedule.due_instances("street", date(2026, 12, 16))
    )
    due = schedule.due_instances("street", date(2026, 12, 17))
    assert find(due, "3.3.2:yuandan", "2027-yuandan").due == date(2027, 1, 1)
    late = keys(schedule.due_instances("street", date(2027, 1, 20)))
    assert ("3.3.2:yuandan", "2027-yuandan") in late
    assert ("3.3.2:suimo", "2026-suimo") in late
    assert ("2.1.1:study", "2026") in late  # last year's annual tasks, within grace


def test_grace_period_boundary(schedule: Schedule) -> None:
    q3 = ("2.1.6:meeting", "2026-Q3")  # due 09-30
    assert q3 in keys(schedule.due_instances("street", date(2026, 10, 31)))
    assert q3 not in keys(schedule.due_instances("street", date(2026, 11, 1)))
    # Only the previous period is chased: in December, October is gone.
    assert ("4.2.3:record", "2026-10") not in keys(
        schedule.due_instances("officer", date(2026, 12, 1))
    )
    short = keys(schedule.due_instances("officer", date(2026, 11, 25), grace_days=0))
    assert ("4.2.3:patrol", "2026-W47") not in short
    assert ("4.2.3:patrol", "2026-W48") in short


def test_spring_festival_and_mid_autumn_windows_in_due_lists(schedule: Schedule) -> None:
    assert ("3.3.2:chunjie", "2025-chunjie") in keys(
        schedule.due_instances("street", date(2025, 1, 13))
    )
    assert ("3.3.2:chunjie", "2026-chunjie") in keys(
        schedule.due_instances("street", date(2026, 2, 20))
    )
    assert ("3.3.2:chunjie", "2026-chunjie") not in keys(
        schedule.due_instances("street", date(2026, 3, 19))
    )
    due = schedule.due_instances("street", date(2025, 9, 20))
    assert find(due, "3.3.2:zhongqiu", "2025-zhongqiu").due == date(2025, 10, 1)
    assert find(due, "3.3.2:guoqing", "2025-guoqing").due == date(2025, 10, 1)
    due = schedule.due_instances("street", date(2026, 9, 20))  # a 调休 working Sunday
    assert find(due, "3.3.2:zhongqiu", "2026-zhongqiu").due == date(2026, 9, 25)


def test_due_instances_in_a_fallback_year(
    schedule: Schedule, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="gridsafe.calendar"):
        due = schedule.due_instances("street", date(2027, 2, 1))
        schedule.due_instances("street", date(2027, 2, 2))
    chunjie = find(due, "3.3.2:chunjie", "2027-chunjie")
    assert chunjie.period.start == date(2027, 1, 22) and chunjie.due == date(2027, 2, 6)
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1


def test_due_instances_are_sorted(schedule: Schedule) -> None:
    for role, d in (("street", date(2026, 1, 10)), ("officer", date(2027, 1, 2))):
        due = schedule.due_instances(role, d)
        order = [(i.due, i.task_id) for i in due]
        assert order == sorted(order)
        assert len(keys(due)) == len(due)
    first = schedule.due_instances("street", date(2026, 11, 25))[0]
    assert first.task_id == "5.1:plan"  # overdue first
