"""Configuration: one pydantic-settings class.

Each setting is taken from, in this order: the command line (``--db``,
``--lang``), the environment (``PLEDGETRACK_DATABASE_URL``, …), the config file
(``config.toml`` in the user's config directory, see :func:`config_path`), the
defaults.
"""

from __future__ import annotations

import locale
import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, SecretStr, ValidationError, create_model
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

#: The shipped sample database, when running from a source checkout.
SOURCE_DATABASE = Path(__file__).resolve().parents[2] / "data" / "pledges.sqlite"
#: The environment variable naming another config file.
CONFIG_ENV = "PLEDGETRACK_CONFIG"


def sqlite_url(path: Path | str) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path)}"


#: A language setting: zh or en, or a locale name of either (zh_CN, zh_CN.UTF-8, en-US).
_LANG = re.compile(r"(zh|en)([_-][A-Za-z0-9]+)?(\.[A-Za-z0-9_-]+)?(@\w+)?", re.IGNORECASE)


def checked_lang(value: str) -> str:
    """*value* if it names Chinese or English (``zh``, ``en``, ``zh_CN.UTF-8``, …)."""
    if not _LANG.fullmatch(value.strip()):
        raise ValueError("must be zh or en (or a locale such as zh_CN.UTF-8 or en_US)")
    return value.strip()


