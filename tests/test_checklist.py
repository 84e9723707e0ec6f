from __future__ import annotations

from datetime import date


def test_street_lines_colour_each_community(assistant, street_org, clock):
    officer = street_org("officer", "金色社区")
    street = street_org("street", "连然街道")
    clock.set(2026, 11, 28)  # Saturday: the week's patrol is due tomorrow
    org = assistant.ws.org
    org.set_start(org.find_unit("金色社区"), date(2026, 11, 16))  # counted from W47
    lines = assistant.ws.checklists.street_lines(
        assistant.ws.org.unit_named("连然街道"), assistant.ws.today()
    )
    colours = {line.unit.name: line.color for line in lines}
    assert colours["金色社区"] == "red"  # last week's patrol is overdue
    officer.say("/done 4.2.3 上周巡查检查")
    officer.say("/done 4.2.3 本周巡查检查")
    officer.say("/done 4.2.3 本月巡查记录")
    lines = assistant.ws.checklists.street_lines(
        assistant.ws.org.unit_named("连然街道"), assistant.ws.today()
    )
    colours = {line.unit.name: line.color for line in lines}
    assert colours["金色社区"] in ("green", "amber"), lines
    assert "金色社区" in street.say("/todo")


def test_overdue_first_then_by_due_date(assistant, street_org):
    officer = street_org("officer", "金色社区")
    person = assistant.person_of(officer.incoming())
    items = assistant.ws.checklists.for_person(person, assistant.ws.today()).tasks
    overdue = [i.overdue(assistant.ws.today()) for i in items]
    assert overdue == sorted(overdue, reverse=True)
    open_dues = [i.due for i in items if not i.overdue(assistant.ws.today())]
    assert open_dues == sorted(open_dues)
