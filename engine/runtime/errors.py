"""Errors of the runtime: engine failures, BPMN errors thrown by delegates, lost races."""

from __future__ import annotations


class ProcessEngineError(Exception):
    """The engine refused to go on (Camunda's ProcessEngineException).

    It fails the whole command: `run` raises and returns no step, so the caller persists nothing.
    """

    def __init__(self, message: str, activity_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.activity_id = activity_id

    def __str__(self) -> str:
        if self.activity_id:
            return f"{self.message} (activity '{self.activity_id}')"
        return self.message


class VariableValueError(ProcessEngineError):
    """A variable's value cannot be kept as its type (a number beyond a Long, a NaN Double,
    JSON with Infinity); the caller gave it, so the services report it as a bad request."""


class BpmnError(Exception):
    """A business error a delegate raises on purpose; boundary/event sub-process errors catch it.

    Camunda: `throw new BpmnError("code", "message")` inside a JavaDelegate.
    """

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message


class NotFoundError(ProcessEngineError):
    """A task, job, execution, subscription or definition the caller named does not exist."""


class ConcurrentModification(Exception):  # noqa: N818 - Camunda's OptimisticLockingException
    """Another command saved the instance first; the caller re-runs on fresh state."""

    def __init__(self, instance_id: str, expected_version: int | None) -> None:
        super().__init__(
            f"Process instance '{instance_id}' was modified concurrently "
            f"(expected version {expected_version})"
        )
        self.instance_id = instance_id
        self.expected_version = expected_version
