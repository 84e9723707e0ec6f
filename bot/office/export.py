"""The year's material for the assessment: an Excel workbook and a zip of the evidence files.

Sheets: 考核条目 (each rulebook unit for the street and each community: what was due,
what was done, by whom, with which files, and its status), 完成记录 (every record),
隐患台账 (every hazard with its history) and 汇总 (the year's report figures).
The records of a year are those done in it or for one of its periods; the hazards of a
year are those numbered in it. Evidence files are stored in the zip under names made of
the unit, item code (or hazard number) and date; a file missing on disk is named as
missing in the workbook and leaves the export going.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.office.reports import UnitFigures, build_report, instances_between
from bot.records.hazards import Hazard
from bot.records.org import OrgUnit
from bot.schedule.figures import UNIT_ROLE, counted
from bot.schedule.periods import TaskInstance, parse_period
from bot.schedule.wording import describe_task, period_label
from bot.texts import t
from bot.workspace import Workspace
from knowledge.model import Task, Unit

MAX_CELL = 32_000  # Excel keeps at most 32,767 characters in a cell
# photos and office files are compressed already: storing them is much faster
STORED = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".mp4", ".zip", ".docx", ".xlsx"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _columns(spec: str) -> tuple[tuple[str, int], ...]:
    """Parse "key:width key:width …"; the headers are the export.col.* texts."""
    return tuple((key, int(width)) for key, width in (c.split(":") for c in spec.split()))


ITEM_COLUMNS = _columns(
    "unit:14 code:8 text:50 kind:12 due:36 done:44 people:14 note:30 files:40 status:14 "
    "rulebook:12"
)
RECORD_COLUMNS = _columns(
    "record_id:8 unit:14 code:8 task:24 period:12 done_on:12 people:10 note:30 files:40 "
    "rulebook:12"
)
HAZARD_COLUMNS = _columns(
    "number:18 reported_on:12 unit:14 place:16 enterprise:16 description:40 severity:6 "
    "state:12 deadline:12 fixed_on:12 fixed_by:10 closed_on:12 verification:24 rejects:30 "
    "photos:40 reporter:10 code:8"
)
SUMMARY_COLUMNS = _columns(
    "unit:20 due:8 done:8 overdue:10 done_rate:8 hazards:8 handled:8 closed:8 "
    "hazards_overdue:8 handling_rate:8 on_time_rate:10"
)
RATES = {"done_rate", "handling_rate", "on_time_rate"}


@dataclass(frozen=True)
class ExportResult:
    workbook: Path
    archive: Path
    records: int
    hazards: int
    files: int  # evidence files written to the zip
    missing: int  # evidence files named in the database but not on disk


@dataclass(frozen=True)
class Evidence:
    source: Path
    name: str  # inside the zip
    present: bool

    @property
    def label(self) -> str:
        if self.present:
            return self.name
        return t("export.file_missing", name=self.name, path=self.source)


@dataclass
class YearData:
    """Everything the sheets show, read from the database once."""

    ws: Workspace
    top: OrgUnit
    units: list[OrgUnit]
    year: int
    today: date
    people: dict[int, str]
    records: list[dict[str, Any]]
    hazards: list[Hazard]
    events: dict[int, list[dict[str, Any]]]
    record_files: dict[int, list[Evidence]] = field(default_factory=dict)
    hazard_files: dict[int, list[Evidence]] = field(default_factory=dict)
    instances: dict[str, dict[str, list[TaskInstance]]] = field(default_factory=dict)
    unit_names: dict[int, str] = field(init=False)

    def __post_init__(self) -> None:
        self.unit_names = {u.id: u.name for u in self.units}

    def all_files(self) -> list[Evidence]:
        return [
            e
            for files in (*self.record_files.values(), *self.hazard_files.values())
            for e in files
        ]


def export_year(ws: Workspace, unit: OrgUnit, year: int, out: Path) -> ExportResult:
    """Write the workbook at ``out`` (a folder gets a default file name) and the evidence zip
    beside it. A street covers itself and its communities; a community only itself."""
    if out.is_dir():
        out = out / f"{safe_name(unit.name)}_{year}.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    with ws.store.snapshot():  # one state of the database while the bot goes on writing
        data = collect(ws, unit, year)
    files = data.all_files()
    archive = out.with_suffix(".zip")
    written = write_archive(files, archive)
    write_workbook(data, out)
    missing = sum(not f.present for f in files)
    return ExportResult(out, archive, len(data.records), len(data.hazards), written, missing)


# ---- reading ------------------------------------------------------------------------


def collect(ws: Workspace, unit: OrgUnit, year: int) -> YearData:
    units = [unit, *ws.org.children(unit.id)] if unit.kind == "street" else [unit]
    ids = [u.id for u in units]
    store = ws.store
    where, params = _record_filter(ids, year)
    records = store.rows(
        f"SELECT r.* FROM records r WHERE {where} ORDER BY r.done_on, r.id", params
    )
    hazards = sorted(ws.ledger.select(ids, year=year), key=lambda h: (h.street_id, h.seq))
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in store.rows(
        f"SELECT ev.* FROM hazard_events ev JOIN hazards h ON h.id = ev.hazard_id "
        f"WHERE h.unit_id IN ({_marks(ids)}) AND h.year = ? ORDER BY ev.id",
        [*ids, year],
    ):
        events[row["hazard_id"]].append(row)
    people = {p.id: p.name for p in ws.org.people(active_only=False)}
    data = YearData(ws, unit, units, year, ws.today(), people, records, hazards, dict(events))
    _name_files(data, where, params)
    return data


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def _record_filter(unit_ids: list[int], year: int) -> tuple[str, list[Any]]:
    where = (
        f"r.unit_id IN ({_marks(unit_ids)}) AND r.undone_at IS NULL "
        "AND (substr(r.done_on, 1, 4) = ? OR substr(r.period, 1, 4) = ?)"
    )
    return where, [*unit_ids, str(year), str(year)]


def _name_files(data: YearData, where: str, params: list[Any]) -> None:
    store, data_dir = data.ws.store, data.ws.settings.data_dir
    names = _Namer()
    by_record = {r["id"]: r for r in data.records}
    for row in store.rows(
        f"SELECT e.* FROM evidence e JOIN records r ON r.id = e.record_id WHERE {where} "
        "ORDER BY e.id",
        params,
    ):
        record = by_record[row["record_id"]]
        folder = data.unit_names[record["unit_id"]]
        name = names.name(folder, f"{record['code']}_{record['done_on'][:10]}", row["path"])
        data.record_files.setdefault(record["id"], []).append(_evidence(row, name, data_dir))
    hazards = {h.id: h for h in data.hazards}
    ids = [u.id for u in data.units]
    for row in store.rows(
        f"SELECT e.* FROM evidence e JOIN hazards h ON h.id = e.hazard_id "
        f"WHERE h.unit_id IN ({_marks(ids)}) AND h.year = ? ORDER BY e.id",
        [*ids, data.year],
    ):
        hazard = hazards[row["hazard_id"]]
        day = _event_day(hazard, data.events.get(hazard.id, []), row)
        stage = row.get("stage") or "现场"  # 现场 (as found) or 整改后 (after the fix)
        stem = f"{t('export.hazard_prefix')}_{hazard.number}_{stage}_{day}"
        name = names.name(data.unit_names[hazard.unit_id], stem, row["path"])
        data.hazard_files.setdefault(hazard.id, []).append(_evidence(row, name, data_dir))


def _event_day(hazard: Hazard, events: list[dict[str, Any]], evidence: dict[str, Any]) -> str:
    """The working date the file belongs to (report, fix), not the moment it was stored."""
    event = next((e for e in events if e["id"] == evidence["event_id"]), None)
    action = event["action"] if event else "report"
    day = {"report": hazard.reported_on, "fix": hazard.fixed_on, "close": hazard.fixed_on}
    found = day.get(action)
    if found is not None:
        return found.isoformat()
    return str((event or evidence).get("at") or evidence["created_at"])[:10]


def _evidence(row: dict[str, Any], name: str, data_dir: Path) -> Evidence:
    source = Path(row["path"])
    if not source.is_file() and not source.is_absolute() and (data_dir / source).is_file():
        source = data_dir / source
    return Evidence(source, name, source.is_file())


class _Namer:
    """Unique zip names: folder/stem_1.jpg, folder/stem_2.jpg, …"""

    def __init__(self) -> None:
        self.counts: dict[str, int] = defaultdict(int)

    def name(self, folder: str, stem: str, source: str) -> str:
        key = f"{safe_name(folder)}/{safe_name(stem)}"
        self.counts[key] += 1
        return f"{key}_{self.counts[key]}{Path(source).suffix.lower()}"


def safe_name(text: str) -> str:
    """A file or folder name made from a unit's or a hazard's name: no separators, no
    leading dots, so a name like ../../x stays inside the folder it is written to."""
    return _UNSAFE.sub("_", text).strip("._") or "_"


# ---- the zip --------------------------------------------------------------------------


def write_archive(files: list[Evidence], path: Path) -> int:
    written = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            if not f.present:
                continue
            kind = zipfile.ZIP_STORED if f.source.suffix.lower() in STORED else None
            archive.write(f.source, f.name, compress_type=kind)
            written += 1
    return written


# ---- the workbook -----------------------------------------------------------------------


def write_workbook(data: YearData, path: Path, *, write_only: bool = True) -> None:
    """Write-only mode streams rows to disk; the normal mode (kept for the benchmark's
    baseline) builds every cell in memory first."""
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    _sheet(workbook, "items", ITEM_COLUMNS, item_rows(data), wrap=True)
    _sheet(workbook, "records", RECORD_COLUMNS, record_rows(data))
    _sheet(workbook, "hazards", HAZARD_COLUMNS, hazard_rows(data))
    _sheet(workbook, "summary", SUMMARY_COLUMNS, summary_rows(data))
    workbook.save(path)


def _sheet(
    workbook: Workbook,
    name: str,
    columns: tuple[tuple[str, int], ...],
    rows: Iterable[list[Any]],
    wrap: bool = False,
) -> None:
    sheet = workbook.create_sheet(t(f"export.sheet.{name}"))
    for number, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    header = [WriteOnlyCell(sheet, t(f"export.col.{key}")) for key, _ in columns]
    for cell in header:
        cell.font = _BOLD
    sheet.append(header)
    rates = {i for i, (key, _) in enumerate(columns) if key in RATES}
    for row in rows:
        sheet.append([_cell(sheet, v, wrap, i in rates) for i, v in enumerate(row)])


def _cell(sheet: Any, value: Any, wrap: bool, rate: bool) -> Any:
    if rate:
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "0.0%"
        return cell
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    if not wrap and not text.startswith("="):
        return text
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # text a person typed is never a formula
    if wrap:
        cell.alignment = _WRAP
    return cell


def _lines(values: Iterable[str]) -> str:
    return "\n".join(v for v in values if v)


# ---- 考核条目 ------------------------------------------------------------------------


def item_rows(data: YearData) -> list[list[Any]]:
    rulebook = data.ws.rulebook
    groups: dict[tuple[int, str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in data.records:
        groups[(record["unit_id"], record["rulebook"], record["code"])].append(record)
    rows, covered = [], set()
    for unit in data.units:
        role = UNIT_ROLE.get(unit.kind, "")
        for ru in rulebook.units:
            own = groups.pop((unit.id, rulebook.id, ru.code), [])
            if role in ru.roles or own:
                rows.append(_item_row(data, unit, role, ru, own))
                covered.add(ru.code)
    for ru in rulebook.units:
        if ru.code not in covered:
            roles = "、".join(t(f"role.{r}") for r in ru.roles)
            status = t("export.status.not_applicable", role=roles)
            rows.append(_row(data, data.top, ru, [], [], [], status))
    for (unit_id, book, code), own in groups.items():
        rows.append(_other_row(data, unit_id, book, code, own))
    return rows


def _row(
    data: YearData,
    unit: OrgUnit,
    ru: Unit,
    due: list[str],
    done: list[str],
    records: list[dict[str, Any]],
    status: str,
) -> list[Any]:
    return [
        unit.name,
        ru.code,
        ru.text,
        t(f"kind.{ru.kind}"),
        _lines(due),
        _lines(done),
        *_record_cells(data, records),
        status,
        data.ws.rulebook.id,
    ]


def _record_cells(data: YearData, records: list[dict[str, Any]]) -> list[str]:
    """报告人, 备注, 证据文件 of a row's records."""
    names = dict.fromkeys(data.people.get(r["person_id"], "") for r in records)
    notes = [t("export.note_line", day=r["done_on"], note=r["note"]) for r in records if r["note"]]
    files = [f.label for r in records for f in data.record_files.get(r["id"], [])]
    return ["、".join(n for n in names if n), _lines(notes), _lines(files)]


