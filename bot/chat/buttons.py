"""Button data: the one codec for what a button carries (views write it, the assistant
reads it). Telegram allows 64 bytes of callback data, so the forms are short:

    p:<pending id>:<choice>   answer to a pending prompt (ok, other, no, an index …)
    d:<task id>|<period>      mark a checklist item done
    z:<task id>|<period>      remind me tomorrow
    v:<hazard id>             verify a fix          r:<hazard id>   send a fix back
    i:<code>                  show a rulebook item
    x:<request id>:y|n        grant or refuse more time for a hazard

``decode`` returns None for anything else (forged or stale data), never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.chat.replies import Button


@dataclass(frozen=True)
class Choice:
    pending_id: int
    choice: str


@dataclass(frozen=True)
class MarkDone:
    task_id: str
    period: str


@dataclass(frozen=True)
class Snooze:
    task_id: str
    period: str


@dataclass(frozen=True)
class Verify:
    hazard_id: int


@dataclass(frozen=True)
class Reject:
    hazard_id: int


@dataclass(frozen=True)
class ShowItem:
    code: str


@dataclass(frozen=True)
class Decide:
    request_id: int
    grant: bool


Pressed = Choice | MarkDone | Snooze | Verify | Reject | ShowItem | Decide
_ID = re.compile(r"^\d{1,12}$")


def encode(pressed: Pressed) -> str:
    match pressed:
        case Choice(pending_id, choice):
            return f"p:{pending_id}:{choice}"
        case MarkDone(task_id, period):
            return f"d:{task_id}|{period}"
        case Snooze(task_id, period):
            return f"z:{task_id}|{period}"
        case Verify(hazard_id):
            return f"v:{hazard_id}"
        case Reject(hazard_id):
            return f"r:{hazard_id}"
        case ShowItem(code):
            return f"i:{code}"
        case Decide(request_id, grant):
            return f"x:{request_id}:{'y' if grant else 'n'}"
    raise TypeError(pressed)


def decode(data: str) -> Pressed | None:
    kind, _, rest = (data or "").partition(":")
    if kind == "p":
        pending_id, _, choice = rest.partition(":")
        return Choice(int(pending_id), choice) if _ID.match(pending_id) and choice else None
    if kind in ("d", "z"):
        task_id, sep, period = rest.partition("|")
        if not (sep and task_id and period):
            return None
        return MarkDone(task_id, period) if kind == "d" else Snooze(task_id, period)
    if kind in ("v", "r"):
        if not _ID.match(rest):
            return None
        return Verify(int(rest)) if kind == "v" else Reject(int(rest))
    if kind == "i" and rest:
        return ShowItem(rest)
    if kind == "x":
        request_id, _, answer = rest.partition(":")
        if _ID.match(request_id) and answer in ("y", "n"):
            return Decide(int(request_id), answer == "y")
    return None


def button(label: str, pressed: Pressed) -> Button:
    return Button(label, encode(pressed))


def choice(label: str, pending_id: int, value: str | int) -> Button:
    return button(label, Choice(pending_id, str(value)))
