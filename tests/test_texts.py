from __future__ import annotations

import re
from pathlib import Path

from bot import texts

ROOT = Path(__file__).parents[1]
KEY_USE = re.compile(r"""(?:\bt\(|UserError\(|error=)\s*(f?)["']([a-z_]+\.[^"']+)["']""")


def used_keys() -> tuple[set[str], set[str]]:
    plain, patterns = set(), set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        for is_f, key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            (patterns if is_f else plain).add(key)
    return plain, patterns


def test_every_text_key_used_in_code_exists():
    plain, patterns = used_keys()
    known = texts.keys()
    assert plain, "no t() calls found"
    assert sorted(plain - known) == []
    for pattern in patterns:
        regex = re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(pattern))
        assert any(re.fullmatch(regex, k) for k in known), pattern


def test_texts_are_chinese_and_fill_in():
    assert texts.t("answer.head", code="4.2.3", name="巡查") == "【4.2.3】巡查"


def test_no_key_is_defined_twice():
    seen: set[str] = set()
    for line in texts.TEXTS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")) and ":" in line:
            key = line.split(":", 1)[0]
            assert key not in seen, key
            seen.add(key)
