"""The ``gridsafe`` command. Thin: parse arguments, call the library, print.

Heavy modules are imported inside each command so that ``gridsafe ask`` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable[..., int]]:
    def register(func: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
        COMMANDS[name] = func
        return func

    return register


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _settings() -> Any:
    from bot.settings import load_settings

    return load_settings()


def _library(settings: Any) -> Any:
    from bot.library import Library
    from bot.rulebooks import active_path

    return Library.load(active_path(settings), settings.cache_dir, settings.taught_dir)


@command("ask")
def cmd_ask(args: argparse.Namespace) -> int:
    from bot.chat.answers import answer

    library = _library(_settings())
    if args.batch:
        lines = Path(args.batch).read_text(encoding="utf-8").splitlines()
        for line in lines:
            _print_json(_result_json(library, library.search(line, args.k)))
        return 0
    query = " ".join(args.question)
    result = library.search(query, args.k)
    if args.json:
        _print_json(_result_json(library, result))
    else:
        print(answer(library.rulebook, library.index, result).text)
    return 0 if result.found else 1


def _result_json(library: Any, result: Any) -> dict[str, Any]:
    rows = []
    for hit in result.hits:
        unit = library.rulebook.unit(hit.code)
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


@command("import-rules")
def cmd_import_rules(args: argparse.Namespace) -> int:
    from knowledge.importer import import_rules
    from knowledge.loader import RulebookError, load_rulebook

    source = Path(args.source)
    if not source.exists():
        print(f"找不到文件：{source}", file=sys.stderr)
        return 2
    out = Path(args.output)
    data, review = import_rules(source, out, Path(args.base) if args.base else None, args.id)
    print(f"已导入 {len(data['units'])} 条 → {out}")
    if review:
        print(f"需要人工整理（kind/roles/tasks 等）：{'、'.join(review)}")
    try:
        load_rulebook(out)
    except RulebookError as exc:
        print(f"导入结果尚不能直接使用：{exc}", file=sys.stderr)
    return 0


@command("check-rules")
def cmd_check_rules(args: argparse.Namespace) -> int:
    from knowledge.loader import RulebookError, load_rulebook
    from knowledge.phrasings import load_phrasings

    try:
        rulebook = load_rulebook(Path(args.path))
        phrasings = load_phrasings(rulebook)
    except RulebookError as exc:
        print(exc, file=sys.stderr)
        return 2
    asked = sum(map(len, phrasings.values()))
    print(
        f"{args.path}：{len(rulebook.units)} 条，{len(rulebook.tasks())} 项任务，"
        f"{asked} 条常见问法，格式正确"
    )
    return 0


def _assistant(args: argparse.Namespace | None = None, demo: bool = False) -> Any:
    from bot.workspace import build_assistant

    settings = _settings()
    db_path = settings.data_dir / "demo.db" if demo else None
    return build_assistant(settings, db_path=db_path)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


@command("start")
def cmd_start(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings.bot_enabled:
        from handlers.telegram.application import run_bot

        return run_bot(settings)
    print(_text("start.no_token"))
    return cmd_chat(argparse.Namespace(invite=None, demo=args.demo, as_id=None))


def _text(key: str, **values: Any) -> str:
    from bot.texts import t

    return t(key, **values)


@command("chat")
def cmd_chat(args: argparse.Namespace) -> int:
    from bot.console import ConsoleChat
    from bot.workspace import seed_demo

    assistant = _assistant(demo=args.demo)
    chat = ConsoleChat(assistant)
    if args.demo:
        ids = seed_demo(assistant)
        chat.print(_text("console.demo", **ids))
        chat.act_as(args.as_id or ids["officer"])
    elif args.as_id:
        chat.act_as(args.as_id)
    elif not assistant.org.people():
        chat.print(_text("console.no_people"))
    if args.invite:
        chat.redeem(args.invite)
    interactive = sys.stdin.isatty()
    chat.run(sys.stdin, interactive)
    return 0


@command("understand")
def cmd_understand(args: argparse.Namespace) -> int:
    assistant = _assistant()
    u = assistant.understand(" ".join(args.message), args.role, args.photo)
    data = u.as_json()
    if args.json:
        _print_json(data)
    else:
        for key, value in data.items():
            print(f"{key}: {value}")
    return 0


@command("checklist")
def cmd_checklist(args: argparse.Namespace) -> int:
    from datetime import date

    from bot.errors import UserError

    assistant = _assistant()
    day = date.fromisoformat(args.date) if args.date else assistant.today()
    try:
        unit = assistant.org.find_unit(args.unit)
    except UserError as error:
        return _fail(error.text)
    expected = {"officer": "community", "street": "street"}[args.role]
    if unit.kind != expected:
        return _fail(_text("cli.role_unit_mismatch", unit=unit.name, role=args.role))
    items = assistant.checklists.items(unit, day)
    rows = [
        {
            "code": i.code,
            "task": i.task,
            "name": i.name,
            "period": i.period,
            "due": i.due.isoformat(),
            "done": i.done,
            "count": i.count,
            "status": i.status(day),
        }
        for i in items
    ]
    hazards = [
        _hazard_json(h, day)
        for h in assistant.ledger.select([unit.id], ("待整改", "已整改待复核"))
    ]
    if args.json:
        _print_json(
            {
                "unit": unit.name,
                "role": args.role,
                "date": day.isoformat(),
                "tasks": rows,
                "hazards": hazards,
            }
        )
        return 0
    from bot.chat import views

    print(f"{unit.name} · {views.day_label(day)}")
    for item in items:
        print(("⚠ " if item.overdue(day) else "  ") + views.item_line(item, day))
    for h in assistant.ledger.select([unit.id], ("待整改", "已整改待复核")):
        print("  " + views.hazard_line(h, day))
    return 0


def _hazard_json(h: Any, day: Any) -> dict[str, Any]:
    return {
        "number": h.number,
        "code": h.code,
        "state": h.state,
        "severity": h.severity,
        "deadline": h.deadline.isoformat(),
        "overdue": h.overdue(day),
        "reported_on": h.reported_on.isoformat(),
        "description": h.description,
        "place": h.place,
        "enterprise": h.enterprise,
    }


@command("hazards")
def cmd_hazards(args: argparse.Namespace) -> int:
    from bot.chat import views
    from bot.errors import UserError

    assistant = _assistant()
    day = assistant.today()
    if args.unit:
        try:
            unit = assistant.org.find_unit(args.unit)
        except UserError as error:
            return _fail(error.text)
        ids = [unit.id] + [c.id for c in assistant.org.children(unit.id)]
    else:
        ids = [u.id for u in assistant.org.units()]
    hazards = assistant.ledger.select(ids)
    if args.json:
        _print_json([_hazard_json(h, day) for h in hazards])
    else:
        for h in hazards:
            print(views.hazard_line(h, day, assistant.org))
    return 0


@command("units")
def cmd_units(args: argparse.Namespace) -> int:
    assistant = _assistant()
    units = assistant.org.units()
    if args.json:
        _print_json(
            [
                {
                    "id": u.id,
                    "name": u.name,
                    "kind": u.kind,
                    "parent_id": u.parent_id,
                    "sample": u.sample,
                }
                for u in units
            ]
        )
        return 0
    for street in [u for u in units if u.kind == "street"]:
        print(street.name)
        for child in assistant.org.children(street.id):
            print(f"  └ {child.name}")
    return 0


@command("unit")
def cmd_unit(args: argparse.Namespace) -> int:
    from bot.errors import UserError

    assistant = _assistant()
    try:
        unit = assistant.org.add_unit(args.name, args.parent)
    except UserError as error:
        return _fail(error.text)
    print(_text("cli.unit_added", name=unit.name, kind=_text(f"unit.kind.{unit.kind}")))
    return 0


@command("invite")
def cmd_invite(args: argparse.Namespace) -> int:
    from bot.errors import UserError

    assistant = _assistant()
    try:
        code = assistant.org.create_invite(args.role, args.unit, args.name)
    except UserError as error:
        return _fail(error.text)
    print(_text("cli.invite", role=_text(f"role.{args.role}"), unit=args.unit or ""))
    print(code)
    return 0


@command("report")
def cmd_report(args: argparse.Namespace) -> int:
    from datetime import date

    from bot.errors import UserError
    from bot.office.charts import render_report_chart
    from bot.office.reports import build_report, report_text

    assistant = _assistant()
    try:
        street = (
            assistant.org.find_unit(args.unit)
            if args.unit
            else next(u for u in assistant.org.units() if u.kind == "street")
        )
    except (UserError, StopIteration):
        return _fail(_text("report.which_street"))
    day = date.fromisoformat(args.date) if args.date else assistant.today()
    report = build_report(assistant, assistant.org.street_of(street), args.scope, day)
    print(report_text(report))
    if args.chart:
        print(render_report_chart(report, Path(args.chart)))
    return 0


@command("export")
def cmd_export(args: argparse.Namespace) -> int:
    import time

    from bot.errors import UserError
    from bot.office.export import export_year

    assistant = _assistant()
    try:
        unit = assistant.org.find_unit(args.unit)
    except UserError as error:
        return _fail(error.text)
    start = time.perf_counter()
    result = export_year(assistant, unit, args.year, Path(args.output))
    print(
        _text(
            "export.done",
            unit=unit.name,
            year=args.year,
            records=result.records,
            hazards=result.hazards,
            files=result.files,
            missing=result.missing,
        )
    )
    print(result.workbook)
    print(result.archive)
    print(_text("cli.took", seconds=f"{time.perf_counter() - start:.1f}"))
    return 0


@command("rulebook")
def cmd_rulebook(args: argparse.Namespace) -> int:
    print(_as_admin("rulebook", args.use or ""))
    return 0


@command("unanswered")
def cmd_unanswered(args: argparse.Namespace) -> int:
    print(_as_admin("unanswered", ""))
    return 0


@command("teach")
def cmd_teach(args: argparse.Namespace) -> int:
    print(_as_admin("teach", f"{args.code} {' '.join(args.question)}"))
    return 0


def _as_admin(name: str, args: str) -> str:
    from bot.records.org import Person

    admin = Person(id=0, name="命令行", role="admin", unit_id=None)
    return str(_assistant().admin_reply(admin, name, args).text)


@command("run")
def cmd_run(args: argparse.Namespace) -> int:
    from handlers.telegram.application import run_bot

    return run_bot(_settings())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gridsafe", description="网格安全助手 GridSafe")
    sub = parser.add_subparsers(dest="command")
    ask = sub.add_parser("ask", help="问考核细则（编号或口语问题）")
    ask.add_argument("question", nargs="*")
    ask.add_argument("-k", type=int, default=5, help="最多返回几条")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--batch", help="文件，每行一个问题；每行输出一个 JSON")
    sub.add_parser("unanswered", help="近 30 天答不上的问题")
    teach = sub.add_parser("teach", help="教助手：这种问法问的是细则哪一条")
    teach.add_argument("code", help="条款编号，如 3.3.5")
    teach.add_argument("question", nargs="+", help="问题原话")
    imp = sub.add_parser("import-rules", help="把细则文本(.txt/.docx)导入为 YAML")
    imp.add_argument("source")
    imp.add_argument("-o", "--output", required=True)
    imp.add_argument("--base", help="沿用此前已整理的 YAML 中未变条目的人工字段")
    imp.add_argument("--id", help="细则标识，默认取输出文件名")
    start = sub.add_parser(
        "start", help="启动：有 TELEGRAM_BOT_TOKEN 时运行机器人，否则进入控制台对话"
    )
    start.add_argument("--demo", action="store_true", help="控制台使用示例数据")
    sub.add_parser("run", help="运行 Telegram 机器人（需要 TELEGRAM_BOT_TOKEN）")
    rep = sub.add_parser("report", help="街道进度报表（周/月/季/年）")
    rep.add_argument("--unit", help="街道名称，默认第一个街道")
    rep.add_argument("--scope", choices=["week", "month", "quarter", "year"], default="month")
    rep.add_argument("--date")
    rep.add_argument("--chart", help="同时生成图表 PNG 到此路径")
    exp = sub.add_parser("export", help="导出年度考核材料（Excel + 照片压缩包）")
    exp.add_argument("--year", type=int, required=True)
    exp.add_argument("--unit", required=True)
    exp.add_argument("-o", "--output", required=True)
    rb = sub.add_parser("rulebook", help="查看或切换当年细则")
    rb.add_argument(
        "use", nargs="?", help="细则标识（knowledge/rules 或 data/rules 下的文件名）或 YAML 路径"
    )
    chat = sub.add_parser("chat", help="控制台对话（不需要 Telegram）")
    chat.add_argument("--invite", help="用邀请码绑定身份")
    chat.add_argument(
        "--demo", action="store_true", help="示例街道、社区和各角色人员（单独的示例数据库）"
    )
    chat.add_argument("--as", dest="as_id", type=int, help="以已绑定的身份号继续")
    und = sub.add_parser("understand", help="显示一条消息会被如何理解（不记录任何内容）")
    und.add_argument("message", nargs="+")
    und.add_argument("--role", choices=["officer", "street", "admin"], default="officer")
    und.add_argument("--photo", action="store_true", help="消息带照片")
    und.add_argument("--json", action="store_true")
    chk = sub.add_parser("checklist", help="某单位某角色在某天的待办")
    chk.add_argument("--unit", required=True)
    chk.add_argument("--role", choices=["officer", "street"], required=True)
    chk.add_argument("--date")
    chk.add_argument("--json", action="store_true")
    haz = sub.add_parser("hazards", help="隐患台账")
    haz.add_argument("--unit")
    haz.add_argument("--json", action="store_true")
    units = sub.add_parser("units", help="单位列表")
    units.add_argument("--json", action="store_true")
    unit = sub.add_parser("unit", help="单位管理：gridsafe unit add 名称 [--parent 街道]")
    unit_sub = unit.add_subparsers(dest="unit_command", required=True)
    unit_add = unit_sub.add_parser("add")
    unit_add.add_argument("name")
    unit_add.add_argument("--parent")
    inv = sub.add_parser("invite", help="生成一次性邀请码（最后一行）")
    inv.add_argument("--role", choices=["officer", "street", "admin"], required=True)
    inv.add_argument("--unit")
    inv.add_argument("--name")
    check = sub.add_parser("check-rules", help="校验细则 YAML")
    check.add_argument("path")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["start"])
    if args.command == "ask" and not args.question and not args.batch:
        parser.error("请给出问题，例如：gridsafe ask 巡查一周几次")
    handler = COMMANDS.get(args.command or "")
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
