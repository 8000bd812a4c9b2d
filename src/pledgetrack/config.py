"""Configuration: the settings, their names, defaults and checks in one table.

Each setting is taken from, in this order: the command line (``--db``,
``--lang``), the environment (``PLEDGETRACK_DATABASE_URL``, …), the config file
(``config.toml`` in the user's config directory, see :func:`config_path`), the
defaults.

Read without pydantic or pydantic-settings (issue 15: importing them and building the
settings class was about 0.1 s of every command that reads a setting, more than
`status` on the sample spends on its work). :data:`SETTINGS` is the one statement of
the settings. A value is taken at once when it is plainly valid (a whole number for a
whole-number setting, a decimal for a number, ``true``/``false``, text for text) and
within its bounds; anything else — a value out of bounds, ``nan``, ``5.0`` for a
day, ``yes`` for a switch — is judged by pydantic, through a model made from the same
table (:func:`pydantic_model`), so what is accepted and what an error says are
pydantic's (tests/test_config.py holds the quick way to pydantic's).
"""

from __future__ import annotations

import locale
import math
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

#: The shipped sample database, when running from a source checkout.
SOURCE_DATABASE = Path(__file__).resolve().parents[2] / "data" / "pledges.sqlite"
#: The environment variable naming another config file.
CONFIG_ENV = "PLEDGETRACK_CONFIG"
#: The prefix of the settings' environment variables (matched in any case).
ENV_PREFIX = "PLEDGETRACK_"


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


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the key."""


class SettingsError(ValueError):
    """Settings from the environment that cannot be used: (name, reason, value given) of
    each, in the table's order."""

    def __init__(self, problems: list[tuple[str, str, Any]]) -> None:
        self.problems = problems
        super().__init__(
            "environment: "
            + "; ".join(
                f"{ENV_PREFIX}{name.upper()}: {why} (got {given!r})"
                for name, why, given in problems
            )
        )


class Secret:
    """A password: shown as stars (as pydantic's SecretStr), read with
    :meth:`get_secret_value`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name (``lang``; ``PLEDGETRACK_LANG`` in the environment), its
    type (str, float, int, bool or :class:`Secret`), default, bounds and help."""

    name: str
    kind: type
    default: Any
    description: str
    optional: bool = False  # None allowed (and the default)
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    check: Callable[[str], str] | None = None  # a further check of a text setting

    def within(self, value: float) -> bool:
        """*value* is a finite number inside the bounds."""
        return (
            math.isfinite(value)
            and (self.ge is None or value >= self.ge)
            and (self.gt is None or value > self.gt)
            and (self.le is None or value <= self.le)
        )


