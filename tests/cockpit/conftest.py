"""Cockpit page tests: a logged-in client and helpers to deploy through the service."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from engine.models import Incident, ProcessDefinition, ProcessInstance
from engine.services import ResourceInput, deploy
from tests.factories import one_task_bpmn


@pytest.fixture
def user_client(client: Client, demo_user: User) -> Client:
    client.force_login(demo_user)
    return client


def deploy_key(key: str, name: str | None = None, task: str = "Task_1") -> ProcessDefinition:
    """Deploy a one-task model of this key through the engine; returns the new version."""
    xml = one_task_bpmn(key, **({"name": name} if name else {}), task=task)
    (definition,) = deploy([ResourceInput(f"{key}.bpmn", xml)], name=key).process_definitions
    return definition


def add_instance(definition: ProcessDefinition) -> ProcessInstance:
    # The runtime store does not exist yet: tests write the row the cockpit counts.
    return ProcessInstance.objects.create(
        id=str(uuid.uuid4()), process_definition=definition, state={}, start_time=timezone.now()
    )


def add_incident(definition: ProcessDefinition, activity_id: str = "Task_1") -> Incident:
    return Incident.objects.create(
        id=str(uuid.uuid4()),
        incident_type="failedJob",
        timestamp=timezone.now(),
        activity_id=activity_id,
        process_definition_id=definition.id,
    )


def deploy_xml(key: str, xml: bytes) -> ProcessDefinition:
    (definition,) = deploy([ResourceInput(f"{key}.bpmn", xml)], name=key).process_definitions
    return definition


def fail_job_of(instance_id: str) -> Incident:
    """Run the instance's job as the executor would; with R1 the failure raises an incident."""
    from engine.jobs.executor import run_job
    from engine.models import Job

    job = Job.objects.get(process_instance_id=instance_id)
    Job.objects.filter(pk=job.pk).update(lock_owner="test")
    run_job(job.id, "test")
    return Incident.objects.get(process_instance_id=instance_id)


@pytest.fixture
def operator(db: None) -> User:
    """A user outside the admin group who may open the cockpit (Application ACCESS, as Camunda
    requires) and do there only what further authorizations grant."""
    from identity.resources import Permission, Resource

    user = User.objects.create_user("operator", password="operator-pass-1")
    grant(user, Resource.APPLICATION, "cockpit", Permission.ACCESS)
    return user


def grant(user: User, resource: int, resource_id: str, *permissions: str) -> None:
    from identity.models import Authorization, AuthorizationType

    Authorization.objects.create(
        type=AuthorizationType.GRANT,
        user_id=user.username,
        resource_type=resource,
        resource_id=resource_id,
        permissions=list(permissions),
    )
