"""The push planner, with a fixed clock (no sleeping, no Telegram)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.chat.assistant import build_assistant
from bot.chat.digest import PushPlanner
from bot.settings import TIMEZONE


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TIMEZONE)  # type: ignore[misc]


def telegram_user(assistant, chat) -> None:
    """Give the person of a test chat a Telegram account (pushes go to Telegram only)."""
    person = assistant.person_of(chat.incoming())
    with assistant.ws.store.write():
        assistant.ws.store.insert(
            "accounts",
            {
                "channel": "telegram",
                "external_id": chat.user,
                "person_id": person.id,
                "chat_id": chat.user,
                "bound_at": "2026-11-01",
            },
        )


def test_push_once_per_working_day_after_push_time(assistant, street_org):
    officer = street_org("officer", "金色社区", "王专干")
    street = street_org("street", "连然街道", "赵安办")
    telegram_user(assistant, officer)
    telegram_user(assistant, street)
    planner = PushPlanner(assistant.ws)
    assert planner.due(at(2026, 11, 25, 8, 0)) == []  # before 08:30
    due = planner.due(at(2026, 11, 25, 8, 31))
    assert len(due) == 2
    texts = {d.person_id: d.reply.text for d in due}
    assert any("【4.2.3】" in text for text in texts.values())
    assert any("各社区情况" in text for text in texts.values())
    for delivery in due:
        assert planner.claim(delivery, at(2026, 11, 25, 8, 31).date())
        assert not planner.claim(delivery, at(2026, 11, 25, 8, 31).date())
    assert planner.due(at(2026, 11, 25, 17, 0)) == []  # already pushed today
    assert planner.due(at(2026, 11, 28, 9, 0)) == []  # Saturday
    assert len(planner.due(at(2026, 11, 30, 9, 0))) == 2  # Monday


def test_holidays_and_push_all_days(assistant, street_org, settings, library, clock):
    officer = street_org("officer", "金色社区")
    telegram_user(assistant, officer)
    assert PushPlanner(assistant.ws).due(at(2026, 10, 1, 9, 0)) == []  # 国庆
    assert PushPlanner(assistant.ws).due(at(2026, 9, 20, 9, 0))  # Sunday, a 调休 working day
    everyday = build_assistant(replace(settings, push_all_days=True), library=library, clock=clock)
    assert PushPlanner(everyday.ws).due(at(2026, 10, 1, 9, 0))


def test_own_push_time_and_mute(assistant, street_org):
    officer = street_org("officer", "金色社区")
    telegram_user(assistant, officer)
    assert "07:15" in officer.say("/settings 07:15")
    assert len(PushPlanner(assistant.ws).due(at(2026, 11, 25, 7, 20))) == 1
    assert "暂停" in officer.say("/settings 暂停")
    assert PushPlanner(assistant.ws).due(at(2026, 11, 25, 9, 0)) == []
    officer.say("/settings 恢复")
    assert PushPlanner(assistant.ws).due(at(2026, 11, 25, 9, 0))
    assert "用法" in officer.say("/settings 25:99")


def test_blocked_people_get_no_push_until_they_write(assistant, street_org):
    officer = street_org("officer", "金色社区")
    telegram_user(assistant, officer)
    assistant.ws.org.set_blocked("telegram", officer.user, True)
    assert PushPlanner(assistant.ws).due(at(2026, 11, 25, 9, 0)) == []
    officer.channel = "telegram"
    officer.say("还有啥没做")
    assert PushPlanner(assistant.ws).due(at(2026, 11, 25, 9, 0))


def test_snoozed_item_leaves_the_push(assistant, street_org):
    officer = street_org("officer", "金色社区")
    telegram_user(assistant, officer)
    officer.say("/todo")
    officer.press("明天再提醒")
    first = PushPlanner(assistant.ws).due(at(2026, 11, 25, 9, 0))[0].reply.text
    full = assistant.ws.checklists.for_person(
        assistant.person_of(officer.incoming()), at(2026, 11, 25, 9, 0).date()
    )
    assert first.count("【") < len(full.tasks) + 1


def test_deadline_reminder_the_day_before_once(assistant, street_org):
    officer = street_org("officer", "金色社区")
    telegram_user(assistant, officer)
    officer.confirm("发现加油站旁边电线乱拉")  # deadline 2026-12-02
    planner = PushPlanner(assistant.ws)
    reminders = [d for d in planner.due(at(2026, 12, 1, 9, 0)) if d.key.startswith("deadline")]
    assert len(reminders) == 1 and "明天" in reminders[0].reply.text
    planner.claim(reminders[0], at(2026, 12, 1, 9, 0).date())
    assert not [d for d in planner.due(at(2026, 12, 1, 10, 0)) if d.key.startswith("deadline")]


def test_a_failed_push_is_tried_again_the_same_day(assistant, street_org):
    officer = street_org("officer", "金色社区")
    telegram_user(assistant, officer)
    planner = PushPlanner(assistant.ws)
    day = at(2026, 11, 25, 9, 0)
    delivery = planner.due(day)[0]
    assert planner.claim(delivery, day.date())
    planner.finish(delivery, day.date(), "failed")
    again = planner.due(at(2026, 11, 25, 9, 1))
    assert [d.key for d in again] == ["daily"] and planner.claim(again[0], day.date())
    planner.finish(again[0], day.date(), "sent")
    assert planner.due(at(2026, 11, 25, 9, 2)) == []


def test_a_bot_down_at_push_time_pushes_when_back_the_same_day_only(assistant, street_org):
    officer = street_org("officer", "金色社区")
    telegram_user(assistant, officer)
    planner = PushPlanner(assistant.ws)
    late = planner.due(at(2026, 11, 25, 16, 40))  # started again in the afternoon
    assert [d.key for d in late] == ["daily"]
    # nothing is owed for the days it was down before: each day stands on its own
    assert all(d.key == "daily" for d in planner.due(at(2026, 11, 26, 9, 0)))
    assert planner.claim(late[0], at(2026, 11, 25, 16, 40).date())
    assert planner.due(at(2026, 11, 25, 18, 0)) == []


def test_a_push_left_sending_by_a_stopped_process_is_sent_again_once(
    assistant, street_org, settings, library, clock
):
    officer = street_org("officer", "金色社区")
    street = street_org("street", "连然街道")
    telegram_user(assistant, officer)
    telegram_user(assistant, street)
    planner = PushPlanner(assistant.ws)
    day = at(2026, 11, 25, 8, 45)
    first, second = planner.due(day)
    assert planner.claim(first, day.date()) and planner.claim(second, day.date())
    planner.finish(first, day.date(), "sent")  # the process stops before the second is sent
    assistant.ws.store.close()
    restarted = build_assistant(settings, library=library, clock=clock)
    again = PushPlanner(restarted.ws)
    assert again.due(at(2026, 11, 25, 9, 0)) == []  # still 'sending': not yet recovered
    assert again.recover() == 1
    due = again.due(at(2026, 11, 25, 9, 0))
    assert [d.person_id for d in due] == [second.person_id]  # never the one confirmed sent
    assert again.claim(due[0], day.date()) and not again.claim(due[0], day.date())
