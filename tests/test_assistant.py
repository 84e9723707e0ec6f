"""Bad input gets a clear Chinese message and changes nothing."""

from __future__ import annotations

import re

import pytest

from bot.chat.assistant import Assistant
from tests.support.chat import Chat

TABLES = ("records", "hazards", "hazard_events", "evidence", "people", "accounts", "pending")


def snapshot(assistant: Assistant) -> dict[str, int]:
    return {t: assistant.ws.store.value(f"SELECT COUNT(*) FROM {t}") for t in TABLES}


@pytest.fixture
def officer(street_org) -> Chat:
    return street_org("officer", "金色社区", "王专干")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/done 2.1.15", "没有【2.1.15】"),
        ("/done 二、1（15）", "没有【2.1.15】"),
        ("/fixed 99", "没有找到隐患“99”"),
        ("99号隐患已整改", "没有找到隐患"),
        ("", "没收到内容"),
        ("   ", "没收到内容"),
        ("巡查" * 5000, "消息太长"),
        ("/done 2.1.5", "不是你这个岗位负责的工作"),
        ("/verify 1", "没有找到隐患"),
        ("/reject 1", "没有找到隐患"),
        ("/frobnicate", "暂不支持"),
        ("/hazrd 出租屋消防通道被杂物堵死了", "是想用 /hazard 吗"),  # a typo: nothing done
        ("/tood", "是想用 /todo 吗"),
        ("/done 4.2.3 明天巡查", "将来"),
    ],
)
def test_bad_input_changes_nothing(assistant: Assistant, officer: Chat, text: str, expected: str):
    before = snapshot(assistant)
    reply = officer.say(text)
    assert expected in reply
    after = snapshot(assistant)
    assert after == before


def test_someone_elses_hazard(assistant: Assistant, street_org, officer: Chat):
    other = street_org("officer", "大屯村委会")
    other.confirm("发现大屯砖厂配电箱门破损")
    before = snapshot(assistant)
    assert "不属于你的单位" in officer.say("/fixed 1")
    assert "不属于你的单位" in officer.say("连然-2026-0001已整改")
    assert snapshot(assistant) == before


def test_unregistered_user_can_only_ask(assistant: Assistant):
    guest = Chat(assistant, "stranger")
    before = snapshot(assistant)
    assert "邀请码" in guest.say("本周巡查已完成")
    assert "邀请码" in guest.say("发现加油站电线乱拉")
    assert "邀请码" in guest.say("/todo")
    assert "【4.2.3】" in guest.say("巡查一周几次")
    assert "【8.1.3】" in guest.say("应急遇案培训")
    assert "邀请码" in guest.say("你好")
    reply = guest.say("年假怎么请")
    assert "年假" in reply and "邀请码" not in reply
    assert snapshot(assistant) == before


def test_a_message_about_a_topic_the_rulebook_lacks_says_so(street_org):
    officer = street_org("officer", "金色社区")
    reply = officer.say("专干下周可以请两天假吗")
    assert "“请假”" in reply and "没太明白" not in reply


def test_wrong_and_used_invite_codes(assistant: Assistant, street_org):
    code = assistant.ws.org.create_invite("officer", "金色社区", "张三")
    first = Chat(assistant, "first")
    assert "绑定成功" in first.say(f"/start {code}")
    before = snapshot(assistant)
    second = Chat(assistant, "second")
    # one answer for a used and a wrong code: a stranger cannot tell a used one from none
    assert "邀请码无效" in second.say(f"/start {code}")
    assert "邀请码无效" in second.say("/start NOPE1234")
    assert "邀请码无效" in second.say("/start 这不是邀请码")
    assert "已经绑定" in first.say(f"/start {code}")
    assert snapshot(assistant) == before


