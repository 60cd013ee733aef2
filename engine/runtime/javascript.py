"""JavaScript scripts (`scriptFormat="javascript"`), run in a V8 isolate with no host access.

Camunda 7 runs them in Nashorn or GraalJS with Java at hand; here a script sees only data: the
process variables visible from its execution (as global names, as Camunda binds them),
`execution` and, in a task listener, `task`, with the methods expressions know
(`engine.runtime.facades`), and Camunda Spin's `S(...)` for JSON (Json variables also answer
`prop`, `elements`, ...). The call into V8 is synchronous and carries JSON only, so the
objects are copies: a script's reads answer from the copy (updated by its own writes) and
its writes (`setVariable`, `setAssignee`, ...) are replayed on the real objects, in order,
when it returns. Nothing else crosses: no files, network, processes or Python objects.

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
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.el import ElObject
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

_PRELUDE = r"""
(function () {
  "use strict";
  const g = globalThis;
  const DATE = "__legato_date__";
  for (const name of Object.getOwnPropertyNames(g)) {
    const value = g[name];
    if (value === g || value === null) continue;
    if (typeof value !== "object" && typeof value !== "function") continue;
    Object.freeze(value);
    if (typeof value === "function" && value.prototype) Object.freeze(value.prototype);
  }
  const builtins = new Set(Object.getOwnPropertyNames(g));
  builtins.add("__legato_run");
  builtins.add("__legato_check");
  builtins.add("__legato_cleanup");
  const prototype = Object.getPrototypeOf(g);
  let dirty = false;
  const own = (object, name) => Object.prototype.hasOwnProperty.call(object, name);

  function revive(key, value) {
    if (value && typeof value === "object" && typeof value[DATE] === "string") {
      return new Date(value[DATE]);
    }
    return value;
  }
  function replace(key, value) {
    const original = this[key];
    return original instanceof Date ? { [DATE]: original.toISOString() } : value;
  }

  // Camunda Spin's JSON nodes: S(text or value), and the node methods on Json variables.
  function Spin(json) {
    Object.defineProperty(this, "json", { value: json });
  }
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const scalar = (node, test, what) => {
    if (!test(node.json)) throw new TypeError("The node " + node + " is not " + what);
    return node.json;
  };
  // A value as a node holds it (a node's own value), and where an array holds it.
  const plain = (value) => (value instanceof Spin ? value.json : value);
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const array = (node, method) => {
    if (Array.isArray(node.json)) return node.json;
    throw new TypeError("Unable to " + method + ": the node is not an array");
  };
  const missing = (value) => new TypeError(
    "Unable to find " + JSON.stringify(plain(value)) + " in the array");
  const position = (node, search) => {
    const at = array(node, "find").findIndex((item) => same(item, plain(search)));
    if (at < 0) throw missing(search);
    return at;
  };
  const within = (items, index, extra) => {
    const at = index < 0 ? items.length + index : index;
    if (at < 0 || at >= items.length + extra) {
      throw new TypeError("Index " + index + " is out of bounds for " + items.length + " elements");
    }
    return at;
  };
  Spin.prototype = {
    prop(name, ...value) {
      if (!isObject(this.json)) throw new TypeError("The node is not an object");
      if (value.length) {
        this.json[name] = plain(value[0]);
        return this;
      }
      if (!own(this.json, name)) throw new TypeError("Unable to find property '" + name + "'");
      return new Spin(this.json[name]);
    },
    deleteProp(names) {
      if (!isObject(this.json)) throw new TypeError("The node is not an object");
      for (const name of Array.isArray(names) ? names : [names]) {
        if (!own(this.json, name)) throw new TypeError("Unable to find property '" + name + "'");
        delete this.json[name];
      }
      return this;
    },
    append(value) { array(this, "append").push(plain(value)); return this; },
    insertAt(index, value) {
      const items = array(this, "insertAt");
      items.splice(within(items, index, 1), 0, plain(value));
      return this;
    },
    insertBefore(search, value) { return this.insertAt(position(this, search), value); },
    insertAfter(search, value) { return this.insertAt(position(this, search) + 1, value); },
    remove(value) { return this.removeAt(position(this, value)); },
    removeLast(value) {
      const items = array(this, "removeLast");
      const at = items.map((item) => same(item, plain(value))).lastIndexOf(true);
      if (at < 0) throw missing(value);
      return this.removeAt(at);
    },
    removeAt(index) {
      const items = array(this, "removeAt");
      items.splice(within(items, index, 0), 1);
      return this;
    },
    indexOf(value) { return array(this, "indexOf").findIndex((item) => same(item, plain(value))); },
    lastIndexOf(value) {
      return array(this, "lastIndexOf").map((item) => same(item, plain(value))).lastIndexOf(true);
    },
    contains(value) { return this.indexOf(value) >= 0; },
    hasProp(name) { return isObject(this.json) && own(this.json, name); },
    fieldNames() { return isObject(this.json) ? Object.keys(this.json) : []; },
    elements() {
      if (!Array.isArray(this.json)) throw new TypeError("The node is not an array");
      return this.json.map((item) => new Spin(item));
    },
    stringValue() { return scalar(this, (v) => typeof v === "string", "a string"); },
    numberValue() { return scalar(this, (v) => typeof v === "number", "a number"); },
    boolValue() { return scalar(this, (v) => typeof v === "boolean", "a boolean"); },
    isObject() { return isObject(this.json); },
    isArray() { return Array.isArray(this.json); },
    isString() { return typeof this.json === "string"; },
    isNumber() { return typeof this.json === "number"; },
    isBoolean() { return typeof this.json === "boolean"; },
    isNull() { return this.json === null; },
    isValue() { return this.json === null || typeof this.json !== "object"; },
    value() { return this.json; },
    toString() { return JSON.stringify(this.json); },
    toJSON() { return this.json; },
    jsonPath(path) { return jsonPath(this.json, path); },
  };
  Object.freeze(Spin.prototype);
  // Spin's jsonPath, the part engine/el/spin.py reads too: $, .name, ['name'], [index], [*],
  // .* and ..name.
  const STEP = new RegExp("^(?:" + [
    "\\.\\.([A-Za-z_$][\\w$-]*)", "\\.([A-Za-z_$][\\w$-]*)", "\\.(\\*)",
    "\\[\\s*(?:'([^']*)'|\"([^\"]*)\"|(-?\\d+)|(\\*))\\s*\\]",
  ].join("|") + ")");
  function descendants(value, name, out) {
    if (value === null || typeof value !== "object") return out;
    if (!Array.isArray(value) && own(value, name)) out.push(value[name]);
    for (const child of Object.values(value)) descendants(child, name, out);
    return out;
  }
  function step(match, value) {
    const [, deep, dotted, star, quoted, dquoted, index, all] = match;
    const name = dotted ?? quoted ?? dquoted;
    if (name !== undefined) return isObject(value) && own(value, name) ? [value[name]] : [];
    if (index !== undefined) {
      if (!Array.isArray(value)) return [];
      const at = Number(index) < 0 ? value.length + Number(index) : Number(index);
      return at >= 0 && at < value.length ? [value[at]] : [];
    }
    if (star !== undefined || all !== undefined) {
      return value !== null && typeof value === "object" ? Object.values(value) : [];
    }
    return descendants(value, deep, []);
  }
  function jsonPath(json, path) {
    const text = String(path).trim();
    if (!text.startsWith("$")) throw new TypeError("Invalid JSON path '" + path + "'");
    let found = [json];
    for (let rest = text.slice(1); rest.length > 0;) {
      const match = STEP.exec(rest);
      if (match === null) throw new TypeError("Invalid JSON path '" + path + "'");
      found = found.flatMap((value) => step(match, value));
      rest = rest.slice(match[0].length);
    }
    const one = () => {
      if (found.length !== 1) {
        const count = found.length;
        throw new TypeError("JSON path '" + path + "' found " + count + " elements, not one");
      }
      return new Spin(found[0]);
    };
    return {
      element: one,
      elementList: () => found.map((value) => new Spin(value)),
      stringValue: () => one().stringValue(),
      numberValue: () => one().numberValue(),
      boolValue: () => one().boolValue(),
    };
  }
  const S = (value) => {
    if (value instanceof Spin) return value;
    return new Spin(typeof value === "string" ? JSON.parse(value) : value);
  };
  Object.defineProperty(g, "S", { value: S });
  builtins.add("S");

  // The Java collections Camunda scripts build (`new java.util.ArrayList()`,
  // `Java.type("java.util.HashMap")`): a JS array or object with the Java methods, stored as
  // Json like any array or object. No other Java class exists here.
  const hidden = (target, methods) => {
    for (const [name, method] of Object.entries(methods)) {
      Object.defineProperty(target, name, { value: method, configurable: true, writable: true });
    }
    return target;
  };
  function JavaList(items) {
    return hidden(Array.from(items || []), {
      add(item) { this.push(item); return true; },
      get(index) { return this[index]; },
      size() { return this.length; },
      isEmpty() { return this.length === 0; },
      contains(item) { return this.includes(item); },
      remove(index) { return this.splice(index, 1)[0]; },
      addAll(items) { for (const item of items) this.push(item); return true; },
    });
  }
  function JavaMap() {
    return hidden({}, {
      put(key, value) {
        const old = this.get(key);
        this[key] = value;
        return old;
      },
      get(key) { return own(this, key) ? this[key] : null; },
      containsKey(key) { return own(this, key); },
      remove(key) { const old = this.get(key); delete this[key]; return old; },
      size() { return Object.keys(this).length; },
      isEmpty() { return Object.keys(this).length === 0; },
      keySet() { return JavaList(Object.keys(this)); },
      values() { return JavaList(Object.values(this)); },
    });
  }
  const javaClasses = {
    "java.util.ArrayList": JavaList, "java.util.LinkedList": JavaList, "java.util.List": JavaList,
    "java.util.HashMap": JavaMap, "java.util.LinkedHashMap": JavaMap, "java.util.Map": JavaMap,
  };
  const Java = Object.freeze({
    type(name) {
      const found = javaClasses[name];
      if (found === undefined) throw new TypeError("Java class " + name + " is not available");
      return found;
    },
  });
  const java = Object.freeze({ util: Object.freeze({
    ArrayList: JavaList, LinkedList: JavaList, HashMap: JavaMap, LinkedHashMap: JavaMap,
  }) });
  for (const [name, value] of Object.entries({ Java, java })) {
    Object.defineProperty(g, name, { value: value });
    builtins.add(name);
  }
  function withNodeMethods(value) {
    if (value === null || typeof value !== "object" || value instanceof Date) return value;
    const names = ["prop", "hasProp", "fieldNames", "elements", "isObject", "isArray", "jsonPath"];
    for (const name of names) {
      if (own(value, name)) continue;
      const method = Spin.prototype[name];
      Object.defineProperty(value, name, {
        value: function (...args) { return method.apply(new Spin(this), args); },
        configurable: true,
        writable: true,
      });
    }
    return value;
  }

  function facade(name, spec, shared, ops) {
    const locals = spec.locals;
    const object = Object.assign({}, spec.properties);
    for (const property of spec.variableProperties) {
      Object.defineProperty(object, property, { get: () => Object.assign({}, shared) });
    }
    const record = (method, args) => ops.push([name, method, args]);
    const kinds = {
      value: (method) => () => spec.values[method],
      getVariable: () => (n) => (own(shared, n) ? shared[n] : null),
      getVariableLocal: () => (n) => (own(locals, n) ? locals[n] : null),
      hasVariable: () => (n) => own(shared, n),
      getVariables: () => () => Object.assign({}, shared),
      setVariable: (method) => (n, v) => { shared[n] = v; record(method, [n, v]); },
      setVariableLocal: (method) => (n, v) => {
        shared[n] = v; locals[n] = v; record(method, [n, v]);
      },
      removeVariable: (method) => (n) => {
        delete shared[n]; delete locals[n]; record(method, [n]);
      },
      call: (method) => (...args) => {
        record(method, args);
        // A setter changes what its getter and property answer from now on.
        if (method.startsWith("set") && args.length === 1) {
          const rest = method.slice(3);
          const property = rest.charAt(0).toLowerCase() + rest.slice(1);
          if (own(object, property)) object[property] = args[0];
          if (own(spec.values, "get" + rest)) spec.values["get" + rest] = args[0];
        }
      },
    };
    for (const [method, kind] of Object.entries(spec.methods)) {
      object[method] = kinds[kind](method);
    }
    return object;
  }

  const printer = (ops) => (...args) => { ops.push(["", "print", [args.map(String).join(" ")]]); };

  function run(input, source) {
    const data = JSON.parse(input, revive);
    const shared = data.variables;
    for (const name of Object.keys(shared)) withNodeMethods(shared[name]);
    const ops = [];
    const bind = (name, value) => {
      if (!builtins.has(name)) g[name] = value;
    };
    for (const name of Object.keys(shared)) bind(name, shared[name]);
    for (const [name, spec] of Object.entries(data.objects)) {
      bind(name, facade(name, spec, shared, ops));
    }
    bind("print", printer(ops));
    bind("console", { log: printer(ops), info: printer(ops), warn: printer(ops) });
    let result;
    try {
      result = (0, eval)(source);
    } finally {
      cleanup();
    }
    if (result === undefined || typeof result === "function" || typeof result === "symbol") {
      result = null;
    }
    return JSON.stringify({ result: result, ops: ops, dirty: dirty }, replace);
  }
  // Delete what the last script added; true when the global object is as it was.
  function cleanup() {
    for (const name of Object.getOwnPropertyNames(g)) {
      if (builtins.has(name)) continue;
      try {
        delete g[name];
      } catch (error) {
        dirty = true;  // the script made it non-configurable
      }
    }
    if (Object.getPrototypeOf(g) !== prototype) dirty = true;
    return !dirty;
  }
  function check(source) {
    try {
      new Function(source);
      return null;
    } catch (error) {
      return String(error);
    }
  }
  Object.defineProperty(g, "__legato_run", { value: run });
  Object.defineProperty(g, "__legato_cleanup", { value: cleanup });
  Object.defineProperty(g, "__legato_check", { value: check });
})();
"""


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
    answer = _call("__legato_run", json.dumps(data, default=_to_json), source, limits=limits)
    outcome = json.loads(answer, object_hook=_from_json)
    if outcome["dirty"]:
        _discard()  # a global it left cannot be deleted: the next script gets a new context
    for name, method, args in outcome["ops"]:
        if method == "print":
            logger.info("script: %s", args[0])
            continue
        target = objects[name]
        getattr(target, type(target).EL_METHODS[method])(*args)
    return outcome["result"]


def _call(function: str, *args: str, limits: JavaScriptLimits) -> Any:
    from py_mini_racer import JSEvalException, JSOOMException, JSTimeoutException

    context = _context(limits)
    try:
        return context.call(function, *args, timeout_sec=limits.timeout_ms / 1000)
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


def _to_json(value: Any) -> Any:
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
    return data
