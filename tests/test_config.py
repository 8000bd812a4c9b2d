"""Configuration: --db > PLEDGETRACK_* environment > config file > defaults; a bad config file
is one clear error naming the file and the key; postgresql:// URLs use psycopg 3."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.config import (
    _ASK,
    SETTINGS,
    ConfigError,
    Secret,
    Settings,
    config_path,
    pydantic_model,
    quick_value,
    sqlite_url,
    validated,
)
from pledgetrack.storage.db import make_engine, normalise_url
from tests.conftest import DATA

runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting from the person running the tests: an empty config directory."""
    for name in ("PLEDGETRACK_DATABASE_URL", "PLEDGETRACK_LANG", "PLEDGETRACK_TOLERANCE",
                 "PLEDGETRACK_REPORTING_DAY", "PLEDGETRACK_CONFIG"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xdg" / "pledgetrack" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sample_copy(tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copy(DATA / "pledges.sqlite", copy)
    return copy


def test_config_file_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert config_path() == tmp_path / "xdg" / "pledgetrack" / "config.toml"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config_path() == tmp_path / "home" / ".config" / "pledgetrack" / "config.toml"
    monkeypatch.setenv("PLEDGETRACK_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert config_path() == tmp_path / "elsewhere.toml"


def test_no_config_file_means_the_defaults() -> None:
    settings = Settings()
    assert settings.database_url is None and settings.lang is None
    assert settings.tolerance == 10.0 and settings.reporting_day == 5


def test_precedence_option_environment_file_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(
        tmp_path,
        'database_url = "sqlite:////from/file.sqlite"\nlang = "en"\ntolerance = 7.5\n',
    )
    settings = Settings()
    assert settings.resolved_url() == "sqlite:////from/file.sqlite"
    assert (settings.lang, settings.tolerance, settings.reporting_day) == ("en", 7.5, 5)
    monkeypatch.setenv("PLEDGETRACK_DATABASE_URL", "sqlite:////from/env.sqlite")
    monkeypatch.setenv("PLEDGETRACK_LANG", "zh")
    settings = Settings()
    assert settings.resolved_url() == "sqlite:////from/env.sqlite"
    assert settings.lang == "zh" and settings.tolerance == 7.5  # the file still gives the rest
    assert settings.resolved_url("sqlite:////from/option.sqlite") == "sqlite:////from/option.sqlite"


def test_a_path_in_the_config_file_is_relative_to_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'database_url = "data/pledges.sqlite"\n')
    expected = sqlite_url(path.parent / "data" / "pledges.sqlite")
    assert Settings().resolved_url() == expected


def test_the_cli_uses_the_config_file_and_the_option_wins(tmp_path: Path) -> None:
    from_file = sample_copy(tmp_path, "from-file.sqlite")
    write_config(tmp_path, f'database_url = "{from_file}"\n')
    result = runner.invoke(app, ["record", "2.1", "22", "--as-of", "2020-10-31", "--confirm"])
    assert result.exit_code == 0, result.output
    # The file's database got the reading; --db points elsewhere and wins over the file.
    other = sample_copy(tmp_path, "other.sqlite")
    result = runner.invoke(app, ["--db", str(other), "status", "--as-of", "2020-10", "--json"])
    assert result.exit_code == 0, result.output
    value = json.loads(result.stdout)["items"][1]["targets"][0]["value"]
    assert value == 21.49
    result = runner.invoke(app, ["status", "--as-of", "2020-10", "--json"])
    assert json.loads(result.stdout)["items"][1]["targets"][0]["value"] == 22


def test_environment_beats_the_config_file_in_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(tmp_path, f'database_url = "{tmp_path / "missing.sqlite"}"\n')
    monkeypatch.setenv("PLEDGETRACK_DATABASE_URL", str(sample_copy(tmp_path, "env.sqlite")))
    result = runner.invoke(app, ["status", "--as-of", "2020-10", "--json"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('database_url = "x.sqlite"\nreporting_day = 40\n', "key 'reporting_day'"),
        ('databse_url = "x.sqlite"\n', "unknown key 'databse_url'"),
        ('tolerance = "a lot"\n', "key 'tolerance'"),
        ("ahead_margin = -5\n", "key 'ahead_margin'"),
        ("ahead_margin = nan\n", "key 'ahead_margin'"),
        ('database_url = "x.sqlite\n', "not valid TOML"),
    ],
)
def test_a_bad_config_file_is_one_clear_error(tmp_path: Path, text: str, expected: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as caught:
        Settings()
    assert str(path) in str(caught.value)
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "error:" in message and str(path) in message and expected in message
    assert "Traceback" not in result.output


def test_an_explicit_config_file_must_exist(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLEDGETRACK_CONFIG", str(tmp_path / "nope.toml"))
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    assert "nope.toml" in result.output and "PLEDGETRACK_CONFIG" in result.output


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLEDGETRACK_REPORTING_DAY", "99")
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    assert "PLEDGETRACK_REPORTING_DAY" in result.output


def test_postgresql_urls_use_psycopg3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u:p@h:5/db?x=1") == "postgresql+psycopg://u:p@h:5/db?x=1"
    assert normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///a.sqlite") == "sqlite:///a.sqlite"
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
    assert engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"


def test_sqlite_keeps_its_pragmas(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "p.sqlite"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    engine.dispose()


def test_a_bad_lang_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLEDGETRACK_LANG", "fr")
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "PLEDGETRACK_LANG" in message and "must be zh or en" in message and "'fr'" in message
    assert "Value error" not in message and "Traceback" not in result.output


def test_a_bad_lang_in_the_config_file_is_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'lang = "fr"\n')
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert str(path) in message and "key 'lang'" in message and "must be zh or en" in message


@pytest.mark.parametrize(
    ("value", "lang"),
    [
        ("zh", "zh"),
        ("en", "en"),
        ("ZH", "zh"),
        ("zh_CN.UTF-8", "zh"),
        ("zh-Hans", "zh"),
        ("en_US", "en"),
        ("en_GB.utf8", "en"),
    ],
)
def test_zh_en_and_their_locales_are_accepted(
    monkeypatch: pytest.MonkeyPatch, value: str, lang: str
) -> None:
    monkeypatch.setenv("PLEDGETRACK_LANG", value)
    assert Settings().resolved_lang() == lang


# The quick reader (config.quick_value) takes plainly valid values without pydantic; every
# value it takes must be what pydantic makes of it, through the model made from the same
# table, and everything else is pydantic's to judge (the same errors as before).

#: What a value may look like: text as in the environment, any TOML value from the file.
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "0", "1", "5", "05", "+5", "-1", "5.0", "5.5", " 5", "1_0",
                     "1e1", "nan", "inf", "true", "True", "TRUE", "false", "yes", "no", "on",
                     "t", "f", " true", "zh", "en", "ZH", "zh_CN.UTF-8", "fr", " en ", "٣",
                     "29", "28", "65535", "65536", "3600", "3601", "0.0", "100.0", "100.5"]),
    st.text(max_size=8),
    st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,4})?", fullmatch=True),
)  # fmt: skip