def _item_row(
    data: YearData, unit: OrgUnit, role: str, ru: Unit, records: list[dict[str, Any]]
) -> list[Any]:
    tasks = [task for task in ru.tasks if role in task.roles]
    if ru.ledger == "hazard":
        return _ledger_row(data, unit, ru, records)
    if not tasks:
        status = t("export.status.kept" if records else "export.status.no_tasks")
        done = _evidence_lines(data, records) or [t("export.not_recorded")]
        return _row(data, unit, ru, [t("export.due_none")], done, records, status)
    due, done, missing = [], [], []
    for task in tasks:
        instances = counted(_instances(data, role, task.task_id(ru.code)), unit)
        own = [r for r in records if r["task"] == task.key]
        finished = _finished(task, instances, own)
        missing += [i for i in instances if i.period.key not in finished]
        due.append(
            t("export.due_task", task=task.name, rule=describe_task(task), n=len(instances))
        )
        done.append(_done_line(task, len(instances), len(finished), own))
    keys = {task.key for task in tasks}
    done += _other([r for r in records if r["task"] not in keys])
    status = _task_status(data, missing, records)
    start = unit.counting_start
    if start is not None and start > date(data.year, 12, 31):
        status = t("export.status.before_start", day=start.isoformat())
    return _row(data, unit, ru, due, done, records, status)


