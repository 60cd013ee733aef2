"""An auditor (auditor preset, not admin) filters the trail of one instance, downloads it as
CSV, and checks the hash chain before and after a row is altered in the database."""

import csv

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from playwright.sync_api import expect

from engine.models import UserOperationLog
from engine.services.oplog import OperationLog

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "audit-pass-123"


def seed_trail() -> None:
    for instance, user in [("pi-A", "mary"), ("pi-B", "john"), ("pi-A", "john")]:
        OperationLog(user, "Update", "ProcessInstance").add(
            "suspended", org_value="false", new_value="true", process_instance_id=instance,
            process_definition_key="invoice",
        ).save()
    OperationLog("mary", "SetVariable", "Variable").add(
        "amount", new_value="100", process_instance_id="pi-A", process_definition_key="invoice"
    ).save()


def test_auditor_filters_one_instance_downloads_csv_and_sees_the_chain_break(
    page, live_server_url, screenshot, tmp_path
):
    call_command("apply_role_preset", "auditor", "--group", "auditors")
    audrey = User.objects.create_user("audrey", password=PASSWORD, first_name="Audrey")
    audrey.groups.add(Group.objects.get(name="auditors"))
    seed_trail()

    page.goto(live_server_url + "/login/")
    page.get_by_label("Username").fill("audrey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Audit", exact=True).first.click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()

    page.get_by_label("Process instance id").fill("pi-A")
    page.get_by_role("button", name="Apply filter").click()
    trail = page.get_by_test_id("audit-trail")
    expect(trail.locator("tbody tr")).to_have_count(3)
    expect(trail).not_to_contain_text("pi-B")
    screenshot("auditor-trail")

    page.get_by_label("What").select_option("user-operation")
    page.get_by_label("Format").select_option("csv")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    path = tmp_path / "trail.csv"
    download_info.value.save_as(path)
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = UserOperationLog.objects.filter(
        process_instance_id="pi-A", operation_type__in=["Update", "SetVariable"]
    ).order_by("id")
    assert [(int(r["id"]), r["userId"], r["property"], r["newValue"], r["hash"]) for r in rows] \
        == [(e.id, e.user_id, e.property, e.new_value, e.hash) for e in expected]

    page.get_by_role("button", name="Check the chain").click()
    expect(page.get_by_test_id("chain-status")).to_contain_text("Intact")

    victim = expected[0]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {UserOperationLog._meta.db_table} SET user_id = %s WHERE id = %s",
            ["someone-else", victim.id],
        )
    page.get_by_role("button", name="Check the chain").click()
    expect(page.get_by_test_id("chain-status")).to_contain_text(f"Broken at entry {victim.id}")
    screenshot("auditor-chain-broken")
