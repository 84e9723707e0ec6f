from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.loader import DEFAULT_RULEBOOK


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GRIDSAFE_DATA", str(tmp_path))
    monkeypatch.delenv("GRIDSAFE_CONFIG", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return tmp_path


def test_ask_text(capsys: pytest.CaptureFixture[str]):
    assert main(["ask", "社区安全专干每周要巡查几次"]) == 0
    out = capsys.readouterr().out
    assert "【4.2.3】" in out and "每月定期报送安全网格巡查记录" in out


def test_ask_json_shape(capsys: pytest.CaptureFixture[str]):
    main(["ask", "--json", "-k", "3", "巡查记录"])
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "巡查记录" and data["found"] is True
    assert data["results"][0]["code"] == "4.2.3"
    assert set(data["results"][0]) >= {"code", "score", "title", "text"}
    assert len(data["results"]) <= 3


def test_ask_batch_keeps_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    questions = tmp_path / "q.txt"
    questions.write_text("2.1.5\n差旅费怎么报销\n九、5\n", encoding="utf-8")
    main(["ask", "--batch", str(questions), "--json"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["query"] for r in rows] == ["2.1.5", "差旅费怎么报销", "九、5"]
    assert [r["found"] for r in rows] == [True, False, True]
    assert rows[2]["results"][0]["code"] == "9.5"


def test_check_rules_reports_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rulebook: {id: x, title: t, year: 2022}\nsections: []\nunits:\n- code: 1\n",
        encoding="utf-8",
    )
    assert main(["check-rules", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.yaml" in err and "code" in err


def test_check_rules_counts_the_phrasings(capsys: pytest.CaptureFixture[str]):
    assert main(["check-rules", str(DEFAULT_RULEBOOK)]) == 0
    out = capsys.readouterr().out
    assert "79 条" in out and re.search(r"[1-9]\d* 条常见问法", out)


def test_import_rules_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = Path(__file__).parents[1] / "knowledge" / "source" / "anning-2022-street-criteria.txt"
    out = tmp_path / "rules.yaml"
    assert main(["import-rules", str(source), "-o", str(out)]) == 0
    assert "79" in capsys.readouterr().out and out.exists()


def test_python_dash_m_bot(data_dir: Path):
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "第十项"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(run.stdout)["results"][0]["code"] == "10"


def test_a_fresh_ask_loads_neither_numpy_nor_the_database(data_dir: Path):
    """Asking the rulebook stays quick in a fresh process: the reader's models import numpy
    only when they first read, and the CLI imports the store (sqlite-utils, which imports
    numpy itself) only when a command needs it or an error must be explained."""
    code = (
        "import sys; from bot.cli import main\n"
        "try:\n    main(['ask', '巡查记录'])\nexcept SystemExit:\n    pass\n"
        "print('numpy' in sys.modules, 'bot.records.store' in sys.modules, file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stderr.strip().splitlines()[-1] == "False False", run.stderr
