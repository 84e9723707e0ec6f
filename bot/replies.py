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
    # Set on replies that confirm a stored record; the channel may not say "已记录"
    # for anything that is not in the database.
    recorded: bool = False
    meta: dict[str, object] = field(default_factory=dict, compare=False)

    def with_buttons(self, *rows: tuple[Button, ...]) -> Reply:
        return Reply(self.text, tuple(rows), self.files, self.recorded, self.meta)
