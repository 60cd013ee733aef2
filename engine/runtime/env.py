"""What the interpreter may use from its host: ids, delegates, beans, script switch."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.groovy import MAX_STEPS
from engine.runtime.connectors import Connector, http_connectors
from engine.runtime.javascript import JavaScriptLimits

if TYPE_CHECKING:
    from engine.runtime.decisions import DecisionLookup

Delegate = Callable[[Any], Any]
"""A Python stand-in for a JavaDelegate / listener: called with a DelegateExecution facade
(or the DelegateTask facade for task listeners). It may raise `BpmnError`."""


class _Ids:
    """Unique ids without a system call each: a random 96-bit prefix per process and a
    counter (like Camunda's id blocks). uuid4 per id cost an `os.urandom` call, about a tenth
    of a straight-through instance."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._prefix = uuid.uuid4().hex[:24]
        self._counter = itertools.count(1)

    def __call__(self) -> str:
        return f"{self._prefix}-{next(self._counter):x}"


_uuid = _Ids()
unique_id: Callable[[], str] = _uuid  # for hosts (the store's history rows, the op log)
# A forked worker must not repeat its parent's ids: it draws a new prefix at the fork (not by
# comparing os.getpid() on every id, a system call each).
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_uuid._reset)


@dataclass
class Environment:
    """Host services for `run`.

    - `new_id`: id factory (process prefix + counter by default; tests pass a counter).
    - `delegates`: Java class name (`camunda:class`) -> Python callable.
    - `beans`: names resolvable in expressions (`${myBean.call(execution)}`,
      `camunda:delegateExpression="${myDelegate}"`). A bean used as a delegate is a callable
      or an object with an `execute(execution)` / `notify(execution_or_task)` method.
    - `scripts_enabled`: allow `scriptFormat="python"` (never on by default).
    - `script_resource`: the text of a deployment's file (deployment id, name), for scripts
      in `camunda:resource="deployment://..."`; None where there is none.
    - `connectors`: `camunda:connector` ids -> what sends the request (Camunda Connect's
      `http-connector` and `soap-http-connector` by default, 30 s per request).
    - `javascript`: the limits of `scriptFormat="javascript"` scripts, run in a V8 sandbox
      (`engine.runtime.javascript`); None refuses them.
    - `groovy_max_steps`: the statements, loop turns and closure calls one
      `scriptFormat="groovy"` script may run (engine/groovy).
    - `auto_store_script_variables`: a Groovy script's assignment to an undeclared name also
      sets that process variable (Camunda's autoStoreScriptVariables; off by default).
    - `skip_output_mapping_on_canceled_activities`: cancelled activities run no output
      mapping, whatever cancels them (Camunda's engine setting of that name; off by default:
      they run theirs, see flow.end_cancelled).
    - `exceptions_after_unhandled_bpmn_error`: a BPMN error nobody catches fails the command
      (Camunda's enableExceptionsAfterUnhandledBpmnError); off, as in Camunda, it ends the
      activity that threw it and that activity's token.
    - `history`: "none", "activity", "audit" or "full" (history effects below the level are
      not produced).
    - `decisions`: the deployed DMN decisions business rule tasks evaluate, looked up by
      `engine.runtime.decisions.DecisionRef` (None: no decisions are deployed).
    """

    new_id: Callable[[], str] = _uuid
    delegates: Mapping[str, Delegate] = field(default_factory=dict)
    beans: Mapping[str, object] = field(default_factory=dict)
    scripts_enabled: bool = False
    javascript: JavaScriptLimits | None = field(default_factory=JavaScriptLimits)
    script_resource: Callable[[str | None, str], str | None] | None = None
    groovy_max_steps: int = MAX_STEPS
    auto_store_script_variables: bool = False
    skip_output_mapping_on_canceled_activities: bool = False
    exceptions_after_unhandled_bpmn_error: bool = False
    connectors: Mapping[str, Connector] = field(default_factory=lambda: http_connectors(30))
    history: str = "full"
    decisions: DecisionLookup | None = None


class CountingIds:
    """Deterministic ids for tests: '1', '2', '3', ..."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"{self.prefix}{self.count}"
