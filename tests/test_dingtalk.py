"""The DingTalk channel in process: the real stream connection, OpenAPI client, inbox and
core against the loopback DingTalk stand-in (tests/dtapi), with a fixed clock."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.chat.assistant import Assistant, build_assistant
from bot.chat.replies import Button, Reply
from bot.service import AssistantService
from bot.settings import TIMEZONE, Settings
from bot.texts import t
from handlers import seam
from handlers.dingtalk.channel import DingTalkChannel
from handlers.dingtalk.markdown import render_all
from handlers.dingtalk.outbox import RateGate
from handlers.dingtalk.receive import image_suffix
from handlers.telegram.morning import push_round as telegram_push_round
from tests.dtapi import JPEG, DingTalkStandin

OFFICER, STREET, OTHER, STRANGER = "0931", "0102", "0932", "9999"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def dingtalk_settings(api: DingTalkStandin, data_dir: Path, **overrides: Any) -> Settings:
    settings = Settings(
        data_dir=data_dir,
        db_path=data_dir / "gridsafe.db",
        dingtalk_client_id=api.client_id,
        dingtalk_client_secret=api.client_secret,
        dingtalk_robot_code=api.client_id,
        dingtalk_api_url=api.base_url,
        dingtalk_oapi_url=api.base_url,
        dingtalk_send_rate=500,
    )
    return replace(settings, **overrides)


@dataclass
class Ding:
    api: DingTalkStandin
    channel: DingTalkChannel
    service: AssistantService
    outboxes: seam.Outboxes

    async def core(self, func: Any) -> Any:
        return await self.service.call(func)

    async def say(self, staff: str, text: str, settle: float = 0.2) -> str:
        conversation = self.api.conversation(staff)
        before = len(self.api.replies(conversation))
        self.api.send_text(staff, text)
        return await self.answer(conversation, before, settle)

    async def answer(self, conversation: str, before: int, settle: float = 0.2) -> str:
        assert await self.api.wait_async(lambda: len(self.api.replies(conversation)) > before)
        await asyncio.sleep(settle)
        return "\n".join(self.api.replies(conversation)[before:])

    async def join(self, staff: str, role: str, unit: str, name: str, words: str = "绑定") -> str:
        code = await self.core(lambda a: a.ws.org.create_invite(role, unit, name))
        return await self.say(staff, f"{words} {code}")


def setup_org(assistant: Assistant) -> None:
    assistant.ws.org.add_unit("连然街道", short="连然")
    assistant.ws.org.add_unit("金色社区", "连然街道")
    assistant.ws.org.add_unit("大屯村委会", "连然街道")


@contextlib.asynccontextmanager
async def running(tmp_path: Path, library, clock, **overrides: Any) -> AsyncIterator[Ding]:
    with DingTalkStandin() as api:
        settings = dingtalk_settings(api, tmp_path, **overrides)
        service = AssistantService(lambda: build_assistant(settings, library=library, clock=clock))
        await service.start()
        outboxes = seam.Outboxes(service)
        channel = DingTalkChannel(
            settings, service, outboxes, backoff=0.2, watchdog=1.0, pong_timeout=0.5
        )
        outboxes.add(channel.outbox)
        task = asyncio.create_task(channel.run())
        assert await api.wait_async(lambda: api.online == 1)
        harness = Ding(api, channel, service, outboxes)
        await harness.core(setup_org)
        yield harness
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await channel.close()
        await service.close()


@pytest.fixture
async def ding(tmp_path: Path, library, clock) -> AsyncIterator[Ding]:
    async with running(tmp_path, library, clock) as harness:
        yield harness


TEMPLATE = "standin-card-template.schema"


@pytest.fixture
async def ding_cards(tmp_path: Path, library, clock) -> AsyncIterator[Ding]:
    async with running(tmp_path, library, clock, dingtalk_card_template=TEMPLATE) as harness:
        yield harness


async def test_bind_in_words_or_with_start_and_accounts_are_per_channel(ding: Ding):
    assert "邀请码" in await ding.say(STRANGER, "本周巡查已完成")
    text = await ding.join(OFFICER, "officer", "金色社区", "王专干")
    assert "绑定成功" in text and "王专干" in text
    assert "绑定成功" in await ding.join(STREET, "street", "连然街道", "赵安办", words="/start")
    assert "邀请码无效" in await ding.say(OTHER, "绑定 WRONGCODE")
    # the same id on Telegram is another account: nobody
    people = await ding.core(
        lambda a: (
            a.ws.org.person_for_account("dingtalk", OFFICER),
            a.ws.org.person_for_account("telegram", OFFICER),
        )
    )
    assert people[0] is not None and people[0].name == "王专干" and people[1] is None


async def test_question_answer_names_the_code(ding: Ding):
    text = await ding.say(STRANGER, "社区安全专干每周要巡查几次")
    assert "**【4.2.3】**" in text


async def test_done_report_with_picture_is_recorded_after_a_tap(ding: Ding):
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    conversation = ding.api.conversation(OFFICER)
    before = len(ding.api.replies(conversation))
    ding.api.send_rich(OFFICER, ["本周巡查已完成", JPEG])
    text = await ding.answer(conversation, before)
    assert "dtmd://dingtalkclient/sendMessage?content=1" in text and "【4.2.3】" in text
    assert await ding.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM records")) == 0
    text = await ding.say(OFFICER, "1")
    assert "已记录" in text or "已登记" in text, text
    assert await ding.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM records")) == 1
    paths = await ding.core(
        lambda a: [r["path"] for r in a.ws.store.rows("SELECT path FROM evidence")]
    )
    assert len(paths) == 1 and paths[0].endswith(".jpg") and Path(paths[0]).read_bytes() == JPEG
    assert "/dingtalk/" in paths[0]


async def test_hazard_with_choice_notifies_the_street_office(ding: Ding):
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    await ding.join(STREET, "street", "连然街道", "赵安办")
    text = await ding.say(OFFICER, "发现菜市场后面那排铺子电线全搭在一起")
    assert "登记新隐患" in text and "[1\\. " not in text and "[1. 确认登记]" in text
    text = await ding.say(OFFICER, "1")
    assert "连然-2026-0001" in text
    assert await ding.api.wait_async(lambda: len(ding.api.pushes(STREET, "sampleMarkdown")) == 1)
    assert "连然-2026-0001" in ding.api.pushes(STREET)[0].text
    assert "/v1.0/card/instances" not in ding.api.calls  # no template: no cards


async def hazards(ding: Ding) -> int:
    return int(await ding.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM hazards")))


async def test_with_a_template_choices_are_a_card_and_a_press_records_once(ding_cards: Ding):
    ding = ding_cards
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    await ding.join(STREET, "street", "连然街道", "赵安办")
    conversation = ding.api.conversation(OFFICER)
    before = len(ding.api.replies(conversation))
    ding.api.send_text(OFFICER, "发现菜市场后面那排铺子电线全搭在一起")
    assert await ding.api.wait_async(lambda: len(ding.api.cards(OFFICER)) == 1)
    card = ding.api.cards(OFFICER)[0]
    assert card.raw["template"] == TEMPLATE and "登记新隐患" in card.text
    choices = json.loads(card.raw["params"]["choices"])
    assert [c["number"] for c in choices][:2] == ["1", "2"]
    assert choices[0]["label"] == "确认登记" and choices[0]["choice"]
    assert not any("dtmd://" in r for r in ding.api.replies(conversation)[before:])
    assert await hazards(ding) == 0
    pressed = ding.api.press_card(OFFICER, card, 1)  # 确认登记
    assert await ding.api.wait_async(lambda: ding.api.acks.get(pressed) == 1)
    answers = [p.text for p in ding.api.pushes(OFFICER, "sampleMarkdown")]
    assert any("连然-2026-0001" in a for a in answers), answers
    assert await hazards(ding) == 1
    assert await ding.api.wait_async(lambda: len(ding.api.pushes(STREET, "sampleMarkdown")) == 1)
    ding.api.redeliver(pressed)  # the gateway delivers the callback again
    assert await ding.api.wait_async(lambda: ding.api.acks.get(pressed) == 2)
    await asyncio.sleep(0.3)
    assert await hazards(ding) == 1
    assert len(ding.api.pushes(OFFICER, "sampleMarkdown")) == len(answers)
    assert len(ding.api.pushes(STREET, "sampleMarkdown")) == 1


async def test_a_strangers_card_press_changes_nothing_and_typed_numbers_still_work(
    ding_cards: Ding,
):
    ding = ding_cards
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    ding.api.send_text(OFFICER, "发现加油站旁边电线乱拉")
    assert await ding.api.wait_async(lambda: len(ding.api.cards(OFFICER)) == 1)
    card = ding.api.cards(OFFICER)[0]
    pressed = ding.api.press_card(STRANGER, card, 1)
    assert await ding.api.wait_async(lambda: ding.api.acks.get(pressed) == 1)
    await asyncio.sleep(0.3)
    assert await hazards(ding) == 0 and ding.api.pushes(STRANGER) == []
    assert "连然-2026-0001" in await ding.say(OFFICER, "1")  # the card's choice 1, typed
    assert await hazards(ding) == 1


async def test_redelivered_message_is_handled_once_and_acknowledged(ding: Ding):
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    conversation = ding.api.conversation(OFFICER)
    before = len(ding.api.replies(conversation))
    message_id = ding.api.send_text(OFFICER, "巡查一周几次")
    await ding.answer(conversation, before)
    assert await ding.api.wait_async(lambda: ding.api.acks.get(message_id) == 1)
    ding.api.redeliver(message_id)
    assert await ding.api.wait_async(lambda: ding.api.acks.get(message_id) == 2)
    await asyncio.sleep(0.3)
    assert len(ding.api.replies(conversation)) == before + 1


async def test_unanswered_message_is_not_acknowledged_and_comes_again(ding: Ding):
    conversation = ding.api.conversation(STRANGER)
    ding.api.fail_webhook = 1
    message_id = ding.api.send_text(STRANGER, "巡查一周几次")
    await asyncio.sleep(0.8)
    assert message_id not in ding.api.acks and ding.api.replies(conversation) == []
    ding.api.redeliver(message_id)
    assert await ding.api.wait_async(lambda: ding.api.acks.get(message_id) == 1)
    assert len(ding.api.replies(conversation)) == 1


async def test_group_answers_rules_there_and_records_privately(ding: Ding):
    group = "cidGROUP"
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    ding.api.send_text(OFFICER, "巡查一周几次", group=group)
    assert await ding.api.wait_async(lambda: len(ding.api.replies(group)) == 1)
    assert "【4.2.3】" in ding.api.replies(group)[0]
    ding.api.send_text(OFFICER, "/todo", group=group)
    assert await ding.api.wait_async(lambda: len(ding.api.replies(group)) == 2)
    assert "私聊" in ding.api.replies(group)[1] and "待办" not in ding.api.replies(group)[1]
    assert any("待办" in p.text for p in ding.api.pushes(OFFICER))
    code = await ding.core(lambda a: a.ws.org.create_invite("officer", "大屯村委会", "李"))
    ding.api.send_text(OTHER, f"绑定 {code}", group=group)
    assert await ding.api.wait_async(lambda: len(ding.api.replies(group)) == 3)
    assert "私聊" in ding.api.replies(group)[2]
    assert await ding.core(lambda a: a.ws.org.person_for_account("dingtalk", OTHER)) is None
    ding.api.invalid.add(OFFICER)  # now outside the app's visible range
    ding.api.send_text(OFFICER, "/todo", group=group)
    assert await ding.api.wait_async(lambda: len(ding.api.replies(group)) == 4)
    assert "已私聊回复你" not in ding.api.replies(group)[3]
    assert "无法单聊" in ding.api.replies(group)[3]


async def test_pictures_typed_by_content_only_for_bound_people(ding: Ding):
    conversation = ding.api.conversation(STRANGER)
    ding.api.send_picture(STRANGER, PNG)
    assert await ding.api.wait_async(lambda: len(ding.api.replies(conversation)) == 1)
    assert "/v1.0/robot/messageFiles/download" not in ding.api.calls
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    conversation = ding.api.conversation(OFFICER)
    before = len(ding.api.replies(conversation))
    ding.api.send_picture(OFFICER, b"not a picture at all")
    assert t("dt.picture_unknown") in await ding.answer(conversation, before)
    before = len(ding.api.replies(conversation))
    ding.api.send_file(OFFICER, "检查表.pdf", b"%PDF-1.4 test")
    await ding.answer(conversation, before)
    files = sorted(p.name for p in (ding.channel.settings.files_dir / "dingtalk").rglob("*"))
    assert any(name.endswith(".pdf") for name in files)
    assert image_suffix(PNG) == ".png" and image_suffix(JPEG) == ".jpg"


async def test_push_at_the_minute_once_with_flow_control_retry(ding: Ding, clock):
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    await ding.join(STREET, "street", "连然街道", "赵安办")
    ding.api.flow_control[OFFICER] = 2
    early = datetime(2026, 11, 25, 8, 29, tzinfo=TIMEZONE)
    assert await seam.push_round(ding.service, ding.outboxes, early) == {}
    moment = datetime(2026, 11, 25, 8, 30, tzinfo=TIMEZONE)
    assert await seam.push_round(ding.service, ding.outboxes, moment) == {"sent": 2}
    for staff in (OFFICER, STREET):
        pushed = [p for p in ding.api.pushes(staff) if t("push.head") in p.text]
        assert len(pushed) == 1, staff
    assert "dtmd://" in ding.api.pushes(OFFICER)[-1].text
    assert await seam.push_round(ding.service, ding.outboxes, moment.replace(hour=11)) == {}


class Recorder:
    """A second channel's outbox that records what it is asked to send."""

    name = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def push(self, account: dict[str, Any], reply: Reply) -> str:
        self.sent.append((account["external_id"], reply.text))
        return seam.SENT


