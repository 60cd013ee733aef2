"""JavaScript scripts (`scriptFormat="javascript"`), run in a V8 isolate with no host access.

Camunda 7 runs them in Nashorn or GraalJS with Java at hand; here a script sees only data: the
process variables visible from its execution (as global names, as Camunda binds them),
`execution` and, in a task listener, `task`, with the methods expressions know
(`engine.runtime.facades`), and Camunda Spin's `S(...)`, `XML(...)` and node methods
(js/spin_json.js, js/json_path.js, js/spin_xml.js). The call into V8 is synchronous and
carries JSON only, so the objects are copies: a script's reads answer from the copy (updated
by its own writes) and its writes (`setVariable`, `setAssignee`, ...) are replayed on the real
objects, in order, when it returns. Nothing else crosses: no files, network, processes or
Python objects. Where Spin XML needs lxml, the script is run again with the answer
(engine/runtime/javascript_xml.py), within the same limits.

Each thread keeps one V8 context (creating one costs tens of milliseconds). So that one
script cannot change what the next one sees, the built-in objects are frozen when the context
is made, and the globals a script adds are deleted when it ends; a script that runs out of
memory or leaves a global that cannot be deleted costs its context, and the next script gets
a fresh one.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.el import ElObject
from engine.el.spin_xml import SpinXml, parse_xml
from engine.runtime.javascript_xml import MAX_QUESTIONS, XML_KEY, XmlDocuments
from engine.runtime.values import FileValue

logger = logging.getLogger("legato.scripts")

# The names Camunda's script engines answer to (JSR-223 names of Nashorn and GraalJS).
JAVASCRIPT_FORMATS = frozenset({"javascript", "js", "ecmascript", "nashorn", "graal.js"})

_DATE = "__legato_date__"

# Facade methods with a meaning on the copied variables (by the Python method they call).
_VARIABLE_METHODS = {
    "get_variable": "getVariable",
    "get_variable_local": "getVariableLocal",
    "has_variable": "hasVariable",
    "get_variables": "getVariables",
    "set_variable": "setVariable",
    "set_variable_local": "setVariableLocal",
    "remove_variable": "removeVariable",
}

# The prelude: the sandbox and the objects Camunda scripts expect, from the files of js/,
# run once in every new context, in one function so that they share its names.
_PRELUDE_FILES = ("sandbox.js", "spin_json.js", "spin_mapping.js", "json_path.js", "spin_xml.js",
                  "java.js")
_PRELUDE = (
    '(function () {\n"use strict";\n'
    + "".join((Path(__file__).parent / "js" / name).read_text() for name in _PRELUDE_FILES)
    + "})();\n"
)


@dataclass(frozen=True)
class JavaScriptLimits:
    """What one script may use: wall-clock time and V8 heap."""

    timeout_ms: int = 5000
    memory_mb: int = 64


class JavaScriptError(Exception):
    """A script failed: a JavaScript exception, a syntax error, or a limit it hit."""


class _Contexts(threading.local):
    context: Any = None
    pid: int = 0
    memory_mb: int = 0


_contexts = _Contexts()
# Every live context, closed at exit (see `_close_all`); weak, so that the context of a thread
# that ended is freed with it.
_open: weakref.WeakSet[Any] = weakref.WeakSet()
_open_lock = threading.Lock()


def _context(limits: JavaScriptLimits) -> Any:
    if _contexts.context is not None and _contexts.memory_mb != limits.memory_mb:
        _discard()  # the limit changed (settings in tests): a context with the new one
    # A context made before a fork belongs to the parent's V8 threads: make a new one (never
    # close that one here, its threads are not in this process).
    if _contexts.context is None or _contexts.pid != os.getpid():
        from py_mini_racer import MiniRacer

        context = MiniRacer()
        context.set_hard_memory_limit(limits.memory_mb * 1024 * 1024)
        context.eval(_PRELUDE)
        with _open_lock:
            _open.add(context)
        _contexts.context, _contexts.pid = context, os.getpid()
        _contexts.memory_mb = limits.memory_mb
    return _contexts.context


def _discard() -> None:
    context, _contexts.context = _contexts.context, None
    if context is not None:
        _close(context)


def _close(context: Any) -> None:
    with _open_lock:
        _open.discard(context)
    try:
        context.close()
    except Exception:  # noqa: BLE001 - a broken context is dropped either way
        logger.debug("closing a JavaScript context failed", exc_info=True)


@atexit.register
def _close_all() -> None:
    # Left to the garbage collector, a context is freed during interpreter shutdown, when
    # V8's callbacks can no longer take the GIL: the process would hang instead of exiting.
    with _open_lock:
        contexts = list(_open)
    for context in contexts:
        _close(context)


def syntax_error(source: str, limits: JavaScriptLimits | None = None) -> str | None:
    """Why `source` is not valid JavaScript, or None. It is compiled, not run."""
    limits = limits or JavaScriptLimits()
    return _call("__legato_check", source, limits=limits)


def run_javascript(
    source: str,
    objects: Mapping[str, ElObject],
    variables: Mapping[str, Any],
    local_variables: Mapping[str, Any],
    limits: JavaScriptLimits,
) -> Any:
    """Run `source` with `objects` (`execution`, `task`) and the visible `variables` bound
    as globals; replay its writes on the objects; answer the value of its last statement."""
    data = {
        "variables": dict(variables),
        "objects": {
            name: _spec(obj, local_variables if name == "execution" else {})
            for name, obj in objects.items()
        },
    }
    documents = XmlDocuments()
    given = json.dumps(data, default=lambda value: _to_json(value, documents))
    outcome = _run_to_the_end(source, given, documents, limits)
    for name, method, args in outcome["ops"]:
        if method == "print":
            logger.info("script: %s", args[0])
            continue
        target = objects[name]
        getattr(target, type(target).EL_METHODS[method])(*args)
    return outcome["result"]


def _run_to_the_end(
    source: str, given: str, documents: XmlDocuments, limits: JavaScriptLimits
) -> dict[str, Any]:
    """Run the script until a run of it needs no answer it lacks (javascript_xml.py); all its
    runs and the answers between them share its time limit."""
    answers: list[str] = []  # the answers' JSON members, each encoded once
    deadline = time.monotonic() + limits.timeout_ms / 1000
    for _ in range(MAX_QUESTIONS + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise JavaScriptError(f"the script ran longer than {limits.timeout_ms} ms")
        answer = _call(
            "__legato_run", given, source, "{" + ",".join(answers) + "}", limits=limits,
            timeout=remaining,
        )
        outcome = json.loads(answer)
        if outcome["dirty"]:
            _discard()  # a global it left cannot be deleted: the next script gets a new context
        if "question" not in outcome:
            return json.loads(outcome["payload"], object_hook=_from_json)
        key, request = outcome["question"]
        answers.append(f"{json.dumps(key)}:{json.dumps(documents.answer(request))}")
    raise JavaScriptError(
        f"the script needed more than {MAX_QUESTIONS} XML parses and XPath queries"
    )


def _call(
    function: str, *args: str, limits: JavaScriptLimits, timeout: float | None = None
) -> Any:
    """Call a prelude function; `timeout` (seconds) is what is left of the script's time."""
    from py_mini_racer import JSEvalException, JSOOMException, JSTimeoutException

    context = _context(limits)
    try:
        return context.call(
            function, *args, timeout_sec=limits.timeout_ms / 1000 if timeout is None else timeout
        )
    except JSTimeoutException:
        reason = f"the script ran longer than {limits.timeout_ms} ms"
    except JSOOMException:
        _discard()  # V8 refuses every later call in an isolate that hit its limit
        raise JavaScriptError(f"the script used more than {limits.memory_mb} MB") from None
    except JSEvalException as error:
        reason = describe_error(str(error))
    # A stopped script skipped its own cleanup; one that failed has had it.
    _clean_up(context)
    raise JavaScriptError(reason)


