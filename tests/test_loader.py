from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.loader import DEFAULT_RULEBOOK, RulebookError, load_rulebook


def test_shipped_rulebook_loads():
    rulebook = load_rulebook()
    assert len(rulebook.units) == 79
    assert rulebook.year == 2022
    patrol = rulebook.unit("4.2.3")
    assert patrol is not None and patrol.roles == ("officer",)
    assert [t.every for t in patrol.tasks] == ["week", "month"]
    assert rulebook.assessor("9.4") == "安宁市抗震救灾指挥部办公室"
    assert rulebook.assessor("1") is None


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = DEFAULT_RULEBOOK.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def error_for(path: Path) -> RulebookError:
    with pytest.raises(RulebookError) as info:
        load_rulebook(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return info.value


def test_bad_kind_names_file_code_field_and_line(tmp_path: Path):
    path = broken(
        tmp_path,
        "kind: recurring\n  roles:\n  - street\n  tasks:\n  - key: inspect",
        "kind: monthly\n  roles:\n  - street\n  tasks:\n  - key: inspect",
    )
    error = error_for(path)
    assert error.code == "2.1.5" and error.field == "kind"
    assert error.line == line_of(path, "kind: monthly")
    assert "monthly" in str(error) and "2.1.5" in str(error)


def test_bad_period_in_a_task(tmp_path: Path):
    path = broken(tmp_path, "every: week", "every: fortnight")
    error = error_for(path)
    assert error.code == "4.2.3" and error.field == "tasks[0].every"
    assert error.line == line_of(path, "fortnight")


def test_yaml_syntax_error_gives_line(tmp_path: Path):
    path = broken(tmp_path, "  name: 领导带队调研检查", "  name: [领导带队调研检查")
    error = error_for(path)
    assert "YAML" in str(error) and error.line is not None


def test_duplicate_code(tmp_path: Path):
    path = broken(tmp_path, "- code: 2.1.6", "- code: 2.1.5")
    error = error_for(path)
    assert "重复" in str(error) and error.code == "2.1.5"


def test_unquoted_numeric_code(tmp_path: Path):
    path = broken(tmp_path, "- code: '5.3'", "- code: 5.3")
    error = error_for(path)
    assert error.field == "code" and "引号" in str(error)


def test_missing_text_and_bad_window(tmp_path: Path):
    path = broken(tmp_path, "kind: month\n      month: 6", "kind: month\n      month: 13")
    assert error_for(path).field.endswith("window.month")
    path = broken(tmp_path, "festival: 春节", "festival: 圣诞节")
    assert "圣诞节" in str(error_for(path))


def test_unknown_file(tmp_path: Path):
    assert "无法读取" in str(error_for(tmp_path / "none.yaml"))
