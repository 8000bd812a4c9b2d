"""A PostgreSQL server of the tests' own that checks passwords (scram-sha-256).

The shared test server lets every login in without a password (pg_hba.conf ``trust``),
so it cannot show a wrong password refused. This one is made for a test module in a
temporary directory (``initdb``; as root it runs as the ``postgres`` OS account, which
PostgreSQL requires), listens on 127.0.0.1 at a free port, and is stopped and removed
afterwards. Its superuser ``owner`` (password :data:`OWNER_PASSWORD`) owns the tables,
as a department server's owner does. Without ``initdb`` the tests that need it skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

OWNER_PASSWORD = "owner-secret-1"


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return versions[-1] if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def password_server() -> Iterator[str]:
    """The owner's URL (database ``postgres``) of a fresh server that checks passwords."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("initdb/pg_ctl not found: no PostgreSQL server of the tests' own")
    as_server: list[str] = []
    if os.getuid() == 0:
        try:
            import pwd

            server_user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres account to run initdb as")
        as_server = ["runuser", "-u", "postgres", "--"]
    home = Path(tempfile.mkdtemp(prefix="pledgetrack-pg-"))
    data, secret = home / "data", home / "pw"
    secret.write_text(OWNER_PASSWORD + "\n")
    if as_server:
        for path in (home, secret):
            os.chown(path, server_user.pw_uid, server_user.pw_gid)
    port = _free_port()
    run = dict(check=True, capture_output=True, stdin=subprocess.DEVNULL)
    try:
        subprocess.run(
            [*as_server, initdb, "-D", str(data), "-U", "owner", "--auth=scram-sha-256",
             f"--pwfile={secret}", "-E", "UTF8", "--no-locale", "-N"],
            **run,  # type: ignore[arg-type]
        )  # fmt: skip
        subprocess.run(
            [*as_server, pg_ctl, "-D", str(data), "-l", str(home / "log"), "-w", "start", "-o",
             f"-k {home} -h 127.0.0.1 -p {port} -c fsync=off -c full_page_writes=off"],
            **run,  # type: ignore[arg-type]
        )  # fmt: skip
        yield f"postgresql+psycopg://owner:{OWNER_PASSWORD}@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*as_server, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                stdin=subprocess.DEVNULL,
            )
        shutil.rmtree(home, ignore_errors=True)