def pydantic_answer(name: str, value: object) -> object:
    """What pydantic makes of *value* for setting *name*: the value, or its error."""
    from pydantic import SecretStr, ValidationError

    try:
        model = pydantic_model().model_validate({name: value})
    except ValidationError as exc:
        return ("error", [(e["loc"], e["msg"], e["input"]) for e in exc.errors()])
    got = getattr(model, name)
    return Secret(got.get_secret_value()) if isinstance(got, SecretStr) else got


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True  # nan
    return type(a) is type(b) and a == b


@hypothesis_settings(max_examples=400, deadline=None)
@given(setting=st.sampled_from(SETTINGS), value=VALUES)
def test_the_quick_reader_takes_only_what_pydantic_takes_and_as_pydantic_does(
    setting: object, value: object
) -> None:
    name = setting.name  # type: ignore[attr-defined]
    quick = quick_value(setting, value)  # type: ignore[arg-type]
    expected = pydantic_answer(name, value)
    if quick is not _ASK:
        assert same(quick, expected), (name, value, quick, expected)
    values, problems = validated({name: value})
    if isinstance(expected, tuple) and expected[:1] == ("error",):
        assert values == {} and [(p[0], p[2]) for p in problems] == [
            (".".join(map(str, loc)), given) for loc, _, given in expected[1]
        ]
    else:
        assert problems == [] and same(values[name], expected)


def test_every_setting_has_its_pydantic_default_and_bounds() -> None:
    fields = pydantic_model().model_fields
    assert list(fields) == [s.name for s in SETTINGS]
    for s in SETTINGS:
        assert fields[s.name].default == s.default


def test_reading_the_settings_imports_no_pydantic(tmp_path: Path) -> None:
    """The usual case — a valid config file and environment — never imports pydantic."""
    import subprocess
    import sys

    write_config(
        tmp_path, 'lang = "en"\ntolerance = 7.5\nreporting_day = 5\nsmtp_starttls = false\n'
    )
    code = (
        "import sys; from pledgetrack.config import Settings; s = Settings(); "
        "assert (s.lang, s.tolerance, s.reporting_day, s.smtp_starttls, s.lock_wait) == "
        "('en', 7.5, 5, False, 30.0), s; "
        "assert 'pydantic' not in sys.modules and 'pydantic_settings' not in sys.modules"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PLEDGETRACK_")}
    env |= {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "PLEDGETRACK_LOCK_WAIT": "30"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PLEDGETRACK_REPORTING_DAY", "5.5",
         "PLEDGETRACK_REPORTING_DAY: Input should be a valid integer, unable to parse "
         "string as an integer (got '5.5')"),
        ("PLEDGETRACK_AHEAD_MARGIN", "nan",
         "PLEDGETRACK_AHEAD_MARGIN: Input should be less than or equal to 100 (got 'nan')"),
        ("PLEDGETRACK_SMTP_STARTTLS", "maybe",
         "PLEDGETRACK_SMTP_STARTTLS: Input should be a valid boolean, unable to interpret "
         "input (got 'maybe')"),
        ("PLEDGETRACK_LANG", "",
         "PLEDGETRACK_LANG: must be zh or en (or a locale such as zh_CN.UTF-8 or en_US) "
         "(got '')"),
    ],
)  # fmt: skip
def test_a_bad_environment_value_says_what_pydantic_says(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    assert f"error: environment: {message}" in " ".join(result.output.split())


def test_pydantic_judges_what_the_quick_reader_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accepted by pydantic in its own way: ``yes``, `` 5 ``, ``5.0`` for a day."""
    monkeypatch.setenv("PLEDGETRACK_SMTP_STARTTLS", "no")
    monkeypatch.setenv("PLEDGETRACK_REPORTING_DAY", " 7 ")
    monkeypatch.setenv("PLEDGETRACK_LOGIN_FAILURES", "5.0")
    monkeypatch.setenv("pledgetrack_tolerance", "1e1")  # names in any case
    settings = Settings()
    assert settings.smtp_starttls is False and settings.reporting_day == 7
    assert settings.login_failures == 5 and settings.tolerance == 10.0


def test_the_password_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLEDGETRACK_SMTP_PASSWORD", "s3cret")
    settings = Settings()
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings.smtp_password)