def test_repeated_message_is_stored_once(assistant: Assistant, officer: Chat):
    msg = officer.incoming("/hazard 加油站旁边电线乱拉", photos=1)
    first = officer.send(msg)
    second = officer.send(msg)
    assert "连然-2026-0001" in first and "连然-2026-0001" in second
    assert assistant.ws.store.value("SELECT COUNT(*) FROM hazards") == 1
    assert assistant.ws.store.value("SELECT COUNT(*) FROM evidence") == 1
    done = officer.incoming("/done 4.2.3 本周巡查检查")
    assert "已记录" in officer.send(done)
    officer.send(done)
    assert assistant.ws.store.value("SELECT COUNT(*) FROM records") == 1


def test_confirm_pressed_twice_records_once(assistant: Assistant, officer: Chat):
    officer.say("本周巡查已完成", photos=1)
    data = next(d for label, d in officer.buttons() if "确认" in label)
    first = assistant.press(officer.incoming(), data)
    second = assistant.press(officer.incoming(), data)
    assert first[0].recorded and "处理过" in second[0].text
    assert assistant.ws.store.value("SELECT COUNT(*) FROM records") == 1


def test_cancel_records_nothing(assistant: Assistant, officer: Chat):
    officer.say("本周巡查已完成")
    assert "取消" in officer.press("取消")
    assert assistant.ws.store.value("SELECT COUNT(*) FROM records") == 0


def test_unclear_item_asks_with_choices(assistant: Assistant, officer: Chat):
    reply = officer.say("弄完了", photos=1)
    assert "哪一项" in reply or "照片" in reply
    assert officer.buttons()
    assert assistant.ws.store.value("SELECT COUNT(*) FROM records") == 0


def test_photo_without_caption_asks_what_it_is(assistant: Assistant, officer: Chat):
    officer.say("", photos=1)
    labels = [label for label, _ in officer.buttons()]
    assert any("隐患" in label for label in labels)
    officer.press("新发现的隐患")
    reply = officer.confirm("村口桥栏杆断了")
    assert "连然-2026-0001" in reply
    assert (
        assistant.ws.store.value("SELECT COUNT(*) FROM evidence WHERE hazard_id IS NOT NULL") == 1
    )


def test_question_shows_own_status(officer: Chat):
    reply = officer.say("巡查一周要几次？")
    assert "【4.2.3】" in reply and "我的进度" in reply and "0/1" in reply


def test_every_command_is_in_help(assistant: Assistant, street_org):
    from bot.chat.commands import COMMANDS

    admin = assistant.ws.org.add_person("管理员", "admin", None, channel="test", external_id="adm")
    texts = {
        role: Chat(assistant, user).say("/help")
        for role, user in (
            ("officer", street_org("officer", "金色社区").user),
            ("street", street_org("street", "连然街道").user),
            ("admin", "adm"),
            ("guest", "nobody"),
        )
    }
    assert admin.role == "admin"
    for command in COMMANDS:
        pattern = re.compile(rf"/{command.name}(?![a-z])")
        shown = [role for role, text in texts.items() if pattern.search(text)]
        assert set(shown) == set(command.listed), command.name


def test_admin_manages_units_and_invites_in_chat(assistant: Assistant, street_org):
    officer = street_org("officer", "金色社区")
    admin_person = assistant.ws.org.add_person(
        "管", "admin", None, channel="test", external_id="a"
    )
    admin = Chat(assistant, "a")
    assert admin_person.role == "admin"
    assert "只有管理员" in officer.say("/unit add 新社区 连然街道")
    assert "已新增村（社区）：新社区" in admin.say("/unit add 新社区 连然街道")
    assert "新社区" in admin.say("/units")
    reply = admin.say("/invite 专干 新社区 赵六")
    code = reply.split("/start ")[1].split()[0]
    newcomer = Chat(assistant, "newcomer")
    assert "绑定成功：赵六" in newcomer.say(f"/start {code}")
    assert "没有叫“无此社区”的单位" in admin.say("/invite 专干 无此社区")


def test_settings_say_what_they_did(assistant: Assistant, officer: Chat):
    reply = officer.say("/settings 暂停")
    assert reply.startswith("已改好") and "已暂停" in reply and "仅工作日" not in reply
    assert "已改好" not in officer.say("/settings")
    assert "工作日 07:30" in officer.say("/settings 恢复") or "07:30" in officer.say(
        "/settings 07:30"
    )
