"""隐患整改通知书: /notice N in chat (street office, own street's hazards only) and
`gridsafe notice N -o FILE.docx`: a Word file with office, number, place, enterprise, what
was found, the deadline, the rulebook item and the site photos."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from docx import Document
from PIL import Image

from bot.cli import main
from bot.console import ConsoleChat
from bot.records.evidence import EvidenceFile
from bot.texts import t


def _text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for table in doc.tables for row in table.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _hazard(assistant, tmp_path: Path, unit: str = "金色社区"):
    org = assistant.ws.org
    officer = org.add_person("王专干", "officer", unit)
    picture = tmp_path / "site.jpg"
    Image.new("RGB", (40, 30), "red").save(picture, "JPEG")
    return assistant.ws.ledger.report(
        officer,
        "液化气罐未固定，放在灶台旁",
        date(2026, 11, 24),
        place="菜市场东门",
        enterprise="某某饭店",
        files=[EvidenceFile(str(picture)), EvidenceFile(str(tmp_path / "gone.jpg"))],
    ).hazard


def test_street_office_gets_a_notice_as_a_word_file(assistant, street_org, tmp_path):
    street = street_org("street", "连然街道", "赵安办")
    hazard = _hazard(assistant, tmp_path)
    reply_text = street.say(f"/notice {hazard.seq}")
    assert hazard.number in reply_text
    (attachment,) = street.last[0].files
    assert attachment.kind == "document" and attachment.path.endswith(".docx")
    text = _text(Path(attachment.path))
    for part in (
        t("notice.title"),
        "连然街道安全生产办公室",
        "连然安隐改〔2026〕1号",
        "菜市场东门",
        "某某饭店",
        "液化气罐未固定",
        "2026年12月1日",  # the deadline: 7 days for a 一般 hazard
        "【4.2.4】",
        "签发人",
        "（照片 gone.jpg 缺失）",
    ):
        assert part in text, part
    assert len(Document(attachment.path).inline_shapes) == 1  # the site photo


def test_only_the_own_street_and_known_numbers(assistant, street_org, tmp_path):
    street = street_org("street", "连然街道", "赵安办")
    officer = street_org("officer", "金色社区", "李专干")
    org = assistant.ws.org
    org.add_unit("金方街道", short="金方")
    org.add_unit("森林社区", "金方街道")
    other = _hazard(assistant, tmp_path, "森林社区")
    answer = street.say(f"/notice {other.number}")
    assert answer == t("hazard.unknown", ref=other.number) and not street.last[0].files
    assert street.say("/notice 99") == t("hazard.unknown", ref="99")
    assert street.say("/notice") == t("notice.usage")
    own = _hazard(assistant, tmp_path)
    assert officer.say(f"/notice {own.seq}") == t("notice.street_only")
    assert not list((assistant.ws.settings.data_dir / "notices").glob("*森林*"))


def test_console_says_where_the_notice_was_written(assistant, street_org, tmp_path):
    street_org("street", "连然街道", "赵安办")
    hazard = _hazard(assistant, tmp_path)
    office = next(p for p in assistant.ws.org.people() if p.name == "赵安办")
    out = io.StringIO()
    console = ConsoleChat(assistant, out)
    console.act_as(office.id)
    console.send(f"/notice {hazard.seq}")
    assert "[文件]" in out.getvalue() and ".docx" in out.getvalue()


def test_command_line_notice(assistant, street_org, tmp_path, monkeypatch, capsys):
    hazard = _hazard(assistant, tmp_path)
    monkeypatch.setenv("GRIDSAFE_DATA", str(assistant.ws.settings.data_dir))
    monkeypatch.delenv("GRIDSAFE_CONFIG", raising=False)
    out = tmp_path / "通知书.docx"
    assert main(["notice", hazard.number, "-o", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert "液化气罐未固定" in _text(out)
    assert main(["notice", "连然-2026-0099", "-o", str(tmp_path / "x.docx")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "x.docx").exists()
