"""An error the user caused and can fix; its message is a texts.yaml key."""

from __future__ import annotations

from typing import Any

from bot.texts import t


class UserError(Exception):
    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    @property
    def text(self) -> str:
        return t(self.key, **self.values)
