"""Checklists and street views a street office can trust (issue 16): counting starts when a
unit joins; /todo, the push, /report, its chart and the export show the same figures; a
street's list fits a phone."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from bot.chat.digest import PushPlanner
from bot.office.charts import build_figure, cjk_text
from bot.office.export import export_year
from bot.office.reports import build_report
from bot.texts import t
from tests.support.chat import Chat, next_id

LINE = re.compile(r"[🔴🟡🟢] (\S+)：逾期 (\d+)，3天内到期 (\d+)，待整改隐患 (\d+)")


def join(assistant, role: str, unit: str, name: str) -> Chat:
    code = assistant.ws.org.create_invite(role, unit, name)
    chat = Chat(assistant, f"{role}-{next_id()}")
    chat.say(f"/start {code}")
    return chat


def new_street(assistant) -> tuple[Chat, Chat]:
    """A street and two communities registered today (no start date configured)."""
    org = assistant.ws.org
    org.add_unit("草铺街道", short="草铺")
    org.add_unit("青龙社区", "草铺街道")
    org.add_unit("王家村委会", "草铺街道")
    return join(assistant, "street", "草铺街道", "赵安办"), join(
        assistant, "officer", "青龙社区", "王专干"
    )


def community_lines(text: str) -> dict[str, tuple[int, int, int]]:
    return {m[1]: (int(m[2]), int(m[3]), int(m[4])) for m in LINE.finditer(text)}


def summary(assistant, unit, year: int, tmp_path) -> dict[str, dict[str, object]]:
    result = export_year(assistant.ws, unit, year, tmp_path / f"{unit.id}.xlsx")
    rows = list(
        load_workbook(result.workbook)[t("export.sheet.summary")].iter_rows(values_only=True)
    )
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_a_street_registered_today_has_nothing_overdue(assistant, clock, tmp_path):
    clock.set(2026, 11, 25)
    street, officer = new_street(assistant)
    todo = street.say("/todo")
    lines = community_lines(todo)
    assert set(lines) == {"青龙社区", "王家村委会"}
    assert all(overdue == 0 for overdue, _, _ in lines.values())
    assert t("todo.overdue_mark") not in todo
    assert "逾期" not in officer.say("/todo")
    ws = assistant.ws
    planner = PushPlanner(ws, channel="test")
    for chat in (street, officer):
        person = assistant.person_of(chat.incoming())
        push = planner.daily(person, ws.today())
        assert push is None or t("todo.overdue") not in push.text
        if push is not None and person.role == "street":
            assert all(o == 0 for o, _, _ in community_lines(push.text).values())
    for scope in ("周", "月", "季", "年"):
        assert "逾期最久" not in street.say(f"/report {scope}")
        assert all(n == "0" for n in re.findall(r"逾期 (\d+)", street.last[0].text))
    unit = ws.org.unit_named("草铺街道")
    report = build_report(ws, unit, "year", ws.today())
    assert report.total.overdue == 0 and report.total.due > 0
    rows = summary(assistant, unit, 2026, tmp_path)
    assert {r[t("export.col.overdue")] for r in rows.values()} == {0}
    before = export_year(ws, unit, 2025, tmp_path / "2025.xlsx").workbook
    items = list(load_workbook(before)[t("export.sheet.items")].iter_rows(values_only=True))
    status = items[0].index(t("export.col.status"))
    patrol = [r for r in items if r[1] == "4.2.3" and r[0] == "青龙社区"]
    assert patrol and patrol[0][status] == t("export.status.before_start", day="2026-11-25")
    # a unit that brings earlier records counts from its configured start date
    ws.org.set_start(ws.org.unit_named("青龙社区"), date(2026, 1, 1))
    assert community_lines(street.say("/todo"))["青龙社区"][0] > 40


def test_start_date_from_the_command_line(assistant, clock, monkeypatch, capsys):
    from bot.cli import main

    clock.set(2026, 11, 25)
    new_street(assistant)
    monkeypatch.setenv("GRIDSAFE_DATA", str(assistant.ws.settings.data_dir))
    monkeypatch.delenv("GRIDSAFE_CONFIG", raising=False)
    assert main(["unit", "start", "青龙社区", "2026-03-01"]) == 0
    assert "2026年3月1日" in capsys.readouterr().out
    assert assistant.ws.org.unit_named("青龙社区").start_date == date(2026, 3, 1)
    assert main(["unit", "start", "青龙社区", "三月"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert main(["unit", "add", "温泉街道", "--start-date", "2026-02-01"]) == 0
    assert assistant.ws.org.unit_named("温泉街道").counting_start == date(2026, 2, 1)


def synthetic_year(assistant, clock, seed: int = 16) -> None:
    """A street with communities, a year of records (some periods missed) and hazards in
    every state, the clock on 2026-11-25."""
    rng = random.Random(seed)
    ws = assistant.ws
    org, log, ledger = ws.org, ws.tasklog, ws.ledger
    since = date(2026, 1, 1)
    org.add_unit("连然街道", short="连然", start_date=since)
    org.add_unit("金色社区", "连然街道", start_date=since)
    org.add_unit("大屯村委会", "连然街道", start_date=since)
    org.add_unit("新村社区", "连然街道")  # joined today: nothing of it is overdue
    officers = [org.add_person(f"专干{i}", "officer", u) for i, u in
                enumerate(("金色社区", "大屯村委会", "新村社区"))]  # fmt: skip
    office = org.add_person("安办", "street", "连然街道")
    for person in officers[:2]:
        for week in range(1, 49):
            if rng.random() < 0.8:
                day = date.fromisocalendar(2026, week, 3)
                log.record(person, person.unit_id, "4.2.3", "patrol", f"2026-W{week:02d}", day)
        for month in range(1, 12):
            if rng.random() < 0.7:
                log.record(person, person.unit_id, "4.2.3", "record", f"2026-{month:02d}",
                           date(2026, month, 20))  # fmt: skip
    for month in range(1, 12):
        if rng.random() < 0.6:
            log.record(office, office.unit_id, "2.1.7", "meeting", f"2026-{month:02d}",
                       date(2026, month, 15))  # fmt: skip
    for person in [*officers, office]:
        for _ in range(4):
            day = since + timedelta(days=rng.randrange(0, 328))
            hazard = ledger.report(person, f"隐患{rng.randrange(1000)}", day).hazard
            fate = rng.random()
            if fate < 0.5 and day + timedelta(days=3) <= date(2026, 11, 25):
                ledger.fix(person, hazard, day + timedelta(days=3))
                if fate < 0.3:
                    ledger.verify(office, ledger.reload(hazard), day + timedelta(days=4))
    clock.set(2026, 11, 25)


def test_todo_push_report_chart_and_export_agree(assistant, clock, tmp_path):
    synthetic_year(assistant, clock)
    ws = assistant.ws
    street_unit = ws.org.unit_named("连然街道")
    code = ws.org.create_invite("street", "连然街道", "赵安办")
    street = Chat(assistant, "agree-street")
    street.say(f"/start {code}")
    report = build_report(ws, street_unit, "year", ws.today())
    rows = {r.unit.name: r for r in report.units}
    expected = {n: (r.overdue, r.due_soon, r.open_hazards) for n, r in rows.items()}
    del expected["连然街道"]
    assert expected["金色社区"][0] > 0 and expected["新村社区"][0] == 0
    assert sum(r.open_hazards for r in rows.values()) > 0
    # /todo and the push
    assert community_lines(street.say("/todo")) == expected
    person = assistant.person_of(street.incoming())
    push = PushPlanner(ws, channel="test").daily(person, ws.today())
    assert push is not None and community_lines(push.text) == expected
    # /report 年, its text
    street.say("/report 年")
    for name, row in rows.items():
        line = next(x for x in street.last[0].text.splitlines() if x.startswith(name + "："))
        assert f"逾期 {row.overdue}（" in line and f"应完成 {row.due}，" in line
    # the chart draws the same numbers
    with cjk_text():
        figure = build_figure(report)
    tasks, hazards = figure.axes[0], figure.axes[1]
    overdue_bars = next(c for c in tasks.containers if c.get_label() == t("chart.tasks.overdue"))
    assert [int(p.get_width()) for p in overdue_bars] == [r.overdue for r in report.units]
    open_bars = next(c for c in hazards.containers if c.get_label() == t("chart.hazards.open"))
    late_bars = next(c for c in hazards.containers
                     if c.get_label() == t("chart.hazards.overdue"))  # fmt: skip
    assert [int(a.get_width() + b.get_width()) for a, b in zip(open_bars, late_bars, strict=True)
            ] == [r.open_hazards for r in report.units]  # fmt: skip
    # the export's summary
    sheet = summary(assistant, street_unit, 2026, tmp_path)
    for name, row in rows.items():
        assert sheet[name][t("export.col.overdue")] == row.overdue
        assert sheet[name][t("export.col.due")] == row.due
        assert sheet[name][t("export.col.hazards")] == row.hazards


def crowded_street(assistant, street_org, clock) -> Chat:
    street = street_org("street", "连然街道", "赵安办")
    golden = street_org("officer", "金色社区", "王专干")
    datun = street_org("officer", "大屯村委会", "李专干")
    for i, chat in enumerate((golden, datun, golden, datun, street, street)):
        chat.say(f"/hazard 发现{i}号仓库消防通道堵塞")
    golden.say("/fixed 1")
    clock.set(2026, 12, 15)
    return street


def test_a_street_list_fits_a_phone(assistant, street_org, clock):
    street = crowded_street(assistant, street_org, clock)
    todo = street.say("/todo")
    lines = todo.splitlines()
    assert len(lines) <= 25, todo
    assert set(community_lines(todo)) == {"金色社区", "大屯村委会"}
    assert lines[-1] == t("todo.say_more")
    own = lines[lines.index(t("todo.street_own")) + 1 : -1]
    assert 0 < len(own) <= 8
    assert own[0].startswith(t("todo.overdue_mark"))  # the most urgent first
    more = street.say("更多")
    assert len(more.splitlines()) > len(lines) and "金色社区" in more
    assert more.splitlines()[0] == lines[0] and t("todo.say_more") not in more
    person = assistant.person_of(street.incoming())
    push = PushPlanner(assistant.ws, channel="test").daily(person, assistant.ws.today())
    assert push is not None and len(push.text.splitlines()) <= 26


def test_a_community_by_name(assistant, street_org, clock):
    street = crowded_street(assistant, street_org, clock)
    assistant.ws.org.add_unit("青龙社区（示例）", "连然街道")
    assert (
        street.say("青龙社区还有啥没做").splitlines()[0].startswith("赵安办（青龙社区（示例））")
    )
    for words in ("金色社区还有啥没做", "/todo 金色社区", "/todo 金色"):
        text = street.say(words)
        assert text.splitlines()[0].startswith("赵安办（金色社区）"), (words, text)
        assert "【4.2.3】" in text and "大屯村委会" not in text
        assert "待复核" in text  # the fix reported in 金色社区
    assert street.say("/todo 白塔社区") == t("todo.no_such_unit", name="白塔社区")
    assert "各社区情况" in street.say("各社区还有啥没做")


def test_snoozed_item_goes_to_the_end_until_its_day(assistant, street_org, clock):
    officer = street_org("officer", "金色社区")
    first = officer.say("/todo").splitlines()
    first_item = next(line for line in first if line.startswith("【"))
    officer.press("明天")
    assert "明天再提醒" in officer.last[0].text
    items = [line for line in officer.say("/todo 全部").splitlines() if line.startswith("【")]
    assert items[-1] == first_item and items[0] != first_item
    clock.now = clock.now + timedelta(days=1)
    items = [line for line in officer.say("/todo 全部").splitlines() if line.startswith("【")]
    assert items[-1] != first_item


def test_start_dates_from_the_config(tmp_path, library, clock):
    from bot.chat.assistant import build_assistant
    from bot.settings import SettingsError, load_settings

    config = tmp_path / "config.yaml"
    config.write_text(
        "organisation:\n  草铺街道:\n    - 青龙社区\nstart_dates:\n  青龙社区: 2026-02-01\n",
        encoding="utf-8",
    )
    settings = load_settings({"GRIDSAFE_CONFIG": str(config), "GRIDSAFE_DATA": str(tmp_path)})
    assert settings.start_dates == {"青龙社区": date(2026, 2, 1)}
    assistant = build_assistant(settings, library=library, clock=clock)
    org = assistant.ws.org
    assert org.unit_named("青龙社区").counting_start == date(2026, 2, 1)
    assert org.unit_named("草铺街道").start_date is None
    config.write_text("start_dates:\n  青龙社区: 二月\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="start_dates"):
        load_settings({"GRIDSAFE_CONFIG": str(config)})