async def test_push_ledger_is_shared_with_telegram(ding: Ding):
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    person = await ding.core(lambda a: a.ws.org.person_for_account("dingtalk", OFFICER))
    await ding.core(lambda a: a.ws.org.bind_account(person.id, "telegram", "1001", "1001"))
    recorder = Recorder()
    ding.outboxes.add(recorder)
    moment = datetime(2026, 11, 25, 9, 0, tzinfo=TIMEZONE)
    assert await seam.push_round(ding.service, ding.outboxes, moment) == {"sent": 1}
    assert len(recorder.sent) == 1 and len(ding.api.pushes(OFFICER, "sampleMarkdown")) == 1
    rows = await ding.core(lambda a: a.ws.store.rows("SELECT * FROM pushes"))
    assert len(rows) == 1
    # Telegram's own push round (Telegram alone) sees the same ledger
    fake_context = type("Context", (), {"bot_data": {"outboxes": ding.outboxes}})()
    assert await telegram_push_round(fake_context, ding.service, moment.replace(hour=10)) == {}


async def test_invalid_staff_is_marked_blocked(ding: Ding):
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    ding.api.invalid.add(OFFICER)
    moment = datetime(2026, 11, 25, 9, 0, tzinfo=TIMEZONE)
    assert await seam.push_round(ding.service, ding.outboxes, moment) == {"blocked": 1}
    accounts = await ding.core(lambda a: a.ws.org.accounts_for_push(1, "dingtalk"))
    assert accounts == []


