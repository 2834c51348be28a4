"""A consistent copy of the database while the application runs, and putting one back.

SQLite: the database's own online backup (a snapshot even while others write). PostgreSQL:
`pg_dump` in its custom format (one transaction, a consistent snapshot), restored with
`pg_restore --clean`. Restoring replaces everything: stop the web workers and the scheduler
first.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupFailed(Exception):
    """The copy or the restore could not be made; the message says why."""


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupFailed("an in-memory SQLite database has nothing to back up")
    return Path(database)


def _libpq_url(database_url: str) -> str:
    """The URL as PostgreSQL's own tools read it (without SQLAlchemy's driver name)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(f"{name} is not installed (PostgreSQL's client tools are needed)")
    return found


def backup(database_url: str, target: Path) -> None:
    """Writes a consistent copy of the database to `target`."""
    backend = make_url(database_url).get_backend_name()
    if backend == "sqlite":
        source = _sqlite_path(database_url)
        if not source.exists():
            raise BackupFailed(f"no database at {source}")
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
            live.backup(copy)
        return
    if backend == "postgresql":
        done = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
             _libpq_url(database_url)],
            capture_output=True,
            text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise BackupFailed(done.stderr.strip() or "pg_dump failed")
        return
    raise BackupFailed(f"no backup for {backend} databases")


def restore(database_url: str, source: Path) -> None:
    """Replaces the database's content with the copy in `source`."""
    if not source.is_file():
        raise BackupFailed(f"no backup file at {source}")
    backend = make_url(database_url).get_backend_name()
    if backend == "sqlite":
        try:
            with closing(sqlite3.connect(source)) as copy:
                copy.execute("PRAGMA schema_version").fetchone()
                with closing(sqlite3.connect(_sqlite_path(database_url))) as live:
                    copy.backup(live)
        except sqlite3.DatabaseError as error:
            raise BackupFailed(f"{source} is not an SQLite backup: {error}") from None
        return
    if backend == "postgresql":
        done = subprocess.run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             f"--dbname={_libpq_url(database_url)}", str(source)],
            capture_output=True,
            text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise BackupFailed(done.stderr.strip() or "pg_restore failed")
        return
    raise BackupFailed(f"no restore for {backend} databases")
