"""Legato's expression language: JUEL (``${...}`` / ``#{...}``) as Camunda 7 evaluates it.

Our own tokenizer, parser and evaluator; never Python ``eval``. Only values the language knows
(None, bool, int, float, Decimal, str, list/tuple, dict, datetime) and ``ElObject`` hosts are
reachable, and only through the allow-lists in ``engine.el.methods`` and each host's
``EL_METHODS`` / ``EL_PROPERTIES``.

What the runtime must declare on its facades (each an ``ElObject`` subclass):

``execution`` (Camunda's DelegateExecution)
    EL_METHODS: getVariable, setVariable, hasVariable, getVariableLocal, setVariableLocal,
    getBusinessKey, getProcessBusinessKey, getProcessInstanceId, getActivityId,
    getCurrentActivityId, getProcessDefinitionId, getId, getEventName.
    EL_PROPERTIES: businessKey, processBusinessKey, processInstanceId, activityId,
    currentActivityId, id, eventName, processDefinitionId.
``task`` (Camunda's DelegateTask, in task listeners and assignment expressions)
    EL_METHODS: getAssignee, setAssignee, getName, getId, getVariable, setVariable,
    hasVariable, getEventName, getProcessInstanceId, getTaskDefinitionKey.
    EL_PROPERTIES: name, id, assignee, eventName, processInstanceId, taskDefinitionKey,
    owner, priority, dueDate.

Methods of a host run with the arguments as given (no EL coercion) and their exceptions
propagate unchanged (a delegate's BpmnError must reach the runtime); argument-count mismatches
are ``ExpressionError``.
"""

from engine.el.context import EvaluationContext, VariableScope
from engine.el.datetime_value import DateTimeValue
from engine.el.errors import ExpressionError
from engine.el.expression import Expression, compile_expression, compile_script, has_expression
from engine.el.host import ElObject

__all__ = [
    "DateTimeValue",
    "ElObject",
    "EvaluationContext",
    "Expression",
    "ExpressionError",
    "VariableScope",
    "compile_expression",
    "has_expression",
    "compile_script",
]
