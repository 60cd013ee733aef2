import subprocess
import sys
from pathlib import Path

import pytest

from config.env import SettingError, database_config, envbool, envchoice, envint

ROOT = Path(__file__).resolve().parent.parent


def test_no_database_url_means_the_embedded_sqlite_file(tmp_path):
    config = database_config(None, tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "legato.sqlite3")


def test_postgres_url_gives_every_connection_part(tmp_path):
    config = database_config(
        "postgres://app:s%40cret@db.local:6543/legato?sslmode=require", tmp_path
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("legato", "app", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("db.local", "6543")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_relative_sqlite_url_lives_in_the_project(tmp_path):
    assert database_config("sqlite:///other.db", tmp_path)["NAME"] == str(tmp_path / "other.db")
    assert database_config("sqlite:////abs/x.db", tmp_path)["NAME"] == "/abs/x.db"


def test_unknown_database_scheme_is_refused(tmp_path):
    with pytest.raises(SettingError, match="mysql"):
        database_config("mysql://root@localhost/legato", tmp_path)


def test_postgres_url_without_database_name_is_refused(tmp_path):
    with pytest.raises(SettingError, match="database name"):
        database_config("postgres://localhost", tmp_path)


def test_boolean_setting_refuses_a_value_that_is_not_boolean(monkeypatch):
    monkeypatch.setenv("LEGATO_DEMO", "maybe")
    with pytest.raises(SettingError, match="LEGATO_DEMO"):
        envbool("LEGATO_DEMO", True)
    monkeypatch.setenv("LEGATO_DEMO", "0")
    assert envbool("LEGATO_DEMO", True) is False


def test_integer_setting_refuses_text(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(SettingError, match="PORT"):
        envint("PORT", 8000)


def _settings_in_fresh_process(env: dict[str, str]) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s; d=s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], s.CHANNEL_LAYERS['default']['BACKEND'], s.PORT)"
    )
    base = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_settings_module_reads_the_environment_of_the_process():
    embedded = _settings_in_fresh_process({})
    assert embedded.startswith("django.db.backends.sqlite3 ")
    assert "InMemoryChannelLayer 8000" in embedded

    production = _settings_in_fresh_process(
        {
            "DATABASE_URL": "postgres://u@h:5432/prod",
            "REDIS_URL": "redis://h:6379/0",
            "PORT": "9000",
        }
    )
    assert (
        production
        == "django.db.backends.postgresql prod channels_redis.core.RedisChannelLayer 9000"
    )


LEVELS = ("none", "activity", "audit", "full")


def test_history_level_must_be_one_of_camundas(monkeypatch):
    monkeypatch.setenv("LEGATO_HISTORY_LEVEL", "verbose")
    with pytest.raises(SettingError, match="none, activity, audit, full"):
        envchoice("LEGATO_HISTORY_LEVEL", "full", LEVELS)
    monkeypatch.setenv("LEGATO_HISTORY_LEVEL", "Audit")
    assert envchoice("LEGATO_HISTORY_LEVEL", "full", LEVELS) == "audit"
