"""Tasklist test helpers: users in groups, the KYC and Camunda Form demo processes deployed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from engine.models import ProcessDefinition, Task
from engine.services import ResourceInput, deploy, runtime
from identity.models import Authorization, AuthorizationType
from identity.resources import Permission, Resource

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn"


def make_user(username: str, *groups: str) -> User:
    """A tasklist user: Camunda lets only holders of Application `tasklist` ACCESS in."""
    user = User.objects.create_user(username, password="pw")
    Authorization.objects.create(
        type=AuthorizationType.GRANT, user_id=username, resource_type=Resource.APPLICATION,
        resource_id="tasklist", permissions=[Permission.ACCESS],
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def deploy_demo() -> dict[str, ProcessDefinition]:
    """kyc_review.bpmn, and camunda_form.bpmn with its two .form files, in one deployment."""
    names = ["kyc_review.bpmn", "camunda_form.bpmn", "limit_decision.form", "limit_request.form"]
    resources = [ResourceInput(n, (FIXTURES / n).read_bytes()) for n in names]
    result = deploy(resources, name="tasklist-demo")
    return {d.key: d for d in result.process_definitions}


def start_kyc(name: str = "Ada Lovelace", business_key: str | None = "KYC-1") -> Task:
    started = runtime.start_process_instance(
        "kyc_review", variables={"customerName": name}, business_key=business_key
    )
    return Task.objects.get(process_instance_id=started.id)


@pytest.fixture
def demo(db: None) -> dict[str, ProcessDefinition]:
    return deploy_demo()


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice", "compliance")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob", "compliance")


@pytest.fixture
def mallory(db: None) -> User:
    return make_user("mallory", "sales")
