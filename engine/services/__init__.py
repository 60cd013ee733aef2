"""The engine's Python service API: one function per use case, one transaction each.

Cockpit, tasklist, REST and tests call these; nothing else writes engine tables.
"""

from engine.services.deployment import (
    DeploymentResult,
    ResourceInput,
    delete_deployment,
    deploy,
)

__all__ = ["DeploymentResult", "ResourceInput", "delete_deployment", "deploy"]
