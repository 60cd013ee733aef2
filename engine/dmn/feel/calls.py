"""The parser's calls: of built-ins (`substring(s, 2)`, `substring(string: s, start position:
2)`), of functions an expression defines (`{double: function(x) x * 2, r: double(4)}`), and
those definitions themselves. A call to a name that is neither a built-in nor bound in the
expression is refused when the text is parsed: a typo fails the deployment, not a decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine.dmn.feel.errors import FeelError
from engine.dmn.feel.functions import SCALAR_FUNCTIONS, Builtin
from engine.dmn.feel.list_functions import LIST_FUNCTIONS
from engine.dmn.feel.parameters import positions
from engine.dmn.feel.tokenizer import Token
from engine.dmn.feel.values import FeelFunction, Scope, kind_of

if TYPE_CHECKING:
    from engine.dmn.feel.parser import _Parser as _Base
else:
    _Base = object

Node = Callable[[Scope], Any]

BUILTINS: dict[str, Builtin] = {**SCALAR_FUNCTIONS, **LIST_FUNCTIONS}
# Multi-word built-in names, longest first ("date and time" before "date").
_MULTI_WORD = sorted((name.split() for name in BUILTINS if " " in name), key=len, reverse=True)


class CallSyntax(_Base):
    """Mixed into the parser: `bound` holds the names a context entry or a parameter binds
    in the text so far, the only names besides the built-ins that may be called."""

    bound: set[str]

    def function_name(self) -> str | None:
        """A built-in's name when the next words spell one followed by '('."""
        for words in _MULTI_WORD:
            if all(self.at(word, i) and self.tokens[self.index + i].kind == "name"
                   for i, word in enumerate(words)) and self.at("(", len(words)):
                self.index += len(words)
                return " ".join(words)
        if self.token.value in BUILTINS and self.at("(", 1):
            return self.take().value
        return None

    def call(self, function: str, token: Token) -> Node:
        self.expect("(")
        args, names = self.nested(self.call_arguments)
        self.expect(")")
        if names:  # named arguments: put each where its parameter is
            try:
                order = positions(function, names)
            except FeelError as error:
                raise FeelError(error.reason, self.text, token.position) from None
            args = [node for _at, node in sorted(zip(order, args, strict=True))]
        builtin = BUILTINS[function]
        if len(args) < builtin.least or builtin.most is not None and len(args) > builtin.most:
            raise FeelError(
                f"function '{function}' takes {builtin.arity()} argument(s), got {len(args)}",
                self.text, token.position,
            )
        tolerant, implementation = builtin.null_tolerant, builtin.run

        def run(s: Scope) -> Any:
            values = [arg(s) for arg in args]
            if not tolerant and any(value is None for value in values):
                return None
            return implementation(s, *values)

        return run

    def call_arguments(self) -> tuple[list[Node], list[str]]:
        """A call's arguments, positional or all named (`start position: 3`)."""
        ahead = 0
        while self.tokens[min(self.index + ahead, len(self.tokens) - 1)].kind == "name":
            ahead += 1
        if not (ahead and self.at(":", ahead)):
            return self.comma_separated(")"), []
        nodes, names = [], []
        while True:
            words = []
            while self.token.kind == "name":
                words.append(self.take().value)
            self.expect(":")
            names.append(" ".join(words))
            nodes.append(self.expression())
            if not self.at(","):
                return nodes, names
            self.take()

    def function_definition(self) -> Node:
        """`function(a, b: number) body`; a parameter's type is read, not checked."""
        self.expect("function")
        self.expect("(")
        parameters: list[str] = []
        while self.token.kind == "name":
            parameters.append(self.take().value)
            if self.at(":"):
                self.take()
                self.type_name()
            if not self.at(","):
                break
            self.take()
        self.expect(")")
        if len(set(parameters)) != len(parameters):
            raise self.error("a parameter is named twice")
        if self.at("external"):
            raise self.error("external functions are not supported")
        self.bound.update(parameters)
        body = self.nested(self.expression)
        names = tuple(parameters)
        return lambda s: FeelFunction(names, body, s)

    def bound_call(self, token: Token) -> Node:
        """A call of a function the expression binds to `token`'s name."""
        name = self.take().value

        def function(s: Scope) -> Any:
            try:
                return s.lookup(name)
            except KeyError:  # bound elsewhere in the text, not where this call is
                raise FeelError(f"no function found for name '{name}'") from None

        return self.invocation(function, name)

    def invocation(self, function: Node, name: str) -> Node:
        """`(arguments)` applied to what `function` evaluates to (a name's or a path's
        value, `rates.fee(250)`)."""
        self.expect("(")
        args, names = self.nested(self.call_arguments)
        self.expect(")")

        def run(s: Scope) -> Any:
            called = function(s)
            if not isinstance(called, FeelFunction):
                raise FeelError(f"'{name}' is not a function, it is {kind_of(called)}")
            values = [arg(s) for arg in args]
            if names:
                values = _by_parameter(name, called, names, values)
            return called(*values)

        return run


def _by_parameter(
    name: str, function: FeelFunction, names: list[str], values: list[Any]
) -> list[Any]:
    unknown = [given for given in names if given not in function.parameters]
    if unknown or len(set(names)) != len(names):
        raise FeelError(
            f"function '{name}' has the parameters ({', '.join(function.parameters)}), "
            f"not {', '.join(repr(given) for given in unknown or names)}"
        )
    given = dict(zip(names, values, strict=True))
    return [given.get(parameter) for parameter in function.parameters]
