"""Recursive-descent parser for the JUEL grammar (EL 2.2 section 1.19 precedence).

Nesting (parentheses, brackets, arguments, ternary branches) is bounded so that neither the
parser nor the evaluator can exhaust the Python stack; chains of one precedence level are
flat lists and cost no depth.
"""

from __future__ import annotations

from engine.el.errors import ExpressionError
from engine.el.nodes import (
    Chain,
    Composite,
    Conditional,
    FunctionCall,
    Identifier,
    Literal,
    Logical,
    Node,
    Path,
    Step,
    Unary,
)
from engine.el.tokenizer import ExpressionPart, Token, split_text

MAX_NESTING = 32

# EL 2.2 section 1.19, lowest to highest; each level maps spelling -> canonical operator.
BINARY_LEVELS: tuple[dict[str, str], ...] = (
    {"||": "or", "or": "or"},
    {"&&": "and", "and": "and"},
    {"==": "==", "eq": "==", "!=": "!=", "ne": "!="},
    {"<": "<", "lt": "<", ">": ">", "gt": ">", "<=": "<=", "le": "<=", ">=": ">=", "ge": ">="},
    {"+": "+", "-": "-"},
    {"*": "*", "/": "/", "div": "/", "%": "%", "mod": "%"},
)
UNARY = {"-": "-", "!": "!", "not": "!", "empty": "empty"}
LITERAL_KEYWORDS = {"true": True, "false": False, "null": None}


def parse(text: str) -> Node:
    """The tree of a whole expression text: a Literal, one expression, or a Composite."""
    parts = split_text(text)
    nodes: list[str | Node] = [
        part if isinstance(part, str) else _Parser(part).parse() for part in parts
    ]
    if not nodes:
        return Literal(1, "")
    if len(nodes) == 1:
        only = nodes[0]
        return Literal(1, only) if isinstance(only, str) else only
    return Composite(1, tuple(nodes))


class _Parser:
    def __init__(self, part: ExpressionPart) -> None:
        self.tokens = part.tokens
        self.index = 0
        self.depth = 0

    def parse(self) -> Node:
        if self._peek().kind == "end":
            raise ExpressionError("Expected an expression", position=self._peek().position)
        node = self._expression()
        token = self._peek()
        if token.kind == "keyword" and token.value == "instanceof":
            raise ExpressionError("'instanceof' is not supported", position=token.position)
        if token.kind != "end":
            raise ExpressionError(f"Unexpected '{token.value}'", position=token.position)
        return node

    def _peek(self) -> Token:
        return self.tokens[self.index]

    def _next(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def _is(self, token: Token, *values: str) -> bool:
        return token.kind in ("symbol", "keyword") and token.value in values

    def _expect(self, value: str) -> Token:
        token = self._next()
        if not self._is(token, value):
            found = "the end of the expression" if token.kind == "end" else f"'{token.value}'"
            raise ExpressionError(f"Expected '{value}' but found {found}", position=token.position)
        return token

    def _expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExpressionError("Expression too deeply nested", position=self._peek().position)
        start = self._peek().position
        node = self._binary(0)
        if self._is(self._peek(), "?"):
            self._next()
            then = self._expression()
            self._expect(":")
            otherwise = self._expression()
            node = Conditional(start, node, then, otherwise)
        self.depth -= 1
        return node

    def _binary(self, level: int) -> Node:
        if level == len(BINARY_LEVELS):
            return self._unary()
        operators = BINARY_LEVELS[level]
        first = self._binary(level + 1)
        rest: list[tuple[str, int, Node]] = []
        while True:
            token = self._peek()
            if token.kind not in ("symbol", "keyword") or token.value not in operators:
                break
            self._next()
            rest.append((operators[token.value], token.position, self._binary(level + 1)))
        if not rest:
            return first
        op = rest[0][0]
        if op in ("and", "or"):
            return Logical(first.position, op, (first, *(operand for _, _, operand in rest)))
        return Chain(first.position, first, tuple(rest))

    def _unary(self) -> Node:
        ops: list[tuple[str, int]] = []
        while True:
            token = self._peek()
            if token.kind in ("symbol", "keyword") and token.value in UNARY:
                self._next()
                ops.append((UNARY[token.value], token.position))
            else:
                break
        operand = self._postfix()
        if not ops:
            return operand
        return Unary(ops[0][1], tuple(ops), operand)

    def _postfix(self) -> Node:
        base = self._primary()
        steps: list[Step] = []
        while True:
            token = self._peek()
            if self._is(token, "."):
                self._next()
                name_token = self._next()
                if name_token.kind not in ("ident", "keyword"):
                    raise ExpressionError(
                        "Expected a property name after '.'", position=name_token.position
                    )
                _refuse_dunder(name_token)
                args = self._arguments() if self._is(self._peek(), "(") else None
                steps.append(Step(name_token.position, name_token.value, None, args))
            elif self._is(token, "["):
                self._next()
                index = self._expression()
                self._expect("]")
                args = self._arguments() if self._is(self._peek(), "(") else None
                steps.append(Step(token.position, None, index, args))
            else:
                break
        return Path(base.position, base, tuple(steps)) if steps else base

    def _arguments(self) -> tuple[Node, ...]:
        self._expect("(")
        args: list[Node] = []
        if self._is(self._peek(), ")"):
            self._next()
            return ()
        while True:
            args.append(self._expression())
            token = self._next()
            if self._is(token, ")"):
                return tuple(args)
            if not self._is(token, ","):
                found = "the end of the expression" if token.kind == "end" else f"'{token.value}'"
                raise ExpressionError(
                    f"Expected ',' or ')' but found {found}", position=token.position
                )

    def _primary(self) -> Node:
        token = self._next()
        if token.kind == "int":
            return Literal(token.position, int(token.value))
        if token.kind == "float":
            return Literal(token.position, float(token.value))
        if token.kind == "string":
            return Literal(token.position, token.value)
        if token.kind == "keyword" and token.value in LITERAL_KEYWORDS:
            return Literal(token.position, LITERAL_KEYWORDS[token.value])
        if token.kind == "ident":
            if self._is(self._peek(), "("):
                return FunctionCall(token.position, token.value, self._arguments())
            return Identifier(token.position, token.value)
        if self._is(token, "("):
            node = self._expression()
            self._expect(")")
            return node
        if token.kind == "end":
            raise ExpressionError("Unexpected end of the expression", position=token.position)
        if token.value == "instanceof":
            raise ExpressionError("'instanceof' is not supported", position=token.position)
        raise ExpressionError(f"Unexpected '{token.value}'", position=token.position)


def _refuse_dunder(token: Token) -> None:
    if token.value.startswith("__"):
        raise ExpressionError(f"Access to '{token.value}' is not allowed", position=token.position)
