"""Year export speed and peak memory: 10,000 task records and 2,000 hazards.

    python bench/export_bench.py [--records N] [--hazards N] [--keep DIR]

Builds a street with ten communities and a year of synthetic work in a temporary database
(direct inserts in one transaction; evidence rows point at a few real small JPEGs, one in
fifty at a file that is not there). Then each variant runs in its own process, so that its
peak memory (ru_maxrss) is its own:

- export:   the steps of bot.export.export_year: read, zip the evidence, write-only workbook
- normal:   the same, with openpyxl's normal workbook (every cell kept in memory first)
- csv:      the same rows and zip, written as plain CSV files (a floor for the writing)

Peak memory is ru_maxrss, reset after start-up where Linux allows, so it covers the export
itself; "growth" is that peak less the resident size when the export began.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import itertools
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from bot.chat.assistant import Assistant, build_assistant  # noqa: E402
from bot.office.export import (  # noqa: E402
    collect,
    hazard_rows,
    item_rows,
    record_rows,
    summary_rows,
    write_archive,
    write_workbook,
)
from bot.office.reports import instances_between  # noqa: E402
from bot.settings import TIMEZONE, Settings  # noqa: E402

YEAR = 2026
STREET = "太平新城街道（示例）"
COMMUNITIES = [f"示例第{i}社区（示例）" for i in range(1, 11)]
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=TIMEZONE)
VARIANTS = ("export", "normal", "csv")


def open_assistant(folder: Path) -> Assistant:
    settings = Settings(data_dir=folder, db_path=folder / "bench.db")
    return build_assistant(settings, clock=lambda: NOW)


# ---- synthetic data -----------------------------------------------------------------


def generate(folder: Path, n_records: int, n_hazards: int) -> None:
    assistant = open_assistant(folder)
    org = assistant.ws.org
    org.add_unit(STREET, short="太平", sample=True)
    people = {STREET: org.add_person("示例安办", "street", STREET, sample=True).id}
    for i, name in enumerate(COMMUNITIES):
        org.add_unit(name, STREET, sample=True)
        people[name] = org.add_person(f"示例专干{i + 1}", "officer", name, sample=True).id
    photos = _photos(folder / "photos")
    units = {u.name: u.id for u in org.units()}
    with assistant.ws.store.write() as db:
        _records(assistant, db, units, people, photos, n_records)
        _hazards(db, units, people, photos, n_hazards)
    assistant.ws.store.close()


def _photos(folder: Path) -> list[str]:
    folder.mkdir(parents=True)
    paths = []
    for i, colour in enumerate(("red", "green", "blue", "gray", "orange")):
        path = folder / f"photo{i}.jpg"
        Image.new("RGB", (64, 48), colour).save(path, "JPEG")
        paths.append(str(path))
    return paths


def _evidence_path(photos: list[str], n: int) -> str:
    return f"{photos[0]}.gone" if n % 50 == 0 else photos[n % len(photos)]


def _records(
    assistant: Assistant,
    db: Any,
    units: dict[str, int],
    people: dict[str, int],
    photos: list[str],
    n: int,
) -> None:
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    plan = {
        role: instances_between(assistant.ws, role, start, end) for role in ("officer", "street")
    }
    names = [STREET, *COMMUNITIES]
    created = NOW.isoformat()
    records, evidence = [], []
    for i in range(n):
        name = names[i % len(names)]
        slots = plan["street" if name == STREET else "officer"]
        inst = slots[(i // len(names)) % len(slots)]
        done_on = max(inst.period.start, inst.due - timedelta(days=i % 3))
        records.append(
            (
                i + 1,
                units[name],
                people[name],
                assistant.ws.rulebook.id,
                inst.unit.code,
                inst.task.key,
                inst.period.key,
                done_on.isoformat(),
                f"第{i}条",
                created,
            )
        )
        evidence.append((i + 1, None, _evidence_path(photos, i), people[name], created))
    db.conn.executemany(
        "INSERT INTO records (id, unit_id, person_id, rulebook, code, task, period, done_on, "
        "note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        records,
    )
    _insert_evidence(db, evidence)


def _insert_evidence(db: Any, rows: list[tuple[Any, ...]]) -> None:
    db.conn.executemany(
        "INSERT INTO evidence (record_id, hazard_id, kind, path, person_id, created_at) "
        "VALUES (?, ?, 'photo', ?, ?, ?)",
        rows,
    )


def _hazards(
    db: Any, units: dict[str, int], people: dict[str, int], photos: list[str], n: int
) -> None:
    street = units[STREET]
    created = NOW.isoformat()
    hazards, events, evidence = [], [], []
    for i in range(n):
        name = COMMUNITIES[i % len(COMMUNITIES)]
        reported = date(YEAR, 1, 1) + timedelta(days=(i * 7) % 360)
        state = ("已销号", "已整改待复核", "待整改")[i % 3]
        fixed = reported + timedelta(days=i % 10) if state != "待整改" else None
        closed = fixed + timedelta(days=1) if state == "已销号" and fixed else None
        hid = i + 1
        hazards.append(
            (
                hid,
                street,
                units[name],
                YEAR,
                hid,
                f"太平-{YEAR}-{hid:04d}",
                "anning-2022",
                "4.2.4",
                f"示例隐患{hid}",
                "示例地点",
                "示例企业",
                "一般",
                state,
                people[name],
                reported.isoformat(),
                (reported + timedelta(days=7)).isoformat(),
                _iso(fixed),
                people[name] if fixed else None,
                _iso(closed),
                people[STREET] if closed else None,
                created,
            )
        )
        events.append((hid, "report", people[name], created, ""))
        evidence.append((None, hid, _evidence_path(photos, i), people[name], created))
        if fixed:
            events.append((hid, "fix", people[name], created, ""))
            evidence.append((None, hid, _evidence_path(photos, i + 1), people[name], created))
        if closed:
            events.append((hid, "verify", people[STREET], created, ""))
    db.conn.executemany(
        "INSERT INTO hazards (id, street_id, unit_id, year, seq, number, rulebook, code, "
        "description, place, enterprise, severity, state, reporter_id, reported_on, deadline, "
        "fixed_on, fixed_by, closed_on, closed_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        hazards,
    )
    db.conn.executemany(
        "INSERT INTO hazard_events (hazard_id, action, person_id, at, note) "
        "VALUES (?, ?, ?, ?, ?)",
        events,
    )
    _insert_evidence(db, evidence)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ---- one variant, in a child process ----------------------------------------------------


def run_variant(folder: Path, variant: str) -> dict[str, Any]:
    """The steps of export_year, timed one by one; only the writing differs by variant."""
    assistant = open_assistant(folder)
    street = assistant.ws.org.unit_named(STREET)
    assert street is not None
    out = folder / variant / f"export_{variant}.xlsx"
    out.parent.mkdir()
    before_kib = _reset_peak()
    marks = [time.perf_counter()]
    data = collect(assistant.ws, street, YEAR)
    marks.append(time.perf_counter())
    files = write_archive(data.all_files(), out.with_suffix(".zip"))
    marks.append(time.perf_counter())
    if variant == "csv":
        _write_csv(data, out.parent)
    else:
        write_workbook(data, out, write_only=variant == "export")
    marks.append(time.perf_counter())
    phases = [b - a for a, b in itertools.pairwise(marks)]
    return {
        "phases": phases,
        "seconds": marks[-1] - marks[0],
        "peak_mib": _peak_kib() / 1024,
        "start_mib": before_kib / 1024,
        "mib": sum(p.stat().st_size for p in out.parent.iterdir()) / 2**20,
        "counts": [len(data.records), len(data.hazards), files],
    }


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _reset_peak() -> int:
    """Start the peak anew after start-up (Linux: /proc/self/clear_refs), so that the peak
    is the export's own; returns the resident size now, in KiB."""
    gc.collect()
    with contextlib.suppress(OSError):  # elsewhere the peak includes start-up
        Path("/proc/self/clear_refs").write_text("5")
    return _peak_kib()


