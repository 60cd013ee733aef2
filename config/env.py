"""Small readers for settings from environment variables; each refuses a bad value."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingError(ValueError):
    """An environment variable holds a value Legato cannot use."""


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not an integer") from None


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise SettingError(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


def envname(name: str, default: str, choices: tuple[str, ...]) -> str:
    """A name as written (permission names are upper case), one of `choices`."""
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise SettingError(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


def envmapping(name: str) -> dict[str, str]:
    """A JSON object of strings to strings, e.g. LEGATO_DELEGATES; absent or empty: {}."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise SettingError(f"{name} is not JSON: {error}") from None
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        raise SettingError(
            f'{name} must be a JSON object of names to dotted paths, e.g. {{"a": "b.c"}}'
        )
    return value


_CLOCK = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?"
_WINDOW = re.compile(rf"\s*{_CLOCK}\s*-\s*{_CLOCK}\s*")


def envwindow(name: str, default: str) -> str:
    """A daily time window 'HH:MM-HH:MM' (it may span midnight); empty means any time."""
    value = os.environ.get(name, default)
    if value.strip() and not _WINDOW.fullmatch(value):
        raise SettingError(f"{name}={value!r} is not a window like '22:00-06:00' (or empty)")
    return value


_DAYS_BY_NAME = re.compile(r"\s*[\w-]+\s*=\s*\d+\s*")


def envdays_by_name(name: str) -> str:
    """'type=days,type=days' (e.g. 'instance-deletion=1,set-job-retries=7'); empty: none."""
    value = os.environ.get(name, "")
    bad = [part for part in value.split(",") if part.strip() and not _DAYS_BY_NAME.fullmatch(part)]
    if bad:
        raise SettingError(f"{name}: {bad[0].strip()!r} is not like 'instance-deletion=7'")
    return value


def envurl(name: str) -> str:
    """An absolute http(s) URL, e.g. a web application's base address; absent or empty: ''."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingError(f"{name}={raw!r} is not an http:// or https:// address")
    return raw


def envlist(name: str, default: str) -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_config(url: str | None, base_dir: Path) -> dict[str, object]:
    """Django DATABASES['default'] for a DATABASE_URL; no URL means the embedded SQLite file."""
    if not url:
        return _sqlite(str(base_dir / "legato.sqlite3"))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute.db, as dj-database-url reads them.
        path = unquote(parts.path[1:]) if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise SettingError("DATABASE_URL sqlite:// needs a file path, e.g. sqlite:///legato.db")
        if path != ":memory:" and not Path(path).is_absolute():
            path = str(base_dir / path)
        return _sqlite(path)
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise SettingError("DATABASE_URL for PostgreSQL needs a database name")
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
            "TEST": {"NAME": f"test_{name}"},
        }
    raise SettingError(
        f"DATABASE_URL scheme {scheme!r} is not supported (use postgres:// or sqlite://)"
    )


SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"


def _sqlite(path: str) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # A file (not :memory:) so that a live server in another process sees the test data.
        "TEST": {"NAME": path + ".test" if path != ":memory:" else ":memory:"},
        # The in-process job executor writes from a second thread: wait for the lock, don't fail.
        # WAL: pages read by the web requests don't block the executor's writes, and a commit
        # appends to the log instead of rewriting a rollback journal (synchronous=NORMAL: no
        # fsync per commit; a power cut may lose the last commits, never corrupt the file).
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": SQLITE_PRAGMAS,
        },
    }
