"""History rows for export and cleanup tests, written straight through the ORM."""

from __future__ import annotations

from datetime import datetime, timedelta

from engine.models import (
    HistoricActivityInstance,
    HistoricDetail,
    HistoricIdentityLinkLog,
    HistoricIncident,
    HistoricProcessInstance,
    HistoricTaskInstance,
    HistoricVariableInstance,
)

T0 = datetime.fromisoformat("2026-01-10T09:00:00+00:00")


def instance(pid: str, key: str = "invoice", *, start: datetime = T0, end: datetime | None = None,
             user: str = "mary", definition_id: str | None = None) -> HistoricProcessInstance:
    definition_id = definition_id or f"{key}:1:abc"
    made = HistoricProcessInstance.objects.create(
        id=pid, process_definition_id=definition_id, process_definition_key=key,
        process_definition_version=1, start_time=start, end_time=end, start_user_id=user,
        state="COMPLETED" if end else "ACTIVE", business_key=f"bk-{pid}",
    )
    HistoricActivityInstance.objects.create(
        id=f"{pid}-a1", activity_id="start", activity_type="startEvent", process_instance_id=pid,
        execution_id=pid, process_definition_id=definition_id, start_time=start,
        end_time=start, duration_ms=0,
    )
    HistoricTaskInstance.objects.create(
        id=f"{pid}-t1", name="Approve", assignee=user, start_time=start + timedelta(minutes=1),
        task_definition_key="approve", process_instance_id=pid, execution_id=pid,
        activity_instance_id=f"{pid}-a2", process_definition_id=definition_id,
    )
    HistoricIdentityLinkLog.objects.create(
        timestamp=start + timedelta(minutes=1), type="assignee", user_id=user,
        task_id=f"{pid}-t1", operation_type="add", assigner_id=user, process_instance_id=pid,
        process_definition_id=definition_id, process_definition_key=key,
    )
    HistoricVariableInstance.objects.create(
        id=f"{pid}-v1", name="amount", type="Integer", value=100, process_instance_id=pid,
        execution_id=pid, create_time=start,
    )
    HistoricDetail.objects.create(
        variable_instance_id=f"{pid}-v1", name="amount", type="Integer", value={"n": 100},
        revision=0, time=start, process_instance_id=pid, execution_id=pid,
    )
    HistoricIncident.objects.create(
        id=f"{pid}-i1", incident_type="failedJob", incident_message="boom, \"quoted\"",
        create_time=start + timedelta(minutes=2), process_instance_id=pid,
        process_definition_id=definition_id, activity_id="service",
    )
    return made