#: Every setting, in the order errors are listed. Names, defaults and bounds are stated
#: here only: the quick reader and the pydantic model are both made from this table.
SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", str, None, optional=True,
            description="SQLAlchemy URL; default: data/pledges.sqlite in the current "
            "directory, else the sample database of the source checkout."),
    Setting("lang", str, None, optional=True, check=checked_lang,
            description="zh or en (or a locale: zh_CN.UTF-8); default from the locale."),
    Setting("tolerance", float, 10.0,
            description="Percentage points below expected before 'behind'."),
    Setting("ahead_margin", float, 10.0, ge=0, le=100,
            description="Percentage points above expected before 'ahead' (超额完成节点目标)."),
    Setting("reporting_day", int, 5, ge=1, le=28,
            description="Day of the next month progress is due by."),
    Setting("lock_wait", float, 30.0, gt=0, le=3600,
            description="Seconds a command waits for a database another program holds "
            "locked before it gives up with a message."),
    Setting("session_timeout", float, 30.0, ge=0, le=24 * 60,
            description="Minutes without a key or a mouse event before a --login session "
            "ends (the app exits: under 'pledgetrack serve' that ends the browser "
            "session); 0: never."),
    Setting("login_failures", int, 5, ge=1, le=1000,
            description="Failed --login attempts of one name within login_window minutes "
            "before that name is refused for a while (counted in the database, across app "
            "processes)."),
    Setting("login_window", float, 15.0, gt=0, le=7 * 24 * 60,
            description="Minutes over which failed logins are counted; a locked name may "
            "try again when the oldest counted failure is this old."),
    Setting("evidence_max_mb", float, 20.0, gt=0, le=1024,
            description="The largest evidence file (佐证材料: a photo, PDF, scan or office "
            "document) that may be attached to a figure, in MB; a bigger one is refused."),
    Setting("user", str, None, optional=True,
            description="Act for this user (--user): accepted only when you are an active "
            "admin, or the database has no users yet; recorded as 'you for USER'."),
    Setting("office", str, None, optional=True,
            description="The supervising office that signs reminders (催报通知), e.g. "
            "市政府督查室; default 督查室 / Supervision Office."),
    Setting("contacts", str, None, optional=True,
            description="The departments' contact list (CSV or XLSX with 责任单位 and 邮箱 "
            "columns) that `remind --send` mails; a relative path in the config file is "
            "relative to the config file."),
    Setting("smtp_host", str, None, optional=True,
            description="SMTP server for `remind --send`."),
    Setting("smtp_port", int, 587, ge=1, le=65535, description="Its port."),
    Setting("smtp_user", str, None, optional=True,
            description="Login at the SMTP server (none: send without logging in)."),
    Setting("smtp_password", Secret, None, optional=True, description="Its password."),
    Setting("smtp_from", str, None, optional=True,
            description="The sender address of reminders, e.g. dcs@example.gov.cn."),
    Setting("smtp_starttls", bool, True,
            description="Switch to TLS (STARTTLS) before logging in and sending."),
)  # fmt: skip
SETTING = {s.name: s for s in SETTINGS}

_WHOLE = re.compile(r"[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)
_BOOLS = {"true": True, "false": False, "1": True, "0": False}
#: No quick answer: pydantic judges the value.
_ASK = object()


def quick_value(setting: Setting, value: Any) -> Any:
    """*value* for *setting* when it is plainly valid (what pydantic would give), else
    :data:`_ASK`. Text comes from the environment, any TOML value from the file."""
    kind = setting.kind
    if value is None:
        return None if setting.optional else _ASK
    if kind is str or kind is Secret:
        if type(value) is not str:
            return _ASK
        if setting.check is not None:
            try:
                value = setting.check(value)
            except ValueError:
                return _ASK
        return Secret(value) if kind is Secret else value
    if kind is bool:
        if type(value) is bool:
            return value
        return _BOOLS.get(value.lower(), _ASK) if type(value) is str else _ASK
    if kind is int:
        if type(value) is str and _WHOLE.fullmatch(value):
            value = int(value)
        return value if type(value) is int and setting.within(value) else _ASK
    if kind is float:
        if type(value) is str and _DECIMAL.fullmatch(value):
            value = float(value)
        elif type(value) is int:
            value = float(value)
        return value if type(value) is float and setting.within(value) else _ASK
    return _ASK  # pragma: no cover - every kind is above


@cache
def pydantic_model() -> Any:
    """The settings as a pydantic model, made from :data:`SETTINGS`: the judge of every
    value the quick reader does not take at once."""
    from typing import Annotated

    from pydantic import AfterValidator, Field, SecretStr, create_model

    fields: dict[str, Any] = {}
    for s in SETTINGS:
        kind: Any = SecretStr if s.kind is Secret else s.kind
        if s.check is not None:
            kind = Annotated[kind, AfterValidator(s.check)]
        if s.optional:
            kind = kind | None
        fields[s.name] = (kind, Field(default=s.default, ge=s.ge, gt=s.gt, le=s.le))
    return create_model("Settings", **fields)


def reason(error: Any) -> str:
    """A pydantic error's message, without the ``Value error, `` of a custom check."""
    return str(error["msg"]).removeprefix("Value error, ")


def validated(given: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, Any]]]:
    """The settings *given* (name → value), checked: their values, and (name, reason,
    value given) of each that cannot be used, in the table's order."""
    values: dict[str, Any] = {}
    ask: dict[str, Any] = {}
    for name, value in given.items():
        quick = quick_value(SETTING[name], value)
        if quick is _ASK:
            ask[name] = value
        else:
            values[name] = quick
    problems: list[tuple[str, str, Any]] = []
    if ask:
        from pydantic import SecretStr, ValidationError

        try:
            model = pydantic_model().model_validate(ask)
        except ValidationError as exc:
            problems = [
                (".".join(str(p) for p in e["loc"]), reason(e), e["input"]) for e in exc.errors()
            ]
        else:
            for name in ask:
                value = getattr(model, name)
                values[name] = (
                    Secret(value.get_secret_value()) if isinstance(value, SecretStr) else value
                )
    return values, problems


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


