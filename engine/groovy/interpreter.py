"""Runs a parsed Groovy script over the values and host objects its caller binds.

The sandbox: a script touches plain values (engine/groovy/values.py, gdk.py) and host
objects (`ElObject`: `execution`, `task`, Spin nodes, the built-in classes), whose methods
are the ones their class lists, as in expressions. Lists and maps cross the boundary as
copies both ways, so a script never changes a variable's value behind the engine's back.
Every statement, loop turn and closure call counts against a budget of steps, closures
nest only so deep, and strings and collections only grow so large (errors.check_size).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from engine.el.errors import ExpressionError
from engine.el.host import ElObject
from engine.el.methods import call_method as call_host_method
from engine.el.methods import get_property as get_host_property
from engine.groovy import gdk, regex, values
from engine.groovy import nodes as n
from engine.groovy.bindings import MISSING, Bindings, isolated
from engine.groovy.builtins import (
    ScriptObject,
    ScriptThrow,
    StringBuilder,
    Thrown,
    new_instance,
    static_classes,
)
from engine.groovy.casts import can_cast
from engine.groovy.errors import GroovyError, GroovyLimitError, GroovyRuntimeError, check_size
from engine.groovy.gdk_support import MethodPointer
from engine.groovy.java_time import java_time_classes
from engine.groovy.static_imports import ImportedNames

logger = logging.getLogger("legato.scripts")

MAX_DEPTH = 64  # closure calls within closure calls; each costs Python about ten frames


def run_groovy(script: n.Script, bindings: Bindings) -> Any:
    """Run `script`; its value is what it returns, else its last expression's value."""
    return _Interpreter(bindings).run(script)


class _Return(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):  # noqa: N818
    pass


class _Continue(Exception):  # noqa: N818
    pass


class _Scope:
    __slots__ = ("names", "parent")

    def __init__(self, parent: _Scope | None) -> None:
        self.names: dict[str, Any] = {}
        self.parent = parent

    def owner(self, name: str) -> _Scope | None:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope
            scope = scope.parent
        return None


class GroovyClosure:
    """A closure value: its code with the scope it was written in (gdk.Closure)."""

    def __init__(self, node: n.Closure | n.Function, scope: _Scope, run: _Interpreter) -> None:
        self.node = node
        self.scope = scope
        self.run = run
        self.declared = isinstance(node, n.Function) or node.declared
        self.parameter_count = len(node.parameters)

    def __call__(self, *arguments: Any) -> Any:
        return self.run.call_closure(self, list(arguments))