async def test_reconnects_after_a_drop_a_disconnect_and_a_stall(ding: Ding):
    ding.api.drop()
    assert await ding.api.wait_async(lambda: ding.api.connections == 2, timeout=10)
    assert "【4.2.3】" in await ding.say(STRANGER, "巡查一周几次")
    ding.api.disconnect()
    assert await ding.api.wait_async(lambda: ding.api.connections == 3, timeout=10)
    ding.api.fail_open = 2  # the gateway is down for a while: backs off, then comes back
    ding.api.stall()  # half-open: pings go unanswered, the watchdog drops the socket
    assert await ding.api.wait_async(lambda: ding.api.connections == 4, timeout=15)
    # the stand-in counts a socket when it accepts it; the client counts it once its own
    # handshake returns, a moment later on a busy machine
    assert await ding.api.wait_async(lambda: ding.channel.stream.connections == 4, timeout=5)
    assert "【4.2.3】" in await ding.say(STRANGER, "巡查一周几次")


def test_choices_are_numbered_across_replies_and_escaped():
    replies = [
        Reply("第一条 *重要*", ((Button("确认", "a"), Button("取消", "b")),)),
        Reply("【4.2.3】巡查\n1. 每周", ((Button("完成", "c"),),)),
    ]
    messages, choices = render_all(replies)
    assert [b.data for b in choices] == ["a", "b", "c"]
    assert "\\*重要\\*" in messages[0].text
    assert "content=3" in messages[1].text and "**【4.2.3】**" in messages[1].text
    assert "1\\. 每周" in messages[1].text


