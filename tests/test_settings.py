import subprocess
import sys
from pathlib import Path

import pytest

from config.env import (
    SettingError,
    database_config,
    envbool,
    envchoice,
    envdays_by_name,
    envint,
    envmapping,
    envname,
    envwindow,
)

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


def test_a_mapping_setting_names_itself_when_it_is_not_a_json_object_of_strings(monkeypatch):
    monkeypatch.setenv("LEGATO_DELEGATES", '{"com.acme.Mail": "shop.mail"')
    with pytest.raises(SettingError, match="LEGATO_DELEGATES is not JSON"):
        envmapping("LEGATO_DELEGATES")
    for not_a_mapping in ('["shop.mail"]', '{"com.acme.Mail": 3}'):
        monkeypatch.setenv("LEGATO_BEANS", not_a_mapping)
        with pytest.raises(SettingError, match="LEGATO_BEANS must be a JSON object"):
            envmapping("LEGATO_BEANS")
    monkeypatch.setenv("LEGATO_BEANS", '{"mailer": "shop.mail.Mailer"}')
    assert envmapping("LEGATO_BEANS") == {"mailer": "shop.mail.Mailer"}
    monkeypatch.delenv("LEGATO_BEANS")
    assert envmapping("LEGATO_BEANS") == {}


def test_the_default_task_permission_is_update_or_task_work_as_written(monkeypatch):
    monkeypatch.setenv("LEGATO_DEFAULT_TASK_PERMISSION", "TASK-WORK")
    with pytest.raises(SettingError, match="'TASK-WORK' is not one of UPDATE, TASK_WORK"):
        envname("LEGATO_DEFAULT_TASK_PERMISSION", "UPDATE", ("UPDATE", "TASK_WORK"))
    monkeypatch.setenv("LEGATO_DEFAULT_TASK_PERMISSION", "TASK_WORK")
    assert envname("LEGATO_DEFAULT_TASK_PERMISSION", "UPDATE", ("UPDATE", "TASK_WORK")) == (
        "TASK_WORK"
    )


@pytest.mark.parametrize("window", ["22:00-06:00", "", "08:30 - 17:00", "22:00:00-06:00:00"])
def test_a_cleanup_window_is_two_clock_times_or_empty(monkeypatch, window):
    monkeypatch.setenv("LEGATO_HISTORY_CLEANUP_WINDOW", window)
    assert envwindow("LEGATO_HISTORY_CLEANUP_WINDOW", "22:00-06:00") == window


@pytest.mark.parametrize("window", ["22-6", "22:00", "25:00-06:00", "nightly"])
def test_a_cleanup_window_that_is_not_one_stops_the_start(monkeypatch, window):
    monkeypatch.setenv("LEGATO_HISTORY_CLEANUP_WINDOW", window)
    with pytest.raises(SettingError, match="LEGATO_HISTORY_CLEANUP_WINDOW=.* is not a window"):
        envwindow("LEGATO_HISTORY_CLEANUP_WINDOW", "22:00-06:00")


def test_batch_time_to_live_by_type_refuses_a_part_it_cannot_read(monkeypatch):
    name = "LEGATO_BATCH_HISTORY_TIME_TO_LIVE_BY_TYPE"
    monkeypatch.setenv(name, "instance-deletion=1, set-job-retries=7")
    assert envdays_by_name(name) == "instance-deletion=1, set-job-retries=7"
    monkeypatch.setenv(name, "instance-deletion=1,set-job-retries=seven")
    with pytest.raises(SettingError, match="'set-job-retries=seven' is not like"):
        envdays_by_name(name)


def test_a_bad_setting_stops_the_process_saying_which(monkeypatch):
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _settings_in_fresh_process({"LEGATO_DELEGATES": "{not json"})
    assert "LEGATO_DELEGATES is not JSON" in failed.value.stderr