#: The type of the lang setting: checked in the environment and in the config file alike.
LangSetting = Annotated[str, AfterValidator(checked_lang)]


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the key."""


def config_path() -> Path:
    """The config file: $PLEDGETRACK_CONFIG, else ``pledgetrack/config.toml`` in the user's
    config directory ($XDG_CONFIG_HOME or ~/.config; on Windows and macOS the
    platform's application directory)."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "pledgetrack" / "config.toml"
    if os.name == "posix" and sys.platform != "darwin":
        return Path.home() / ".config" / "pledgetrack" / "config.toml"
    import typer

    return Path(typer.get_app_dir("pledgetrack")) / "config.toml"


class ConfigFileSource(TomlConfigSettingsSource):
    """The TOML config file, checked whole: a syntax error, an unknown key or a bad
    value is a :class:`ConfigError` naming the file and the key."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        if os.environ.get(CONFIG_ENV) and not path.is_file():
            raise ConfigError(f"config file {path} (from {CONFIG_ENV}) does not exist")
        self.path = path
        super().__init__(settings_cls, toml_file=path)

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        try:
            data = super()._read_file(file_path)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {file_path}: not valid TOML: {exc}") from exc
        except OSError as exc:
            raise ConfigError(f"config file {file_path}: {exc.strerror or exc}") from exc
        return _checked(Path(file_path), data)


def reason(error: Any) -> str:
    """A pydantic error's message, without the ``Value error, `` of a custom check."""
    return str(error["msg"]).removeprefix("Value error, ")


def _checked(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The file's settings validated on their own, so an error names this file's key."""
    fields = Settings.model_fields
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown key {unknown[0]!r} (known keys: {', '.join(fields)})"
        )
    model = create_model(  # type: ignore[call-overload]
        "ConfigFile", **{name: (f.annotation, f) for name, f in fields.items()}
    )
    try:
        model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"key {'.'.join(str(p) for p in e['loc'])!r}: {reason(e)} (got {e['input']!r})"
            for e in exc.errors()
        )
        raise ConfigError(f"config file {path}: {problems}") from exc
    url = data.get("database_url")
    if isinstance(url, str) and url and "://" not in url:
        # A file path in the config file is relative to the config file.
        data = {**data, "database_url": str(path.parent / Path(url).expanduser())}
    contacts = data.get("contacts")
    if isinstance(contacts, str) and contacts:
        data = {**data, "contacts": str(path.parent / Path(contacts).expanduser())}
    return data


class Settings(BaseSettings):
    """Settings read from the environment (PLEDGETRACK_DATABASE_URL, PLEDGETRACK_LANG, …)
    and the config file (the same names in lower case: ``database_url = "…"``)."""

    model_config = SettingsConfigDict(env_prefix="PLEDGETRACK_", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the config file, then the defaults."""
        return init_settings, env_settings, ConfigFileSource(settings_cls, config_path())

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: data/pledges.sqlite in the current directory, "
        "else the sample database of the source checkout.",
    )
    lang: LangSetting | None = Field(
        default=None, description="zh or en (or a locale: zh_CN.UTF-8); default from the locale."
    )
    tolerance: float = Field(
        default=10.0, description="Percentage points below expected before 'behind'."
    )
    ahead_margin: float = Field(
        default=10.0,
        ge=0,
        le=100,
        description="Percentage points above expected before 'ahead' (超额完成节点目标).",
    )
    reporting_day: int = Field(
        default=5, ge=1, le=28, description="Day of the next month progress is due by."
    )
    lock_wait: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Seconds a command waits for a database another program holds locked "
        "before it gives up with a message.",
    )
    session_timeout: float = Field(
        default=30.0,
        ge=0,
        le=24 * 60,
        description="Minutes without a key or a mouse event before a --login session ends "
        "(the app exits: under 'pledgetrack serve' that ends the browser session); 0: never.",
    )
    login_failures: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Failed --login attempts of one name within login_window minutes before "
        "that name is refused for a while (counted in the database, across app processes).",
    )
    login_window: float = Field(
        default=15.0,
        gt=0,
        le=7 * 24 * 60,
        description="Minutes over which failed logins are counted; a locked name may try "
        "again when the oldest counted failure is this old.",
    )
    evidence_max_mb: float = Field(
        default=20.0,
        gt=0,
        le=1024,
        description="The largest evidence file (佐证材料: a photo, PDF, scan or office "
        "document) that may be attached to a figure, in MB; a bigger one is refused.",
    )
    user: str | None = Field(
        default=None,
        description="Act for this user (--user): accepted only when you are "
        "an active admin, or the database has no users yet; recorded as 'you for USER'.",
    )
    office: str | None = Field(
        default=None,
        description="The supervising office that signs reminders (催报通知), e.g. "
        "市政府督查室; default 督查室 / Supervision Office.",
    )
    contacts: str | None = Field(
        default=None,
        description="The departments' contact list (CSV or XLSX with 责任单位 and 邮箱 "
        "columns) that `remind --send` mails; a relative path in the config file is "
        "relative to the config file.",
    )
    smtp_host: str | None = Field(default=None, description="SMTP server for `remind --send`.")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="Its port.")
    smtp_user: str | None = Field(
        default=None, description="Login at the SMTP server (none: send without logging in)."
    )
    smtp_password: SecretStr | None = Field(default=None, description="Its password.")
    smtp_from: str | None = Field(
        default=None, description="The sender address of reminders, e.g. dcs@example.gov.cn."
    )
    smtp_starttls: bool = Field(
        default=True, description="Switch to TLS (STARTTLS) before logging in and sending."
    )

    def resolved_url(self, override: str | None = None) -> str:
        """The database URL: --db, then the environment, then the config file, then the
        default files."""
        url = override or self.database_url
        if url:
            return url if "://" in url else sqlite_url(Path(url).expanduser())
        local = Path("data") / "pledges.sqlite"
        if local.exists() or not SOURCE_DATABASE.exists():
            return sqlite_url(local)
        return sqlite_url(SOURCE_DATABASE)

    def resolved_lang(self, override: str | None = None) -> str:
        """zh or en: --lang, then PLEDGETRACK_LANG, then the locale (zh_* → zh)."""
        lang = override or self.lang
        if lang:
            return "zh" if lang.lower().startswith("zh") else "en"
        env = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
        try:
            env = env or (locale.getlocale()[0] or "")
        except ValueError:  # pragma: no cover - odd locale settings
            env = ""
        return "zh" if env.lower().startswith("zh") else "en"