async def test_rate_gate_spaces_sends():
    gate = RateGate(20)
    start = time.monotonic()
    await asyncio.gather(*(gate.wait() for _ in range(11)))
    assert time.monotonic() - start >= 0.45


async def test_report_chart_and_export_are_sent_as_files(ding: Ding):
    await ding.join(STREET, "street", "连然街道", "赵安办")
    await ding.say(STREET, "/report 月")
    assert await ding.api.wait_async(lambda: len(ding.api.pushes(STREET, "sampleImageMsg")) == 1)
    assert ding.api.uploads[0][0] == "image" and ding.api.uploads[0][1].find(b"\x89PNG") >= 0
    await ding.say(STREET, "/export 2026", settle=1.0)
    assert await ding.api.wait_async(lambda: len(ding.api.pushes(STREET, "sampleFile")) == 2)
    names = sorted(p.raw["fileName"] for p in ding.api.pushes(STREET, "sampleFile"))
    assert names == ["连然_2026.xlsx", "连然_2026.zip"]


async def test_a_push_choice_is_taken_by_its_number(ding: Ding):
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    moment = datetime(2026, 11, 25, 9, 0, tzinfo=TIMEZONE)
    assert await seam.push_round(ding.service, ding.outboxes, moment) == {"sent": 1}
    assert "content=21" in ding.api.pushes(OFFICER)[-1].text  # pushes number from 21
    before = await ding.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM records"))
    await ding.say(OFFICER, "21")  # the first choice of the push: mark its first item done
    after = await ding.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM records"))
    assert after == before + 1


