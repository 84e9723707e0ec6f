"""What the assistant says: plain data that any channel (console, Telegram) renders."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    """A choice. ``data`` is what comes back when it is chosen (short: Telegram allows 64
    bytes of callback data)."""

    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    path: str
    kind: str = "document"  # document | photo
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    files: tuple[Attachment, ...] = ()
    # Set on replies that confirm a stored record: the record is in the database.
    recorded: bool = False
    # Messages for other people caused by this one (a new hazard for the street office).
    notices: tuple[Notice, ...] = ()
    # Holds nothing but rulebook text and help: may be shown in a group chat. Everything
    # else (records, checklists, hazards) goes to the person privately.
    public: bool = False
    meta: dict[str, object] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Notice:
    person_id: int
    reply: Reply
