"""The acceptance scenario of the core, on a real SQLite file."""

from __future__ import annotations

from bot.chat.assistant import Assistant


def open_codes(assistant: Assistant, chat) -> list[str]:
    person = assistant.person_of(chat.incoming())
    items = assistant.ws.checklists.for_person(person, assistant.ws.today()).tasks
    return [f"{i.task_id}@{i.period}" for i in items]


def test_street_and_two_communities(assistant: Assistant, street_org, clock):
    officer = street_org("officer", "金色社区", "王专干")
    other = street_org("officer", "大屯村委会", "李专干")
    street = street_org("street", "连然街道", "赵安办")
    assert assistant.person_of(officer.incoming()).name == "王专干"

    # officer: weekly patrol and the monthly record are open on Wednesday 2026-11-25
    codes = open_codes(assistant, officer)
    assert "4.2.3:patrol@2026-W48" in codes and "4.2.3:record@2026-11" in codes
    # street: monthly 2.1.5, 2.1.7, 2.1.8 and the quarter's 2.1.6
    street_codes = open_codes(assistant, street)
    for code in (
        "2.1.5:inspect@2026-11",
        "2.1.7:meeting@2026-11",
        "2.1.8:analysis@2026-11",
        "2.1.6:meeting@2026-Q4",
    ):
        assert code in street_codes

    # "本周巡查已完成" + photo: confirm, then it is recorded for this week only
    reply = officer.say("本周巡查已完成", photos=1)
    assert "【4.2.3】" in reply and "本周" in reply
    assert "4.2.3:patrol@2026-W48" in open_codes(assistant, officer)  # not before confirming
    reply = officer.press("确认")
    assert reply.startswith("已记录") and "【4.2.3】" in reply
    codes = open_codes(assistant, officer)
    assert "4.2.3:patrol@2026-W48" not in codes
    assert "4.2.3:patrol@2026-W48" in open_codes(assistant, other)
    evidence = assistant.ws.store.rows("SELECT * FROM evidence WHERE record_id IS NOT NULL")
    assert len(evidence) == 1
    clock.set(2026, 12, 2)  # next week: the patrol is due again
    assert "4.2.3:patrol@2026-W49" in open_codes(assistant, officer)
    clock.set(2026, 11, 25)

    # a quarter's 2.1.6 stays open until it is logged
    assert street.say("/done 2.1.6 开了党工委会议").startswith("已记录")
    assert "2.1.6:meeting@2026-Q4" not in open_codes(assistant, street)

    # a hazard with a photo is numbered, overdue after its deadline, closed after verification
    reply = officer.confirm("发现金色小区加油站旁边电线乱拉", photos=1)
    assert "连然-2026-0001" in reply and "【4.2.4】" in reply
    hazard = assistant.ws.ledger.select([assistant.ws.org.unit_named("金色社区").id])[0]
    assert hazard.deadline.isoformat() == "2026-12-02"
    assert "待整改隐患 1" in street.say("/todo")  # counted on the community's line
    assert "连然-2026-0001" in street.say("/todo 金色社区")  # and listed in its list
    clock.set(2026, 12, 3)
    assert assistant.ws.ledger.get(hazard.id).overdue(assistant.ws.today())
    assert "逾期" in officer.say("/todo")

    # another community's officer cannot touch it
    assert "不属于你的单位" in other.say("1号隐患已整改", photos=1)
    assert assistant.ws.ledger.get(hazard.id).state == "待整改"

    reply = officer.confirm("1号隐患已整改", photos=1)
    assert "等待街道安办复核" in reply
    assert assistant.ws.ledger.get(hazard.id).state == "已整改待复核"
    assert "不属于你的单位" in other.say("/verify 1")
    assert "需要所属街道安办复核" in officer.say("/verify 1")
    reply = street.confirm("1号隐患复核通过")
    assert "已销号" in reply
    assert assistant.ws.ledger.get(hazard.id).state == "已销号"
    assert "连然-2026-0001" not in street.say("/hazards")


def test_undo_own_last_record(assistant: Assistant, street_org):
    officer = street_org("officer", "金色社区")
    officer.say("/done 4.2.3")
    assert "哪一项" in officer.last[0].text
    officer.press("巡查检查")
    assert "4.2.3:patrol@2026-W48" not in open_codes(assistant, officer)
    assert "已撤销" in officer.say("/undo")
    assert "4.2.3:patrol@2026-W48" in open_codes(assistant, officer)
    assert "没有可以撤销" in officer.say("/undo")


