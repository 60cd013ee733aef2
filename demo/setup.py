"""Deploy the demo processes and give the demo user the groups their tasks are offered to."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import Group, User

from engine.services import ResourceInput, deploy

FOLDER = Path(__file__).resolve().parent
DEPLOYMENT_NAME = "Legato demo"
# Candidate groups used by the demo processes; the demo user works in all of them.
DEMO_GROUPS = ("compliance", "warehouse", "provisioning")


def demo_resources() -> list[ResourceInput]:
    return [ResourceInput(path.name, path.read_bytes()) for path in sorted(FOLDER.glob("*.bpmn"))]


def deploy_demo_processes(user: User) -> int:
    """Deploy what changed since the last demo deployment; returns new definitions."""
    result = deploy(
        demo_resources(),
        name=DEPLOYMENT_NAME,
        source="Legato demo",
        deploy_changed_only=True,
        user_id=user.username,
    )
    return len(result.process_definitions)


def join_demo_groups(user: User) -> None:
    for name in DEMO_GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        user.groups.add(group)
