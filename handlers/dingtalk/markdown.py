"""Replies (plain data from the core) rendered for DingTalk: markdown, with each choice a
numbered link that sends its number back when tapped (``dtmd://dingtalkclient/sendMessage``).

Invariants: a choice's number is its place among all the choices of the replies sent
together (so a typed number and a tapped link mean the same choice); a reply's own text
is shown as text (markdown characters escaped), with item codes in bold; no message is
longer than DingTalk's limit (long text is split at line ends, choices go with the last
part).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from bot.chat.replies import Button, Reply, split_lines
from bot.texts import t

MAX_CHARS = 3500  # DingTalk markdown messages take about 5,000 characters; stay well below
TITLE_CHARS = 20
_CODE = re.compile(r"(【[0-9.]+】)")
_SPECIAL = re.compile(r"([\\`*_\[\]#>|])")


@dataclass(frozen=True)
class Markdown:
    title: str  # shown in the notification and the chat list
    text: str

    def webhook_body(self) -> dict[str, object]:
        return {"msgtype": "markdown", "markdown": {"title": self.title, "text": self.text}}

    def batch_param(self) -> dict[str, str]:
        return {"title": self.title, "text": self.text}


def escape(text: str) -> str:
    """Text as itself in DingTalk markdown: special characters escaped, codes in bold,
    every line its own line (a single newline would be joined)."""
    lines = []
    for line in text.split("\n"):
        line = _SPECIAL.sub(r"\\\1", line)
        line = _CODE.sub(r"**\1**", line)
        if re.match(r"^\s*(\d+)\.\s", line):  # "1. " would become a list and renumber
            line = re.sub(r"^(\s*\d+)\.", r"\1\\.", line)
        lines.append(line)
    return "  \n".join(lines)


def choice_link(number: int, button: Button) -> str:
    url = "dtmd://dingtalkclient/sendMessage?content=" + quote(str(number))
    label = _SPECIAL.sub(r"\\\1", button.label)
    return f"[{number}. {label}]({url})"


def title_of(text: str) -> str:
    first = next((line.strip() for line in text.split("\n") if line.strip()), "网格安全助手")
    return first[:TITLE_CHARS]


def render(reply: Reply, first_number: int = 1) -> tuple[list[Markdown], list[Button]]:
    """The messages for one reply, and its choices in the order of their numbers."""
    choices = [button for row in reply.buttons for button in row]
    parts = split_lines(reply.text, MAX_CHARS)
    messages = []
    for i, part in enumerate(parts):
        text = escape(part)
        if i == len(parts) - 1 and choices:
            links = [choice_link(first_number + n, b) for n, b in enumerate(choices)]
            text += "\n\n" + "  \n".join(links) + "\n\n" + t("dt.choose_hint")
        messages.append(Markdown(title_of(part), text))
    return messages, choices


def choices_of(replies: list[Reply]) -> list[Button]:
    return [button for reply in replies for row in reply.buttons for button in row]


def render_all(replies: list[Reply], first: int = 1) -> tuple[list[Markdown], list[Button]]:
    """Replies sent together: their messages, and all their choices numbered from
    ``first``."""
    messages: list[Markdown] = []
    choices: list[Button] = []
    for reply in replies:
        more, shown = render(reply, first + len(choices))
        messages += more
        choices += shown
    return messages, choices
