from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.schedule.holidays import WorkCalendar
from knowledge.calendar_names import FESTIVALS

FESTIVAL_DAYS = {
    2025: {
        "元旦": date(2025, 1, 1),
        "春节": date(2025, 1, 29),
        "清明": date(2025, 4, 4),
        "五一": date(2025, 5, 1),
        "端午": date(2025, 5, 31),
        "中秋": date(2025, 10, 6),
        "国庆": date(2025, 10, 1),
    },
    2026: {
        "元旦": date(2026, 1, 1),
        "春节": date(2026, 2, 17),
        "清明": date(2026, 4, 5),
        "五一": date(2026, 5, 1),
        "端午": date(2026, 6, 19),
        "中秋": date(2026, 9, 25),
        "国庆": date(2026, 10, 1),
    },
    2027: {
        "元旦": date(2027, 1, 1),
        "春节": date(2027, 2, 6),
        "清明": date(2027, 4, 5),
        "五一": date(2027, 5, 1),
        "端午": date(2027, 6, 9),
        "中秋": date(2027, 9, 15),
        "国庆": date(2027, 10, 1),
    },
}


@pytest.mark.parametrize("year", sorted(FESTIVAL_DAYS))
def test_festival_days_come_from_the_lunar_calendar(year: int) -> None:
    calendar = WorkCalendar()
    assert set(FESTIVAL_DAYS[year]) == set(FESTIVALS)
    for name, day in FESTIVAL_DAYS[year].items():
        assert calendar.festival_day(name, year) == day, name


def test_unknown_festival_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        WorkCalendar().festival_day("圣诞", 2026)
    with pytest.raises(ValueError):
        WorkCalendar().holiday_start("元宵", 2026)


def test_covered_years() -> None:
    calendar = WorkCalendar()
    assert calendar.covered(2025)
    assert calendar.covered(2026)
    assert not calendar.covered(2027)
    assert not calendar.covered(1999)


def test_official_holidays_are_not_workdays() -> None:
    calendar = WorkCalendar()
    assert not calendar.is_workday(date(2026, 2, 16))  # Monday in 春节
    assert not calendar.is_workday(date(2025, 10, 6))  # Monday, 中秋 inside 国庆
    assert not calendar.is_workday(date(2026, 1, 2))  # Friday after 元旦
    assert calendar.is_workday(date(2026, 3, 2))  # ordinary Monday
    assert not calendar.is_workday(date(2026, 3, 7))  # ordinary Saturday


def test_tiaoxiu_weekend_days_are_workdays() -> None:
    calendar = WorkCalendar()
    for day in (date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 10, 10)):
        assert day.weekday() == 5 and calendar.is_workday(day), day
    assert date(2026, 9, 20).weekday() == 6 and calendar.is_workday(date(2026, 9, 20))
    assert date(2025, 1, 26).weekday() == 6 and calendar.is_workday(date(2025, 1, 26))
    assert date(2025, 2, 8).weekday() == 5 and calendar.is_workday(date(2025, 2, 8))


def test_extra_days_override_inside_covered_years() -> None:
    calendar = WorkCalendar(extra_holidays=[date(2026, 3, 2)], extra_workdays=[date(2026, 3, 7)])
    assert not calendar.is_workday(date(2026, 3, 2))
    assert calendar.is_workday(date(2026, 3, 7))
    assert not calendar.is_workday(date(2026, 3, 8))


def test_extra_workday_wins_over_extra_holiday() -> None:
    day = date(2027, 3, 1)
    assert WorkCalendar(extra_holidays=[day], extra_workdays=[day]).is_workday(day)


def test_fallback_is_monday_to_friday_with_extra_days() -> None:
    calendar = WorkCalendar(extra_holidays=[date(2027, 2, 8)], extra_workdays=[date(2027, 2, 20)])
    assert calendar.is_workday(date(2027, 2, 5))  # Friday
    assert not calendar.is_workday(date(2027, 2, 6))  # Saturday, 春节 itself
    assert not calendar.is_workday(date(2027, 2, 8))  # configured holiday
    assert calendar.is_workday(date(2027, 2, 9))  # Tuesday: fallback knows no 春节 holiday
    assert calendar.is_workday(date(2027, 2, 20))  # configured working Saturday


def test_fallback_warns_once_per_year(caplog: pytest.LogCaptureFixture) -> None:
    calendar = WorkCalendar()
    with caplog.at_level(logging.WARNING, logger="gridsafe.calendar"):
        calendar.is_workday(date(2026, 6, 1))
        for day in (1, 2, 3, 4, 5):
            calendar.is_workday(date(2027, 3, day))
        calendar.holiday_start("春节", 2027)
        calendar.is_workday(date(2028, 1, 3))
        calendar.is_workday(date(2028, 1, 4))
    records = [r for r in caplog.records if r.name == "gridsafe.calendar"]
    assert len(records) == 2
    assert records[0].levelno == logging.WARNING
    assert "2027" in records[0].getMessage()
    assert "2028" in records[1].getMessage()


@pytest.mark.parametrize(
    ("name", "year", "start"),
    [
        ("春节", 2025, date(2025, 1, 28)),  # 除夕 is already a holiday
        ("春节", 2026, date(2026, 2, 15)),  # 02-14 is a 调休 working Saturday
        ("中秋", 2025, date(2025, 10, 1)),  # 10-06 lies inside the 国庆 holiday
        ("中秋", 2026, date(2026, 9, 25)),
        ("国庆", 2025, date(2025, 10, 1)),
        ("清明", 2026, date(2026, 4, 4)),  # Sunday; holiday 04-04..04-06
        ("清明", 2025, date(2025, 4, 4)),
        ("端午", 2025, date(2025, 5, 31)),
        ("元旦", 2026, date(2026, 1, 1)),
        ("五一", 2026, date(2026, 5, 1)),
    ],
)
def test_holiday_start_in_covered_years(name: str, year: int, start: date) -> None:
    assert WorkCalendar().holiday_start(name, year) == start


def test_holiday_start_is_the_festival_day_when_it_is_worked() -> None:
    calendar = WorkCalendar(extra_workdays=[date(2026, 2, 17)])
    assert calendar.holiday_start("春节", 2026) == date(2026, 2, 17)


def test_holiday_start_in_fallback_years() -> None:
    calendar = WorkCalendar()
    assert calendar.holiday_start("春节", 2027) == date(2027, 2, 6)  # Saturday; Friday worked
    assert calendar.holiday_start("中秋", 2027) == date(2027, 9, 15)  # Wednesday
    assert calendar.holiday_start("国庆", 2028) == date(2028, 9, 30)  # Sunday -> Saturday


def test_holiday_start_uses_configured_holidays_in_fallback_years() -> None:
    calendar = WorkCalendar(extra_holidays=[date(2027, 2, 4), date(2027, 2, 5)])
    assert calendar.holiday_start("春节", 2027) == date(2027, 2, 4)
