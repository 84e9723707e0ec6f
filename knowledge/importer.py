"""Turn a rulebook text (.txt or .docx) into the structured rulebook YAML.

The text has sections headed 一、…十、, items numbered 1. 2. …, clauses numbered
（1）（2）…, and 考核单位 lines naming the assessing office of the section they stand in.
Everything that can be read off the text is filled in (codes, titles, texts, offices,
default kind and schedule from words such as 每周/每月/每季度/年内/5.12); the rest is
left for a person to curate. With ``base`` the curated fields of an earlier rulebook are
carried over for units whose text is (nearly) unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from knowledge.textnorm import clean_line, cn_to_int

SECTION_RE = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
ASSESSOR_RE = re.compile(r"^\S{2,30}(办公室|指挥部|委员会)$")
NOTE_RE = re.compile(r"^说\s*明$")
HEADER_LINES = {"考核项目", "考核任务和细则", "考核单位"}
CURATED_FIELDS = ("name", "kind", "roles", "tasks", "keywords", "ledger", "note")


@dataclass
class RawSection:
    numeral: str
    title: str
    body: list[str] = field(default_factory=list)
    assessor: str | None = None


def read_lines(path: Path) -> list[str]:
    if path.suffix.lower() == ".docx":
        return docx_lines(path)
    return path.read_text(encoding="utf-8-sig").splitlines()


def docx_lines(path: Path) -> list[str]:
    """Paragraphs and table cells of a .docx in reading order (merged cells once)."""
    import docx  # python-docx; imported here so the bot never pays for it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.extend(block.text.splitlines())
        elif isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(cell.text.splitlines())
    return lines


def split_sections(lines: list[str]) -> tuple[list[str], list[RawSection], list[str]]:
    head: list[str] = []
    sections: list[RawSection] = []
    note: list[str] = []
    in_note = False
    for raw in lines:
        line = clean_line(raw)
        if not line or line in HEADER_LINES:
            continue
        if NOTE_RE.match(line):
            in_note = True
            continue
        if in_note:
            note.append(line)
            continue
        match = SECTION_RE.match(line)
        if match:
            sections.append(RawSection(match.group(1), match.group(2).strip()))
        elif not sections:
            head.append(line)
        elif ASSESSOR_RE.match(line):
            sections[-1].assessor = line
        else:
            sections[-1].body.append(line)
    return head, sections, note


def split_numbered(text: str, pattern: str) -> tuple[str, list[str]]:
    """Split text at markers numbered 1, 2, 3 … in order; returns (preamble, parts)."""
    starts: list[tuple[int, int]] = []
    pos, n = 0, 1
    while True:
        match = re.compile(pattern.format(n=n)).search(text, pos)
        if not match:
            break
        starts.append((match.start(), match.end()))
        pos, n = match.end(), n + 1
    if not starts:
        return text, []
    parts = [
        text[end : (starts[i + 1][0] if i + 1 < len(starts) else len(text))].strip()
        for i, (_, end) in enumerate(starts)
    ]
    return text[: starts[0][0]].strip(), parts


ITEM_PATTERN = r"(?<![\d.．]){n}[.．](?!\d)\s*"
CLAUSE_PATTERN = r"[（(]{n}[）)]"


def first_sentence(text: str) -> str:
    return re.split(r"[。；]", text, maxsplit=1)[0].strip()


def parse_section(number: int, raw: RawSection) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    body = "".join(raw.body)
    section: dict[str, Any] = {
        "code": str(number),
        "numeral": raw.numeral,
        "title": raw.title,
        "assessor": raw.assessor,
        "items": [],
    }
    units: list[dict[str, Any]] = []
    _, items = split_numbered(body, ITEM_PATTERN)
    if not items:
        intro, clauses = split_numbered(body, CLAUSE_PATTERN)
        if clauses:
            section["intro"] = intro.rstrip("。")
        for i, clause in enumerate(clauses, 1):
            units.append(new_unit(f"{number}.{i}", clause))
        if not clauses:
            units.append(new_unit(str(number), body))
        return section, units
    for i, item_text in enumerate(items, 1):
        code = f"{number}.{i}"
        intro, clauses = split_numbered(item_text, CLAUSE_PATTERN)
        title = first_sentence(intro if clauses else item_text)
        section["items"].append({"code": code, "title": title})
        if clauses:
            units.extend(new_unit(f"{code}.{j}", c) for j, c in enumerate(clauses, 1))
        else:
            units.append(new_unit(code, item_text))
    return section, units


def new_unit(code: str, text: str) -> dict[str, Any]:
    text = text.strip()
    unit: dict[str, Any] = {"code": code, "text": text}
    unit.update(default_schedule(text))
    if "加分" in text:
        unit["kind"], unit["bonus"] = "bonus", True
    unit["name"] = first_sentence(text)[:16]
    return unit


_EVERY = (
    ("每周", "week"),
    ("每月", "month"),
    ("每个月", "month"),
    ("每季度", "quarter"),
    ("每年", "year"),
    ("每年度", "year"),
    ("年内", "year"),
)


def default_schedule(text: str) -> dict[str, Any]:
    """Kind and tasks implied by the words of the text; a person refines them."""
    tasks: list[dict[str, Any]] = []
    for word, every in _EVERY:
        if word in text and all(t["every"] != every for t in tasks):
            count = re.search(word + r"[^，。；]*?(\d+)\s*次", text)
            tasks.append(
                {
                    "key": every,
                    "name": first_sentence(text)[:16],
                    "every": every,
                    "count": int(count.group(1)) if count else 1,
                }
            )
    windows = [
        {"kind": "week_of", "date": f"{int(m):02d}-{int(d):02d}"}
        for m, d in re.findall(r"(?<!\d)(1[0-2]|[1-9])\.([1-3]?\d)(?=\D)", text)
        if "宣传周" in text
    ]
    for i, window in enumerate(windows):
        tasks.append(
            {
                "key": f"w{i + 1}",
                "name": first_sentence(text)[:16],
                "every": "year",
                "count": 1,
                "window": window,
            }
        )
    if tasks:
        kind = "window" if windows else ("annual" if tasks[0]["every"] == "year" else "recurring")
        return {"kind": kind, "roles": ["street"], "tasks": tasks}
    if "100%" in text or "下降" in text:
        return {"kind": "indicator", "roles": ["street"]}
    return {"kind": "standing", "roles": ["street"]}


def parse_rulebook(lines: list[str], rulebook_id: str, source: str) -> dict[str, Any]:
    head, raw_sections, note = split_sections(lines)
    title = head[0] if head else ""
    applies = next((h.strip("（）()") for h in head[1:] if "适用" in h), "")
    year = re.search(r"(20\d\d)", title)
    sections, units = [], []
    for raw in raw_sections:
        section, section_units = parse_section(cn_to_int(raw.numeral), raw)
        sections.append(section)
        units.extend(section_units)
    return {
        "rulebook": {
            "id": rulebook_id,
            "title": title,
            "year": int(year.group(1)) if year else 0,
            "applies_to": applies.replace("适用于", ""),
            "source": source,
            "note": "".join(note),
        },
        "sections": sections,
        "units": units,
    }


def carry_over(new: dict[str, Any], base: dict[str, Any], threshold: float = 85) -> list[str]:
    """Copy curated fields from ``base`` units whose text is nearly the same; return the
    codes that still need a person's review."""
    old = {u["code"]: u for u in base.get("units", [])}
    review = []
    for unit in new["units"]:
        before = old.get(unit["code"])
        if before and fuzz.ratio(before["text"], unit["text"]) >= threshold:
            for key in CURATED_FIELDS:
                if key in before:
                    unit[key] = before[key]
                else:
                    unit.pop(key, None)
        else:
            unit["needs_review"] = True
            review.append(unit["code"])
    return review


class _PlainDumper(yaml.SafeDumper):
    """No anchors or aliases: the file is meant to be read and edited by people."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=1000)


def import_rules(
    source: Path, out: Path, base: Path | None = None, rulebook_id: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    data = parse_rulebook(read_lines(source), rulebook_id or out.stem, source.name)
    review: list[str] = []
    if base is not None:
        review = carry_over(data, yaml.safe_load(base.read_text(encoding="utf-8")))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_yaml(data), encoding="utf-8")
    return data, review
