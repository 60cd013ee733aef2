"""What a script is given and what crosses between it and its host: the bindings (host
objects, variables, functions, the clock, the step budget) and the copies values cross as,
so that a script never changes a variable's value behind the engine's back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.groovy.builtins import ScriptObject, StringBuilder, Thrown
from engine.groovy.errors import GroovyRuntimeError
from engine.groovy.gdk_support import is_closure
from engine.groovy.java_time import TimeValue, to_process_value

MAX_STEPS = 1_000_000
MISSING: Any = object()


@dataclass
class Bindings:
    """What the caller gives a script.

    - `objects`: host objects by name (`execution`, `task`).
    - `variables`: the process variables visible to the script (a name -> value lookup that
      answers MISSING for none).
    - `functions`: callables by name (`S`, `JSON`, `XML`).
    - `store`: where an assignment to an undeclared name goes besides the script's own
      binding (Camunda's autoStoreScriptVariables); None keeps it in the script.
    - `now`: the command's clock, for `new Date()`.
    """

    objects: Mapping[str, Any] = field(default_factory=dict)
    variables: Callable[[str], Any] = lambda name: MISSING
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    store: Callable[[str, Any], None] | None = None
    now: datetime | None = None
    max_steps: int = MAX_STEPS


def isolated(value: Any) -> Any:
    """What crosses between a script and its host: lists and maps as copies, a StringBuilder
    as its text, an Instant or a zoned date-time as a Date (java_time.to_process_value);
    the script's closures and other objects of its own do not cross."""
    if isinstance(value, list):
        return [isolated(item) for item in value]
    if isinstance(value, dict):
        return {key: isolated(item) for key, item in value.items()}
    if isinstance(value, StringBuilder):
        return value.to_string()
    if isinstance(value, TimeValue):
        return to_process_value(value)
    if is_closure(value) or isinstance(value, ScriptObject):
        kind = "closure" if is_closure(value) else (
            value.type_name if isinstance(value, Thrown) else type(value).__name__
        )
        raise GroovyRuntimeError(
            f"a {kind} cannot leave the script: pass strings, numbers, booleans, dates, "
            "lists or maps"
        )
    return value