def test_inbox_takes_a_message_once_and_takes_over_a_dead_owner(tmp_path: Path):
    from bot.records.inbox import Inbox, Taken
    from bot.records.store import Store

    store = Store(tmp_path / "inbox.db")
    store.migrate()
    first, second = Inbox(store, "process-1"), Inbox(store, "process-2")
    assert first.take("dingtalk", "m1") is Taken.NEW
    assert first.take("dingtalk", "m1") is Taken.BUSY  # redelivered while being handled
    assert second.take("dingtalk", "m1") is Taken.NEW  # process-1 died: taken over
    second.done("dingtalk", "m1")
    assert first.take("dingtalk", "m1") is Taken.DONE
    assert first.take("telegram", "m1") is Taken.NEW  # ids are per channel
    first.release("telegram", "m1")
    assert first.take("telegram", "m1") is Taken.NEW
    store.close()


async def test_a_redelivery_during_slow_handling_is_left_to_the_first(ding: Ding):
    """The SDK's trap: the gateway delivers an unacknowledged message again after a while;
    a slow handler must not run twice, and the message is acknowledged once handled."""
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    conversation = ding.api.conversation(OFFICER)
    before = len(ding.api.replies(conversation))
    ding.api.download_delay = 1.0
    message_id = ding.api.send_rich(OFFICER, ["6号隐患现场", JPEG])
    await asyncio.sleep(0.4)
    ding.api.redeliver(message_id)  # while the picture is still downloading
    await asyncio.sleep(0.2)
    assert message_id not in ding.api.acks
    assert await ding.api.wait_async(lambda: ding.api.acks.get(message_id) == 1)
    await asyncio.sleep(0.5)
    assert len(ding.api.replies(conversation)) == before + 1
    assert ding.api.calls.count("/v1.0/robot/messageFiles/download") == 1