def test_second_report_is_extra_evidence(assistant: Assistant, street_org):
    street = street_org("street", "连然街道")
    assert "1/1" in street.say("/done 2.1.7")
    reply = street.say(
        "/done 2.1.7 又开了一次",
    )
    assert "补充材料" in reply and "1/1" in reply
    rows = assistant.ws.store.rows("SELECT * FROM records WHERE code = '2.1.7'")
    assert len(rows) == 2


def test_back_dated_report_goes_to_its_period(assistant: Assistant, street_org):
    officer = street_org("officer", "金色社区")
    officer.say("10月的巡查记录交上去了")
    officer.press("确认")
    row = assistant.ws.store.one("SELECT * FROM records")
    assert (row["code"], row["task"], row["period"]) == ("4.2.3", "record", "2026-10")
    officer.say("上周五巡查了")
    officer.press("确认")
    row = assistant.ws.store.one("SELECT * FROM records ORDER BY id DESC")
    assert (row["period"], row["done_on"]) == ("2026-W47", "2026-11-20")


def test_a_report_naming_two_days_offers_both(assistant: Assistant, street_org):
    """ "上周日巡查了一半 今天巡查完了": which day the patrol was is asked with one tap, the
    day read first; the other day's choice records that day, in its own week."""
    officer = street_org("officer", "金色社区")
    reply = officer.say("上周日巡查了一半 今天巡查完了")
    labels = [label for label, _ in officer.buttons()]
    assert "完成的那天" in reply
    assert labels[:2] == [
        "确认：11月22日 做的",
        "确认：11月25日 做的（记入本周）",
    ]  # as read, then
    assert labels[-2:] == ["不是这项", "取消"]
    assert assistant.ws.store.value("SELECT COUNT(*) FROM records") == 0
    data = officer.buttons()[1][1]
    assert "已记录" in officer.press("11月25日")
    row = assistant.ws.store.one("SELECT * FROM records")
    assert (row["done_on"], row["period"]) == ("2026-11-25", "2026-W48")
    assert "处理过" in assistant.press(officer.incoming(), data)[0].text  # recorded once
    assert assistant.ws.store.value("SELECT COUNT(*) FROM records") == 1


def test_this_week_named_with_two_of_its_days_offers_both(assistant: Assistant, street_org):
    """ "这周巡查寻了两次 周一一次今天一次": the week is named, and both days are in it, so
    both are offered; either records this week."""
    officer = street_org("officer", "金色社区")
    officer.say("这周巡查寻了两次 周一一次今天一次")
    labels = [label for label, _ in officer.buttons()]
    assert labels[:2] == ["确认：11月23日 做的", "确认：11月25日 做的"], labels
    assert "已记录" in officer.press("11月25日")
    row = assistant.ws.store.one("SELECT * FROM records")
    assert (row["done_on"], row["period"]) == ("2026-11-25", "2026-W48")


def test_a_named_period_keeps_other_days_out(assistant: Assistant, street_org):
    """A late entry of last month's record names its own day and today: the period named is
    what counts, so no other day is offered."""
    officer = street_org("officer", "金色社区")
    officer.say("10月份的巡查记录表 上周五交的 今天补登")
    labels = [label for label, _ in officer.buttons()]
    assert labels == ["确认登记", "不是这项", "取消"], labels


def test_one_day_named_is_confirmed_as_before(assistant: Assistant, street_org):
    officer = street_org("officer", "金色社区")
    officer.say("上周五巡查了 今天补登")
    assert [label for label, _ in officer.buttons()] == ["确认登记", "不是这项", "取消"]


def test_a_communitys_work_naming_two_days_offers_both(assistant: Assistant, street_org):
    """Work towards a street item (no task of the officer's) that names two days: both are
    offered, and the one tapped is the day recorded for the street's item."""
    officer = street_org("officer", "金色社区")
    reply = officer.say("上周日换了疏散场地的标识牌 今天又补了两块")
    labels = [label for label, _ in officer.buttons()]
    assert "【9.5】" in reply and "完成的那天" in reply, reply
    assert labels[:2] == ["确认：11月22日 做的", "确认：11月25日 做的"]
    assert "已记录" in officer.press("11月25日")
    row = assistant.ws.store.one("SELECT * FROM records")
    assert (row["code"], row["done_on"]) == ("9.5", "2026-11-25")
