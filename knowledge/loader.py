"""Load and validate a rulebook YAML into the typed model.

Every problem is reported as one line naming the file, the line, the unit code and the
field, so the person who edits the YAML can find it; never a bare traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.calendar_names import FESTIVALS
from knowledge.model import (
    KINDS,
    PERIODS,
    ROLES,
    WINDOW_KINDS,
    Item,
    Rulebook,
    Section,
    Task,
    Unit,
    Window,
)

RULES_DIR = Path(__file__).parent / "rules"
DEFAULT_RULEBOOK = RULES_DIR / "anning-2022.yaml"
_MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_CODE = re.compile(r"^\d+(\.\d+){0,2}$")


class RulebookError(ValueError):
    def __init__(
        self, path: Path | str, line: int | None, code: str | None, field: str, message: str
    ) -> None:
        self.path, self.line, self.code, self.field = str(path), line, code, field
        where = f"第 {line} 行" if line else "位置不明"
        who = f"条目 {code} 的" if code else ""
        super().__init__(f"规则文件 {path} {where}：{who}字段 {field}：{message}")


class LineDict(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return mapping


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_Base):  # type: ignore[misc]
    pass


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class _Ctx:
    path: Path
    code: str | None = None

    def fail(self, node: Any, field: str, message: str) -> RulebookError:
        line = None
        if isinstance(node, LineDict):
            line = node.key_lines.get(field.split(".")[-1].split("[")[0], node.line)
        return RulebookError(self.path, line, self.code, field, message)


def load_rulebook(path: Path | str = DEFAULT_RULEBOOK) -> Rulebook:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError(path, None, None, "-", f"无法读取：{exc}") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RulebookError(path, line, None, "-", f"YAML 格式错误：{problem}") from None
    return build_rulebook(data, path)


def build_rulebook(data: Any, path: Path) -> Rulebook:
    ctx = _Ctx(path)
    if not isinstance(data, dict):
        raise ctx.fail(data, "-", "文件内容应为映射（rulebook / sections / units）")
    meta = _get(ctx, data, "rulebook", dict)
    sections = [_section(ctx, s) for s in _get(ctx, data, "sections", list)]
    raw_units = _get(ctx, data, "units", list)
    known = {s.code for s in sections} | {i.code for s in sections for i in s.items}
    units, seen = [], set()
    for raw in raw_units:
        unit = _unit(ctx, raw)
        if unit.code in seen:
            raise ctx.fail(raw, "code", f"编号 {unit.code} 重复")
        parent = unit.code.rsplit(".", 1)[0] if "." in unit.code else unit.code
        if parent not in known:
            raise ctx.fail(raw, "code", f"编号 {unit.code} 不属于任何已定义的部分或项目")
        seen.add(unit.code)
        units.append(unit)
    ctx.code = None
    return Rulebook(
        id=_get(ctx, meta, "id", str),
        title=_get(ctx, meta, "title", str),
        year=_get(ctx, meta, "year", int),
        applies_to=meta.get("applies_to") or "",
        note=meta.get("note") or "",
        source=meta.get("source") or "",
        sections=tuple(sections),
        units=tuple(units),
    )


def _get(ctx: _Ctx, node: Any, field: str, kind: type, required: bool = True) -> Any:
    if not isinstance(node, dict):
        raise ctx.fail(node, field, "所在位置应为映射")
    value = node.get(field)
    if value is None:
        if required:
            raise ctx.fail(node, field, "缺少必填字段")
        return None
    if kind is int and isinstance(value, bool):
        raise ctx.fail(node, field, f"应为整数，实际为 {value!r}")
    if not isinstance(value, kind):
        hint = "（编号须加引号，如 '5.3'）" if field == "code" else ""
        raise ctx.fail(node, field, f"应为{_TYPE_WORDS[kind]}，实际为 {value!r}{hint}")
    if isinstance(value, str) and not value.strip():
        raise ctx.fail(node, field, "不能为空")
    return value


_TYPE_WORDS = {str: "文字", int: "整数", list: "列表", dict: "映射", bool: "true/false"}


def _code(ctx: _Ctx, node: Any) -> str:
    code = _get(ctx, node, "code", str)
    if not _CODE.match(code):
        raise ctx.fail(node, "code", f"编号 {code!r} 格式错误（应如 2.1.5、5.3、10）")
    return code


def _section(ctx: _Ctx, raw: Any) -> Section:
    code = _code(ctx, raw)
    ctx.code = code
    items = []
    for item in raw.get("items") or []:
        item_code = _code(ctx, item)
        if not item_code.startswith(code + ".") or item_code.count(".") != 1:
            raise ctx.fail(item, "code", f"项目编号 {item_code} 应为 {code}.N")
        items.append(Item(item_code, _get(ctx, item, "title", str)))
    return Section(
        code=code,
        numeral=str(raw.get("numeral") or ""),
        title=_get(ctx, raw, "title", str),
        assessor=_get(ctx, raw, "assessor", str, required=False),
        items=tuple(items),
    )


def _str_list(
    ctx: _Ctx, node: Any, field: str, allowed: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    values = node.get(field) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ctx.fail(node, field, "应为文字列表")
    if allowed:
        for value in values:
            if value not in allowed:
                raise ctx.fail(node, field, f"取值 {value!r} 无效（应为 {'/'.join(allowed)}）")
    return tuple(values)


def _unit(ctx: _Ctx, raw: Any) -> Unit:
    ctx.code = None
    code = _code(ctx, raw)
    ctx.code = code
    kind = _get(ctx, raw, "kind", str)
    if kind not in KINDS:
        raise ctx.fail(raw, "kind", f"取值 {kind!r} 无效（应为 {'/'.join(KINDS)}）")
    roles = _str_list(ctx, raw, "roles", ROLES)
    if not roles:
        raise ctx.fail(raw, "roles", "至少指定一个角色（officer/street）")
    tasks = [_task(ctx, t, i, roles) for i, t in enumerate(raw.get("tasks") or [])]
    if len({t.key for t in tasks}) != len(tasks):
        raise ctx.fail(raw, "tasks", "任务 key 重复")
    if kind in ("recurring", "window", "annual") and not tasks:
        raise ctx.fail(raw, "tasks", f"{kind} 类条目必须有 tasks")
    return Unit(
        code=code,
        text=_get(ctx, raw, "text", str),
        name=_get(ctx, raw, "name", str),
        kind=kind,
        roles=roles,
        tasks=tuple(tasks),
        keywords=_str_list(ctx, raw, "keywords"),
        ledger=_get(ctx, raw, "ledger", str, required=False),
        bonus=bool(raw.get("bonus", False)),
        note=_get(ctx, raw, "note", str, required=False),
    )


def _mmdd(ctx: _Ctx, node: Any, field: str, required: bool = True) -> str | None:
    value = _get(ctx, node, field, str, required)
    if value is not None and not _MMDD.match(value):
        raise ctx.fail(node, field, f"日期 {value!r} 应为 MM-DD")
    return value


def _task(ctx: _Ctx, raw: Any, index: int, unit_roles: tuple[str, ...]) -> Task:
    where = f"tasks[{index}]"
    if not isinstance(raw, dict):
        raise ctx.fail(raw, where, "应为映射")
    every = _get(ctx, raw, "every", str)
    if every not in PERIODS:
        raise ctx.fail(raw, f"{where}.every", f"取值 {every!r} 无效（应为 {'/'.join(PERIODS)}）")
    count = raw.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ctx.fail(raw, f"{where}.count", f"应为正整数，实际为 {count!r}")
    window = _window(ctx, raw["window"], where) if raw.get("window") is not None else None
    if window is not None and every != "year":
        raise ctx.fail(raw, f"{where}.every", "带 window 的任务 every 须为 year")
    roles = _str_list(ctx, raw, "roles", ROLES) or unit_roles
    return Task(
        key=_get(ctx, raw, "key", str),
        name=_get(ctx, raw, "name", str),
        every=every,
        count=count,
        window=window,
        due=_mmdd(ctx, raw, "due", required=False),
        roles=roles,
        keywords=_str_list(ctx, raw, "keywords"),
    )


def _window(ctx: _Ctx, raw: Any, where: str) -> Window:
    kind = _get(ctx, raw, "kind", str)
    if kind not in WINDOW_KINDS:
        raise ctx.fail(raw, f"{where}.window.kind", f"取值 {kind!r} 无效")
    month = raw.get("month")
    if kind == "month" and (not isinstance(month, int) or not 1 <= month <= 12):
        raise ctx.fail(raw, f"{where}.window.month", f"月份应为 1-12，实际为 {month!r}")
    festival = raw.get("festival")
    if kind == "festival" and festival not in FESTIVALS:
        raise ctx.fail(
            raw,
            f"{where}.window.festival",
            f"节日 {festival!r} 未知（可用：{'、'.join(FESTIVALS)}）",
        )
    days = raw.get("days")
    if kind == "days_from" and (not isinstance(days, int) or days < 1):
        raise ctx.fail(raw, f"{where}.window.days", f"应为正整数，实际为 {days!r}")
    needs_date = kind in ("week_of", "days_from", "range")
    for key in ("before", "after"):
        value = raw.get(key, 0)
        if not isinstance(value, int) or value < 0:
            raise ctx.fail(raw, f"{where}.window.{key}", f"应为非负整数，实际为 {value!r}")
    return Window(
        kind=kind,
        month=month,
        date=_mmdd(ctx, raw, "date", required=needs_date),
        end=_mmdd(ctx, raw, "end", required=kind == "range"),
        days=days,
        festival=festival,
        before=raw.get("before", 0),
        after=raw.get("after", 0),
    )
