"""The shape of the code (import cycles and layering are lint-imports' contracts in
pyproject.toml): no module over 700 lines, no class over 350, no two modules with one name."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("knowledge", "bot", "handlers")


def modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_no_module_over_700_lines_and_no_class_over_350():
    too_big = []
    for path in modules():
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > 700:
            too_big.append(f"{path.relative_to(ROOT)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > 350:
                    too_big.append(f"class {node.name} in {path.relative_to(ROOT)}: {size}")
    assert too_big == []


def test_no_two_modules_share_a_name():
    names: dict[str, list[str]] = defaultdict(list)
    for path in modules():
        if path.stem not in ("__init__", "__main__"):
            names[path.stem].append(str(path.relative_to(ROOT)))
    assert {k: v for k, v in names.items() if len(v) > 1} == {}
