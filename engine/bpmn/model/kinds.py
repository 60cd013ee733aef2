"""Kinds of nodes, events, timers, implementations and parameter values."""

from __future__ import annotations

from enum import StrEnum


class NodeKind(StrEnum):
    """Flow node kinds, in BPMN terms."""

    START_EVENT = "start_event"
    END_EVENT = "end_event"
    INTERMEDIATE_CATCH_EVENT = "intermediate_catch_event"
    INTERMEDIATE_THROW_EVENT = "intermediate_throw_event"
    BOUNDARY_EVENT = "boundary_event"
    USER_TASK = "user_task"
    SERVICE_TASK = "service_task"
    SEND_TASK = "send_task"
    RECEIVE_TASK = "receive_task"
    SCRIPT_TASK = "script_task"
    BUSINESS_RULE_TASK = "business_rule_task"
    MANUAL_TASK = "manual_task"
    TASK = "task"
    CALL_ACTIVITY = "call_activity"
    SUB_PROCESS = "sub_process"
    TRANSACTION = "transaction"
    AD_HOC_SUB_PROCESS = "ad_hoc_sub_process"
    EXCLUSIVE_GATEWAY = "exclusive_gateway"
    PARALLEL_GATEWAY = "parallel_gateway"
    INCLUSIVE_GATEWAY = "inclusive_gateway"
    EVENT_BASED_GATEWAY = "event_based_gateway"
    COMPLEX_GATEWAY = "complex_gateway"


GATEWAY_KINDS = frozenset(
    {
        NodeKind.EXCLUSIVE_GATEWAY,
        NodeKind.PARALLEL_GATEWAY,
        NodeKind.INCLUSIVE_GATEWAY,
        NodeKind.EVENT_BASED_GATEWAY,
        NodeKind.COMPLEX_GATEWAY,
    }
)
EVENT_KINDS = frozenset(
    {
        NodeKind.START_EVENT,
        NodeKind.END_EVENT,
        NodeKind.INTERMEDIATE_CATCH_EVENT,
        NodeKind.INTERMEDIATE_THROW_EVENT,
        NodeKind.BOUNDARY_EVENT,
    }
)
# Kinds the engine refuses to deploy in an executable process (Camunda 7 ignores them with a
# warning, which silently strands tokens; refusing is kinder).
UNSUPPORTED_KINDS = frozenset({NodeKind.COMPLEX_GATEWAY, NodeKind.AD_HOC_SUB_PROCESS})


class EventKind(StrEnum):
    """The trigger of an event definition."""

    NONE = "none"
    MESSAGE = "message"
    SIGNAL = "signal"
    TIMER = "timer"
    ERROR = "error"
    ESCALATION = "escalation"
    COMPENSATE = "compensate"
    CONDITIONAL = "conditional"
    LINK = "link"
    TERMINATE = "terminate"
    CANCEL = "cancel"


class TimerKind(StrEnum):
    DATE = "date"
    DURATION = "duration"
    CYCLE = "cycle"


class ImplementationKind(StrEnum):
    """How a service-like task (or a message throw event) does its work."""

    NONE = "none"
    CLASS = "class"
    EXPRESSION = "expression"
    DELEGATE_EXPRESSION = "delegate_expression"
    EXTERNAL = "external"
    DECISION = "decision"
    CONNECTOR = "connector"


class ValueKind(StrEnum):
    """Shape of an input/output parameter value."""

    NULL = "null"
    TEXT = "text"
    EXPRESSION = "expression"
    LIST = "list"
    MAP = "map"
    SCRIPT = "script"
