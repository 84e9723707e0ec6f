"""Choices as an interactive DingTalk card (used when ``DINGTALK_CARD_TEMPLATE`` is set):
a reply → the card's variables, and a button press from the stream → the choice.

The card template (made on DingTalk's card platform) has these string variables:
``title``, ``text`` (the reply, markdown), ``hint`` and ``choices``: a JSON list of
``{"number": "1", "label": "确认登记", "choice": "<button data>"}``, one button per item,
whose callback (STREAM) sends ``{"choice": "<button data>"}`` as its params.

Invariants: a button carries the core's own button data (what a Telegram press carries),
so a press on an older card still means that card's choice, whatever was shown since; the
number beside each label is the one a typed number picks (the same numbering as the
markdown links); a callback that names no choice, or no person, is no press.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.chat.replies import Button, Reply
from bot.texts import t
from handlers.dingtalk.markdown import MAX_CHARS, escape, title_of

CALLBACK_TOPIC = "/v1.0/card/instances/callback"  # dingtalk_stream.card_callback


def card_params(reply: Reply, first_number: int) -> tuple[dict[str, str], list[Button]]:
    """The card's variables (all strings, as cardParamMap wants) and its choices."""
    choices = [button for row in reply.buttons for button in row]
    items = [
        {"number": str(first_number + n), "label": b.label, "choice": b.data}
        for n, b in enumerate(choices)
    ]
    params = {
        "title": title_of(reply.text),
        "text": escape(reply.text[:MAX_CHARS]),
        "hint": t("dt.card_hint"),
        "choices": json.dumps(items, ensure_ascii=False),
    }
    return params, choices


@dataclass(frozen=True)
class Pressed:
    """A card button press: who pressed (staff id) and the choice's button data."""

    staff_id: str
    choice: str
    card: str  # outTrackId
    in_group: bool


def _json(value: Any) -> dict[str, Any]:
    """card_callback.py: ``content`` and ``extension`` come as JSON strings."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    return value if isinstance(value, dict) else {}


def parse_callback(data: dict[str, Any]) -> Pressed | None:
    content = _json(data.get("content"))
    private = content.get("cardPrivateData")
    private = private if isinstance(private, dict) else {}
    params = private.get("params")
    choice = params.get("choice") if isinstance(params, dict) else None
    staff = data.get("userId")
    if not isinstance(choice, str) or not choice or not isinstance(staff, str) or not staff:
        return None
    return Pressed(
        staff_id=staff,
        choice=choice,
        card=str(data.get("outTrackId") or ""),
        in_group=str(data.get("spaceType") or "") == "IM_GROUP",
    )
