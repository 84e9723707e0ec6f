from __future__ import annotations

from pathlib import Path

from bot.office.reports import build_report, report_text


def test_report_figures_and_text(assistant, street_org):
    officer = street_org("officer", "金色社区")
    street = street_org("street", "连然街道")
    officer.say("/done 4.2.3 本周巡查检查")
    officer.confirm("发现加油站电线乱拉")
    street.say("/done 2.1.7")
    unit = assistant.ws.org.unit_named("连然街道")
    report = build_report(assistant.ws, unit, "month", assistant.ws.today())
    rows = {r.unit.name: r for r in report.units}
    assert rows["金色社区"].done == 1 and rows["金色社区"].hazards == 1
    assert rows["连然街道"].done == 1
    assert report.total.done == 2 and report.total.due >= report.total.done
    text = report_text(report)
    assert "金色社区" in text and "合计" in text and "处理率" in text


def test_report_command_sends_text_and_chart(assistant, street_org):
    officer = street_org("officer", "金色社区")
    street = street_org("street", "连然街道")
    assert "只对街道安办" in officer.say("/report")
    street.say("/report 月")
    reply = street.last[0]
    assert "连然街道" in reply.text and reply.files
    assert Path(reply.files[0].path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_switching_rulebooks_keeps_old_records(assistant, street_org, tmp_path):
    import yaml

    from knowledge.loader import DEFAULT_RULEBOOK

    officer = street_org("officer", "金色社区")
    admin_chat = street_org("street", "连然街道")
    officer.say("/done 4.2.3 本周巡查检查")
    data = yaml.safe_load(DEFAULT_RULEBOOK.read_text(encoding="utf-8"))
    data["rulebook"]["id"], data["rulebook"]["year"] = "anning-2027", 2027
    rules = assistant.ws.settings.data_dir / "rules"
    rules.mkdir(parents=True)
    (rules / "anning-2027.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    assistant.ws.org.add_person("管", "admin", None, channel="test", external_id="admin")
    from tests.support.chat import Chat

    admin = Chat(assistant, "admin")
    assert "只有管理员" in admin_chat.say("/rulebook anning-2027")
    assert "anning-2027" in admin.say("/rulebook")
    assert "已切换为细则 anning-2027" in admin.say("/rulebook anning-2027")
    assert assistant.ws.rulebook.id == "anning-2027"
    old = assistant.ws.store.one("SELECT rulebook, code FROM records")
    assert old == {"rulebook": "anning-2022", "code": "4.2.3"}
    assert "巡查检查 本周 0/1" in officer.say("/todo")  # the new rules start afresh
    bad = rules / "broken.yaml"
    bad.write_text("rulebook: {}\n", encoding="utf-8")
    assert "没有切换" in admin.say("/rulebook broken")
    assert assistant.ws.rulebook.id == "anning-2027"
