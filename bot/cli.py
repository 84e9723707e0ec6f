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

    return Library.load(settings.rulebook_path, settings.cache_dir)


@command("ask")
def cmd_ask(args: argparse.Namespace) -> int:
    from bot.answers import answer

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

    try:
        rulebook = load_rulebook(Path(args.path))
    except RulebookError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{args.path}：{len(rulebook.units)} 条，{len(rulebook.tasks())} 项任务，格式正确")
    return 0


@command("start")
def cmd_start(args: argparse.Namespace) -> int:
    from bot.answers import answer

    library = _library(_settings())
    print("网格安全助手：请输入问题（Ctrl-D 退出）")
    for line in sys.stdin:
        if line.strip():
            print(answer(library.rulebook, library.index, library.search(line.strip())).text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gridsafe", description="网格安全助手 GridSafe")
    sub = parser.add_subparsers(dest="command")
    ask = sub.add_parser("ask", help="问考核细则（编号或口语问题）")
    ask.add_argument("question", nargs="*")
    ask.add_argument("-k", type=int, default=5, help="最多返回几条")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--batch", help="文件，每行一个问题；每行输出一个 JSON")
    imp = sub.add_parser("import-rules", help="把细则文本(.txt/.docx)导入为 YAML")
    imp.add_argument("source")
    imp.add_argument("-o", "--output", required=True)
    imp.add_argument("--base", help="沿用此前已整理的 YAML 中未变条目的人工字段")
    imp.add_argument("--id", help="细则标识，默认取输出文件名")
    sub.add_parser("start", help="启动助手：有 TELEGRAM_BOT_TOKEN 时运行机器人，否则进入控制台对话")
    check = sub.add_parser("check-rules", help="校验细则 YAML")
    check.add_argument("path")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["start", *(argv or [])]) if "start" in COMMANDS else args
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
