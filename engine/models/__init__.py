"""ORM rows of the engine. Only the engine's store and services write them."""

from engine.models.decision_history import (
    HistoricDecisionInput,
    HistoricDecisionInstance,
    HistoricDecisionOutput,
)
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
from engine.models.metrics import MeterLog, TaskMeterLog
from engine.models.oplog import EntityType, OperationType, UserOperationLog
from engine.models.repository import (
    DecisionDefinition,
    Deployment,
    EngineProperty,
    JobDefinition,
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
    "DecisionDefinition",
    "Deployment",
    "EngineProperty",
    "EntityType",
    "EventSubscription",
    "Execution",
    "ExternalTask",
    "HistoricActivityInstance",
    "HistoricDecisionInput",
    "HistoricDecisionInstance",
    "HistoricDecisionOutput",
    "HistoricExternalTaskLog",
    "HistoricJobLog",
    "LogState",
    "MeterLog",
    "TaskMeterLog",
    "HistoricDetail",
    "HistoricIncident",
    "HistoricProcessInstance",
    "HistoricTaskInstance",
    "HistoricVariableInstance",
    "Incident",
    "InstanceStatus",
    "Job",
    "JobDefinition",
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
