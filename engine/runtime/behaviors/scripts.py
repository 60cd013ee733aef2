"""Scripts wherever Camunda takes one (script tasks, listeners, parameters, conditions): JUEL,
Groovy in its interpreter (engine/groovy), JavaScript in its sandbox
(engine/runtime/javascript.py), Python where enabled; inline or from a file of the deployment
(`camunda:resource`)."""

from __future__ import annotations

from typing import Any

from engine.bpmn.model import Script
from engine.bpmn.script_resources import ScriptResourceError, deployment_resource_name
from engine.el import ElObject, compile_script, has_expression
from engine.el.context import SPIN_FUNCTIONS
from engine.groovy import (
    GROOVY_FORMATS,
    MISSING,
    Bindings,
    GroovyError,
    ScriptThrow,
    parse_groovy,
    run_groovy,
)
from engine.groovy.bindings import isolated
from engine.runtime.contents import BINARY_TYPES
from engine.runtime.context import Run
from engine.runtime.errors import BpmnError, ProcessEngineError
from engine.runtime.facades import ExecutionFacade, TaskFacade
from engine.runtime.javascript import JAVASCRIPT_FORMATS, JavaScriptError, run_javascript
from engine.runtime.state import Execution
from engine.runtime.values import TypedValue


def run_script(
    run: Run,
    script: Script,
    execution: Execution,
    activity_id: str | None,
    facade: Any = None,
    task_facade: TaskFacade | None = None,
    *,
    result_used: bool = True,
) -> Any:
    """The script's value; `result_used` False (a listener, a script task without a result
    variable) lets a Groovy script end on a value that could not be stored."""
    language = script.format.lower()
    text = script.text or ""
    if script.resource is not None:
        text = _resource_text(run, script.resource, execution, activity_id)
    if language == "juel":
        context = run.context(execution, activity_id=activity_id, facade=task_facade)
        try:
            return compile_script(text).evaluate(context)
        except Exception as error:
            from engine.el import ExpressionError

            if isinstance(error, ExpressionError):
                raise ProcessEngineError(
                    f"Error while evaluating script: {error}", activity_id
                ) from error
            raise
    if language in GROOVY_FORMATS:
        return _run_groovy(run, text, execution, activity_id, facade, task_facade, result_used)
    if is_javascript(script) and run.env.javascript is not None:
        objects: dict[str, ElObject] = {
            "execution": facade or ExecutionFacade(run, execution, activity_id=activity_id)
        }
        if task_facade is not None:
            objects["task"] = task_facade
        variables = {k: _to_script(v) for k, v in run.visible_variables(execution).items()}
        local = {k: _to_script(v) for k, v in execution.variables.items()}
        try:
            return run_javascript(text, objects, variables, local, run.env.javascript)
        except JavaScriptError as error:
            # Camunda's ScriptEvaluationException; the command fails and changes nothing.
            raise ProcessEngineError(f"Unable to evaluate script: {error}", activity_id) from None
    if language == "python" and run.env.scripts_enabled:
        scope: dict[str, Any] = {
            "execution": facade or ExecutionFacade(run, execution, activity_id=activity_id),
            "task": task_facade,
        }
        exec(compile(text, f"<script {activity_id}>", "exec"), scope)  # noqa: S102
        return scope.get("result")
    raise ProcessEngineError(
        f"Script language '{script.format}' is not supported"
        + (" (python scripts are disabled)" if language == "python" else "")
        + (" (JavaScript is switched off)" if language in JAVASCRIPT_FORMATS else ""),
        activity_id,
    )


def _run_groovy(
    run: Run,
    text: str,
    execution: Execution,
    activity_id: str | None,
    facade: Any,
    task_facade: TaskFacade | None,
    result_used: bool,
) -> Any:
    objects: dict[str, ElObject] = {
        "execution": facade or ExecutionFacade(run, execution, activity_id=activity_id)
    }
    if task_facade is not None:
        objects["task"] = task_facade

    def variable(name: str) -> Any:
        typed = run.get_typed(execution, name)
        return MISSING if typed is None else typed.value

    def store(name: str, value: Any) -> None:
        run.set_variable(execution, name, value)

    bindings = Bindings(
        objects,
        variable,
        SPIN_FUNCTIONS,
        store if run.env.auto_store_script_variables else None,
        run.now,
        run.env.groovy_max_steps,
    )
    try:
        result = run_groovy(parse_groovy(text), bindings)
        # What the script answers crosses to the process as a variable's value does.
        return isolated(result) if result_used else None
    except ScriptThrow as thrown:
        if thrown.thrown.type_name == "BpmnError":
            raise BpmnError(thrown.thrown.code or "", thrown.thrown.message) from None
        failure = _evaluation_error(thrown, activity_id)
        raise ScriptThrew(
            failure.message, activity_id, thrown.thrown.class_names(), thrown.thrown.message
        ) from None
    except GroovyError as error:
        raise _evaluation_error(error, activity_id) from None


class ScriptThrew(ProcessEngineError):
    """A script threw an exception of its own (`throw new IllegalArgumentException(...)`):
    the command fails with it unless an error catch names its class (`class_names`, Java
    simple names) as errorCode; then it is that BPMN error, `detail` its message."""

    def __init__(
        self, message: str, activity_id: str | None, class_names: list[str], detail: str | None
    ) -> None:
        super().__init__(message, activity_id)
        self.class_names = class_names
        self.detail = detail


def _evaluation_error(error: GroovyError, activity_id: str | None) -> ProcessEngineError:
    """Camunda's ScriptEvaluationException: the command fails and changes nothing."""
    where = f" at line {error.line} of the script" if error.line else ""
    return ProcessEngineError(f"Unable to evaluate script: {error.message}{where}", activity_id)


def _resource_text(
    run: Run, reference: str, execution: Execution, activity_id: str | None
) -> str:
    """The text of a `camunda:resource` script (`deployment://name` in the model's own
    deployment; an expression naming it is evaluated first)."""
    if has_expression(reference):
        reference = str(run.evaluate(reference, execution, activity_id=activity_id))
    try:
        name = deployment_resource_name(reference)
    except ScriptResourceError as error:
        raise ProcessEngineError(str(error), activity_id) from None
    load = run.env.script_resource
    text = load(run.definition.deployment_id, name) if load is not None else None
    if text is None:
        raise ProcessEngineError(
            f"Script resource '{name}' is not in deployment '{run.definition.deployment_id}'",
            activity_id,
        )
    return text


def condition_holds(
    run: Run,
    text: str,
    language: str | None,
    execution: Execution,
    activity_id: str | None,
    resource: str | None = None,
) -> bool:
    """A condition: an expression, or a script (`language`, inline or a `resource`) that
    answers a boolean."""
    if resource is None and (language is None or language.lower() == "juel"):
        return run.condition(text, execution, activity_id=activity_id)
    script = Script(format=language or "", text=text, resource=resource)
    value = run_script(run, script, execution, activity_id)
    if not isinstance(value, bool):
        raise ProcessEngineError(
            f"Condition script did not return a boolean value but {value!r}", activity_id
        )
    return value


def is_javascript(script: Script) -> bool:
    return script.format.lower() in JAVASCRIPT_FORMATS


def _to_script(typed: TypedValue) -> Any:
    # JavaScript gets no Bytes or File content: a stored one is not read for nothing.
    return None if typed.type in BINARY_TYPES else typed.value