def _write_csv(data: Any, folder: Path) -> None:
    sheets = {
        "items": item_rows(data),
        "records": record_rows(data),
        "hazards": hazard_rows(data),
        "summary": summary_rows(data),
    }
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8-sig") as f:
            csv.writer(f).writerows(rows)


def _child(folder: Path, variant: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", variant, "--keep", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# ---- main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--hazards", type=int, default=2_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_variant(args.keep, args.child)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="export_bench_"))
    try:
        bench(folder, args.records, args.hazards)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def bench(folder: Path, n_records: int, n_hazards: int) -> None:
    started = time.perf_counter()
    generate(folder, n_records, n_hazards)
    print(
        f"generated {n_records} records, {n_hazards} hazards "
        f"in {time.perf_counter() - started:.1f}s"
    )
    results = {variant: _child(folder, variant) for variant in VARIANTS}
    print(
        "| variant | total s | read s | zip s | write s | RSS at start MiB | peak RSS MiB "
        "| output MiB | records, hazards, files zipped |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for variant, r in results.items():
        phases = " | ".join(f"{p:.2f}" for p in r["phases"])
        counts = ", ".join(str(c) for c in r["counts"])
        print(
            f"| {variant} | {r['seconds']:.2f} | {phases} | {r['start_mib']:.1f} "
            f"| {r['peak_mib']:.1f} | {r['mib']:.1f} | {counts} |"
        )
    ours, normal, plain = (results[v] for v in VARIANTS)
    print(
        f"normal / write-only workbook: total time x{normal['seconds'] / ours['seconds']:.2f}, "
        f"writing x{normal['phases'][2] / ours['phases'][2]:.2f}, "
        f"peak RSS x{normal['peak_mib'] / ours['peak_mib']:.2f}"
    )
    ratio = ours["phases"][2] / plain["phases"][2]
    print(f"write-only workbook / plain CSV: writing x{ratio:.2f}")


if __name__ == "__main__":
    main()
