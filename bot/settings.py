"""Settings: one frozen dataclass, from a YAML config file with environment overrides.

Secrets (the Telegram token, the webhook secret, the DingTalk client secret) come only from
the environment, never from the config file; a webhook secret that is not set is generated
once and kept in the data folder (:func:`webhook_secret`), so a webhook never runs without one.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from knowledge.loader import DEFAULT_RULEBOOK

TIMEZONE = ZoneInfo("Asia/Shanghai")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    db_path: Path = Path("data/gridsafe.db")
    rulebook_path: Path = DEFAULT_RULEBOOK
    push_time: time = time(8, 30)
    push_all_days: bool = False
    extra_holidays: tuple[date, ...] = ()
    extra_workdays: tuple[date, ...] = ()
    hazard_days: dict[str, int] = field(default_factory=lambda: {"一般": 7, "重大": 30})
    reporter_closes_general: bool = False
    overdue_days: int = 31
    organisation: dict[str, list[str]] = field(default_factory=dict)
    # unit name -> the day its figures count from (a unit that brings earlier records)
    start_dates: dict[str, date] = field(default_factory=dict)
    telegram_token: str | None = field(default=None, repr=False)  # a secret
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    telegram_proxy: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)  # a secret
    max_file_mb: float = 10.0  # the largest photo or file downloaded from a chat
    invite_days: int = 7  # an invite code not used within this many days expires
    send_rate: float = 25.0  # messages per second, all chats together
    dingtalk_client_id: str | None = None  # AppKey of the internal enterprise app
    dingtalk_client_secret: str | None = field(default=None, repr=False)  # a secret
    dingtalk_robot_code: str | None = None  # defaults to the client id
    dingtalk_api_url: str = "https://api.dingtalk.com"
    dingtalk_oapi_url: str = "https://oapi.dingtalk.com"  # media upload (sending files)
    dingtalk_send_rate: float = 20.0  # proactive 1:1 messages per second
    dingtalk_card_template: str | None = None  # card template id: choices as card buttons
    push_tick_seconds: float = 60.0  # how often the push job looks for due pushes
    max_message_chars: int = 2000
    prompt_minutes: int = 30  # how long a question waits for its answer
    photo_wait_hours: int = 24  # how long "请补发整改后的照片" waits for the photo
    undo_minutes: int = 10  # how long /undo can take back one's own last entry
    duplicate_days: int = 7  # a similar hazard of the same unit this recent: ask first
    timezone: ZoneInfo = TIMEZONE

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def taught_dir(self) -> Path:
        """Questions the office taught the search (``gridsafe teach``), per rulebook."""
        return self.data_dir / "phrasings"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def bot_enabled(self) -> bool:
        return bool(self.telegram_token)

    @property
    def dingtalk_enabled(self) -> bool:
        return bool(self.dingtalk_client_id and self.dingtalk_client_secret)

    @property
    def channels(self) -> tuple[str, ...]:
        """The chat channels whose credentials are set."""
        return tuple(
            name
            for name, on in (("telegram", self.bot_enabled), ("dingtalk", self.dingtalk_enabled))
            if on
        )


def _parse_time(value: Any, name: str) -> time:
    match = _HHMM.match(str(value).strip())
    if not match:
        raise SettingsError(f"{name} 应为 HH:MM（如 08:30），实际为 {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def _parse_dates(values: Any, name: str) -> tuple[date, ...]:
    try:
        return tuple(
            v if isinstance(v, date) else date.fromisoformat(str(v)) for v in values or ()
        )
    except ValueError as exc:
        raise SettingsError(f"{name} 中的日期应为 YYYY-MM-DD：{exc}") from None


def _start_dates(values: Any) -> dict[str, date]:
    if not values:
        return {}
    if not isinstance(values, dict):
        raise SettingsError("start_dates 应为“单位名: YYYY-MM-DD”的映射")
    names = list(values)
    return dict(zip(map(str, names), _parse_dates(values.values(), "start_dates"), strict=True))


def _flag(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    return value.strip().lower() in ("1", "true", "yes", "on")


def _positive(value: Any, default: float, name: str) -> float:
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise SettingsError(f"{name} 应为正数，实际为 {value!r}")
    return number


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Settings from ``GRIDSAFE_CONFIG`` (YAML, optional) overridden by the environment."""
    env = dict(os.environ if env is None else env)
    config: dict[str, Any] = {}
    config_path = env.get("GRIDSAFE_CONFIG")
    if config_path:
        try:
            config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise SettingsError(f"无法读取配置文件 {config_path}：{exc}") from None
        if not isinstance(config, dict):
            raise SettingsError(f"配置文件 {config_path} 应为 YAML 映射")
    data_dir = Path(env.get("GRIDSAFE_DATA") or config.get("data_dir") or "data")
    db_path = Path(env.get("GRIDSAFE_DB") or config.get("db_path") or data_dir / "gridsafe.db")
    push_all = _flag(env.get("GRIDSAFE_PUSH_ALL_DAYS"))
    hazard_days = {"一般": 7, "重大": 30, **(config.get("hazard_days") or {})}
    telegram = config.get("telegram") or {}
    dingtalk = config.get("dingtalk") or {}
    return Settings(
        data_dir=data_dir,
        db_path=db_path,
        rulebook_path=Path(
            env.get("GRIDSAFE_RULEBOOK") or config.get("rulebook") or DEFAULT_RULEBOOK
        ),
        push_time=_parse_time(
            env.get("GRIDSAFE_PUSH_TIME") or config.get("push_time") or "08:30", "推送时间"
        ),
        push_all_days=push_all if push_all is not None else bool(config.get("push_all_days")),
        extra_holidays=_parse_dates(config.get("holidays"), "holidays"),
        extra_workdays=_parse_dates(config.get("workdays"), "workdays"),
        hazard_days={str(k): int(v) for k, v in hazard_days.items()},
        reporter_closes_general=bool(config.get("reporter_closes_general", False)),
        overdue_days=int(config.get("overdue_days", 31)),
        organisation={
            str(k): [str(c) for c in v or []]
            for k, v in (config.get("organisation") or {}).items()
        },
        start_dates=_start_dates(config.get("start_dates")),
        telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
        telegram_api_url=env.get("TELEGRAM_API_URL")
        or telegram.get("api_url")
        or "https://api.telegram.org/bot",
        telegram_file_url=env.get("TELEGRAM_FILE_URL")
        or telegram.get("file_url")
        or "https://api.telegram.org/file/bot",
        telegram_proxy=env.get("TELEGRAM_PROXY") or telegram.get("proxy") or None,
        webhook_url=env.get("GRIDSAFE_WEBHOOK_URL") or telegram.get("webhook_url") or None,
        webhook_listen=env.get("GRIDSAFE_WEBHOOK_LISTEN")
        or telegram.get("webhook_listen")
        or "127.0.0.1",
        webhook_port=int(env.get("GRIDSAFE_WEBHOOK_PORT") or telegram.get("webhook_port") or 8443),
        webhook_secret=env.get("GRIDSAFE_WEBHOOK_SECRET") or None,
        max_file_mb=_positive(
            env.get("GRIDSAFE_MAX_FILE_MB") or config.get("max_file_mb"),
            10,
            "GRIDSAFE_MAX_FILE_MB",
        ),
        invite_days=int(
            _positive(
                env.get("GRIDSAFE_INVITE_DAYS") or config.get("invite_days"),
                7,
                "GRIDSAFE_INVITE_DAYS",
            )
        ),
        send_rate=float(env.get("GRIDSAFE_SEND_RATE") or telegram.get("send_rate") or 25),
        prompt_minutes=int(config.get("prompt_minutes", 30)),
        dingtalk_client_id=env.get("DINGTALK_CLIENT_ID") or None,
        dingtalk_client_secret=env.get("DINGTALK_CLIENT_SECRET") or None,
        dingtalk_robot_code=env.get("DINGTALK_ROBOT_CODE")
        or env.get("DINGTALK_CLIENT_ID")
        or None,
        dingtalk_api_url=(
            env.get("DINGTALK_API_URL") or dingtalk.get("api_url") or "https://api.dingtalk.com"
        ).rstrip("/"),
        dingtalk_oapi_url=(
            env.get("DINGTALK_OAPI_URL") or dingtalk.get("oapi_url") or "https://oapi.dingtalk.com"
        ).rstrip("/"),
        dingtalk_send_rate=float(env.get("DINGTALK_SEND_RATE") or dingtalk.get("send_rate") or 20),
        dingtalk_card_template=env.get("DINGTALK_CARD_TEMPLATE")
        or dingtalk.get("card_template")
        or None,
        push_tick_seconds=float(env.get("GRIDSAFE_PUSH_TICK") or config.get("push_tick") or 60),
    )


WEBHOOK_SECRET_FILE = "webhook_secret"
_SECRET_CHARS = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram sends with every webhook update: ``GRIDSAFE_WEBHOOK_SECRET``, or
    one generated at the first start and kept (owner-only) in the data folder."""
    if settings.webhook_secret:
        if not _SECRET_CHARS.match(settings.webhook_secret):
            raise SettingsError("GRIDSAFE_WEBHOOK_SECRET 只能含字母、数字、_ 和 -（1–256 个）")
        return settings.webhook_secret
    path = settings.data_dir / WEBHOOK_SECRET_FILE
    if path.exists():
        kept = path.read_text(encoding="ascii").strip()
        if _SECRET_CHARS.match(kept):
            return kept
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as fh:
        fh.write(secret + "\n")
    return secret
