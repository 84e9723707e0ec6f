"""The chat commands, in one place: /help lists them and the Telegram menu is built from them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    roles: tuple[str, ...]  # who sees it in /help; "guest" = not yet registered
    menu: bool = True  # offered in Telegram's command menu


ALL = ("guest", "officer", "street", "admin")
MEMBERS = ("officer", "street", "admin")

COMMANDS: tuple[Command, ...] = (
    Command("start", ALL),
    Command("help", ALL),
    Command("ask", ALL),
    Command("item", ALL),
    Command("todo", MEMBERS),
    Command("done", ("officer", "street")),
    Command("undo", ("officer", "street")),
    Command("hazard", ("officer", "street")),
    Command("fixed", ("officer", "street")),
    Command("hazards", MEMBERS),
    Command("verify", ("street", "admin")),
    Command("reject", ("street", "admin")),
    Command("report", ("street", "admin")),
    Command("export", ("street", "admin")),
    Command("settings", MEMBERS),
    Command("units", ("admin",), menu=False),
    Command("unit", ("admin",), menu=False),
    Command("invite", ("admin",), menu=False),
    Command("rulebook", ("admin",), menu=False),
    Command("unanswered", ("admin",), menu=False),
    Command("teach", ("admin",), menu=False),
)


def for_role(role: str) -> list[Command]:
    return [c for c in COMMANDS if role in c.roles]