async def test_a_message_whose_webhook_expired_is_answered_one_to_one(ding: Ding):
    data = ding.api.robot_message(STRANGER, "text", {"text": {"content": "巡查一周几次"}})
    data["sessionWebhookExpiredTime"] = int((time.time() - 60) * 1000)
    ding.api.deliver(data)
    assert await ding.api.wait_async(lambda: len(ding.api.pushes(STRANGER)) == 1)
    assert "【4.2.3】" in ding.api.pushes(STRANGER)[0].text
    assert ding.api.replies(ding.api.conversation(STRANGER)) == []


async def test_an_error_in_the_core_gets_a_short_answer_and_no_traceback(ding: Ding, caplog):
    async def broken(msg):
        raise RuntimeError("database on fire: secret details")

    ding.service.handle = broken  # type: ignore[method-assign]
    text = await ding.say(STRANGER, "巡查一周几次")
    assert "出了点问题" in text and "secret" not in text and "Traceback" not in text
    assert "RuntimeError" in caplog.text


async def test_a_push_during_a_question_keeps_the_questions_numbers(ding: Ding):
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    assert "[2. 取消]" in await ding.say(OFFICER, "发现加油站旁边电线乱拉")
    moment = datetime(2026, 11, 25, 9, 0, tzinfo=TIMEZONE)
    assert await seam.push_round(ding.service, ding.outboxes, moment) == {"sent": 1}
    push = ding.api.pushes(OFFICER)[-1].text
    assert "content=21" in push and "content=1)" not in push  # its own numbers
    assert "连然-2026-0001" in await ding.say(OFFICER, "1")  # the question's choice 1
    before = await ding.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM records"))
    await ding.say(OFFICER, "21")  # the push's first choice, after the question was answered
    assert (
        await ding.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM records")) == before + 1
    )


def test_shown_choices_keep_their_numbers(tmp_path: Path):
    from bot.records.inbox import ShownChoices
    from bot.records.store import Store

    store = Store(tmp_path / "choices.db")
    store.migrate()
    shown = ShownChoices(store, "dingtalk")
    shown.remember("u", ["ask1", "ask2"], 24)
    assert shown.add("u", ["push1", "push2"], 24) == 21
    assert shown.add("u", ["later1"], 24) == 23  # a later push: after the earlier one's
    shown.remember("u", ["new1"], 24)  # a new question replaces only the question's
    assert [shown.chosen("u", n, 24) for n in (1, 2, 21, 22, 23, 24)] == [
        "new1",
        None,
        "push1",
        "push2",
        "later1",
        None,
    ]
    assert ShownChoices(store, "telegram").chosen("u", 1, 24) is None
    store.close()


async def test_a_voice_message_is_read_by_its_transcript(ding: Ding):
    conversation = ding.api.conversation(STRANGER)
    body = {"content": {"duration": 4000, "downloadCode": "x", "recognition": "巡查一周几次"}}
    ding.api.deliver(ding.api.robot_message(STRANGER, "audio", body))
    assert await ding.api.wait_async(lambda: len(ding.api.replies(conversation)) == 1)
    assert "【4.2.3】" in ding.api.replies(conversation)[0]


