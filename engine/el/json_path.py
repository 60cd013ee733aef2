"""JSON paths as Spin's `jsonPath(...)` reads them (Jayway's syntax): `$`, `.name`,
`['name']`, `['a','b']`, `[index]` (negative from the end), `[0,2]`, slices `[1:3]`, `[*]`,
`.*`, `..name`, `..*` and filters `[?(...)]`.

A filter keeps the array elements (or the object itself) for which its predicate holds:
`@` is the element, `$` the document; `@.a` alone tests that `a` exists; comparisons
`== != < <= > >=` (numbers by value, strings by text, nothing else is ordered; a path that
finds nothing equals nothing), `=~ /regex/i`, `in [...]`, `nin [...]`, `size n`,
`empty true|false`, combined with `&&`, `||`, `!` and parentheses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from engine.el.errors import ExpressionError

Step = Callable[[Any, Any], list[Any]]  # (node, document) -> nodes found
Operand = Callable[[Any, Any], Any]  # (element, document) -> value, or _ABSENT

_ABSENT: Any = object()
_NUMBER = (int, float, Decimal)

_TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|'(?P<squote>(?:[^'\\]|\\.)*)'|\"(?P<dquote>(?:[^\"\\]|\\.)*)\""
    r"|/(?P<regex>(?:[^/\\]|\\.)*)/(?P<flags>[a-z]*)"
    r"|(?P<op>\.\.|==|!=|<=|>=|=~|&&|\|\||[<>!@$.\[\](),:*?])"
    r"|(?P<word>[A-Za-z_][\w-]*))"
)


def find(value: Any, path: str) -> list[Any]:
    """What `path` finds in `value`; a path outside the syntax is an ExpressionError."""
    found, document = [value], value
    for step in _compile(path):
        found = [item for node in found for item in step(node, document)]
    return found


@lru_cache(maxsize=256)
def _compile(path: str) -> tuple[Step, ...]:
    parser = _Parser(path)
    if parser.take("$") is None:
        raise ExpressionError(f"Invalid JSON path '{path}': it must start with $")
    return tuple(parser.steps(in_filter=False))


class _Parser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.tokens: list[tuple[str, str, re.Match[str]]] = []
        position, text = 0, path.rstrip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise self.error(position)
            kind = match.lastgroup or ""
            if kind == "flags":
                kind = "regex"
            self.tokens.append((kind, match[kind], match))
            position = match.end()
        self.index = 0

    def error(self, position: int | None = None) -> ExpressionError:
        if position is None:
            position = (
                self.tokens[self.index][2].start(self.tokens[self.index][0])
                if self.index < len(self.tokens) else len(self.path)
            )
        return ExpressionError(f"Invalid JSON path '{self.path}' at position {position + 1}")

    def peek(self) -> tuple[str, str] | None:
        if self.index < len(self.tokens):
            kind, text, _ = self.tokens[self.index]
            return kind, text
        return None

    def take(self, op: str) -> str | None:
        if self.peek() == ("op", op):
            self.index += 1
            return op
        return None

    def expect(self, op: str) -> None:
        if self.take(op) is None:
            raise self.error()

    def next(self) -> tuple[str, str, re.Match[str]]:
        if self.index >= len(self.tokens):
            raise self.error()
        token = self.tokens[self.index]
        self.index += 1
        return token

    # -- path steps ------------------------------------------------------------------------

    def steps(self, *, in_filter: bool) -> list[Step]:
        steps: list[Step] = []
        while self.peek() is not None:
            if self.take(".."):
                steps.append(_deep(self.member(deep=True)))
            elif self.take("."):
                steps.append(self.member(deep=False))
            elif self.take("["):
                steps.append(self.bracket())
            elif in_filter:  # the operand's path ends where an operator begins
                break
            else:
                raise self.error()
        return steps

    def member(self, *, deep: bool) -> Step:
        if self.take("*"):
            return _children
        if deep and self.take("["):
            return self.bracket()
        kind, text, _ = self.next()
        if kind != "word":
            raise self.error()
        return _names((text,))

    def bracket(self) -> Step:
        if self.take("*"):
            self.expect("]")
            return _children
        if self.take("?"):
            self.expect("(")
            predicate = self.predicate()
            self.expect(")")
            self.expect("]")
            return _filter(predicate)
        token = self.peek()
        if token is not None and token[0] in ("squote", "dquote"):
            names = [self.literal()]
            while self.take(","):
                names.append(self.literal())
            self.expect("]")
            return _names(tuple(str(name) for name in names))
        return self.indexes()

    def indexes(self) -> Step:
        start = self.integer()
        if self.take(":"):
            end = self.integer()
            self.expect("]")
            return _slice(start, end)
        if start is None:
            raise self.error()
        chosen = [start]
        while self.take(","):
            following = self.integer()
            if following is None:
                raise self.error()
            chosen.append(following)
        self.expect("]")
        return _indexes(tuple(chosen))

    def integer(self) -> int | None:
        token = self.peek()
        if token is None or token[0] != "number":
            return None
        if not re.fullmatch(r"-?\d+", token[1]):
            raise self.error()
        self.index += 1
        return int(token[1])

    # -- filters ---------------------------------------------------------------------------

    def predicate(self) -> Operand:
        left = self.conjunction()
        while self.take("||"):
            left = _either(left, self.conjunction())
        return left

    def conjunction(self) -> Operand:
        left = self.negation()
        while self.take("&&"):
            left = _both(left, self.negation())
        return left

    def negation(self) -> Operand:
        if self.take("!"):
            inner = self.negation()
            return lambda element, document: not _truth(inner(element, document))
        if self.take("("):
            inner = self.predicate()
            self.expect(")")
            return inner
        return self.comparison()

    def comparison(self) -> Operand:
        left = self.operand()
        token = self.peek()
        if token is None:
            return _exists(left)
        kind, text = token
        if kind == "op" and text in _COMPARISONS:
            self.index += 1
            return _compare(_COMPARISONS[text], left, self.operand())
        if kind == "op" and text == "=~":
            self.index += 1
            return _matches(left, self.regex())
        if kind == "word" and text in _WORD_TESTS:
            self.index += 1
            return _compare(_WORD_TESTS[text], left, self.operand())
        return _exists(left)

    def regex(self) -> re.Pattern[str]:
        kind, text, match = self.next()
        if kind != "regex":
            raise self.error()
        flags = re.IGNORECASE if "i" in (match["flags"] or "") else 0
        try:
            return re.compile(match["regex"], flags)
        except re.error:
            raise self.error(match.start("regex")) from None

    def operand(self) -> Operand:
        if self.take("@"):
            return _relative(self.steps(in_filter=True), root=False)
        if self.take("$"):
            return _relative(self.steps(in_filter=True), root=True)
        if self.take("["):
            items: list[Any] = []
            if not self.take("]"):
                items.append(self.literal())
                while self.take(","):
                    items.append(self.literal())
                self.expect("]")
            return lambda element, document: items
        value = self.literal()
        return lambda element, document: value

    def literal(self) -> Any:
        kind, text, _ = self.next()
        if kind == "number":
            return float(text) if re.search(r"[.eE]", text) else int(text)
        if kind in ("squote", "dquote"):
            return re.sub(r"\\(.)", r"\1", text)
        if kind == "word" and text in _WORDS:
            return _WORDS[text]
        raise self.error()


_WORDS = {"true": True, "false": False, "null": None}


def _relative(steps: list[Step], *, root: bool) -> Operand:
    def evaluate(element: Any, document: Any) -> Any:
        found = [document if root else element]
        for step in steps:
            found = [item for node in found for item in step(node, document)]
        if not found:
            return _ABSENT
        return found[0] if len(found) == 1 else found

    return evaluate


def _exists(operand: Operand) -> Operand:
    return lambda element, document: operand(element, document) is not _ABSENT


def _truth(value: Any) -> bool:
    return value is not _ABSENT and value is not False and value is not None


def _either(left: Operand, right: Operand) -> Operand:
    return lambda e, d: _truth(left(e, d)) or _truth(right(e, d))


def _both(left: Operand, right: Operand) -> Operand:
    return lambda e, d: _truth(left(e, d)) and _truth(right(e, d))


def _matches(operand: Operand, pattern: re.Pattern[str]) -> Operand:
    def test(element: Any, document: Any) -> bool:
        value = operand(element, document)
        return isinstance(value, str) and pattern.search(value) is not None

    return test


def _compare(test: Callable[[Any, Any], bool], left: Operand, right: Operand) -> Operand:
    return lambda e, d: test(left(e, d), right(e, d))


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


def _equal(left: Any, right: Any) -> bool:
    if left is _ABSENT or right is _ABSENT:
        return False
    if _is_number(left) and _is_number(right):
        return Decimal(str(left)) == Decimal(str(right))
    return type(left) is type(right) and left == right


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def test(left: Any, right: Any) -> bool:
        if _is_number(left) and _is_number(right):
            return compare(Decimal(str(left)), Decimal(str(right)))
        if isinstance(left, str) and isinstance(right, str):
            return compare(left, right)
        return False

    return test


def _member(left: Any, right: Any) -> bool:
    return isinstance(right, list) and any(_equal(left, item) for item in right)


def _size(left: Any, right: Any) -> bool:
    return isinstance(left, list | str) and _is_number(right) and len(left) == right


def _empty(left: Any, right: Any) -> bool:
    return isinstance(left, list | str | dict) and (len(left) == 0) == bool(right)


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": _equal,
    "!=": lambda left, right: not _equal(left, right),
    "<": _ordered(lambda a, b: a < b),
    "<=": _ordered(lambda a, b: a <= b),
    ">": _ordered(lambda a, b: a > b),
    ">=": _ordered(lambda a, b: a >= b),
}
_WORD_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "in": _member,
    "nin": lambda left, right: isinstance(right, list) and not _member(left, right),
    "size": _size,
    "empty": _empty,
}


# -- steps -------------------------------------------------------------------------------


def _children(node: Any, document: Any) -> list[Any]:
    if isinstance(node, dict):
        return list(node.values())
    return list(node) if isinstance(node, list) else []


def _names(names: tuple[str, ...]) -> Step:
    def step(node: Any, document: Any) -> list[Any]:
        if not isinstance(node, dict):
            return []
        present = [name for name in names if name in node]
        if len(names) > 1:  # Jayway answers several properties as one object of them
            return [{name: node[name] for name in present}] if present else []
        return [node[name] for name in present]

    return step


def _indexes(chosen: tuple[int, ...]) -> Step:
    def step(node: Any, document: Any) -> list[Any]:
        if not isinstance(node, list):
            return []
        return [node[index] for index in chosen if -len(node) <= index < len(node)]

    return step


def _slice(start: int | None, end: int | None) -> Step:
    return lambda node, document: node[start:end] if isinstance(node, list) else []


def _filter(predicate: Operand) -> Step:
    def step(node: Any, document: Any) -> list[Any]:
        if isinstance(node, list):
            return [item for item in node if _truth(predicate(item, document))]
        if isinstance(node, dict) and _truth(predicate(node, document)):
            return [node]
        return []

    return step


def _deep(step: Step) -> Step:
    """`..x`: `x` applied to the node and to every node below it, in document order."""

    def scan(node: Any, document: Any) -> list[Any]:
        found: list[Any] = []
        stack = [node]
        while stack:
            current = stack.pop()
            found.extend(step(current, document))
            children = _children(current, document)
            stack.extend(reversed([child for child in children if isinstance(child, dict | list)]))
        return found

    return scan