def _instances(data: YearData, role: str, task_id: str) -> list[TaskInstance]:
    if role not in data.instances:
        found = instances_between(data.ws, role, date(data.year, 1, 1), date(data.year, 12, 31))
        by_task: dict[str, list[TaskInstance]] = defaultdict(list)
        for inst in found:
            by_task[inst.task_id].append(inst)
        data.instances[role] = dict(by_task)
    return data.instances[role].get(task_id, [])


def _finished(
    task: Task, instances: list[TaskInstance], records: list[dict[str, Any]]
) -> set[str]:
    counts: dict[str, int] = defaultdict(int)
    for record in records:
        counts[record["period"]] += 1
    return {i.period.key for i in instances if counts[i.period.key] >= task.count}


def _done_line(task: Task, due: int, done: int, records: list[dict[str, Any]]) -> str:
    if not records:
        return t("export.done_task_none", task=task.name, due=due)
    days = "、".join(dict.fromkeys(r["done_on"] for r in records))
    return t("export.done_task", task=task.name, done=done, due=due, days=days)


def _evidence_lines(data: YearData, records: list[dict[str, Any]]) -> list[str]:
    """What was recorded for an item without a recurring task: one line per record with
    its date, who recorded it, its note and its files."""
    lines = []
    for r in records:
        files = [f.label for f in data.record_files.get(r["id"], [])]
        line = t("export.evidence", day=r["done_on"][:10], who=data.people.get(r["person_id"], ""))
        if r["note"]:
            line += t("export.evidence_note", note=r["note"])
        if files:
            line += t("export.evidence_files", n=len(files), files="、".join(files))
        lines.append(line)
    return lines