class _Interpreter:
    def __init__(self, bindings: Bindings) -> None:
        self.bindings = bindings
        self.binding: dict[str, Any] = {}  # undeclared names the script assigned
        self.functions: dict[str, GroovyClosure] = {}
        self.statics = {**static_classes(bindings.now), **java_time_classes(bindings.now)}
        self.imported = ImportedNames(())
        self.steps = 0
        self.depth = 0
        self.last: Any = None

    def run(self, script: n.Script) -> Any:
        self.imported = ImportedNames(script.static_imports)
        scope = _Scope(None)
        for statement in script.statements:
            if isinstance(statement, n.Function):
                self.functions[statement.name] = GroovyClosure(statement, scope, self)
        try:
            self.block(script.statements, scope)
        except _Return as returned:
            return returned.value
        except (_Break, _Continue):
            raise GroovyRuntimeError("break or continue outside a loop") from None
        except RecursionError:
            raise GroovyLimitError("the script nests too deeply") from None
        return self.last

    def step(self, line: int) -> None:
        self.steps += 1
        if self.steps > self.bindings.max_steps:
            raise GroovyLimitError(
                f"the script ran more than {self.bindings.max_steps} steps", line
            )

    # -- statements ------------------------------------------------------------------------

    def block(self, statements: tuple[n.Node, ...], scope: _Scope) -> None:
        for statement in statements:
            self.statement(statement, scope)

    def statement(self, node: n.Node, scope: _Scope) -> None:
        self.step(node.line)
        try:
            handler = _STATEMENTS.get(type(node))
            if handler is None:
                self.last = self.evaluate(node, scope)
            else:
                handler(self, node, scope)
        except GroovyError as error:
            if error.line is None:
                error.line = node.line
            raise
        except (TypeError, ValueError, LookupError, AttributeError, ArithmeticError) as error:
            # A value the sandbox did not foresee: the script fails, never the engine.
            raise GroovyRuntimeError(f"{type(error).__name__}: {error}", node.line) from None

    def declare(self, node: n.Declare, scope: _Scope) -> None:
        value = None if node.value is None else self.evaluate(node.value, scope)
        # `int n` is 0; `String s = 42` is "42"; `JsonSlurper j = ...` keeps what it is given.
        if node.type_name is not None and can_cast(node.type_name):
            value = values.cast(value, node.type_name)
        scope.names[node.name] = value
        self.last = value

    def define(self, node: n.Function, scope: _Scope) -> None:
        # Top-level functions are defined before the script runs (they may be called before
        # their text); one written inside a block, from where it stands.
        self.functions.setdefault(node.name, GroovyClosure(node, scope, self))

    def if_(self, node: n.If, scope: _Scope) -> None:
        chosen = node.then if values.truth(self.evaluate(node.condition, scope)) else (
            node.otherwise
        )
        self.block(chosen, _Scope(scope))

    def for_in(self, node: n.ForIn, scope: _Scope) -> None:
        items = self.iterable(self.evaluate(node.iterable, scope))
        for item in items:
            self.step(node.line)
            inner = _Scope(scope)
            inner.names[node.name] = item
            if self.loop_body(node.body, inner):
                break

    def loop_body(self, body: tuple[n.Node, ...], scope: _Scope) -> bool:
        """Run one turn of a loop; True when it breaks out."""
        try:
            self.block(body, scope)
        except _Break:
            return True
        except _Continue:
            pass
        return False

    def iterable(self, value: Any) -> list[Any]:
        if isinstance(value, list):
            return list(value)
        if isinstance(value, dict):
            return [values.MapEntry(key, item) for key, item in value.items()]
        if isinstance(value, str):
            return list(value)
        if value is None:
            return []
        raise GroovyRuntimeError(f"Cannot iterate over {values.type_name(value)}")

    def for_(self, node: n.For, scope: _Scope) -> None:
        outer = _Scope(scope)
        for setup in node.setup:
            self.statement(setup, outer)
        while node.condition is None or values.truth(self.evaluate(node.condition, outer)):
            self.step(node.line)
            if self.loop_body(node.body, _Scope(outer)):
                break
            for update in node.update:
                self.evaluate(update, outer)

    def while_(self, node: n.While, scope: _Scope) -> None:
        while values.truth(self.evaluate(node.condition, scope)):
            self.step(node.line)
            if self.loop_body(node.body, _Scope(scope)):
                break

    def switch(self, node: n.Switch, scope: _Scope) -> None:
        subject = self.evaluate(node.subject, scope)
        start = next(
            (
                index
                for index, case in enumerate(node.cases)
                if any(self.is_case(self.evaluate(value, scope), subject) for value in case.values)
            ),
            next((index for index, case in enumerate(node.cases) if not case.values), None),
        )
        if start is None:
            return
        inner = _Scope(scope)
        try:
            for case in node.cases[start:]:  # falls through until a break, as Java's does
                self.block(case.body, inner)
        except _Break:
            pass

    def is_case(self, candidate: Any, subject: Any) -> bool:
        """Groovy's isCase: a list (or range) holds the subject, a pattern matches it whole,
        a closure answers true for it; anything else equals it."""
        if isinstance(candidate, list):
            return any(values.equals(item, subject) for item in candidate)
        if isinstance(candidate, regex.Pattern):
            return subject is not None and regex.match(subject, candidate)
        if isinstance(candidate, GroovyClosure):
            return values.truth(candidate(subject))
        return values.equals(candidate, subject)

    def return_(self, node: n.Return, scope: _Scope) -> None:
        raise _Return(None if node.value is None else self.evaluate(node.value, scope))

    def jump(self, node: n.Jump, scope: _Scope) -> None:
        raise _Break() if node.kind == "break" else _Continue()

    def throw(self, node: n.Throw, scope: _Scope) -> None:
        value = self.evaluate(node.value, scope)
        if not isinstance(value, Thrown):
            raise GroovyRuntimeError(f"Cannot throw {values.type_name(value)}: not an exception")
        raise ScriptThrow(value, node.line)

    def try_(self, node: n.Try, scope: _Scope) -> None:
        try:
            self.block(node.body, _Scope(scope))
        except GroovyLimitError:
            raise  # the sandbox's limits are not the script's to catch
        except GroovyRuntimeError as error:
            thrown = error.thrown if isinstance(error, ScriptThrow) else Thrown(
                "NullPointerException" if "null object" in error.message
                else "RuntimeException", error.message,
            )
            for catch in node.catches:
                if any(thrown.is_a(type_name) for type_name in catch.type_names):
                    inner = _Scope(scope)
                    inner.names[catch.name] = thrown
                    self.block(catch.body, inner)
                    break
            else:
                raise
        finally:
            if node.final:
                self.block(node.final, _Scope(scope))

    # -- expressions -----------------------------------------------------------------------

    def evaluate(self, node: n.Node, scope: _Scope) -> Any:
        return _EXPRESSIONS[type(node)](self, node, scope)

    def literal(self, node: n.Literal, scope: _Scope) -> Any:
        return node.value

    def gstring(self, node: n.GString, scope: _Scope) -> str:
        text = "".join(
            part if isinstance(part, str) else values.to_string(self.evaluate(part, scope))
            for part in node.parts
        )
        return check_size(text)

    def list_(self, node: n.ListLiteral, scope: _Scope) -> list[Any]:
        return [self.evaluate(item, scope) for item in node.items]

    def map_(self, node: n.MapLiteral, scope: _Scope) -> dict[Any, Any]:
        return {
            self.evaluate(key, scope): self.evaluate(value, scope) for key, value in node.entries
        }

    def name(self, node: n.Name, scope: _Scope) -> Any:
        owner = scope.owner(node.name)
        if owner is not None:
            return owner.names[node.name]
        if node.name in self.binding:
            return self.binding[node.name]
        if node.name in self.bindings.objects:
            return self.bindings.objects[node.name]
        value = self.bindings.variables(node.name)
        if value is not MISSING:
            return isolated(value)
        if node.name in self.functions:
            return self.functions[node.name]
        if node.name in self.statics:
            return self.statics[node.name]
        owner = self.imported.owner(node.name)
        if owner is not None:
            static = self.statics[owner]
            return self.host(lambda: get_host_property(static, node.name), node)
        raise GroovyRuntimeError(f"No such property: {node.name} for class: Script", node.line)

    def property_(self, node: n.Property, scope: _Scope) -> Any:
        target = self.evaluate(node.target, scope)
        if node.spread:
            return self.spread(target, lambda item: self.read_property(item, node))
        return self.read_property(target, node)

    def spread(self, target: Any, each: Callable[[Any], Any]) -> Any:
        """`items*.name`: the property (or method result) of each item; null items give null."""
        if target is None:
            return None
        return [None if item is None else each(item) for item in self.iterable(target)]

    def read_property(self, target: Any, node: n.Property) -> Any:
        if target is None:
            if node.safe:
                return None
            raise GroovyRuntimeError(f"Cannot get property '{node.name}' on null object")
        if isinstance(target, ScriptObject):
            return self.host(lambda: get_host_property(target, node.name), node)
        if isinstance(target, ElObject):
            return isolated(self.host(lambda: get_host_property(target, node.name), node))
        return gdk.get_property(target, node.name)

    def index(self, node: n.Index, scope: _Scope) -> Any:
        target = self.evaluate(node.target, scope)
        if target is None:
            raise GroovyRuntimeError("Cannot get an index of a null object")
        index = self.evaluate(node.index, scope)
        if isinstance(target, regex.Matcher) and isinstance(index, int):
            return target.get_at(index)
        return gdk.get_index(target, index)

    def call(self, node: n.MethodCall, scope: _Scope) -> Any:
        if node.target is None:
            return self.call_name(node, scope)
        target = self.evaluate(node.target, scope)
        arguments = [self.evaluate(argument, scope) for argument in node.arguments]
        if node.spread:
            return self.spread(target, lambda item: self.invoke(item, node, arguments))
        return self.invoke(target, node, arguments)

    def invoke(self, target: Any, node: n.MethodCall, arguments: list[Any]) -> Any:
        if target is None:
            if node.safe:
                return None
            raise GroovyRuntimeError(f"Cannot invoke method {node.name}() on null object")
        if isinstance(target, GroovyClosure | MethodPointer) and node.name == "call":
            return target(*arguments)
        if isinstance(target, ScriptObject):
            return self.host(lambda: call_host_method(target, node.name, arguments), node)
        if isinstance(target, ElObject):
            host_arguments = [isolated(argument) for argument in arguments]
            result = self.host(lambda: call_host_method(target, node.name, host_arguments), node)
            return isolated(result)
        return gdk.call_method(target, node.name, arguments)

    def call_name(self, node: n.MethodCall, scope: _Scope) -> Any:
        arguments = [self.evaluate(argument, scope) for argument in node.arguments]
        owner = scope.owner(node.name)
        callee = owner.names[node.name] if owner is not None else self.binding.get(
            node.name, self.functions.get(node.name)
        )
        if isinstance(callee, GroovyClosure | MethodPointer):
            return callee(*arguments)
        if node.name in ("println", "print"):
            logger.debug("script output: %s", " ".join(map(values.to_string, arguments)))
            return None
        imported = self.imported.owner(node.name)
        if imported is not None:
            static = self.statics[imported]
            return self.host(lambda: call_host_method(static, node.name, arguments), node)
        function = self.bindings.functions.get(node.name)
        if function is not None:
            return self.host(lambda: function(*[isolated(a) for a in arguments]), node)
        raise GroovyRuntimeError(
            f"No signature of method: Script.{node.name}() is applicable", node.line
        )

    def host(self, action: Callable[[], Any], node: n.Node) -> Any:
        try:
            return action()
        except ExpressionError as error:
            raise GroovyRuntimeError(str(error), node.line) from None

    def method_pointer(self, node: n.MethodPointer, scope: _Scope) -> Any:
        if node.target is None:  # this.&name
            if node.name not in self.functions:
                raise GroovyRuntimeError(f"No such method: {node.name} for class: Script")
            return self.functions[node.name]
        target = self.evaluate(node.target, scope)
        if target is None:
            raise GroovyRuntimeError(f"Cannot get a pointer to method {node.name}() of null")
        call = n.MethodCall(node.line, None, node.name, (), False)

        def run(arguments: list[Any]) -> Any:
            self.step(node.line)  # each call counts against the budget, as a closure's does
            return self.invoke(target, call, arguments)

        return MethodPointer(run)

    def closure(self, node: n.Closure, scope: _Scope) -> GroovyClosure:
        return GroovyClosure(node, scope, self)

    def call_closure(self, closure: GroovyClosure, arguments: list[Any]) -> Any:
        node = closure.node
        self.step(node.line)
        scope = _Scope(closure.scope)
        if closure.declared:
            if len(arguments) != len(node.parameters):
                raise GroovyRuntimeError(
                    f"the closure takes {len(node.parameters)} argument(s), "
                    f"not {len(arguments)}", node.line,
                )
            scope.names.update(zip(node.parameters, arguments, strict=True))
        else:
            if len(arguments) > 1:
                raise GroovyRuntimeError(
                    f"the closure takes one argument (it), not {len(arguments)}", node.line
                )
            scope.names["it"] = arguments[0] if arguments else None
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise GroovyLimitError(f"closures nested more than {MAX_DEPTH} deep", node.line)
        outer_last, self.last = self.last, None
        try:
            self.block(node.body, scope)
            return self.last
        except _Return as returned:
            return returned.value
        finally:
            self.depth -= 1
            self.last = outer_last

    def unary(self, node: n.Unary, scope: _Scope) -> Any:
        value = self.evaluate(node.operand, scope)
        if node.operator == "!":
            return not values.truth(value)
        if node.operator == "~":
            return regex.Pattern(values.to_string(value))
        return values.negate(value) if node.operator == "-" else value

    def binary(self, node: n.Binary, scope: _Scope) -> Any:
        left = self.evaluate(node.left, scope)
        right = self.evaluate(node.right, scope)
        return self.combine(node.operator, left, right)

    def combine(self, operator: str, left: Any, right: Any) -> Any:
        if operator == "==":
            return values.equals(left, right)
        if operator == "!=":
            return not values.equals(left, right)
        if operator in _COMPARISONS:
            return _COMPARISONS[operator](values.compare(left, right))
        if operator == "=~":
            return regex.find(left, right)
        if operator == "==~":
            return regex.match(left, right)
        if operator == "<<" and isinstance(left, StringBuilder):
            return left.append(right)
        return values.binary(operator, left, right)

    def logical(self, node: n.Logical, scope: _Scope) -> bool:
        left = values.truth(self.evaluate(node.left, scope))
        if left == (node.operator == "||"):
            return left
        return values.truth(self.evaluate(node.right, scope))

    def conditional(self, node: n.Conditional, scope: _Scope) -> Any:
        condition = self.evaluate(node.condition, scope)
        if values.truth(condition):
            return condition if node.then is None else self.evaluate(node.then, scope)
        return self.evaluate(node.otherwise, scope)

    def assign(self, node: n.Assign, scope: _Scope) -> Any:
        value = self.evaluate(node.value, scope)
        if node.operator != "=":
            current = self.evaluate(node.target, scope)
            value = self.combine(node.operator[:-1], current, value)
        self.store(node.target, value, scope)
        return value

    def step_value(self, node: n.Step, scope: _Scope) -> Any:
        before = self.evaluate(node.target, scope)
        after = values.binary("+", before, node.delta)
        self.store(node.target, after, scope)
        return after if node.prefix else before

    def store(self, target: n.Node, value: Any, scope: _Scope) -> None:
        if isinstance(target, n.Name):
            owner = scope.owner(target.name)
            if owner is not None:
                owner.names[target.name] = value
                return
            self.binding[target.name] = value
            if self.bindings.store is not None:
                self.bindings.store(target.name, isolated(value))
            return
        holder = self.evaluate(target.target, scope)  # type: ignore[attr-defined]
        if isinstance(target, n.Index):
            gdk.set_index(holder, self.evaluate(target.index, scope), value)
        elif isinstance(holder, ElObject):
            setter = "set" + target.name[:1].upper() + target.name[1:]  # type: ignore[attr-defined]
            self.host(lambda: call_host_method(holder, setter, [isolated(value)]), target)
        elif holder is None:
            raise GroovyRuntimeError(
                f"Cannot set property '{target.name}' on null object"  # type: ignore[attr-defined]
            )
        else:
            gdk.set_property(holder, target.name, value)  # type: ignore[attr-defined]

    def new(self, node: n.New, scope: _Scope) -> Any:
        arguments = [self.evaluate(argument, scope) for argument in node.arguments]
        return new_instance(node.type_name, arguments, self.bindings.now)

    def type_test(self, node: n.TypeTest, scope: _Scope) -> Any:
        value = self.evaluate(node.operand, scope)
        if node.operator == "instanceof":
            if isinstance(value, Thrown):
                return value.is_a(node.type_name)
            return values.is_instance(value, node.type_name)
        return values.cast(value, node.type_name)

    def range_(self, node: n.Range, scope: _Scope) -> list[int]:
        low = self.evaluate(node.low, scope)
        high = self.evaluate(node.high, scope)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
            raise GroovyRuntimeError("a range runs from one whole number to another")
        end = high - 1 if node.exclusive else high
        if abs(end - low) + 1 > 1_000_000:
            raise GroovyLimitError("a range of more than 1000000 numbers")
        return list(range(low, end + 1)) if end >= low else list(range(low, end - 1, -1))