async def test_a_malformed_message_is_dropped_and_the_next_answered(ding: Ding):
    data = ding.api.robot_message(STRANGER, "text", {})  # no text.content
    message_id = ding.api.deliver(data)
    assert await ding.api.wait_async(lambda: ding.api.acks.get(message_id) == 1)
    assert "【4.2.3】" in await ding.say(STRANGER, "巡查一周几次")


async def test_a_deactivated_persons_picture_is_never_downloaded(ding: Ding):
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    person = await ding.core(lambda a: a.ws.org.person_for_account("dingtalk", OFFICER))
    await ding.core(lambda a: a.ws.org.update_person(person, active=False))
    conversation = ding.api.conversation(OFFICER)
    before = len(ding.api.replies(conversation))
    ding.api.send_picture(OFFICER, PNG)
    assert t("person.inactive") in await ding.answer(conversation, before)
    assert "/v1.0/robot/messageFiles/download" not in ding.api.calls
    assert not (ding.channel.settings.files_dir / "dingtalk").exists()


async def test_files_obey_the_one_limit_and_types_and_keep_the_words(ding: Ding):
    """The rules Telegram follows (bot/records/evidence.py): the limit the reply names is
    GRIDSAFE_MAX_FILE_MB, only pictures and PDF are kept, and a file that did not arrive
    leaves the words of the message to be read."""
    await ding.join(OFFICER, "officer", "金色社区", "王专干")
    conversation = ding.api.conversation(OFFICER)
    stored = ding.channel.settings.files_dir / "dingtalk"
    big = PNG + b"\x00" * int(10.5 * 1024 * 1024)
    before = len(ding.api.replies(conversation))
    ding.api.send_file(OFFICER, "现场.png", big)
    assert t("files.too_big", mb="10") in await ding.answer(conversation, before)
    before = len(ding.api.replies(conversation))
    ding.api.send_file(OFFICER, "安装包.apk", b"PK\x03\x04 not evidence")
    assert t("files.type") in await ding.answer(conversation, before)
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))
    before = len(ding.api.replies(conversation))
    ding.api.fail_download = 1
    ding.api.send_rich(OFFICER, ["社区安全专干每周要巡查几次", JPEG])
    text = await ding.answer(conversation, before)
    assert t("files.failed") in text and "【4.2.3】" in text


async def test_a_one_to_one_answer_that_fails_leaves_the_message_to_come_again(
    ding: Ding, monkeypatch
):
    """Answered one to one (its webhook expired): when DingTalk keeps refusing the send,
    the message is not acknowledged, so the gateway delivers it again and it is answered."""
    from handlers.dingtalk import outbox

    monkeypatch.setattr(outbox, "FLOW_PAUSE", 0.01)
    data = ding.api.robot_message(STRANGER, "text", {"text": {"content": "巡查一周几次"}})
    data["sessionWebhookExpiredTime"] = int((time.time() - 60) * 1000)
    ding.api.flow_control[STRANGER] = outbox.FLOW_RETRIES + 1
    message_id = ding.api.deliver(data)
    assert await ding.api.wait_async(lambda: ding.api.flow_control[STRANGER] == 0)
    await asyncio.sleep(0.3)
    assert message_id not in ding.api.acks and ding.api.pushes(STRANGER) == []
    ding.api.redeliver(message_id)
    assert await ding.api.wait_async(lambda: ding.api.acks.get(message_id) == 1)
    assert len(ding.api.pushes(STRANGER)) == 1


async def test_gridsafe_run_on_dingtalk_alone_resends_a_push_left_sending(
    tmp_path: Path, library, clock
):
    """The runner (not Telegram's post_init) recovers pushes a stopped process left
    'sending', so a DingTalk-only installation does not lose the day's push."""
    from bot.chat.digest import PushPlanner
    from handlers.runner import serve

    with DingTalkStandin() as api:
        settings = dingtalk_settings(api, tmp_path, push_tick_seconds=0.2)
        before = build_assistant(settings, library=library, clock=clock)
        setup_org(before)
        before.ws.org.add_person(
            "王专干", "officer", "金色社区", channel="dingtalk", external_id=OFFICER
        )
        planner = PushPlanner(before.ws, "dingtalk")
        (left,) = planner.due(clock())
        assert planner.claim(left, clock().date())  # then the process was killed
        before.ws.store.close()
        stop = asyncio.Event()
        task = asyncio.create_task(
            serve(
                settings,
                ["dingtalk"],
                lambda: build_assistant(settings, library=library, clock=clock),
                stop,
            )
        )
        try:
            assert await api.wait_async(lambda: daily_pushes(api, OFFICER) == 1, timeout=30)
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)