def _other(records: list[dict[str, Any]]) -> list[str]:
    if not records:
        return []
    return [t("export.done_other", days="、".join(dict.fromkeys(r["done_on"] for r in records)))]


def _task_status(
    data: YearData, missing: list[TaskInstance], records: list[dict[str, Any]]
) -> str:
    if not missing:
        return t("export.status.done")
    if all(i.due >= data.today for i in missing):
        return t("export.status.ongoing")
    return t("export.status.partial" if records else "export.status.missing")


def _ledger_row(
    data: YearData, unit: OrgUnit, ru: Unit, records: list[dict[str, Any]]
) -> list[Any]:
    own = [h for h in data.hazards if h.unit_id == unit.id and h.code == ru.code]
    rates = data.ws.ledger.rates(own, data.today)
    done = [
        t(
            "export.done_ledger",
            n=len(own),
            handled=rates["handled"],
            closed=rates["closed"],
            overdue=rates["overdue"],
        )
    ]
    if not own:
        status = t("export.status.no_hazards")
    elif rates["closed"] == len(own):
        status = t("export.status.done")
    else:
        status = t("export.status.partial" if rates["handled"] else "export.status.missing")
    return _row(data, unit, ru, [t("export.due_ledger")], done + _other(records), records, status)


def _other_row(
    data: YearData, unit_id: int, book: str, code: str, records: list[dict[str, Any]]
) -> list[Any]:
    """Records of another rulebook (or a code the rulebook no longer has) are kept."""
    return [
        data.unit_names[unit_id],
        code,
        t("export.other_rulebook", rulebook=book, code=code),
        "",
        "",
        _lines(_other(records)),
        *_record_cells(data, records),
        t("export.status.other_rulebook"),
        book,
    ]