def _clean_up(context: Any) -> None:
    try:
        clean = context.call("__legato_cleanup", timeout_sec=1)
    except Exception:  # noqa: BLE001 - a context that cannot clean up is replaced
        clean = False
    if not clean:
        _discard()


# V8's first line: "<resource>:<line>: <error>"; the script's own code has no resource name.
_FIRST_LINE = re.compile(r"^(undefined|<anonymous>):(\d+): (.*)$")


def describe_error(text: str) -> str:
    """V8's report as one line: the error and, when it arose in the script's own code, the
    line of the script."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    match = _FIRST_LINE.match(first)
    if match is None:
        return first or "the script failed"
    resource, line, message = match.groups()
    return f"{message} at line {line} of the script" if resource == "undefined" else message


def _spec(obj: ElObject, local_variables: Mapping[str, Any]) -> dict[str, Any]:
    """What the script's copy of `obj` answers: its properties, its getters' values, and
    what each method does on the copy."""
    # `execution.variables` reads the script's copy of the variables, sent once.
    properties = {
        name: getattr(obj, method)()
        for name, method in obj.EL_PROPERTIES.items()
        if method != "get_variables"
    }
    variable_properties = [
        name for name, method in obj.EL_PROPERTIES.items() if method == "get_variables"
    ]
    values: dict[str, Any] = {}
    methods: dict[str, str] = {}
    for name, method in obj.EL_METHODS.items():
        kind = _VARIABLE_METHODS.get(method)
        if kind is None and name.startswith(("get", "is", "has")):
            values[name] = getattr(obj, method)()
            kind = "value"
        methods[name] = kind or "call"
    return {
        "properties": properties,
        "variableProperties": variable_properties,
        "values": values,
        "methods": methods,
        "locals": dict(local_variables),
    }


def _to_json(value: Any, documents: XmlDocuments) -> Any:
    if isinstance(value, SpinXml):
        return documents.variable(value)
    if isinstance(value, datetime):
        return {_DATE: value.isoformat()}
    if isinstance(value, bytes | bytearray | FileValue):
        return None  # Bytes and File variables are not given to scripts
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


def _from_json(data: dict[str, Any]) -> Any:
    if len(data) == 1 and isinstance(data.get(_DATE), str):
        return datetime.fromisoformat(data[_DATE].replace("Z", "+00:00"))
    if len(data) == 1 and isinstance(data.get(XML_KEY), str):
        try:
            return parse_xml(data[XML_KEY])  # an XML element the script stores
        except ValueError as error:
            raise JavaScriptError(f"the script gave XML the engine cannot read: {error}") from None
    return data
