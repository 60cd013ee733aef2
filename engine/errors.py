"""Errors of the engine's service API; the REST layer maps each to Camunda's type and status."""

from __future__ import annotations

from collections.abc import Sequence

from engine.bpmn.errors import BpmnProblem
from engine.runtime.errors import ConcurrentModification, ProcessEngineError


class EngineError(Exception):
    """Base of every error a service call reports (Camunda: ProcessEngineException)."""

    camunda_type = "ProcessEngineException"


class NotFoundError(EngineError):
    """The named deployment, definition, instance, task ... does not exist."""

    camunda_type = "InvalidRequestException"


class BadRequestError(EngineError):
    """The call's arguments cannot be used; nothing was changed."""

    camunda_type = "InvalidRequestException"


class DeletionFailedError(EngineError):
    """A deletion refused because something still depends on it (running instances)."""

    camunda_type = "DeletionFailedException"


class DecisionEvaluationError(EngineError):
    """A decision could not be evaluated (hit policy, types, expressions); Camunda's
    DmnEngineException. Nothing is recorded."""

    camunda_type = "DmnEngineException"


class DeploymentError(EngineError):
    """A deployment was refused; `problems` lists every reason in every resource."""

    camunda_type = "ParseException"

    def __init__(self, problems: Sequence[BpmnProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        count = len(self.problems)
        super().__init__(
            f"ENGINE-09005 Could not parse BPMN process. Errors: {count} problem"
            f"{'s' if count != 1 else ''}:\n{lines}"
        )


class AuthorizationError(EngineError):
    """The acting user lacks a permission (Camunda: AuthorizationException, HTTP 403).

    `missing` lists `{permissionName, resourceName, resourceId}` as Camunda's REST body does.
    """

    camunda_type = "AuthorizationException"

    def __init__(
        self, message: str, *, user_id: str = "", missing: Sequence[dict[str, str]] = ()
    ) -> None:
        super().__init__(message)
        self.user_id = user_id
        self.missing = list(missing)


# What a service call may refuse, for callers that show the reason and go on (the cockpit's
# and the tasklist's actions): the service layer's errors and the interpreter's, a command the
# process cannot carry out (an expression that fails, a listener's missing bean, no condition
# that holds at a gateway), or a command that kept losing the race to others on the same
# instance. Either way nothing changed.
REFUSED: tuple[type[Exception], ...] = (EngineError, ProcessEngineError, ConcurrentModification)
