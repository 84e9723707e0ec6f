"""Which rulebook is in force. Rulebooks are data (YAML files); the active one is recorded in
the database, so next year's rules can be switched on without losing last year's records
(every record keeps the rulebook and code it was made under)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.settings import Settings
from knowledge.loader import RULES_DIR, load_rulebook

ACTIVE_KEY = "active_rulebook"


def rulebook_dirs(settings: Settings) -> list[Path]:
    return [RULES_DIR, settings.data_dir / "rules"]


def available(settings: Settings) -> dict[str, Path]:
    """Rulebook id (file stem) → file, from the package and the data folder."""
    found: dict[str, Path] = {}
    for folder in rulebook_dirs(settings):
        for path in sorted(folder.glob("*.yaml")):
            found[path.stem] = path
    return found


def resolve(settings: Settings, name: str) -> Path | None:
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return path
    return available(settings).get(name)


def active_path(settings: Settings) -> Path:
    """The rulebook file in force: the one switched on in the database, else the setting.
    Reads the database with plain sqlite3 so that `gridsafe ask` stays fast."""
    if settings.db_path.exists():
        try:
            with sqlite3.connect(f"file:{settings.db_path}?mode=ro", uri=True) as conn:
                row = conn.execute("SELECT value FROM meta WHERE key = ?", [ACTIVE_KEY]).fetchone()
        except sqlite3.Error:
            row = None
        if row and Path(row[0]).is_file():
            return Path(row[0])
    return settings.rulebook_path


def check(path: Path) -> int:
    """Raises RulebookError when the file is not a valid rulebook; returns its units."""
    return len(load_rulebook(path).units)
