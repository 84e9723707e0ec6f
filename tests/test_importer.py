from __future__ import annotations

from pathlib import Path

import docx
import yaml

from knowledge.importer import import_rules, parse_rulebook, read_lines
from knowledge.loader import DEFAULT_RULEBOOK, load_rulebook

SOURCE = Path(__file__).parents[1] / "knowledge" / "source" / "anning-2022-street-criteria.txt"

EXPECTED_CODES = (
    ["1"]
    + [f"2.1.{i}" for i in range(1, 13)]
    + [f"2.2.{i}" for i in range(1, 6)]
    + [f"3.1.{i}" for i in range(1, 7)]
    + [f"3.2.{i}" for i in range(1, 7)]
    + [f"3.3.{i}" for i in range(1, 6)]
    + [f"3.4.{i}" for i in range(1, 4)]
    + [f"4.1.{i}" for i in range(1, 4)]
    + [f"4.2.{i}" for i in range(1, 5)]
    + [f"5.{i}" for i in range(1, 7)]
    + [f"6.{i}" for i in range(1, 4)]
    + [f"7.{i}" for i in range(1, 4)]
    + [f"8.1.{i}" for i in range(1, 5)]
    + [f"8.2.{i}" for i in range(1, 4)]
    + [f"8.3.{i}" for i in range(1, 7)]
    + [f"9.{i}" for i in range(1, 9)]
    + ["10"]
)


def parsed() -> dict:
    return parse_rulebook(read_lines(SOURCE), "test", SOURCE.name)


def test_all_79_units_with_document_codes():
    data = parsed()
    assert [u["code"] for u in data["units"]] == EXPECTED_CODES
    assert len(EXPECTED_CODES) == 79


def test_clause_texts_are_split_at_their_numbers():
    units = {u["code"]: u for u in parsed()["units"]}
    assert units["2.1.5"]["text"] == "每月主要领导和分管领导开展1次带队调研检查安全生产工作。"
    assert units["5.3"]["text"] == "依法依规配合开展事故调查和事故应急处置。"
    assert units["9.3"]["text"].startswith("在5.12全国防灾减灾宣传周、11.6云南省")
    assert units["6.2"]["text"] == "防范自然灾害（综合减灾工作），及时有效处置自然灾害隐患。"
    assert "[bookmark" not in units["10"]["text"]


def test_assessing_office_of_each_section():
    sections = {s["code"]: s for s in parsed()["sections"]}
    anwei = "安宁市安全生产委员会办公室"
    assert [sections[c]["assessor"] for c in "2345"] == [anwei] * 4
    assert {sections[c]["assessor"] for c in "678"} == {"安宁市自然灾害应急管理委员会办公室"}
    assert sections["9"]["assessor"] == "安宁市抗震救灾指挥部办公室"
    assert sections["1"]["assessor"] is None and sections["10"]["assessor"] is None


def test_titles_note_and_flags():
    data = parsed()
    assert data["rulebook"]["year"] == 2022
    assert data["rulebook"]["applies_to"] == "街道、管委会"
    assert "适当调整考核细则" in data["rulebook"]["note"]
    items = {i["code"]: i["title"] for s in data["sections"] for i in s["items"]}
    assert items["4.2"] == "加强安全生产网格化监管工作"
    units = {u["code"]: u for u in data["units"]}
    assert units["9.8"]["bonus"] is True and units["9.8"]["kind"] == "bonus"


def test_default_schedule_read_from_the_words():
    units = {u["code"]: u for u in parsed()["units"]}
    patrol = units["4.2.3"]["tasks"]
    assert [(t["every"], t["count"]) for t in patrol] == [("week", 1), ("month", 1)]
    assert units["2.1.6"]["tasks"][0]["every"] == "quarter"
    windows = [t["window"] for t in units["9.3"]["tasks"]]
    assert windows == [{"kind": "week_of", "date": "05-12"}, {"kind": "week_of", "date": "11-06"}]


def test_docx_gives_the_same_units(tmp_path: Path):
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    document = docx.Document()
    document.add_paragraph(lines[0])
    table = document.add_table(rows=0, cols=1)
    for line in lines[1:]:
        table.add_row().cells[0].text = line
    path = tmp_path / "rules.docx"
    document.save(str(path))
    from_docx = parse_rulebook(read_lines(path), "test", path.name)
    assert from_docx["units"] == parsed()["units"]


def test_reimport_with_base_keeps_curated_fields(tmp_path: Path):
    out = tmp_path / "next.yaml"
    data, review = import_rules(SOURCE, out, base=DEFAULT_RULEBOOK, rulebook_id="next")
    assert review == []
    curated = yaml.safe_load(DEFAULT_RULEBOOK.read_text(encoding="utf-8"))
    assert data["units"] == [dict(u, text=u["text"]) for u in data["units"]]
    by_code = {u["code"]: u for u in curated["units"]}
    for unit in data["units"]:
        assert unit["tasks" if "tasks" in unit else "kind"] == by_code[unit["code"]].get(
            "tasks" if "tasks" in unit else "kind"
        )
    assert len(load_rulebook(out).units) == 79


def test_changed_clause_is_flagged_for_review(tmp_path: Path):
    text = SOURCE.read_text(encoding="utf-8").replace(
        "每月分析1次监管行业安全生产形势", "每季度组织1次全街道安全生产形势会商，形成书面报告"
    )
    source = tmp_path / "changed.txt"
    source.write_text(text, encoding="utf-8")
    data, review = import_rules(source, tmp_path / "changed.yaml", base=DEFAULT_RULEBOOK)
    assert review == ["2.1.8"]
    changed = next(u for u in data["units"] if u["code"] == "2.1.8")
    assert changed["needs_review"] is True and changed["tasks"][0]["every"] == "quarter"
