"""Groovy expressions as a syntax tree: literals, GStrings, lists, maps, closures, ranges,
property and method access (`?.`, trailing closures, named arguments), indexes, `new`, `as`,
`instanceof`, casts and the operators, by Groovy's precedence. The statements around them
are engine/groovy/parser.py's."""

from __future__ import annotations

import dataclasses

from engine.groovy import nodes as n
from engine.groovy.errors import GroovySyntaxError
from engine.groovy.java_time import JAVA_TIME_PACKAGES
from engine.groovy.lexer import Token, tokenize

PRIMITIVES = frozenset(
    {"int", "long", "short", "byte", "double", "float", "boolean", "char", "void"}
)
ANGLES = {"<": 1, ">": -1, ">>": -2}
_LITERALS = {"true": True, "false": False, "null": None}
UNSUPPORTED_STATEMENTS = frozenset(
    {"class", "do", "interface", "enum", "trait", "static", "synchronized", "goto", "abstract"}
)
RESERVED = frozenset(
    {"def", "if", "else", "for", "while", "return", "break", "continue", "new", "throw", "try",
     "catch", "finally", "import", "final", "assert", "in", "instanceof", "as", "switch",
     "case", "default", "package"}
) | UNSUPPORTED_STATEMENTS | frozenset(_LITERALS)
_ASSIGNMENTS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "**=", "<<="})
_UNSUPPORTED_OPERATORS = {
    ">>": "bit shifts", "&": "bitwise operators", "|": "bitwise operators",
    "^": "bitwise operators", "@": "annotations",
}
# Classes a script may create with `new` (the sandbox implements them; engine/groovy/builtins.py).
NEW_TYPES = frozenset(
    {"Date", "ArrayList", "LinkedList", "HashMap", "LinkedHashMap", "TreeMap", "HashSet",
     "LinkedHashSet", "BigDecimal", "String", "StringBuilder", "StringBuffer", "Exception",
     "RuntimeException", "IllegalArgumentException", "IllegalStateException", "BpmnError",
     "JsonSlurper", "SimpleDateFormat"}
)
_PACKAGE_ROOTS = frozenset({"java", "javax", "groovy", "org"})
# The classes an expression may name fully qualified (`java.time.LocalDate.now()`).
QUALIFIED_CLASSES: dict[str, tuple[str, ...]] = {
    "java.lang": ("Math", "Integer", "Long", "Double", "Boolean", "String", "System"),
    "java.math": ("BigDecimal",),
    "java.util": ("UUID", "Date"),
    "groovy.json": ("JsonOutput",),
    **JAVA_TIME_PACKAGES,
}


