"""Turn a search result into the reply a person reads: the rulebook's own words, with code."""

from __future__ import annotations

from typing import Any

from bot.chat.replies import Reply
from bot.schedule.duty_words import describe_task
from bot.texts import t
from knowledge.model import Rulebook, Unit
from knowledge.search import SearchIndex, SearchResult

MAX_GROUP_LINES = 15


def unit_path(rulebook: Rulebook, unit: Unit) -> str:
    section = rulebook.section(unit.code)
    item = rulebook.item(unit.item_code) if unit.item_code else None
    head = f"{section.numeral}、{section.title}"
    tail = f" › {unit.item_code.split('.')[1]}. {item.title}" if item and unit.item_code else ""
    return t("answer.path", section=head, item=tail)


def unit_answer(
    rulebook: Rulebook,
    unit: Unit,
    related: list[str] | None = None,
    status: str | None = None,
) -> str:
    lines = [
        t("answer.head", code=unit.code, name=unit.name),
        unit_path(rulebook, unit),
        t("answer.text", text=unit.text),
        t("answer.kind", kind=t(f"kind.{unit.kind}")),
    ]
    lines += [
        t("answer.task", name=task.name, schedule=describe_task(task)) for task in unit.tasks
    ]
    lines.append(t("answer.roles", roles="、".join(t(f"role.{r}") for r in unit.roles)))
    assessor = rulebook.assessor(unit.code)
    lines.append(t("answer.assessor", assessor=assessor) if assessor else t("answer.no_assessor"))
    if unit.note:
        lines.append(t("answer.note", note=unit.note))
    if status:
        lines.append(t("answer.status", status=status))
    names = [f"【{c}】{u.name}" for c in related or [] if (u := rulebook.unit(c))]
    if names:
        lines.append(t("answer.related", items=t("list.sep").join(names)))
    return "\n".join(lines)


def group_answer(rulebook: Rulebook, code: str, units: list[Unit]) -> str:
    if "." in code:
        item = rulebook.item(code)
        title = item.title if item else code
    else:
        title = rulebook.section(code).title
    lines = [t("answer.group_head", code=code, title=title, n=len(units))]
    lines += [t("answer.group_line", code=u.code, name=u.name) for u in units[:MAX_GROUP_LINES]]
    if len(units) > MAX_GROUP_LINES:
        lines.append(t("answer.more", n=len(units) - MAX_GROUP_LINES))
    lines.append(t("answer.group_hint", example=units[0].code))
    return "\n".join(lines)


def not_found_text(rulebook: Rulebook, result: SearchResult) -> str:
    if result.mode == "empty":
        return t("answer.empty")
    if result.mode == "too_long":
        return t("answer.too_long", n=len(result.query))
    lines = []
    if result.unknown_ref:
        lines.append(t("answer.unknown_ref", code=result.unknown_ref))
        lines.append(_ref_hint(rulebook, result.unknown_ref))
    if not result.found and not result.unknown_ref:
        query = result.query.strip()
        lines.append(t("answer.not_found", query=query[:20] + ("…" if len(query) > 20 else "")))
        topics = [w for w in result.offtopic if w not in result.asks]
        if topics:
            words = "、".join(f"“{w}”" for w in topics[:3])
            lines.append(t("answer.offtopic", words=words))
        if result.asks:
            lines.append(t("answer.offtopic_ask"))
        lines.append(t("answer.not_found_hint"))
    return "\n".join(lines)


def _ref_hint(rulebook: Rulebook, code: str) -> str:
    parts = code.split(".")
    for depth in (2, 1):
        parent = ".".join(parts[:depth])
        units = rulebook.units_under(parent) if len(parts) > depth else []
        if units:
            item = rulebook.item(parent) if depth == 2 else None
            title = item.title if item else rulebook.section(parent).title
            return t(
                "answer.unknown_ref_hint",
                title=f"【{parent}】{title}",
                n=len(units),
                first=units[0].code,
                last=units[-1].code,
            )
    return t("answer.sections_hint")


def answer(
    rulebook: Rulebook,
    index: SearchIndex,
    result: SearchResult,
    status: dict[str, str] | None = None,
) -> Reply:
    """The reply to a question. ``status`` maps a unit code to the asker's own progress."""
    if not result.found:
        return Reply(not_found_text(rulebook, result))
    codes = result.codes
    if result.mode == "ref" and len(codes) > 1:
        ref_code = _common_prefix(codes)
        units = [u for c in codes if (u := rulebook.unit(c))]
        return Reply(group_answer(rulebook, ref_code, units), meta={"codes": codes})
    unit = rulebook.unit(codes[0])
    assert unit is not None
    related = codes[1:4] if result.mode == "text" else []
    for code in index.related(unit.code) if len(related) < 3 else []:
        if code not in related and code != unit.code:
            related.append(code)
    text = unit_answer(rulebook, unit, related[:3], (status or {}).get(unit.code))
    if result.unknown_ref:
        text = t("answer.unknown_ref", code=result.unknown_ref) + "\n" + text
    return Reply(text, meta={"codes": codes})


def _common_prefix(codes: list[str]) -> str:
    parts = [c.split(".") for c in codes]
    prefix: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        prefix.append(level[0])
    return ".".join(prefix)


def result_json(rulebook: Rulebook, result: SearchResult) -> dict[str, Any]:
    """A search result as JSON: the query, whether it was found, the hits best first."""
    rows = []
    for hit in result.hits:
        unit = rulebook.unit(hit.code)
        assert unit is not None
        rows.append(
            {
                "code": hit.code,
                "score": hit.score,
                "title": unit.name,
                "text": unit.text,
                "kind": unit.kind,
            }
        )
    return {
        "query": result.query,
        "found": result.found,
        "results": rows,
        "unknown_code": result.unknown_ref,
    }
