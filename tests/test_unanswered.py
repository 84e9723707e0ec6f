from __future__ import annotations

from datetime import date

import yaml

from bot.chat.assistant import Assistant
from bot.library import Library
from bot.records.org import Person
from bot.records.unanswered import UnansweredLog, parse_teach
from knowledge.loader import DEFAULT_RULEBOOK

QUESTION = "泥巴路塌方了咋个整"


def test_an_unanswered_question_is_logged_for_the_office(assistant: Assistant, street_org):
    officer = street_org("officer", "金色社区")
    admin = street_org("admin", "")
    officer.say("专干的工资一个月多少？")
    officer.say("专干的工资一个月多少？")
    officer.say(QUESTION)
    officer.say("巡查一周几次？")  # answered: not logged
    reply = admin.say("/unanswered")
    lines = reply.splitlines()
    assert "共 2 种" in lines[0]
    assert "专干的工资一个月多少？（2 次）" in lines[1] and "工资" in lines[1]
    assert QUESTION in lines[2] and "巡查" not in reply
    assert "/teach" in lines[-1]


def test_guests_questions_are_not_logged(assistant: Assistant):
    from tests.support.chat import Chat

    Chat(assistant, "stranger").say("专干的工资一个月多少？")
    assert assistant.ws.store.value("SELECT COUNT(*) FROM unanswered") == 0


def test_only_an_admin_sees_or_teaches(street_org):
    officer = street_org("officer", "金色社区")
    assert "只有管理员" in officer.say("/unanswered")
    assert "只有管理员" in officer.say(f"/teach 6.2 {QUESTION}")


def test_teaching_makes_the_question_answered(assistant: Assistant, street_org, settings):
    officer = street_org("officer", "金色社区")
    admin = street_org("admin", "")
    assert "【6.2】" not in officer.say(QUESTION)
    reply = admin.say(f"/teach 六（2） {QUESTION}")
    assert "已记下" in reply and "【6.2】" in reply
    assert "【6.2】" in officer.say(QUESTION)
    assert "没有答不上" in admin.say("/unanswered")  # taught questions leave the list
    taught = yaml.safe_load((settings.taught_dir / "anning-2022.yaml").read_text("utf-8"))
    assert taught == {"6.2": [QUESTION]}
    # a restart keeps what was taught
    again = Library.load(DEFAULT_RULEBOOK, settings.cache_dir, settings.taught_dir)
    assert again.search(QUESTION).codes[:1] == ["6.2"]


def test_teach_rejects_bad_input_and_changes_nothing(assistant: Assistant, settings):
    admin = Person(id=0, name="命令行", role="admin", unit_id=None)
    assert "用法" in assistant.features.admin.teach(admin, "6.2").text
    assert "没有【9.9.9】" in assistant.features.admin.teach(admin, "9.9.9 什么问题").text
    assert "没有【6】" in assistant.features.admin.teach(admin, "6 什么问题").text
    assert "200" in assistant.features.admin.teach(admin, "6.2 " + "问" * 201).text
    assert not settings.taught_dir.exists()


def test_parse_teach_accepts_every_code_form(rulebook):
    assert parse_teach(rulebook, "2.1.5 一把手要下去看吗") == ("2.1.5", "一把手要下去看吗")
    assert parse_teach(rulebook, "二、1（5） 一把手要下去看吗") == ("2.1.5", "一把手要下去看吗")


def test_the_log_counts_per_rulebook_and_period(assistant: Assistant, street_org):
    officer = street_org("officer", "金色社区")
    person_id = assistant.ws.org.person_for_account("test", officer.user).id  # type: ignore[union-attr]
    log = UnansweredLog(assistant.ws.store, "anning-2022")
    other = UnansweredLog(assistant.ws.store, "another-year")
    log.record(person_id, "问题一", ())
    other.record(person_id, "问题一", ())
    items, total = log.open_questions(date(2000, 1, 1).isoformat())
    assert total == 1 and items[0].times == 1
    assert log.open_questions("2999-01-01") == ([], 0)
