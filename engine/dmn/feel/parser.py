"""FEEL text -> a tree of closures. Recursive descent over the tokens; no Python `eval`.

Grammar (a subset of DMN 1.3 FEEL, see `engine.dmn.feel` for what is refused):

    expression  := "if" expression "then" expression "else" expression
                 | "for" iteration ("," iteration)* "return" expression
                 | ("some" | "every") iteration ("," iteration)* "satisfies" expression
                 | disjunction
    iteration   := name "in" additive (".." additive)?
    disjunction := conjunction ("or" conjunction)*
    conjunction := comparison ("and" comparison)*
    comparison  := additive (("=" | "!=" | "<" | "<=" | ">" | ">=") additive
                 | "between" additive "and" additive | "in" in-tests | "instance" "of" type)?
    in-tests    := "(" tests ")" | test
    additive    := product (("+" | "-") product)*
    product     := power (("*" | "/") power)*
    power       := unary ("**" unary)*
    unary       := "-" unary | postfix
    postfix     := primary ("." name arguments? | "[" expression "]")*
    primary     := number | string | "@" string | true | false | null | "?" | name | call
                 | "function" "(" (name (":" type)? ("," name (":" type)?)*)? ")" expression
                 | "(" expression ")" | "[" (expression ("," expression)*)? "]"
                 | "{" (key ":" expression ("," key ":" expression)*)? "}"
    unary tests := "-" | "not" "(" tests ")" | tests
    tests       := test ("," test)*
    test        := ("<" | "<=" | ">" | ">=") endpoint | interval | expression
    interval    := ("[" | "]" | "(") endpoint ".." endpoint ("]" | "[" | ")")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.dmn.feel.calls import CallSyntax
from engine.dmn.feel.errors import FeelError
from engine.dmn.feel.scopes import between, filtered, iterations, temporal_literal
from engine.dmn.feel.tokenizer import Token, tokenize
from engine.dmn.feel.values import (
    Scope,
    arithmetic,
    feel_compare,
    feel_equal,
    kind_of,
    negate,
    path_get,
    with_names,
)

Node = Callable[[Scope], Any]
Test = Callable[[Scope], bool]

MAX_DEPTH = 64
_COMPARISON_OPS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_CONSTANTS = {"true": True, "false": False, "null": None}
# `x instance of <type>`: the type names FEEL has -> the kind_of() they mean
_TYPE_NAMES = {
    "years and months duration": "years and months duration",
    "days and time duration": "duration",
    "date and time": "date and time",
    "number": "number", "string": "string", "boolean": "boolean", "date": "date",
    "time": "time", "list": "list", "context": "context", "function": "function",
    "Any": "Any", "Null": "null",
}
# Words that only continue an expression: never a variable's name.
_KEYWORDS = frozenset({"then", "else", "and", "or", "in", "return", "satisfies", "between"})


class _Parser(CallSyntax):
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0
        self.uses_input = False
        self.endpoint = False  # parsing an interval's end: its "[" or "]" closes it
        self.bound: set[str] = set()  # names a context entry or a parameter binds

    # -- token helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def at(self, value: str, offset: int = 0) -> bool:
        token = self.tokens[min(self.index + offset, len(self.tokens) - 1)]
        return token.kind in {"symbol", "name"} and token.value == value

    def take(self) -> Token:
        token = self.token
        if token.kind != "end":
            self.index += 1
        return token

    def expect(self, value: str) -> Token:
        if not self.at(value):
            raise self.error(f"expected '{value}'")
        return self.take()

    def error(self, reason: str, token: Token | None = None) -> FeelError:
        token = token or self.token
        found = "the end" if token.kind == "end" else f"'{token.value}'"
        return FeelError(f"{reason}, found {found}", self.text, token.position)

    def finish(self) -> None:
        if self.token.kind != "end":
            raise self.error("unexpected text after the expression")

    # -- expressions
    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FeelError("expression is nested too deeply", self.text, self.token.position)
        try:
            if self.at("if"):
                self.take()
                condition = self.expression()
                self.expect("then")
                then = self.expression()
                self.expect("else")
                otherwise = self.expression()
                # FEEL: a condition that is not true (false or null) takes the else branch.
                return lambda s: then(s) if condition(s) is True else otherwise(s)
            followed_by_name = self.tokens[min(self.index + 1, len(self.tokens) - 1)].kind == "name"
            if self.at("for") and followed_by_name:
                return self.for_loop()
            if (self.at("some") or self.at("every")) and followed_by_name:
                return self.quantified()
            return self.disjunction()
        finally:
            self.depth -= 1

    def iteration_contexts(self, ending: str) -> list[tuple[str, Node, Node | None]]:
        """`name in list` or `name in low..high`, comma separated, up to `ending`."""
        found = []
        while True:
            if self.token.kind != "name":
                raise self.error("expected a name to iterate with")
            name = self.take().value
            self.expect("in")
            values = self.additive()
            high = None
            if self.at(".."):
                self.take()
                high = self.additive()
            found.append((name, values, high))
            if not self.at(","):
                break
            self.take()
        if not self.at(ending):
            raise self.error(f"expected '{ending}'")
        self.take()
        return found

    def for_loop(self) -> Node:
        self.take()
        contexts = self.iteration_contexts("return")
        body = self.expression()
        return lambda s: [body(inner) for inner in iterations(s, contexts)]

    def quantified(self) -> Node:
        every = self.take().value == "every"
        contexts = self.iteration_contexts("satisfies")
        condition = self.expression()
        if every:
            return lambda s: all(condition(inner) is True for inner in iterations(s, contexts))
        return lambda s: any(condition(inner) is True for inner in iterations(s, contexts))

    def disjunction(self) -> Node:
        return self.logical_chain("or", self.conjunction, stop=True)

    def conjunction(self) -> Node:
        return self.logical_chain("and", self.comparison, stop=False)

    def logical_chain(self, word: str, operand: Callable[[], Node], *, stop: bool) -> Node:
        node = operand()
        while self.at(word):
            self.take()
            node = _logical(node, operand(), stop=stop)
        return node

    def comparison(self) -> Node:
        left = self.additive()
        if self.token.kind == "symbol" and self.token.value in _COMPARISON_OPS:
            op = self.take().value
            right = self.additive()
            return lambda s: feel_compare(op, left(s), right(s))
        if self.at("between"):
            self.take()
            low = self.additive()
            self.expect("and")
            high = self.additive()
            return lambda s: between(left(s), low(s), high(s))
        if self.at("in"):
            self.take()
            tests = self.in_tests()
            return lambda s: tests(Scope(s.lookup, left(s), s.now))
        if self.at("instance") and self.at("of", 1):
            self.index += 2
            conforms = self.type_name()
            return lambda s: conforms(left(s))
        return left

    def type_name(self) -> Callable[[Any], bool]:
        """The type after `instance of` (or a parameter's), as the test of a value it is:
        `list<number>` holds lists of numbers only, `context<name: string>` contexts with
        (at least) such entries."""
        if (self.at("list") or self.at("context")) and self.at("<", 1):
            return self.nested(self.typed_collection)
        for name in sorted(_TYPE_NAMES, key=lambda n: -len(n.split())):
            words = name.split()
            if all(self.at(word, i) for i, word in enumerate(words)):
                self.index += len(words)
                kind = _TYPE_NAMES[name]
                if kind == "Any":
                    return lambda value: value is not None
                return lambda value: kind_of(value) == kind
        raise self.error("expected a type name (number, string, boolean, date, time, "
                         "date and time, days and time duration, years and months duration, "
                         "list, context, function, Any or Null)")

    def typed_collection(self) -> Callable[[Any], bool]:
        is_list = self.take().value == "list"
        self.expect("<")
        if is_list:
            item = self.type_name()
            self.expect(">")
            return lambda value: isinstance(value, list | tuple) and all(map(item, value))
        entries = []
        while True:
            key = self.context_key()
            entries.append((key, self.type_name()))
            if not self.at(","):
                break
            self.take()
        self.expect(">")
        return lambda value: isinstance(value, dict) and all(
            key in value and conforms(value[key]) for key, conforms in entries
        )

    def in_tests(self) -> Test:
        """What follows `in`: one test, or tests in parentheses (`x in ("a", "b")`)."""
        outer = self.uses_input  # a `?` in these tests is their own input
        try:
            if self.at("("):
                interval = self.interval()
                if interval is not None:
                    return interval
                self.take()
                tests = self.positive_tests()
                self.expect(")")
                return tests
            return self.test()
        finally:
            self.uses_input = outer

    def additive(self) -> Node:
        return self.left_associative(("+", "-"), self.product)

    def product(self) -> Node:
        return self.left_associative(("*", "/"), self.power)

    def power(self) -> Node:
        return self.left_associative(("**",), self.unary)

    def left_associative(self, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        node = operand()
        while self.token.kind == "symbol" and self.token.value in ops:
            node = _binary(self.take().value, node, operand())
        return node

    def unary(self) -> Node:
        if self.at("-"):
            self.take()
            self.depth += 1  # `- - - x` nests as deep as parentheses do
            if self.depth > MAX_DEPTH:
                raise FeelError("expression is nested too deeply", self.text, self.token.position)
            operand = self.unary()
            self.depth -= 1
            return lambda s: negate(operand(s))
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while self.at(".") or self.at("[") and not self.endpoint:
            if self.take().value == "[":
                condition = self.expression()
                self.expect("]")
                node = _filter(node, condition)
                continue
            if self.token.kind != "name":
                raise self.error("expected a name after '.'")
            name = self.take().value
            node = _path(node, name)
            if self.at("("):  # a context entry's function: `rates.fee(250)`
                node = self.invocation(node, name)
        return node

    def primary(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.take()
            number = float(token.value) if "." in token.value else int(token.value)
            return lambda s: number
        if token.kind == "string":
            self.take()
            return lambda s: token.value
        if self.at("?"):
            self.take()
            self.uses_input = True
            return lambda s: s.input
        if self.at("("):
            self.take()
            node = self.nested(self.expression)
            self.expect(")")
            return node
        if self.at("["):
            return self.nested(self.list_literal)
        if self.at("{"):
            return self.nested(self.context_literal)
        if self.at("@"):
            self.take()
            if self.token.kind != "string":
                raise self.error("expected a string after '@'")
            value = temporal_literal(self.take().value)
            return lambda s: value
        if token.kind == "name":
            return self.name()
        raise self.error("expected a value")

    def context_literal(self) -> Node:
        """`{a: 1, "b": a + 1}`: each entry sees the ones before it."""
        self.expect("{")
        entries: list[tuple[str, Node]] = []
        while not self.at("}"):
            key = self.context_key()
            self.bound.add(key)  # its value may call it: a function defined there recurses
            entries.append((key, self.expression()))
            if not self.at(","):
                break
            self.take()
        self.expect("}")

        def run(s: Scope) -> dict[str, Any]:
            context: dict[str, Any] = {}
            inner = with_names(s, context)
            for key, value in entries:
                context[key] = value(inner)
            return context

        return run

    def context_key(self) -> str:
        if self.token.kind == "string":
            key = self.take().value
        else:
            words = []
            while self.token.kind == "name":
                words.append(self.take().value)
            if not words:
                raise self.error("expected a name or a string as a context key")
            key = " ".join(words)
        self.expect(":")
        return key

    def list_literal(self) -> Node:
        self.expect("[")
        items = self.comma_separated("]")
        if self.at(".."):
            raise self.error("ranges are only supported in input entries, 'in' and 'for'")
        self.expect("]")
        return lambda s: [item(s) for item in items]

    def comma_separated(self, closing: str) -> list[Node]:
        """Expressions up to (not including) `closing`: list items or call arguments."""
        items: list[Node] = []
        if not self.at(closing):
            items.append(self.expression())
            while self.at(","):
                self.take()
                items.append(self.expression())
        return items

    def name(self) -> Node:
        token = self.token
        if token.value in _CONSTANTS:
            self.take()
            constant = _CONSTANTS[token.value]
            return lambda s: constant
        if token.value == "function" and self.at("(", 1):
            return self.function_definition()
        function = self.function_name()
        if function is not None:
            return self.call(function, token)
        if self.at("(", 1) and token.value in self.bound:
            return self.bound_call(token)
        if self.at("(", 1):
            raise self.error(f"unknown function '{token.value}'", token)
        if token.value in _KEYWORDS:
            raise self.error("expected a value")
        self.take()
        name = token.value
        return lambda s: _variable(s, name)

    # -- unary tests
    def unary_tests(self) -> Test:
        if self.at("-") and self.tokens[self.index + 1].kind == "end":
            self.take()
            return lambda s: True
        if self.at("not") and self.at("(", 1):
            self.take()
            self.take()
            inner = self.positive_tests()
            self.expect(")")
            return lambda s: not inner(s)
        return self.positive_tests()

    def positive_tests(self) -> Test:
        tests = [self.test()]
        while self.at(","):
            self.take()
            tests.append(self.test())
        return lambda s: any(test(s) for test in tests)

    def test(self) -> Test:
        if self.token.kind == "symbol" and self.token.value in {"<", "<=", ">", ">="}:
            op = self.take().value
            endpoint = self.additive()
            return lambda s: feel_compare(op, s.input, endpoint(s)) is True
        if self.at("[") or self.at("]") or self.at("("):
            interval = self.interval()
            if interval is not None:
                return interval
        self.uses_input = False
        node = self.expression()
        if self.uses_input:
            # An expression with `?` is a condition on the input, e.g. `? > 5 and ? < 10`.
            return lambda s: node(s) is True
        return lambda s: _matches_value(s.input, node(s))

    def endpoint_value(self) -> Node:
        outer, self.endpoint = self.endpoint, True
        try:
            return self.additive()
        finally:
            self.endpoint = outer

    def nested(self, parse: Callable[[], Any]) -> Any:
        """Parse inside brackets of its own, where a "[" is a filter again."""
        outer, self.endpoint = self.endpoint, False
        try:
            return parse()
        finally:
            self.endpoint = outer

    def interval(self) -> Test | None:
        start = self.index
        opening = self.take().value
        low = self.endpoint_value()
        if not self.at(".."):
            self.index = start  # a list or a parenthesised expression, not an interval
            return None
        self.take()
        high = self.endpoint_value()
        if not (self.at("]") or self.at("[") or self.at(")")):
            raise self.error("expected ']', '[' or ')' to close the interval")
        closing = self.take().value
        low_op = ">=" if opening == "[" else ">"
        high_op = "<=" if closing == "]" else "<"

        def inside(s: Scope) -> bool:
            value = s.input
            return (feel_compare(low_op, value, low(s)) is True
                    and feel_compare(high_op, value, high(s)) is True)

        return inside


def _logical(left: Node, right: Node, *, stop: bool) -> Node:
    """FEEL three-valued `and`/`or`; `stop` is the value that decides (True for `or`)."""

    def run(s: Scope) -> Any:
        a = left(s)
        if a is stop:
            return stop
        b = right(s)
        if b is stop:
            return stop
        if a is (not stop) and b is (not stop):
            return not stop
        return None

    return run


def _binary(op: str, left: Node, right: Node) -> Node:
    return lambda s: arithmetic(op, left(s), right(s))


def _path(node: Node, name: str) -> Node:
    return lambda s: path_get(node(s), name)


def _filter(node: Node, condition: Node) -> Node:
    return lambda s: filtered(s, node(s), condition)


def _variable(scope: Scope, name: str) -> Any:
    try:
        return scope.lookup(name)
    except KeyError:
        raise FeelError(f"no variable found for name '{name}'") from None


def _matches_value(value: Any, expected: Any) -> bool:
    # As the FEEL engine Camunda 7 embeds: a boolean result tests a non-boolean input by
    # itself (`cellInput > limit`); a list result matches a member; otherwise equality.
    if isinstance(expected, bool) and not isinstance(value, bool):
        return expected
    if isinstance(expected, list) and not isinstance(value, list):
        return any(feel_equal(value, item) for item in expected)
    return feel_equal(value, expected)


def parse_expression(text: str) -> Node:
    parser = _Parser(text)
    if parser.token.kind == "end":
        raise FeelError("expression is empty", text)
    node = parser.expression()
    parser.finish()
    return node


def parse_unary_tests(text: str) -> Test:
    parser = _Parser(text)
    tests = parser.unary_tests()
    parser.finish()
    return tests
