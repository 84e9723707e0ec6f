"""The ``gridsafe`` command: one decorated function per command, its options beside it.

Thin: parse options, call the library, print. User errors (a UserError, bad settings, a bad
rulebook, a bad date) and a database that cannot be used (damaged, newer, disk full,
read-only folder: :func:`bot.records.store.storage_problem`) are mapped to one line on
stderr and exit code 2 in one place, :func:`main`; no traceback reaches the terminal.
Heavy modules are imported inside each command so that ``gridsafe ask`` starts fast. Help
texts are in texts.yaml (cli.help.*).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.errors import UserError
from bot.texts import t

if TYPE_CHECKING:
    from bot.chat.assistant import Assistant
    from bot.library import Library
    from bot.settings import Settings

ROLES = click.Choice(["officer", "street", "admin"])


def _print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def _settings() -> Settings:
    from bot.settings import load_settings

    return load_settings()


def _library(settings: Settings) -> Library:
    from bot.library import Library  # not the workspace: `gridsafe ask` starts fast
    from bot.rulebooks import active_path

    return Library.load(active_path(settings), settings.cache_dir, settings.taught_dir)


def _log_to_file(settings: Settings) -> None:
    """Library warnings (a holiday table that ends, a deprecation) go to data/gridsafe.log,
    never among the chat's replies or a command's output."""
    import logging

    root = logging.getLogger()
    if not root.handlers:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(settings.data_dir / "gridsafe.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        logging.captureWarnings(True)


def _assistant(demo: bool = False) -> Assistant:
    from bot.chat.assistant import build_assistant

    settings = _settings()
    _log_to_file(settings)
    return build_assistant(settings, db_path=settings.data_dir / "demo.db" if demo else None)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError("cli.bad_date", value=value) from None


@click.group(invoke_without_command=True, help=t("cli.help.main"))
@click.pass_context
def cli(ctx: click.Context) -> None:
    if ctx.invoked_subcommand is None:
        ctx.invoke(start)


# ---- the rulebook ------------------------------------------------------------------------


@cli.command(help=t("cli.help.ask"))
@click.argument("question", nargs=-1)
@click.option("-k", "k", type=int, default=5, help=t("cli.help.k"))
@click.option("--json", "as_json", is_flag=True)
@click.option("--batch", type=click.Path(dir_okay=False), help=t("cli.help.batch"))
def ask(question: tuple[str, ...], k: int, as_json: bool, batch: str | None) -> int:
    from bot.chat.answers import answer, result_json

    if not question and not batch:
        raise click.UsageError(t("cli.ask_usage"))
    library = _library(_settings())
    if batch:
        for line in Path(batch).read_text(encoding="utf-8").splitlines():
            _print_json(result_json(library.rulebook, library.search(line, k)))
        return 0
    result = library.search(" ".join(question), k)
    if as_json:
        _print_json(result_json(library.rulebook, result))
    else:
        click.echo(answer(library.rulebook, library.index, result).text)
    return 0 if result.found else 1


@cli.command("import-rules", help=t("cli.help.import_rules"))
@click.argument("source", type=click.Path())
@click.option("-o", "--output", required=True)
@click.option("--base", help=t("cli.help.base"))
@click.option("--id", "rulebook_id", help=t("cli.help.rulebook_id"))
def import_rules(source: str, output: str, base: str | None, rulebook_id: str | None) -> int:
    from knowledge.importer import import_rules as run_import
    from knowledge.loader import RulebookError, load_rulebook

    if not Path(source).exists():
        raise UserError("cli.no_file", path=source)
    out = Path(output)
    data, review = run_import(Path(source), out, Path(base) if base else None, rulebook_id)
    click.echo(t("cli.imported", n=len(data["units"]), path=out))
    if review:
        click.echo(t("cli.needs_review", codes="、".join(review)))
    try:
        load_rulebook(out)
    except RulebookError as exc:
        click.echo(t("cli.import_unusable", error=exc), err=True)
    return 0


@cli.command("check-rules", help=t("cli.help.check_rules"))
@click.argument("path")
def check_rules(path: str) -> int:
    from knowledge.loader import load_rulebook
    from knowledge.phrasings import load_phrasings

    rulebook = load_rulebook(Path(path))
    asked = sum(map(len, load_phrasings(rulebook).values()))
    click.echo(
        t(
            "cli.rules_ok",
            path=path,
            units=len(rulebook.units),
            tasks=len(rulebook.tasks()),
            asked=asked,
        )
    )
    return 0


@cli.command(help=t("cli.help.rulebook"))
@click.argument("use", required=False)
def rulebook(use: str | None) -> int:
    click.echo(_admin().rulebook(_cli_admin(), use or "").text)
    return 0


@cli.command(help=t("cli.help.unanswered"))
def unanswered() -> int:
    click.echo(_admin().unanswered().text)
    return 0


@cli.command(help=t("cli.help.teach"))
@click.argument("code")
@click.argument("question", nargs=-1, required=True)
def teach(code: str, question: tuple[str, ...]) -> int:
    click.echo(_admin().teach(_cli_admin(), f"{code} {' '.join(question)}").text)
    return 0


def _admin() -> Any:
    return _assistant().features.admin


def _cli_admin() -> Any:
    from bot.records.org import Person

    return Person(id=0, name="命令行", role="admin", unit_id=None)


# ---- running -------------------------------------------------------------------------------


@cli.command(help=t("cli.help.start"))
@click.option("--demo", is_flag=True, help=t("cli.help.demo"))
@click.pass_context
def start(ctx: click.Context, demo: bool = False) -> int:
    settings = _settings()
    if settings.channels:
        from handlers.runner import run as run_channels

        return run_channels(settings)
    click.echo(t("start.no_token"))
    return int(ctx.invoke(chat, demo=demo) or 0)


@cli.command(help=t("cli.help.run"))
@click.option("--channel", type=click.Choice(["telegram", "dingtalk"]), help=t("cli.help.channel"))
def run(channel: str | None = None) -> int:
    from handlers.runner import run as run_channels

    return run_channels(_settings(), channel)


@cli.command(help=t("cli.help.chat"))
@click.option("--invite", help=t("cli.help.invite_code"))
@click.option("--demo", is_flag=True, help=t("cli.help.demo"))
@click.option("--as", "as_id", type=int, help=t("cli.help.as_id"))
def chat(invite: str | None = None, demo: bool = False, as_id: int | None = None) -> int:
    from bot.console import ConsoleChat
    from bot.demo import seed_demo

    assistant = _assistant(demo=demo)
    console = ConsoleChat(assistant)
    if demo:
        ids = seed_demo(assistant.ws)
        console.print(t("console.demo", **ids))
        console.act_as(as_id or ids["officer"])
    elif as_id:
        console.act_as(as_id)
    elif not assistant.ws.org.people():
        console.print(t("console.no_people"))
    if invite:
        console.redeem(invite)
    console.run(sys.stdin, sys.stdin.isatty())
    return 0


@cli.command(help=t("cli.help.understand"))
@click.argument("message", nargs=-1)
@click.option("--role", type=ROLES, default="officer")
@click.option("--photo", is_flag=True, help=t("cli.help.photo"))
@click.option("--json", "as_json", is_flag=True)
@click.option("--batch", type=click.Path(dir_okay=False), help=t("cli.help.understand_batch"))
def understand(
    message: tuple[str, ...], role: str, photo: bool, as_json: bool, batch: str | None
) -> int:
    if not message and not batch:
        raise click.UsageError(t("cli.understand_usage"))
    assistant = _assistant()
    if batch:  # one message per line in, one JSON object per line out, same order
        for line in Path(batch).read_text(encoding="utf-8").splitlines():
            _print_json(assistant.understand(line, role, photo).as_json())
        return 0
    data = assistant.understand(" ".join(message), role, photo).as_json()
    if as_json:
        _print_json(data)
    else:
        for key, value in data.items():
            click.echo(f"{key}: {value}")
    return 0


# ---- units, people, records ---------------------------------------------------------------


@cli.command(help=t("cli.help.checklist"))
@click.option("--unit", "unit_name", required=True)
@click.option("--role", type=click.Choice(["officer", "street"]), required=True)
@click.option("--date", "day_text")
@click.option("--json", "as_json", is_flag=True)
def checklist(unit_name: str, role: str, day_text: str | None, as_json: bool) -> int:
    from bot.chat import views
    from bot.records.hazards import FIXED, OPEN
    from bot.schedule.wording import day_label

    ws = _assistant().ws
    day = _day(day_text) or ws.today()
    unit = ws.org.find_unit(unit_name)
    if unit.kind != {"officer": "community", "street": "street"}[role]:
        raise UserError("cli.role_unit_mismatch", unit=unit.name, role=role)
    items = ws.checklists.items(unit, day)
    hazards = ws.ledger.select([unit.id], (OPEN, FIXED))
    if as_json:
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
        _print_json(
            {
                "unit": unit.name,
                "role": role,
                "date": day.isoformat(),
                "tasks": rows,
                "hazards": [_hazard_json(h, day, ws.org) for h in hazards],
            }
        )
        return 0
    click.echo(f"{unit.name} · {day_label(day)}")
    for item in items:
        click.echo(("⚠ " if item.overdue(day) else "  ") + views.item_line(item, day))
    for h in hazards:
        click.echo("  " + views.hazard_line(h, day))
    return 0


def _hazard_json(h: Any, day: date, org: Any) -> dict[str, Any]:
    unit = org.unit(h.unit_id)
    return {
        "number": h.number,
        "community": unit.name if unit else "",
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


@cli.command(help=t("cli.help.hazards"))
@click.option("--unit", "unit_name")
@click.option("--json", "as_json", is_flag=True)
def hazards(unit_name: str | None, as_json: bool) -> int:
    from bot.chat import views

    ws = _assistant().ws
    day = ws.today()
    if unit_name:
        unit = ws.org.find_unit(unit_name)
        ids = [unit.id] + [c.id for c in ws.org.children(unit.id)]
    else:
        ids = [u.id for u in ws.org.units()]
    found = ws.ledger.select(ids)
    if as_json:
        _print_json([_hazard_json(h, day, ws.org) for h in found])
    else:
        for h in found:
            click.echo(views.hazard_line(h, day, ws.org))
    return 0


@cli.command(help=t("cli.help.units"))
@click.option("--json", "as_json", is_flag=True)
def units(as_json: bool) -> int:
    org = _assistant().ws.org
    found = org.units()
    if as_json:
        _print_json(
            [
                {
                    "id": u.id,
                    "name": u.name,
                    "kind": u.kind,
                    "parent_id": u.parent_id,
                    "sample": u.sample,
                }
                for u in found
            ]
        )
        return 0
    for street in [u for u in found if u.kind == "street"]:
        click.echo(street.name)
        for child in org.children(street.id):
            click.echo(f"  └ {child.name}")
    return 0


@cli.group(help=t("cli.help.unit"))
def unit() -> None:
    pass


@unit.command("add", help=t("cli.help.unit_add"))
@click.argument("name")
@click.option("--parent")
@click.option("--start-date", "start_text", help=t("cli.help.start_date"))
def unit_add(name: str, parent: str | None, start_text: str | None) -> int:
    start = _day(start_text)
    added = _assistant().ws.org.add_unit(name, parent, start_date=start)
    click.echo(t("cli.unit_added", name=added.name, kind=t(f"unit.kind.{added.kind}")))
    return 0


@unit.command("start", help=t("cli.help.unit_start"))
@click.argument("name")
@click.argument("start_text", metavar="DATE")
def unit_start(name: str, start_text: str) -> int:
    from bot.schedule.wording import md

    start = _day(start_text)
    org = _assistant().ws.org
    changed = org.set_start(org.find_unit(name), start)
    assert changed.counting_start is not None
    click.echo(
        t(
            "cli.unit_start",
            name=changed.name,
            day=f"{changed.counting_start.year}年{md(changed.counting_start)}",
        )
    )
    return 0


@cli.command(help=t("cli.help.notice"))
@click.argument("number")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def notice(number: str, output: str) -> int:
    from bot.office.notices import write_notice

    ws = _assistant().ws
    hazard = ws.ledger.find(_cli_admin(), number, ws.today())
    path = write_notice(ws, hazard, Path(output))
    click.echo(t("notice.written", path=path))
    return 0


@cli.command(help=t("cli.help.invite"))
@click.option("--role", type=ROLES, required=True)
@click.option("--unit", "unit_name")
@click.option("--name")
def invite(role: str, unit_name: str | None, name: str | None) -> int:
    org = _assistant().ws.org
    code = org.create_invite(role, unit_name, name)
    click.echo(t("cli.invite", role=t(f"role.{role}"), unit=unit_name or "", days=org.invite_days))
    click.echo(code)
    return 0


@cli.command(help=t("cli.help.revoke"))
@click.argument("code")
def revoke(code: str) -> int:
    click.echo(t("invite.revoked", code=_assistant().ws.access.revoke_invite(code)))
    return 0


@cli.group(help=t("cli.help.person"))
def person() -> None:
    pass


@person.command("list", help=t("cli.help.person_list"))
def person_list() -> int:
    org = _assistant().ws.org
    for p in org.people(active_only=False):
        unit = org.unit(p.unit_id)
        state = "" if p.active else t("person.state_inactive")
        line = t("person.line", id=p.id, name=p.name, role=t(f"role.{p.role}"),
                 unit=unit.name if unit else "", state=state)  # fmt: skip
        click.echo(line.rstrip())
    return 0


@person.command("deactivate", help=t("cli.help.person_deactivate"))
@click.argument("person_id", type=int)
def person_deactivate(person_id: int) -> int:
    target = _assistant().ws.access.deactivate(person_id)
    click.echo(t("person.deactivated", name=target.name, id=target.id))
    return 0


@person.command("unbind", help=t("cli.help.person_unbind"))
@click.argument("person_id", type=int)
def person_unbind(person_id: int) -> int:
    ws = _assistant().ws
    count = ws.access.unbind(person_id)
    found = ws.org.person(person_id)
    click.echo(t("person.unbound", name=found.name if found else "", id=person_id, n=count))
    return 0


# ---- office output ---------------------------------------------------------------------------


@cli.command(help=t("cli.help.report"))
@click.option("--unit", "unit_name", help=t("cli.help.report_unit"))
@click.option("--scope", type=click.Choice(["week", "month", "quarter", "year"]), default="month")
@click.option("--date", "day_text")
@click.option("--chart", help=t("cli.help.chart"))
def report(unit_name: str | None, scope: str, day_text: str | None, chart: str | None) -> int:
    from bot.office.charts import render_report_chart
    from bot.office.reports import build_report, report_text

    ws = _assistant().ws
    streets = [u for u in ws.org.units() if u.kind == "street"]
    street = ws.org.find_unit(unit_name) if unit_name else (streets[0] if streets else None)
    if street is None:
        raise UserError("report.which_street")
    day = _day(day_text) or ws.today()
    built = build_report(ws, ws.org.street_of(street), scope, day)
    click.echo(report_text(built))
    if chart:
        click.echo(render_report_chart(built, Path(chart)))
    return 0


@cli.command(help=t("cli.help.export"))
@click.option("--year", type=int, required=True)
@click.option("--unit", "unit_name", required=True)
@click.option("-o", "--output", required=True)
def export(year: int, unit_name: str, output: str) -> int:
    import time

    from bot.office.export import export_year

    ws = _assistant().ws
    found = ws.org.find_unit(unit_name)
    begin = time.perf_counter()
    result = export_year(ws, found, year, Path(output))
    click.echo(
        t(
            "export.done",
            unit=found.name,
            year=year,
            records=result.records,
            hazards=result.hazards,
            files=result.files,
            missing=result.missing,
        )
    )
    click.echo(result.workbook)
    click.echo(result.archive)
    click.echo(t("cli.took", seconds=f"{time.perf_counter() - begin:.1f}"))
    return 0


# ---- operations ------------------------------------------------------------------------------


@cli.command(help=t("cli.help.backup"))
@click.argument("file", type=click.Path(dir_okay=False))
def backup(file: str) -> int:
    from bot.records.store import Store

    settings = _settings()
    target = Path(file)
    if not settings.db_path.exists():
        raise UserError("cli.no_file", path=settings.db_path)
    if target.resolve() == settings.db_path.resolve():
        raise UserError("cli.backup_same", path=file)
    store = Store(settings.db_path)
    try:
        store.backup(target)
    except (OSError, sqlite3.Error) as error:  # the target, not the data folder
        raise UserError("cli.backup_failed", path=target, why=type(error).__name__) from error
    finally:
        store.close()
    click.echo(t("cli.backup_done", path=target, size=target.stat().st_size // 1024))
    return 0


# ---- the one place errors become a line and an exit code -----------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    from bot.settings import SettingsError
    from knowledge.loader import RulebookError

    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        code = cli.main(args=args, prog_name="gridsafe", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return int(error.exit_code)
    except UserError as error:
        click.echo(error.text, err=True)
        return 2
    except (SettingsError, RulebookError) as error:
        click.echo(str(error), err=True)
        return 2
    except (KeyboardInterrupt, click.Abort):
        return 130
    except Exception as error:  # the database or its folder: one line, never a traceback
        from bot.records.store import storage_problem  # not on the way of `gridsafe ask`

        problem = storage_problem(error)
        if problem is None:
            raise
        click.echo(problem, err=True)
        return 2
    return code if isinstance(code, int) else 0
