"""The chat commands, in one table: name, who may use it, what it does, its help line.
The table drives /help, the Telegram menu, the reader (commands whose words are read as an
intent) and the dispatcher (commands that act at once, after the role check).

A command either names an ``intent`` (its arguments are read like a message of that
intent: /done 4.2.3 昨天) or has a ``run`` handler taking the chat features, the person,
the message and the arguments. Help texts are ``cmd.<name>.help`` in texts.yaml.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.chat.intents import Intent
from bot.chat.replies import Incoming, Reply
from bot.records.org import Person
from bot.texts import t

# (features, person, message, arguments) -> replies; features is bot.chat.features.Features
Handler = Callable[[Any, Person, Incoming, str], list[Reply]]

GUEST = "guest"
ALL = (GUEST, "officer", "street", "admin")
MEMBERS = ("officer", "street", "admin")
REPORTERS = ("officer", "street")
OFFICE = ("street", "admin")
ADMIN = ("admin",)


@dataclass(frozen=True)
class Command:
    name: str
    roles: tuple[str, ...]  # who may use it and sees it in /help; "guest" = not registered
    # what its words mean (read by the reader); with ``run`` as well, it still acts at once
    intent: Intent | None = None
    run: Handler | None = None
    menu: bool = True  # offered in a channel's command menu
    aliases: tuple[str, ...] = ()
    denied: str = "cmd.denied"  # what someone of another role is told
    # who sees it in /help when that differs from who may send it (/verify: an officer's
    # attempt is answered by the ledger, which names the hazard and who must verify it)
    listed_for: tuple[str, ...] | None = None

    @property
    def listed(self) -> tuple[str, ...]:
        return self.listed_for or self.roles

    @property
    def help(self) -> str:
        return t(f"cmd.{self.name}.help")

    def refusal(self, role: str) -> str | None:
        """None when ``role`` may use the command, else what to say."""
        if role in self.roles:
            return None
        if self.roles == ADMIN:
            return t("org.admin_only")
        if role == GUEST:
            return t("guest.need_invite")
        return t(self.denied)


def _verify(f: Any, p: Person, m: Incoming, a: str) -> list[Reply]:
    return [f.hazards.verify_cmd(p, m, a)] if a.strip() else [f.todo.hazards(p)]


COMMANDS: tuple[Command, ...] = (
    Command("start", ALL, Intent.START),
    Command("help", ALL, Intent.HELP),
    Command("ask", ALL, Intent.QUESTION),
    Command("item", ALL, Intent.QUESTION),
    Command("todo", MEMBERS, Intent.CHECKLIST),
    Command("done", REPORTERS, Intent.DONE),
    Command("undo", REPORTERS, Intent.UNDO, run=lambda f, p, m, a: [f.tasks.undo(p)]),
    Command("hazard", REPORTERS, Intent.HAZARD),
    Command("fixed", REPORTERS, Intent.FIX, aliases=("fix",)),
    Command("hazards", MEMBERS, run=lambda f, p, m, a: [f.todo.hazards(p)]),
    Command("verify", MEMBERS, Intent.VERIFY, run=_verify, listed_for=OFFICE),
    Command(
        "reject",
        MEMBERS,
        Intent.REJECT,
        run=lambda f, p, m, a: [f.hazards.reject_cmd(p, m, a)],
        listed_for=OFFICE,
    ),
    Command(
        "void",
        REPORTERS + ADMIN,
        Intent.VOID,
        run=lambda f, p, m, a: [f.hazards.void_cmd(p, m, a)],
    ),
    Command(
        "extend",
        MEMBERS,
        Intent.EXTEND,
        run=lambda f, p, m, a: [f.hazards.extend_cmd(p, m, a)],
        aliases=("delay",),
    ),
    Command(
        "report", OFFICE, run=lambda f, p, m, a: f.office.report(p, a), denied="report.street_only"
    ),
    Command(
        "export", OFFICE, run=lambda f, p, m, a: f.office.export(p, a), denied="report.street_only"
    ),
    Command(
        "notice",
        ("street",),
        run=lambda f, p, m, a: f.office.notice(p, a),
        denied="notice.street_only",
    ),
    Command("settings", MEMBERS, run=lambda f, p, m, a: [f.admin.settings(p, a)]),
    Command("units", ADMIN, run=lambda f, p, m, a: [f.admin.units()], menu=False),
    Command("unit", ADMIN, run=lambda f, p, m, a: [f.admin.unit(p, a)], menu=False),
    Command("invite", ADMIN, run=lambda f, p, m, a: [f.admin.invite(p, a)], menu=False),
    Command("revoke", ADMIN, run=lambda f, p, m, a: [f.admin.revoke(p, a)], menu=False),
    Command("deactivate", OFFICE, run=lambda f, p, m, a: [f.admin.deactivate(p, a)], menu=False),
    Command("rulebook", ADMIN, run=lambda f, p, m, a: [f.admin.rulebook(p, a)], menu=False),
    Command("unanswered", ADMIN, run=lambda f, p, m, a: [f.admin.unanswered()], menu=False),
    Command("teach", ADMIN, run=lambda f, p, m, a: [f.admin.teach(p, a)], menu=False),
)
BY_NAME = {name: c for c in COMMANDS for name in (c.name, *c.aliases)}
# the commands whose arguments the reader reads as a message of an intent
COMMAND_INTENTS = {name: c.intent for name, c in BY_NAME.items() if c.intent is not None}


def for_role(role: str) -> list[Command]:
    """The commands listed in /help for a role."""
    return [c for c in COMMANDS if role in c.listed]


def unknown_reply(name: str, role: str) -> Reply:
    """A command not known, with the likeliest one meant (/hazrd → /hazard) when close."""
    names = [c.name for c in for_role(role)]
    like = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if like:
        return Reply(t("msg.unknown_command_like", name=name, like=like[0]))
    return Reply(t("msg.unknown_command", name=name))


def help_reply(person: Person) -> Reply:
    role = person.role if person.id else GUEST
    lines = [t(f"help.head.{role}")]
    lines += [c.help for c in for_role(role)]
    lines.append(t(f"help.tail.{role}"))
    return Reply("\n".join(lines), public=True)
