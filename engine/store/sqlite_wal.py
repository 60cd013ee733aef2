"""Checkpoints of SQLite's write-ahead log, run beside the commands instead of inside them.

In WAL mode a commit appends the pages it changed to the `-wal` file (with
`synchronous=NORMAL`, without waiting for the disk). By default, every 1,000 pages, the
connection that happens to commit then runs a checkpoint: it waits for the disk to take the
whole log (an fsync of megabytes), copies the pages into the database file and waits again. On
this project's machine that is 15-30 ms charged to one command in thirty: a fifth to a quarter
of what commands spend on average, and the worst latency users see (bench_sqlite_wal.py).

Here a thread per process and database checkpoints as soon as the log has grown (SQLite's
PASSIVE mode: it never blocks a writer or a reader), so the disk catches up while commands run.
A checkpoint beside busy writers rarely ends with the whole log copied, and only such a
checkpoint lets the next transaction start the log over: the commits' own checkpoint stays,
every `COMMIT_CHECKPOINT_PAGES` pages instead of 1,000, and by then copies only the tail the
thread has not reached (the log stays under about 16 MB). Durability is unchanged: a
checkpoint syncs the log before it copies and the database file after.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from typing import Any

logger = logging.getLogger(__name__)

# How often the thread looks at the log's size: under a steady stream of commands each look
# finds a few hundred new pages at most, and an idle process only pays two stat calls.
PERIOD_SECONDS = 0.01
# The commits' own checkpoint (SQLite's `wal_autocheckpoint`, default 1,000 pages of 4 KB).
COMMIT_CHECKPOINT_PAGES = 4000

_started: dict[tuple[int, str], WalCheckpointer] = {}
_lock = threading.Lock()


class WalCheckpointer(threading.Thread):
    """Checkpoints one database file's write-ahead log whenever it has grown."""

    def __init__(self, path: str, period: float = PERIOD_SECONDS) -> None:
        super().__init__(name=f"sqlite-wal-checkpoint {os.path.basename(path)}", daemon=True)
        self.path = path
        self.period = period
        self.checkpoints = 0  # completed or partial, for tests and diagnostics
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        db: sqlite3.Connection | None = None
        db_file: Any = None  # the inode the connection was opened on
        seen: Any = None  # the log's (inode, size, mtime) at the last checkpoint
        while not self._stopping.wait(self.period):
            try:
                main = os.stat(self.path)
            except FileNotFoundError:
                # deleted (a test database): let go of it, look again later
                if db is not None:
                    db.close()
                db = None
                continue
            try:
                wal = os.stat(self.path + "-wal")
            except FileNotFoundError:
                continue  # no log yet
            if db is None or db_file != main.st_ino:
                # first look, or the file was replaced (a test database re-created)
                if db is not None:
                    db.close()
                db, db_file, seen = self._connect(), main.st_ino, None
            grown = (wal.st_ino, wal.st_size, wal.st_mtime_ns)
            if grown == seen:
                continue
            seen = grown
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.checkpoints += 1
            except sqlite3.Error as error:
                # a locked or vanished file: the commits' own checkpoints still run
                logger.debug("WAL checkpoint of %s skipped: %s", self.path, error)
        if db is not None:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        # the checkpoint syncs as the writers' connections do (config.env.SQLITE_PRAGMAS)
        db.execute("PRAGMA synchronous=NORMAL")
        return db


def checkpoint_in_background(path: str) -> WalCheckpointer:
    """The running checkpointer of the SQLite file `path` in this process (started once per
    process: a forked worker starts its own)."""
    key = (os.getpid(), os.path.realpath(path))
    with _lock:
        running = _started.get(key)
        if running is None or not running.is_alive():
            running = _started[key] = WalCheckpointer(path)
            running.start()
        return running


def checkpoint_beside_commits(db: sqlite3.Connection, path: str) -> None:
    """Have the log of `path` checkpointed in the background and the commits of connection
    `db` checkpoint only every `COMMIT_CHECKPOINT_PAGES` pages, if the file is in WAL mode."""
    (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    if mode.lower() != "wal":
        return
    checkpoint_in_background(path)
    db.execute(f"PRAGMA wal_autocheckpoint={COMMIT_CHECKPOINT_PAGES}").fetchall()


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Django's `connection_created`: every SQLite file in WAL mode is checkpointed aside."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return
    checkpoint_beside_commits(connection.connection, name)