def daily_pushes(api: DingTalkStandin, staff: str) -> int:
    return sum(t("push.head") in p.text for p in api.pushes(staff, "sampleMarkdown"))


async def test_a_group_message_handled_after_its_webhook_expired_is_answered_one_to_one(
    ding: Ding,
):
    data = ding.api.robot_message(
        STRANGER, "text", {"text": {"content": "巡查一周几次"}}, group="cidGROUP"
    )
    data["sessionWebhookExpiredTime"] = int((time.time() - 60) * 1000)
    message_id = ding.api.deliver(data)
    assert await ding.api.wait_async(lambda: ding.api.acks.get(message_id) == 1)
    assert await ding.api.wait_async(lambda: len(ding.api.pushes(STRANGER)) == 1, timeout=3)
    assert "【4.2.3】" in ding.api.pushes(STRANGER)[0].text


async def test_a_stop_during_a_push_lets_the_send_finish_and_records_it(
    tmp_path: Path, library, clock
):
    """SIGTERM while a push is being sent: the runner lets the round finish, so the push
    DingTalk took is recorded 'sent', never 'failed' (which the next start sends again)."""
    from handlers.runner import serve

    with DingTalkStandin() as api:
        settings = dingtalk_settings(api, tmp_path, push_tick_seconds=0.2)
        before = build_assistant(settings, library=library, clock=clock)
        setup_org(before)
        before.ws.org.add_person(
            "王专干", "officer", "金色社区", channel="dingtalk", external_id=OFFICER
        )
        before.ws.store.close()
        api.batch_delay = 1.0
        stop = asyncio.Event()
        task = asyncio.create_task(
            serve(
                settings,
                ["dingtalk"],
                lambda: build_assistant(settings, library=library, clock=clock),
                stop,
            )
        )
        try:
            assert await api.wait_async(
                lambda: "/v1.0/robot/oToMessages/batchSend" in api.calls, timeout=30
            )
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
        assert daily_pushes(api, OFFICER) == 1
        after = build_assistant(settings, library=library, clock=clock)
        assert after.ws.store.value("SELECT status FROM pushes") == "sent"
        after.ws.store.close()


def test_inbox_drops_old_rows_as_it_goes_and_retakes_a_stuck_message(tmp_path: Path):
    from bot.records.inbox import KEEP_DAYS, STUCK_MINUTES, Inbox, Taken, _ago
    from bot.records.store import Store

    store = Store(tmp_path / "inbox.db")
    store.migrate()
    inbox = Inbox(store, "process-1")
    assert inbox.take("dingtalk", "old") is Taken.NEW
    inbox.done("dingtalk", "old")
    assert inbox.take("dingtalk", "stuck") is Taken.NEW  # its "done" never written
    store.db.execute(
        "UPDATE inbox SET at = ? WHERE message_id = 'old'", [_ago(KEEP_DAYS * 24 * 60 + 5)]
    )
    store.db.execute(
        "UPDATE inbox SET at = ? WHERE message_id = 'stuck'", [_ago(STUCK_MINUTES + 1)]
    )
    assert inbox.take("dingtalk", "stuck") is Taken.NEW  # taken again, not BUSY for ever
    ids = {r["message_id"] for r in store.rows("SELECT message_id FROM inbox")}
    assert ids == {"stuck"}  # the old row went while the process runs, not only at start
    assert inbox.take("dingtalk", "stuck") is Taken.BUSY  # now fresh: a redelivery waits
    store.close()