_COMPARISONS: dict[str, Callable[[int], Any]] = {
    "<": lambda order: order < 0,
    "<=": lambda order: order <= 0,
    ">": lambda order: order > 0,
    ">=": lambda order: order >= 0,
    "<=>": lambda order: order,
}
_STATEMENTS: dict[type, Callable[[_Interpreter, Any, _Scope], None]] = {
    n.Declare: _Interpreter.declare,
    n.Function: _Interpreter.define,
    n.If: _Interpreter.if_,
    n.ForIn: _Interpreter.for_in,
    n.For: _Interpreter.for_,
    n.While: _Interpreter.while_,
    n.Return: _Interpreter.return_,
    n.Jump: _Interpreter.jump,
    n.Throw: _Interpreter.throw,
    n.Try: _Interpreter.try_,
    n.Switch: _Interpreter.switch,
}
_EXPRESSIONS: dict[type, Callable[[_Interpreter, Any, _Scope], Any]] = {
    n.Literal: _Interpreter.literal,
    n.GString: _Interpreter.gstring,
    n.ListLiteral: _Interpreter.list_,
    n.MapLiteral: _Interpreter.map_,
    n.Name: _Interpreter.name,
    n.Property: _Interpreter.property_,
    n.Index: _Interpreter.index,
    n.MethodCall: _Interpreter.call,
    n.Closure: _Interpreter.closure,
    n.MethodPointer: _Interpreter.method_pointer,
    n.Unary: _Interpreter.unary,
    n.Binary: _Interpreter.binary,
    n.Logical: _Interpreter.logical,
    n.Conditional: _Interpreter.conditional,
    n.Assign: _Interpreter.assign,
    n.Step: _Interpreter.step_value,
    n.New: _Interpreter.new,
    n.TypeTest: _Interpreter.type_test,
    n.Range: _Interpreter.range_,
}
