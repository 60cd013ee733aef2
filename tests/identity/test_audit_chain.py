import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from engine.models import UserOperationLog
from engine.models.oplog import (
    GENESIS_HASH,
    HASHED_FIELDS,
    LATER_FIELDS,
    OperationLogChainHead,
    entry_hash,
)
from engine.services.oplog import OperationLog
from identity.audit import verify_chain


def write(n: int, user: str = "mary", instance: str = "pi-1") -> None:
    for i in range(n):
        OperationLog(user, "Update", "ProcessInstance").add(
            "suspended", org_value="false", new_value=str(i), process_instance_id=instance
        ).add("reason", new_value="test").save()


@pytest.mark.django_db
def test_entries_are_chained_in_insertion_order():
    write(3)
    rows = list(UserOperationLog.objects.order_by("id"))
    assert rows[0].previous_hash == GENESIS_HASH
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.previous_hash == before.hash
    head = OperationLogChainHead.objects.get()
    assert (head.last_hash, head.last_entry_id, head.length) == (rows[-1].hash, rows[-1].id, 6)


@pytest.mark.django_db
def test_an_untouched_log_is_intact(capsys):
    write(4)
    assert verify_chain().intact
    call_command("verify_audit")
    assert capsys.readouterr().out.strip() == "intact (8 entries)"


@pytest.mark.django_db
def test_an_empty_log_is_intact():
    assert str(verify_chain()) == "intact (0 entries)"


@pytest.mark.django_db
def test_a_row_altered_with_raw_sql_is_reported_with_its_id():
    write(3)
    victim = UserOperationLog.objects.order_by("id")[2]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {UserOperationLog._meta.db_table} SET new_value = %s WHERE id = %s",
            ["tampered", victim.id],
        )
    report = verify_chain()
    assert not report.intact
    assert report.broken_entry_id == victim.id
    assert report.entries == 2
    with pytest.raises(CommandError, match=f"broken at entry {victim.id}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_deleted_row_breaks_the_chain_at_the_entry_after_it():
    write(2)
    rows = list(UserOperationLog.objects.order_by("id"))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {UserOperationLog._meta.db_table} WHERE id = %s", [rows[1].id])
    assert verify_chain().broken_entry_id == rows[2].id


@pytest.mark.django_db
def test_removing_the_newest_entries_is_noticed_by_the_head():
    write(2)
    newest = UserOperationLog.objects.order_by("-id")[0]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {UserOperationLog._meta.db_table} WHERE id = %s", [newest.id])
    report = verify_chain()
    assert not report.intact
    assert "head records 4 entries" in report.reason


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_from_two_threads_keep_the_chain_valid():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    errors: list[BaseException] = []

    def writer(user: str) -> None:
        try:
            write(25, user=user)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(u,)) for u in ("mary", "john")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_chain()
    assert report.intact, str(report)
    assert report.entries == 100
    users = set(UserOperationLog.objects.values_list("user_id", flat=True))
    assert users == {"mary", "john"}


@pytest.mark.django_db
def test_the_ids_added_later_are_hashed_when_set_and_rows_without_them_keep_their_hash():
    OperationLog("mary", "SetPriority", "Job").add(
        "priority", new_value="7", job_id="j-1", job_definition_id="jd-1"
    ).add("priority", new_value="8", job_id="j-2").save()
    with_id, without = UserOperationLog.objects.order_by("id")
    # An entry written before the columns existed hashed none of them: a null one is left out.
    older = {name: getattr(without, name) for name in HASHED_FIELDS if name not in LATER_FIELDS}
    assert entry_hash(older, without.previous_hash) == without.hash
    assert verify_chain().intact
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {UserOperationLog._meta.db_table} SET job_definition_id = %s WHERE id = %s",
            ["jd-2", with_id.id],
        )
    assert verify_chain().broken_entry_id == with_id.id
