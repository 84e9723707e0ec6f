"""Settings that point GridSafe at a Bot API stand-in (tests and benchmarks)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.settings import Settings
from tests.botapi import BotAPIStandin


def standin_settings(api: BotAPIStandin, data_dir: Path, **overrides: Any) -> Settings:
    settings = Settings(
        data_dir=data_dir,
        db_path=data_dir / "gridsafe.db",
        telegram_token=api.token,
        telegram_api_url=api.base_url,
        telegram_file_url=api.base_file_url,
    )
    return replace(settings, **overrides)