class ExpressionParser:
    """The tokens of a script and the expressions in them; `statements` (a closure's body)
    is the statement parser's."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0

    # -- tokens ----------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.at + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.at = min(self.at + 1, len(self.tokens) - 1)
        return token

    def is_op(self, value: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == "op" and token.value == value

    def is_word(self, value: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == "name" and token.value == value

    def take_op(self, value: str) -> bool:
        if self.is_op(value):
            self.advance()
            return True
        return False

    def take_word(self, value: str) -> bool:
        if self.is_word(value):
            self.advance()
            return True
        return False

    def expect_op(self, value: str) -> Token:
        if not self.is_op(value):
            raise self.unexpected(f"'{value}'")
        return self.advance()

    def unexpected(self, wanted: str | None = None) -> GroovySyntaxError:
        token = self.peek()
        found = {"end": "the end of the script", "newline": "the end of the line"}.get(
            token.kind, f"'{token.value}'" if token.kind in ("op", "name") else "a value"
        )
        if token.kind == "op" and token.value in _UNSUPPORTED_OPERATORS:
            what = _UNSUPPORTED_OPERATORS[token.value]
            return GroovySyntaxError(f"{what} ('{token.value}') are not supported", token.line)
        message = f"expected {wanted}, found {found}" if wanted else f"unexpected {found}"
        return GroovySyntaxError(message, token.line)

    def skip_newlines(self) -> None:
        while self.peek().kind == "newline" or self.is_op(";"):
            self.advance()

    def name(self, what: str = "a name") -> str:
        token = self.peek()
        if token.kind != "name" or token.value in RESERVED:
            raise self.unexpected(what)
        self.advance()
        return str(token.value)

    # -- statements ------------------------------------------------------------------------
    def skip_newlines_in_header(self) -> None:
        while self.peek().kind == "newline":
            self.advance()


    def type_name(self) -> str:
        name = self.name("a type")
        while self.is_op(".") and self.peek(1).kind == "name":
            self.advance()
            name = str(self.advance().value)
        if self.take_op("<"):
            depth = 1
            while depth > 0:
                token = self.advance()
                if token.kind == "end":
                    raise self.unexpected("'>'")
                depth += ANGLES.get(token.value, 0) if token.kind == "op" else 0
        while self.is_op("[") and self.is_op("]", 1):
            self.advance()
            self.advance()
            name = "List"
        return name


    def statements(self, *, until_brace: bool) -> tuple[n.Node, ...]:
        raise NotImplementedError

    def expression(self) -> n.Node:
        target = self.conditional()
        token = self.peek()
        if token.kind == "op" and token.value in _ASSIGNMENTS:
            if not isinstance(target, n.Name | n.Property | n.Index):
                raise GroovySyntaxError("only a variable, property or index is assigned to",
                                        token.line)
            self.advance()
            self.skip_newlines_in_header()
            return n.Assign(token.line, target, str(token.value), self.expression())
        return target

    def conditional(self) -> n.Node:
        condition = self.binary(0)
        line = self.peek().line
        if self.take_op("?:"):
            self.skip_newlines_in_header()
            return n.Conditional(line, condition, None, self.conditional())
        if self.take_op("?"):
            self.skip_newlines_in_header()
            then = self.expression()
            self.skip_newlines_in_header()
            self.expect_op(":")
            self.skip_newlines_in_header()
            return n.Conditional(line, condition, then, self.conditional())
        return condition

    def binary(self, level: int) -> n.Node:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            token = self.peek()
            operator = token.value if token.kind in ("op", "name") else None
            if operator not in _LEVELS[level]:
                return left
            self.advance()
            if operator in ("as", "instanceof"):
                left = n.TypeTest(token.line, str(operator), left, self.type_name())
                continue
            self.skip_newlines_in_header()
            right = self.binary(level + 1)
            if operator in ("&&", "||"):
                left = n.Logical(token.line, str(operator), left, right)
            elif operator in ("..", "..<"):
                left = n.Range(token.line, left, right, operator == "..<")
            else:
                left = n.Binary(token.line, str(operator), left, right)

    def unary(self) -> n.Node:
        token = self.peek()
        if token.kind == "op" and token.value in ("!", "-", "+", "~"):
            self.advance()
            return n.Unary(token.line, str(token.value), self.unary())
        if token.kind == "op" and token.value in ("++", "--"):
            self.advance()
            target = self.unary()
            return n.Step(token.line, target, 1 if token.value == "++" else -1, True)
        if self.is_op("(") and self.cast_ahead():
            self.advance()
            type_name = self.type_name()
            self.expect_op(")")
            return n.TypeTest(token.line, "as", self.unary(), type_name)
        return self.power()

    def cast_ahead(self) -> bool:
        """`(Integer) value`, Java's cast: a type in parentheses before an operand."""
        token = self.peek(1)
        if token.kind != "name" or not (
            token.value in PRIMITIVES or str(token.value)[:1].isupper()
        ):
            return False
        following = self.peek(3)
        return self.is_op(")", 2) and (
            following.kind in ("name", "number", "string", "gstring")
            or following.kind == "op" and following.value in ("(", "[")
        )

    def power(self) -> n.Node:
        base = self.postfix(self.primary())
        if self.is_op("**"):
            line = self.advance().line
            return n.Binary(line, "**", base, self.unary())
        return base

    def postfix(self, value: n.Node) -> n.Node:
        while True:
            token = self.peek()
            if token.kind != "op":
                return value
            if token.value in (".", "?.", "*."):
                self.advance()
                name_token = self.advance()
                if name_token.kind not in ("name", "string"):
                    raise GroovySyntaxError("expected a name after '.'", name_token.line)
                value = self.member(value, str(name_token.value), str(token.value), token.line)
            elif token.value == ".&":
                value = self.method_pointer(value)
            elif token.value == "[" and not token.spaced:
                self.advance()
                index = self.expression()
                self.expect_op("]")
                value = n.Index(token.line, value, index)
            elif token.value in ("++", "--") and not token.spaced:
                self.advance()
                value = n.Step(token.line, value, 1 if token.value == "++" else -1, False)
            else:
                return value

    def method_pointer(self, target: n.Node) -> n.Node:
        """`obj.&name`: a closure calling the method; `this.&name`, a function of the script."""
        line = self.advance().line
        name = self.advance()
        if name.kind != "name":
            raise GroovySyntaxError("expected a method name after '.&'", name.line)
        is_this = isinstance(target, n.Name) and target.name == "this"
        return n.MethodPointer(line, None if is_this else target, str(name.value))

    def member(self, target: n.Node, name: str, operator: str, line: int) -> n.Node:
        """`.name`, `?.name` (null-safe) or `*.name` (spread over a list's items)."""
        safe, spread = operator == "?.", operator == "*."
        if self.is_op("(") or self.is_op("{"):
            return n.MethodCall(line, target, name, self.arguments(), safe, spread)
        return n.Property(line, target, name, safe, spread)

    def arguments(self) -> tuple[n.Node, ...]:
        """`(a, b)` and trailing closures `{ ... }` on the same line; named arguments
        (`name: value`) become one map as the first argument, as in Groovy."""
        positional: list[n.Node] = []
        named: list[tuple[n.Node, n.Node]] = []
        if self.take_op("("):
            while not self.take_op(")"):
                if positional or named:
                    self.expect_op(",")
                token = self.peek()
                if token.kind in ("name", "string") and self.is_op(":", 1):
                    self.advance()
                    self.advance()
                    named.append((n.Literal(token.line, token.value), self.expression()))
                else:
                    positional.append(self.expression())
        while self.is_op("{"):
            positional.append(self.closure())
        if named:
            positional.insert(0, n.MapLiteral(named[0][0].line, tuple(named)))
        return tuple(positional)

    def primary(self) -> n.Node:
        token = self.peek()
        if token.kind in ("number", "string"):
            self.advance()
            return n.Literal(token.line, token.value)
        if token.kind == "gstring":
            self.advance()
            return self.gstring(token)
        if token.kind == "name":
            return self.named(token)
        if token.kind == "op":
            if token.value == "(":
                self.advance()
                self.skip_newlines_in_header()
                value = self.expression()
                self.skip_newlines_in_header()
                self.expect_op(")")
                return value
            if token.value == "[":
                return self.collection()
            if token.value == "{":
                return self.closure()
        raise self.unexpected("a value")

    def named(self, token: Token) -> n.Node:
        word = str(token.value)
        if word in _LITERALS:
            self.advance()
            return n.Literal(token.line, _LITERALS[word])
        if word == "new":
            self.advance()
            return self.new(token.line)
        if word in UNSUPPORTED_STATEMENTS:
            raise GroovySyntaxError(f"'{word}' is not supported", token.line)
        if word in _PACKAGE_ROOTS and self.is_op(".", 1):
            qualified = self.qualified_class(token)
            if qualified is not None:
                return qualified
        name = self.name("a value")
        if self.is_op("(") or self.is_op("{"):
            return n.MethodCall(token.line, None, name, self.arguments(), False)
        return n.Name(token.line, name)

    def qualified_class(self, token: Token) -> n.Node | None:
        """`java.time.LocalDate` in an expression is the class the sandbox has by that name;
        another class of java, javax or groovy is refused (`org...` may be a variable)."""
        parts = [str(token.value)]
        ahead = 0
        while self.is_op(".", ahead + 1) and self.peek(ahead + 2).kind == "name":
            ahead += 2
            parts.append(str(self.peek(ahead).value))
            if parts[-1][:1].isupper():
                break
        if len(parts) < 3 or not parts[-1][:1].isupper():
            return None
        package, simple = ".".join(parts[:-1]), parts[-1]
        if simple in QUALIFIED_CLASSES.get(package, ()):
            self.at += ahead + 1
            return n.Name(token.line, simple)
        if parts[0] == "org":
            return None
        raise GroovySyntaxError(
            f"{'.'.join(parts)} is not supported: the sandbox has no such class", token.line
        )

    def new(self, line: int) -> n.Node:
        type_name = self.type_name()
        if type_name not in NEW_TYPES:
            raise GroovySyntaxError(
                f"new {type_name}(...) is not supported: the sandbox creates "
                + ", ".join(sorted(NEW_TYPES)),
                line,
            )
        if not self.is_op("("):
            raise self.unexpected("'('")
        return n.New(line, type_name, self.arguments())

    def collection(self) -> n.Node:
        line = self.expect_op("[").line
        self.skip_newlines_in_header()
        if self.take_op(":"):
            self.expect_op("]")
            return n.MapLiteral(line, ())
        items: list[n.Node] = []
        entries: list[tuple[n.Node, n.Node]] = []
        while not self.take_op("]"):
            if items or entries:
                self.expect_op(",")
                if self.take_op("]"):
                    break  # a trailing comma
            key = self.map_key()
            if key is not None:
                if items:
                    raise self.unexpected("a list item")
                entries.append((key, self.expression()))
            elif entries:
                raise self.unexpected("a map entry (key: value)")
            else:
                items.append(self.expression())
        if entries:
            return n.MapLiteral(line, tuple(entries))
        return n.ListLiteral(line, tuple(items))

    def map_key(self) -> n.Node | None:
        """A map entry's key when `key:` follows: a bare name or string is that text, a
        number itself, `(expression)` its value."""
        token = self.peek()
        if token.kind in ("name", "string", "number") and self.is_op(":", 1):
            self.advance()
            self.advance()
            return n.Literal(token.line, token.value)
        if token.kind == "gstring" and self.is_op(":", 1):
            self.advance()
            self.advance()
            return self.gstring(token)
        if self.is_op("("):
            start = self.at
            self.advance()
            key = self.expression()
            if self.take_op(")") and self.take_op(":"):
                return key
            self.at = start
        return None

    def closure(self) -> n.Node:
        line = self.expect_op("{").line
        self.skip_newlines_in_header()
        parameters: tuple[str, ...] = ()
        declared = self.closure_parameters_ahead()
        if declared:
            names: list[str] = []
            while not self.take_op("->"):
                if names:
                    self.expect_op(",")
                if self.peek(1).kind == "name":
                    self.type_name()
                names.append(self.name("the name of a parameter"))
            parameters = tuple(names)
        body = self.statements(until_brace=True)
        self.expect_op("}")
        return n.Closure(line, parameters, body, declared)

    def closure_parameters_ahead(self) -> bool:
        ahead = 0
        while True:
            if self.is_op("->", ahead):
                return True
            if self.peek(ahead).kind != "name":
                return False
            ahead += 2 if self.peek(ahead + 1).kind == "name" else 1
            if self.is_op(",", ahead):
                ahead += 1
            elif not self.is_op("->", ahead):
                return False

    def gstring(self, token: Token) -> n.Node:
        parts: list[str | n.Node] = []
        for part in token.value:
            if isinstance(part, str):
                parts.append(part)
                continue
            source, line = part
            tokens = [dataclasses.replace(t, line=t.line + line - 1) for t in tokenize(source)]
            inner = ExpressionParser(tokens)
            inner.skip_newlines()
            parts.append(inner.expression())
            inner.skip_newlines()
            if inner.peek().kind != "end":
                raise inner.unexpected("the '}' of ${...}")
        return n.GString(token.line, tuple(parts))


# Binary operators from the loosest to the tightest binding (Groovy's precedence).

_LEVELS: tuple[frozenset[str], ...] = (
    frozenset({"||"}),
    frozenset({"&&"}),
    frozenset({"==", "!=", "<=>", "=~", "==~"}),
    frozenset({"<", "<=", ">", ">=", "in", "instanceof", "as"}),
    frozenset({"..", "..<"}),
    frozenset({"<<"}),
    frozenset({"+", "-"}),
    frozenset({"*", "/", "%"}),
)

