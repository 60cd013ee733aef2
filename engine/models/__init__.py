"""ORM rows of the engine. Only the engine's store and services write them."""

from engine.models.history import (
    HistoricActivityInstance,
    HistoricDetail,
    HistoricExternalTaskLog,
    HistoricIncident,
    HistoricJobLog,
    HistoricProcessInstance,
    HistoricTaskInstance,
    HistoricVariableInstance,
    InstanceStatus,
    LogState,
)
from engine.models.oplog import EntityType, OperationType, UserOperationLog
from engine.models.repository import (
    Deployment,
    EngineProperty,
    ProcessDefinition,
    Resource,
    ResourceType,
)
from engine.models.runtime import (
    EventSubscription,
    Execution,
    ExternalTask,
    Incident,
    Job,
    ProcessInstance,
    Task,
    TaskCandidate,
    VariableInstance,
)

__all__ = [
    "Deployment",
    "EngineProperty",
    "EntityType",
    "EventSubscription",
    "Execution",
    "ExternalTask",
    "HistoricActivityInstance",
    "HistoricExternalTaskLog",
    "HistoricJobLog",
    "LogState",
    "HistoricDetail",
    "HistoricIncident",
    "HistoricProcessInstance",
    "HistoricTaskInstance",
    "HistoricVariableInstance",
    "Incident",
    "InstanceStatus",
    "Job",
    "OperationType",
    "ProcessDefinition",
    "ProcessInstance",
    "Resource",
    "ResourceType",
    "Task",
    "TaskCandidate",
    "UserOperationLog",
    "VariableInstance",
]
