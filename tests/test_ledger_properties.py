"""No sequence of messages, numbers, photos and button presses from officers and street offices
breaks the ledger's invariants (hypothesis drives random sequences; checked after each step):
- a hazard's state moves only along 待整改 → 已整改待复核 → 已销号, back to 待整改 (sent back,
  or a fix report taken back), or to 已作废;
- no hazard's description is a command, a bare number or a message of another kind;
- nobody changes a unit that is not theirs;
- no exception escapes."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.chat.assistant import Assistant, build_assistant
from bot.settings import Settings
from tests.support.chat import Chat, Clock

HAZARDS = (
    "发现加油站旁边电线乱拉",
    "楼道堆满杂物",
    "菜市场后面那排铺子电线全搭在一起",
    "饭店液化气罐没固定",
    "网吧安全出口锁死了",
)
OFFICER_SAYS = (
    "{n}号已整改",
    "/fixed {n}",
    "{n}号整改不了，需要延期",
    "{n}号还没改好",
    "撤销{n}号隐患",
    "{n}号隐患现场",
    "本周巡查已完成",
    "还有啥没做",
    "巡查一周几次",
    "/undo",
    "刚才那条发错了 撤回",
    "我要报个隐患",
    "宽限一周",
)
STREET_SAYS = (
    "{n}号复核通过",
    "{n}号隐患整改不到位，退回",
    "{n}号不合格，退回重改",
    "{n}号是误报，作废",
    "同意{n}号延期到12月20日",
    "/verify {n}",
    "/reject {n} 照片不清楚",
    "照片看不出已整改",
    "/hazard 仓库消防通道堵塞",
)
ALLOWED = {
    ("待整改", "已整改待复核"),
    ("已整改待复核", "已销号"),
    ("已整改待复核", "待整改"),
    ("待整改", "已作废"),
    ("已整改待复核", "已作废"),
}
STEP = st.tuples(
    st.sampled_from(["officer", "other", "street"]),
    st.sampled_from(["hazard", "say", "number", "press", "confirm", "do", "do", "photo"]),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=1, max_value=3),
)
_runs = itertools.count()


def world(library) -> tuple[Assistant, dict[str, Chat]]:
    from datetime import datetime

    from bot.settings import TIMEZONE

    folder = Path(tempfile.mkdtemp(prefix="ledger-prop-"))
    clock = Clock(datetime(2026, 11, 25, 9, 0, tzinfo=TIMEZONE))
    settings_ = Settings(data_dir=folder, db_path=folder / "g.db")
    assistant = build_assistant(settings_, library=library, clock=clock)
    org = assistant.ws.org
    org.add_unit("连然街道", short="连然")
    org.add_unit("金色社区", "连然街道")
    org.add_unit("大屯村委会", "连然街道")
    chats = {}
    run = next(_runs)
    for key, role, unit in (
        ("officer", "officer", "金色社区"),
        ("other", "officer", "大屯村委会"),
        ("street", "street", "连然街道"),
    ):
        chat = Chat(assistant, f"p{run}-{key}")
        chat.say(f"/start {org.create_invite(role, unit)}")
        chats[key] = chat
    return assistant, chats


def snapshot(assistant: Assistant) -> dict[int, str]:
    rows = assistant.ws.store.rows("SELECT id, state FROM hazards")
    return {r["id"]: r["state"] for r in rows}


def check(assistant: Assistant, before: dict[int, str], allowed_texts: set[str]) -> None:
    store, org = assistant.ws.store, assistant.ws.org
    after = snapshot(assistant)
    for hazard_id, state in after.items():
        old = before.get(hazard_id, "待整改")
        assert old == state or (old, state) in ALLOWED, (old, state)
    for row in store.rows("SELECT description FROM hazards"):
        text = row["description"]
        assert not text.startswith("/") and not text.strip().isdigit()
        assert text in allowed_texts, text
    for e in store.rows(
        "SELECT e.action, e.person_id, h.unit_id, h.street_id, h.reporter_id "
        "FROM hazard_events e JOIN hazards h ON h.id = e.hazard_id"
    ):
        person = org.person(e["person_id"])
        assert person is not None
        visible = org.visible_unit_ids(person)
        if e["action"] in ("verify", "reject", "extend", "extend_refuse"):
            assert person.role == "street" and person.unit_id == e["street_id"], e
        else:
            assert e["unit_id"] in visible, e
    for r in store.rows("SELECT unit_id, person_id FROM records"):
        person = org.person(r["person_id"])
        assert person is not None and person.unit_id == r["unit_id"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=30))
def test_no_sequence_breaks_the_ledger(library, steps):
    assistant, chats = world(library)
    allowed_texts = set(HAZARDS) | {"仓库消防通道堵塞"}
    for who, kind, pick, n in steps:
        chat = chats[who]
        before = snapshot(assistant)
        if kind == "hazard" and who != "street":
            chat.say(HAZARDS[pick % len(HAZARDS)], photos=pick % 2)
        elif kind in ("say", "hazard", "do"):
            pool = STREET_SAYS if who == "street" else OFFICER_SAYS
            chat.say(pool[pick % len(pool)].format(n=n), photos=pick % 3 == 0)
            if kind == "do" and chat.buttons():
                chat.last = assistant.press(chat.incoming(), chat.buttons()[0][1])
        elif kind == "number":
            chat.say(str(pick % 4 + 1))
        elif kind == "photo":
            chat.say("", photos=1)
        else:
            pressable = chat.buttons() + [
                (b.label, b.data)
                for r in chat.last
                for notice in r.notices
                for row in notice.reply.buttons
                for b in row
            ]
            if pressable:
                _label, data = pressable[0 if kind == "confirm" else pick % len(pressable)]
                target = chats["street"] if data.startswith(("v:", "r:", "x:")) else chat
                target.last = assistant.press(target.incoming(), data)
        check(assistant, before, allowed_texts)
