from __future__ import annotations

import re
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.office.export import export_year
from bot.office.reports import build_report
from bot.records.evidence import EvidenceFile
from bot.records.tasklog import TaskLog
from bot.texts import t

YEAR = 2026
RECORDS_OF_YEAR = (
    "SELECT {what} FROM records WHERE undone_at IS NULL AND unit_id IN ({units}) "
    "AND (substr(done_on, 1, 4) = '2026' OR substr(period, 1, 4) = '2026')"
)


def photo(folder: Path, name: str, colour: str) -> EvidenceFile:
    path = folder / name
    Image.new("RGB", (8, 6), colour).save(path, "JPEG")
    return EvidenceFile(str(path))


def sheet(workbook: Any, key: str) -> list[dict[str, Any]]:
    rows = list(workbook[t(f"export.sheet.{key}")].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def col(key: str) -> str:
    return t(f"export.col.{key}")


@pytest.fixture
def year_of_work(assistant, street_org, clock, tmp_path):
    """A year of records and hazards for the street and its two communities."""
    clock.set(2027, 1, 10)
    org, log, ledger = assistant.ws.org, assistant.ws.tasklog, assistant.ws.ledger
    pics = tmp_path / "pics"
    pics.mkdir()
    golden = org.add_person("张专干", "officer", "金色社区")
    datun = org.add_person("李专干", "officer", "大屯村委会")
    office = org.add_person("王安办", "street", "连然街道")
    gold_id, datun_id = golden.unit_id, datun.unit_id
    street_id = office.unit_id
    for week in range(1, 53):
        day = date.fromisocalendar(YEAR, week, 3)  # W01's Wednesday is 2025-12-31
        files = [photo(pics, f"p{week}.jpg", "red")] if week % 10 == 0 else []
        log.record(golden, gold_id, "4.2.3", "patrol", f"{YEAR}-W{week:02d}", day, files=files)
    for month in range(1, 13):
        log.record(
            golden,
            gold_id,
            "4.2.3",
            "record",
            f"{YEAR}-{month:02d}",
            date(YEAR, month, 25),
            note=f"{month}月巡查记录",
        )
    for name, colour in (("w512.jpg", "blue"), ("w116.jpg", "green")):
        log.record(
            golden,
            gold_id,
            "9.3",
            name[:4],
            f"{YEAR}-{name[:4]}",
            date(YEAR, 5, 12) if colour == "blue" else date(YEAR, 11, 6),
            files=[photo(pics, name, colour)],
        )
    log.record(golden, gold_id, "9.1", "revise", str(YEAR), date(YEAR, 4, 2))
    log.record(
        datun,
        datun_id,
        "4.2.3",
        "patrol",
        f"{YEAR}-W48",
        date(YEAR, 11, 25),
        files=[
            photo(pics, "a.jpg", "white"),
            photo(pics, "b.jpg", "black"),
            EvidenceFile(str(pics / "gone.jpg")),
        ],
    )
    log.record(datun, datun_id, "4.2.3", "patrol", f"{YEAR}-W49", date(YEAR, 12, 2))
    log.record(datun, datun_id, "4.2.3", "patrol", f"{YEAR}-W50", date(YEAR, 12, 9))
    log.undo_last(datun)  # withdrawn: not exported
    log.record(datun, datun_id, "4.2.3", "patrol", "2025-W50", date(2025, 12, 10))  # last year
    TaskLog(assistant.ws.store, "anning-2021").record(
        datun, datun_id, "4.2.5", "patrol", str(YEAR), date(YEAR, 3, 3), note="旧细则"
    )
    for month in (1, 2, 3):
        log.record(
            office,
            street_id,
            "2.1.5",
            "inspect",
            f"{YEAR}-{month:02d}",
            date(YEAR, month, 10),
            files=[photo(pics, f"s{month}.jpg", "gray")],
        )
    log.record(office, street_id, "2.1.3", "", str(YEAR), date(YEAR, 6, 1), note="=制度汇编")

    first = ledger.report(
        golden,
        "加油站电线乱拉",
        date(YEAR, 3, 1),
        place="加油站",
        files=[photo(pics, "h1.jpg", "orange")],
    ).hazard
    ledger.fix(golden, first, date(YEAR, 3, 5), files=[photo(pics, "h1fix.jpg", "yellow")])
    ledger.verify(office, first, date(YEAR, 3, 6))
    second = ledger.report(golden, "饭店液化气罐没固定", date(YEAR, 5, 1)).hazard
    ledger.fix(golden, second, date(YEAR, 5, 3))
    ledger.reject(office, second, "照片看不出已整改")
    ledger.report(
        datun,
        "仓库消防通道堵塞",
        date(YEAR, 9, 1),
        severity="重大",
        enterprise="某物流公司",
        files=[EvidenceFile(str(pics / "lost.jpg"))],
    )
    ledger.report(office, "街道检查发现：厂房无消防栓", date(YEAR, 10, 8))
    ledger.report(golden, "上一年的隐患", date(2025, 12, 20))
    return {"street": street_id, "units": [street_id, gold_id, datun_id]}


def test_year_export_has_every_record_hazard_and_photo(assistant, year_of_work, tmp_path):
    store = assistant.ws.store
    street = assistant.ws.org.unit(year_of_work["street"])
    units = ",".join(str(u) for u in year_of_work["units"])
    result = export_year(assistant.ws, street, YEAR, tmp_path / "out" / "连然2026.xlsx")

    assert result.archive == tmp_path / "out" / "连然2026.zip"
    db_records = store.value(RECORDS_OF_YEAR.format(what="COUNT(*)", units=units))
    db_hazards = store.value("SELECT COUNT(*) FROM hazards WHERE year = 2026")
    assert (result.records, result.hazards) == (db_records, db_hazards) == (74, 4)
    assert (result.files, result.missing) == (14, 2)

    book = load_workbook(result.workbook)
    records = sheet(book, "records")
    ids = {r["id"] for r in store.rows(RECORDS_OF_YEAR.format(what="id", units=units))}
    assert {r[col("record_id")] for r in records} == ids and len(records) == len(ids)
    assert {r[col("note")] for r in records} >= {"=制度汇编", "旧细则"}  # text, not a formula
    hazards = sheet(book, "hazards")
    numbers = store.rows("SELECT number FROM hazards WHERE year = 2026 ORDER BY id")
    assert sorted(h[col("number")] for h in hazards) == sorted(r["number"] for r in numbers)

    with zipfile.ZipFile(result.archive) as archive:
        names = set(archive.namelist())
        listed = _files_in(records, "files") | _files_in(hazards, "photos")
        assert names == {n for n in listed if "（" not in n}
        assert all(archive.read(n)[:2] == b"\xff\xd8" for n in names)  # JPEG data
    assert "金色社区/4.2.3_2026-03-04_1.jpg" in names
    assert "金色社区/隐患_连然-2026-0001_现场_2026-03-01_1.jpg" in names
    assert "金色社区/隐患_连然-2026-0001_整改后_2026-03-05_1.jpg" in names
    missing = [n for n in listed if "（" in n]
    assert len(missing) == 2 and all("gone.jpg" in n or "lost.jpg" in n for n in missing)

    first = next(h for h in hazards if h[col("number")] == "连然-2026-0001")
    assert first[col("state")] == "已销号" and "王安办" in first[col("verification")]
    assert first[col("fixed_on")].date() == date(YEAR, 3, 5)
    second = next(h for h in hazards if h[col("number")] == "连然-2026-0002")
    assert "照片看不出已整改" in second[col("rejects")] and second[col("state")] == "待整改"


def _files_in(rows: list[dict[str, Any]], key: str) -> set[str]:
    return {name for r in rows for name in (r[col(key)] or "").splitlines()}


def test_item_sheet_covers_the_rulebook_and_statuses(assistant, year_of_work, tmp_path):
    street = assistant.ws.org.unit(year_of_work["street"])
    result = export_year(assistant.ws, street, YEAR, tmp_path)
    assert result.workbook == tmp_path / "连然街道_2026.xlsx"
    items = sheet(load_workbook(result.workbook), "items")
    codes = {r[col("code")] for r in items}
    assert {u.code for u in assistant.ws.rulebook.units} <= codes
    by = {(r[col("unit")], r[col("code")], r[col("rulebook")]): r for r in items}
    patrol = by[("金色社区", "4.2.3", "anning-2022")]
    assert patrol[col("status")] == t("export.status.done")
    assert "52/52" in patrol[col("done")] and "2025-12-31" in patrol[col("done")]
    assert "张专干" in patrol[col("people")] and "12月巡查记录" in patrol[col("note")]
    assert by[("大屯村委会", "4.2.3", "anning-2022")][col("status")] == t("export.status.partial")
    assert by[("大屯村委会", "4.2.5", "anning-2021")][col("status")] == t(
        "export.status.other_rulebook"
    )
    assert by[("连然街道", "2.1.3", "anning-2022")][col("note")] == "2026-06-01 =制度汇编"
    assert by[("连然街道", "2.1.5", "anning-2022")][col("status")] == t("export.status.partial")
    assert by[("连然街道", "1", "anning-2022")][col("status")] == t("export.status.no_tasks")
    ledger = by[("金色社区", "4.2.4", "anning-2022")]
    assert ledger[col("status")] == t("export.status.partial") and "隐患2件" in ledger[col("done")]
    assert ledger[col("kind")] == t("kind.ledger")


def test_summary_sheet_has_the_report_figures(assistant, year_of_work, tmp_path):
    street = assistant.ws.org.unit(year_of_work["street"])
    result = export_year(assistant.ws, street, YEAR, tmp_path / "x.xlsx")
    summary = sheet(load_workbook(result.workbook), "summary")
    report = build_report(assistant.ws, street, "year", date(YEAR, 12, 31))
    assert [r[col("unit")] for r in summary] == [
        *(f.unit.name for f in report.units),
        t("export.total"),
    ]
    total = summary[-1]
    assert (total[col("due")], total[col("done")]) == (report.total.due, report.total.done)
    assert total[col("hazards")] == report.total.hazards
    assert total[col("handling_rate")] == pytest.approx(report.total.handling_rate)


def test_community_export_covers_only_the_community(assistant, year_of_work, tmp_path):
    unit = assistant.ws.org.unit_named("大屯村委会")
    result = export_year(assistant.ws, unit, YEAR, tmp_path / "datun.xlsx")
    book = load_workbook(result.workbook)
    assert {r[col("unit")] for r in sheet(book, "records")} == {"大屯村委会"}
    assert (result.records, result.hazards, result.files, result.missing) == (3, 1, 2, 2)
    items = sheet(book, "items")
    assert {u.code for u in assistant.ws.rulebook.units} <= {r[col("code")] for r in items}
    assert [r[col("unit")] for r in sheet(book, "summary")] == ["大屯村委会"]


def test_year_without_records(assistant, street_org, tmp_path):
    org = assistant.ws.org
    for unit in org.units():  # in use since 2025: its missed items are missing
        org.set_start(unit, date(2025, 1, 1))
    street = org.unit_named("连然街道")
    result = export_year(assistant.ws, street, 2025, tmp_path / "empty.xlsx")
    assert (result.records, result.hazards, result.files, result.missing) == (0, 0, 0, 0)
    book = load_workbook(result.workbook)
    assert book.sheetnames == [
        t(f"export.sheet.{k}") for k in ("items", "records", "hazards", "summary")
    ]
    assert sheet(book, "records") == [] and sheet(book, "hazards") == []
    items = sheet(book, "items")
    assert {u.code for u in assistant.ws.rulebook.units} <= {r[col("code")] for r in items}
    assert {r[col("status")] for r in items if r[col("code")] == "4.2.3"} == {
        t("export.status.missing")
    }
    with zipfile.ZipFile(result.archive) as archive:
        assert archive.namelist() == []


def test_period_dates_are_real_dates(assistant, year_of_work, tmp_path):
    street = assistant.ws.org.unit(year_of_work["street"])
    result = export_year(assistant.ws, street, YEAR, tmp_path / "d.xlsx")
    records = sheet(load_workbook(result.workbook), "records")
    days = [r[col("done_on")].date() for r in records]
    assert days == sorted(days) and days[0] == date(YEAR, 1, 1) - timedelta(days=1)


def test_periods_are_words(assistant, year_of_work, tmp_path):
    street = assistant.ws.org.unit(year_of_work["street"])
    result = export_year(assistant.ws, street, YEAR, tmp_path / "w.xlsx")
    periods = [r[col("period")] for r in sheet(load_workbook(result.workbook), "records")]
    key = re.compile(r"\d{4}-(W\d|Q\d|\d\d)|w\d{3}", re.IGNORECASE)
    assert periods and not [p for p in periods if p and key.search(p)]
    assert "2026年11月第4周" in periods and "2026年11月" in periods
    assert any(p.startswith("2026年11月") and "—" in p for p in periods)  # 11.6 宣传周


def test_items_without_recurring_tasks_list_their_evidence(assistant, year_of_work, tmp_path):
    ws = assistant.ws
    office = next(p for p in ws.org.people() if p.name == "王安办")
    pic = photo(tmp_path, "rules.jpg", "blue")
    ws.tasklog.record(office, office.unit_id, "2.1.3", "", "2026", date(YEAR, 7, 2), files=[pic])
    street = ws.org.unit(year_of_work["street"])
    items = sheet(
        load_workbook(export_year(ws, street, YEAR, tmp_path / "e.xlsx").workbook), "items"
    )
    row = next(r for r in items if r[col("unit")] == "连然街道" and r[col("code")] == "2.1.3")
    done = row[col("done")].splitlines()
    assert done[0].startswith("2026-06-01 王安办") and "=制度汇编" in done[0]
    assert done[1].startswith("2026-07-02 王安办") and "连然街道/2.1.3_2026-07-02_1.jpg" in done[1]
    assert "未记录" not in row[col("done")]
    bare = [
        r for r in items
        if r[col("unit")] == "连然街道" and r[col("status")] == t("export.status.no_tasks")
    ]  # fmt: skip
    assert bare and all(r[col("done")] == "未记录" for r in bare)