# ---- 完成记录, 隐患台账, 汇总 -------------------------------------------------------------


def record_rows(data: YearData) -> Iterable[list[Any]]:
    rulebook = data.ws.rulebook
    for r in data.records:
        found = rulebook.task(f"{r['code']}:{r['task']}") if r["rulebook"] == rulebook.id else None
        task = found[1].name if found else (r["task"] or t("export.loose_task"))
        period = _period_words(data, found[1] if found else None, r["period"])
        files = [f.label for f in data.record_files.get(r["id"], [])]
        yield [
            r["id"],
            data.unit_names[r["unit_id"]],
            r["code"],
            task,
            period,
            date.fromisoformat(r["done_on"][:10]),
            data.people.get(r["person_id"], ""),
            r["note"],
            _lines(files),
            r["rulebook"],
        ]


def _period_words(data: YearData, task: Task | None, key: str) -> str:
    """The 期间 column in words (2026年11月第4周, 2026年第四季度), never a key."""
    if task is not None and task.window is not None:
        if not key[:4].isdigit():
            return ""
        window = data.ws.schedule.window(task, int(key[:4]))
        return period_label(key, task.every, True, data.today, window.start, window.end, True)
    try:
        every = task.every if task is not None else parse_period(key)[0]
    except ValueError:
        return ""
    return period_label(key, every, False, data.today, absolute=True)


def hazard_rows(data: YearData) -> Iterable[list[Any]]:
    for h in data.hazards:
        events = data.events.get(h.id, [])
        fixer = next((e for e in reversed(events) if e["action"] in ("fix", "close")), None)
        rejects = [
            t("export.rejected", day=e["at"][:10], reason=e["note"])
            for e in events
            if e["action"] == "reject"
        ]
        photos = [f.label for f in data.hazard_files.get(h.id, [])]
        yield [
            h.number,
            h.reported_on,
            data.unit_names[h.unit_id],
            h.place,
            h.enterprise,
            h.description,
            h.severity,
            f"{h.state}（{h.void_reason}）" if h.void_reason else h.state,
            h.deadline,
            h.fixed_on,
            data.people.get(fixer["person_id"], "") if fixer and h.fixed_on else "",
            h.closed_on,
            _verification(data, h, events),
            _lines(rejects),
            _lines(photos),
            data.people.get(h.reporter_id, ""),
            h.code,
        ]


def _verification(data: YearData, hazard: Hazard, events: list[dict[str, Any]]) -> str:
    if hazard.closed_on is None:
        return ""
    last = next((e for e in reversed(events) if e["action"] in ("verify", "close")), None)
    if last is None:
        return ""
    key = "export.verified" if last["action"] == "verify" else "export.self_closed"
    return t(key, name=data.people.get(last["person_id"], ""), day=hazard.closed_on.isoformat())


def summary_rows(data: YearData) -> list[list[Any]]:
    org = data.ws.org
    street = org.street_of(data.top)
    day = min(max(data.today, date(data.year, 1, 1)), date(data.year, 12, 31))
    report = build_report(data.ws, street, "year", day)
    if data.top.kind == "street":
        figures = [*report.units, report.total]
    else:
        figures = [f for f in report.units if f.unit.id == data.top.id]
    return [_figures_row(f, total=f is report.total) for f in figures]


def _figures_row(f: UnitFigures, total: bool) -> list[Any]:
    name = t("export.total") if total else f.unit.name
    return [
        name,
        f.due,
        f.done,
        f.overdue,
        f.done_rate,
        f.hazards,
        f.handled,
        f.closed,
        f.hazards_overdue,
        f.handling_rate,
        f.on_time_rate,
    ]
