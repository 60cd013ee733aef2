"""SQLite's write-ahead log is checkpointed beside the commands: committed pages reach the
database file without a commit paying for it, and the log stays bounded under steady writes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

from config.env import _sqlite
from engine.store import sqlite_wal

PAGE = 4096
WAL_FRAME = PAGE + 24  # a page in the log, with its frame header


def _writer(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    db.execute("CREATE TABLE IF NOT EXISTS page (n INTEGER PRIMARY KEY, body BLOB)")
    return db


def _rows_in_database_file_alone(path: Path, tmp_path: Path) -> int:
    """Rows a reader finds in a copy of the database file without its log: what has been
    checkpointed."""
    alone = tmp_path / "alone.sqlite3"
    shutil.copyfile(path, alone)
    try:
        with sqlite3.connect(alone) as db:
            found = db.execute("SELECT name FROM sqlite_master WHERE name = 'page'").fetchone()
            return db.execute("SELECT count(*) FROM page").fetchone()[0] if found else 0
    except sqlite3.DatabaseError:
        return -1  # copied in the middle of a checkpoint: look again
    finally:
        alone.unlink()


def _eventually(check, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def checkpointer(tmp_path: Path) -> Iterator[sqlite_wal.WalCheckpointer]:
    thread = sqlite_wal.WalCheckpointer(str(tmp_path / "legato.sqlite3"))
    yield thread
    thread.stop()
    thread.join(timeout=5)


def test_committed_pages_reach_the_database_file_without_a_commit_checkpointing(
    tmp_path, checkpointer
):
    path = Path(checkpointer.path)
    writer = _writer(path)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # no commit ever checkpoints
    writer.execute("INSERT INTO page (body) VALUES (zeroblob(100))")
    time.sleep(0.1)
    assert _rows_in_database_file_alone(path, tmp_path) == 0  # all of it still in the log

    checkpointer.start()
    assert _eventually(lambda: _rows_in_database_file_alone(path, tmp_path) == 1)
    writer.executemany("INSERT INTO page (body) VALUES (zeroblob(100))", [()] * 9)
    assert _eventually(lambda: _rows_in_database_file_alone(path, tmp_path) == 10)
    writer.close()


def test_a_django_connection_to_a_wal_file_starts_the_checkpointer_and_bounds_the_log(
    tmp_path, monkeypatch, django_db_blocker
):
    monkeypatch.setattr(sqlite_wal, "COMMIT_CHECKPOINT_PAGES", 100)
    path = str(tmp_path / "django.sqlite3")
    connections = ConnectionHandler({"default": _sqlite(path)})
    with django_db_blocker.unblock():
        connection = connections["default"]
        connection.ensure_connection()  # the embedded default's settings: WAL
        running = sqlite_wal._started[(os.getpid(), os.path.realpath(path))]
        assert running.is_alive()
        assert sqlite_wal.checkpoint_in_background(path) is running  # one per process
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE page (n INTEGER PRIMARY KEY, body BLOB)")
        largest = 0
        for _ in range(400):  # 8 pages a commit, 3,200 pages: 32 times the commit checkpoint
            with connection.cursor() as cursor:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.executemany(
                    "INSERT INTO page (body) VALUES (zeroblob(%s))", [[PAGE - 100]] * 8
                )
                cursor.execute("COMMIT")
            largest = max(largest, os.path.getsize(path + "-wal"))
        connection.close()
    running.stop()
    running.join(timeout=5)
    assert running.checkpoints > 0
    # the log started over soon after it passed 100 pages (a commit's checkpoint waits while
    # the thread's runs): it never held the 3,200 written (on a busy machine the thread may
    # lag a few hundred pages behind, hence the margin)
    assert largest < 1_600 * WAL_FRAME, largest


def test_databases_in_memory_have_no_log_to_checkpoint(django_db_blocker):
    connections = ConnectionHandler({"default": _sqlite(":memory:")})
    before = set(sqlite_wal._started)
    with django_db_blocker.unblock():
        connections["default"].ensure_connection()
        connections["default"].close()
    assert set(sqlite_wal._started) == before
