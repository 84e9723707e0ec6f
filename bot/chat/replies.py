"""Messages in and replies out: plain data that every channel (console, Telegram, DingTalk)
builds from its updates and renders back. Nothing here knows a chat framework.

Invariant: no reply, button label or caption carries right-to-left or zero-width control
characters (they can make a quoted description read as something else); they are taken
out here, for display only; the records keep what the person wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.records.evidence import EvidenceFile

# bidirectional embeddings, overrides and isolates, marks, zero-width spaces and joiners,
# word joiners and invisible operators, the BOM, the Mongolian vowel separator
_HIDDEN = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def shown(text: str) -> str:
    """``text`` as it may be displayed: without direction and zero-width controls."""
    return _HIDDEN.sub("", text)


def split_lines(text: str, size: int) -> list[str]:
    """Text cut into parts of at most ``size`` characters, at line ends where it can be (a
    line longer than ``size`` is cut inside): one chat message each, on any channel."""
    out, current = [], ""
    for line in text.split("\n"):
        while len(line) > size:
            out.append(line[:size])
            line = line[size:]
        if current and len(current) + len(line) + 1 > size:
            out.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        out.append(current)
    return out or [""]


@dataclass(frozen=True)
class Button:
    """A choice. ``data`` is what comes back when it is chosen (short: Telegram allows 64
    bytes of callback data)."""

    label: str
    data: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", shown(self.label))


@dataclass(frozen=True)
class Attachment:
    path: str
    kind: str = "document"  # document | photo
    caption: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "caption", shown(self.caption))


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", shown(self.text))


@dataclass(frozen=True)
class Notice:
    person_id: int
    reply: Reply


@dataclass(frozen=True)
class Incoming:
    """A message from a person, as a channel hands it to the core."""

    channel: str
    user_id: str
    chat_id: str
    message_id: str | None = None
    text: str = ""
    photos: tuple[EvidenceFile, ...] = ()
    display_name: str = ""
    is_group: bool = False
    location: tuple[float, float] | None = None  # (latitude, longitude) of a shared place
    # files sent with the message that were not taken, each with why (records.evidence:
    # failed, too_big, type): the words are handled, the person is asked to send them again
    lost_files: tuple[str, ...] = ()

    @property
    def source(self) -> str | None:
        """The message's identity across redeliveries: the same message is stored once."""
        if self.message_id is None:
            return None
        return f"{self.channel}:{self.chat_id}:{self.message_id}"

    def again(self, pending_id: int) -> Incoming:
        """The same message asked about once more (a new choice of task): its own source."""
        source = f"{self.source or self.chat_id}:again:{pending_id}"
        return Incoming(self.channel, self.user_id, self.chat_id, source, self.text, self.photos)

    def with_photos(self, files: list[EvidenceFile], source: str | None) -> Incoming:
        """Photos sent earlier, taken up now as a message of their own."""
        return Incoming(self.channel, self.user_id, self.chat_id, source, "", tuple(files))
