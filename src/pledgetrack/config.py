"""Configuration: one pydantic-settings class, PLEDGETRACK_ environment prefix."""

from __future__ import annotations

import locale
import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pledgetrack.storage.db import sqlite_url

#: The shipped sample database, when running from a source checkout.
SOURCE_DATABASE = Path(__file__).resolve().parents[2] / "data" / "pledges.sqlite"


class Settings(BaseSettings):
    """Settings read from the environment (PLEDGETRACK_DATABASE_URL, PLEDGETRACK_LANG, …)."""

    model_config = SettingsConfigDict(env_prefix="PLEDGETRACK_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: data/pledges.sqlite in the current directory, "
        "else the sample database of the source checkout.",
    )
    lang: str | None = Field(default=None, description="zh or en; default from the locale.")
    tolerance: float = Field(
        default=10.0, description="Percentage points below expected before 'behind'."
    )
    reporting_day: int = Field(
        default=5, ge=1, le=28, description="Day of the next month progress is due by."
    )

    def resolved_url(self, override: str | None = None) -> str:
        """The database URL: --db, then the environment, then the default files."""
        url = override or self.database_url
        if url:
            return url if "://" in url else sqlite_url(Path(url))
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
