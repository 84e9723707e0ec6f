"""All user-facing Chinese text lives in texts.yaml; code refers to it by key."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEXTS_FILE = Path(__file__).with_name("texts.yaml")


@cache
def _texts() -> dict[str, str]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: faster start
    data = yaml.load(TEXTS_FILE.read_text(encoding="utf-8"), Loader=loader)
    return {str(k): str(v).rstrip("\n") for k, v in data.items()}


def t(key: str, **values: Any) -> str:
    """The text for ``key`` with ``{placeholders}`` filled in."""
    template = _texts()[key]
    return template.format(**values) if values else template


def keys() -> set[str]:
    return set(_texts())