def file_settings(path: Path) -> dict[str, Any]:
    """The config file's settings, checked whole: a syntax error, an unknown key or a bad
    value is a :class:`ConfigError` naming the file and the key. No file: none (unless
    $PLEDGETRACK_CONFIG names it)."""
    if os.environ.get(CONFIG_ENV) and not path.expanduser().is_file():
        raise ConfigError(f"config file {path} (from {CONFIG_ENV}) does not exist")
    path = path.expanduser()
    if not path.is_file():
        return {}
    import tomllib

    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"config file {path}: {exc.strerror or exc}") from exc
    unknown = sorted(set(data) - set(SETTING))
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown key {unknown[0]!r} (known keys: {', '.join(SETTING)})"
        )
    values, problems = validated(data)
    if problems:
        raise ConfigError(
            f"config file {path}: "
            + "; ".join(f"key {name!r}: {why} (got {given!r})" for name, why, given in problems)
        )
    # A file path in the config file is relative to the config file.
    for name in ("database_url", "contacts"):
        text = values.get(name)
        if isinstance(text, str) and text and not (name == "database_url" and "://" in text):
            values[name] = str(path.parent / Path(text).expanduser())
    return values


def environment_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings the environment gives (``PLEDGETRACK_LANG=en``; the names in any
    case), checked: :class:`SettingsError` names each variable at fault."""
    prefix = ENV_PREFIX.lower()
    given = {}
    for key, value in (os.environ if environ is None else environ).items():
        key = key.lower()
        if key.startswith(prefix) and key[len(prefix) :] in SETTING:
            given[key[len(prefix) :]] = value
    values, problems = validated(given)
    if problems:
        raise SettingsError(problems)
    return values


class Settings:
    """Settings read from the environment (PLEDGETRACK_DATABASE_URL, PLEDGETRACK_LANG, …),
    then the config file (the same names in lower case: ``database_url = "…"``), then
    the defaults; *overrides* (name → value) come first and are checked alike.
    :class:`ConfigError` names the file and key at fault, :class:`SettingsError` the
    variable."""

    __slots__ = tuple(SETTING)

    database_url: str | None
    lang: str | None
    tolerance: float
    ahead_margin: float
    reporting_day: int
    lock_wait: float
    session_timeout: float
    login_failures: int
    login_window: float
    evidence_max_mb: float
    user: str | None
    office: str | None
    contacts: str | None
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: Secret | None
    smtp_from: str | None
    smtp_starttls: bool

    def __init__(self, **overrides: Any) -> None:
        unknown = sorted(set(overrides) - set(SETTING))
        if unknown:
            raise TypeError(f"no setting {unknown[0]!r}")
        chosen, problems = validated(overrides)
        if problems:
            raise SettingsError(problems)
        from_file = file_settings(config_path())
        values = {**from_file, **environment_settings(), **chosen}
        for s in SETTINGS:
            object.__setattr__(self, s.name, values.get(s.name, s.default))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("settings are read-only")

    def __repr__(self) -> str:
        shown = ", ".join(f"{s.name}={getattr(self, s.name)!r}" for s in SETTINGS)
        return f"Settings({shown})"

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
