"""Groovy tokens as a syntax tree, for the subset Legato runs.

What Camunda models' Groovy scripts say is read: statements (`def` and typed declarations,
assignments, `if`/`else`, `for (x in ...)`, `for (;;)`, `while`, `switch`, `return`,
`break`, `continue`, `throw`, `try`/`catch`/`finally`, `assert`, script functions),
expressions (engine/groovy/expression_parser.py) and command calls such as
`println "text"`. Anything else (classes, `do` loops, bitwise operators, imports of classes
the sandbox does not have, `new` of them) is refused with the line when the model is
deployed.
"""

from __future__ import annotations

from functools import lru_cache

from engine.groovy import nodes as n
from engine.groovy.errors import GroovySyntaxError
from engine.groovy.expression_parser import (
    ANGLES,
    PRIMITIVES,
    RESERVED,
    UNSUPPORTED_STATEMENTS,
    ExpressionParser,
)
from engine.groovy.java_time import JAVA_TIME_PACKAGES
from engine.groovy.lexer import Token, tokenize
from engine.groovy.static_imports import static_import

_IMPORTABLE = ("java.util.", "java.lang.", "java.math.", "java.time.", "groovy.json.",
               "java.text.SimpleDateFormat", "org.camunda.bpm.engine.delegate.BpmnError",
               "org.camunda.spin.")


@lru_cache(maxsize=512)
def parse_groovy(source: str) -> n.Script:
    """The syntax tree of a script, or GroovySyntaxError with the line (1-based)."""
    parser = _Parser(tokenize(source))
    try:
        statements = parser.script()
    except RecursionError:
        raise GroovySyntaxError("the script is nested too deeply") from None
    return n.Script(statements, tuple(parser.static_imports))


class _Parser(ExpressionParser):
    """Statements: what a script, a block, a closure's or a function's body holds."""

    def __init__(self, tokens: list[Token]) -> None:
        super().__init__(tokens)
        self.static_imports: list[n.StaticImport] = []

    def script(self) -> tuple[n.Node, ...]:
        statements = self.statements(until_brace=False)
        if self.peek().kind != "end":
            raise self.unexpected()
        return statements

    def statements(self, *, until_brace: bool) -> tuple[n.Node, ...]:
        found: list[n.Node] = []
        while True:
            self.skip_newlines()
            if self.peek().kind == "end" or until_brace and self.is_op("}"):
                return tuple(found)
            statement = self.statement()
            if statement is not None:
                found.append(statement)
            if not (self.peek().kind in ("newline", "end") or self.is_op(";") or self.is_op("}")):
                raise self.unexpected("the end of the statement")

    def block(self) -> tuple[n.Node, ...]:
        """A `{ ... }` body, or one statement (`if (x) y = 1`)."""
        self.skip_newlines_in_header()
        if self.take_op("{"):
            body = self.statements(until_brace=True)
            self.expect_op("}")
            return body
        statement = self.statement()
        return () if statement is None else (statement,)


    def statement(self) -> n.Node | None:
        token = self.peek()
        if token.kind == "name":
            word = token.value
            handler = _STATEMENTS.get(word)
            if handler is not None:
                return handler(self)
            if word in UNSUPPORTED_STATEMENTS:
                raise GroovySyntaxError(f"'{word}' is not supported", token.line)
            if self.declaration_ahead():
                return self.declaration(type_name=self.type_name())
        return self.expression_statement()

    def declaration_ahead(self) -> bool:
        """`Type name =`, `Type name` at the end of a statement, or `Type name(` (a function):
        a type is a primitive or a capitalised name, maybe generic or an array."""
        first = self.peek()
        if not (first.value in PRIMITIVES or str(first.value)[:1].isupper()):
            return False
        ahead = 1
        if self.is_op("<", ahead):
            depth = 0
            while True:
                token = self.peek(ahead)
                if token.kind in ("end", "newline"):
                    return False
                depth += ANGLES.get(token.value, 0) if token.kind == "op" else 0
                ahead += 1
                if depth <= 0:
                    break
        while self.is_op("[", ahead) and self.is_op("]", ahead + 1):
            ahead += 2
        if self.peek(ahead).kind != "name" or self.peek(ahead).value in RESERVED:
            return False
        following = self.peek(ahead + 1)
        return following.kind in ("newline", "end") or following.kind == "op" and (
            following.value in ("=", ";", "}", "(")
        )


    def declaration(self, type_name: str | None) -> n.Node:
        line = self.peek().line
        if self.is_op("("):
            raise GroovySyntaxError("multiple assignment (def (a, b) = ...) is not supported", line)
        name = self.name("the name of a variable")
        if self.is_op("("):
            return self.function(name, line)
        value = self.expression() if self.take_op("=") else None
        return n.Declare(line, name, None if type_name in (None, "Object") else type_name, value)

    def function(self, name: str, line: int) -> n.Node:
        self.expect_op("(")
        parameters = self.parameters(")")
        self.skip_newlines_in_header()
        self.expect_op("{")
        body = self.statements(until_brace=True)
        self.expect_op("}")
        return n.Function(line, name, parameters, body)

    def parameters(self, closing: str) -> tuple[str, ...]:
        names: list[str] = []
        while not self.take_op(closing):
            if names:
                self.expect_op(",")
            if self.peek(1).kind == "name" or self.is_op("<", 1) or self.is_op(".", 1):
                self.type_name()
            names.append(self.name("the name of a parameter"))
            if self.is_op("="):
                raise self.unexpected("',' (default values of parameters are not supported)")
        return tuple(names)

    def def_statement(self) -> n.Node:
        self.advance()  # def
        if self.peek(1).kind == "name" and self.peek().kind == "name" and not self.is_op("(", 1):
            self.type_name()  # `def String x` is legal Groovy
        return self.declaration(type_name=None)

    def final_statement(self) -> n.Node:
        self.advance()  # final
        if self.take_word("def") or not self.declaration_ahead():
            return self.declaration(type_name=None)
        return self.declaration(type_name=self.type_name())

    def if_statement(self) -> n.Node:
        line = self.advance().line
        condition = self.parenthesized()
        then = self.block()
        otherwise: tuple[n.Node, ...] = ()
        ahead = 0
        while self.peek(ahead).kind == "newline" or self.is_op(";", ahead):
            ahead += 1
        if self.is_word("else", ahead):
            self.at += ahead + 1
            otherwise = self.block()
        return n.If(line, condition, then, otherwise)

    def parenthesized(self) -> n.Node:
        self.expect_op("(")
        value = self.expression()
        self.expect_op(")")
        return value

    def for_statement(self) -> n.Node:
        line = self.advance().line
        self.expect_op("(")
        self.take_word("def")
        ahead = 1 if self.peek(1).kind == "name" and not self.is_word("in", 1) else 0
        if self.peek(ahead).kind == "name" and (
            self.is_word("in", ahead + 1) or self.is_op(":", ahead + 1)
        ):
            if ahead:
                self.type_name()
            name = self.name()
            self.advance()  # in / :
            iterable = self.expression()
            self.expect_op(")")
            return n.ForIn(line, name, iterable, self.block())
        setup = () if self.is_op(";") else (self.simple_statement(),)
        self.expect_op(";")
        condition = None if self.is_op(";") else self.expression()
        self.expect_op(";")
        update: list[n.Node] = []
        while not self.take_op(")"):
            if update:
                self.expect_op(",")
            update.append(self.expression())
        return n.For(line, setup, condition, tuple(update), self.block())

    def simple_statement(self) -> n.Node:
        if self.take_word("def"):
            return self.declaration(type_name=None)
        if self.declaration_ahead():
            return self.declaration(type_name=self.type_name())
        return self.expression()

    def switch_statement(self) -> n.Node:
        """`switch (x) { case a: case b: ...; break; default: ... }`, falling through as
        Java's does until a `break`."""
        line = self.advance().line
        subject = self.parenthesized()
        self.skip_newlines_in_header()
        self.expect_op("{")
        cases: list[n.Case] = []
        self.skip_newlines()
        while not self.take_op("}"):
            case_line = self.peek().line
            values: list[n.Node] = []
            if self.take_word("case"):
                values.append(self.expression())
            elif not self.take_word("default"):
                raise self.unexpected("'case' or 'default'")
            self.expect_op(":")
            body: list[n.Node] = []
            while True:
                self.skip_newlines()
                if self.is_word("case") or self.is_word("default") or self.is_op("}"):
                    break
                statement = self.statement()
                if statement is not None:
                    body.append(statement)
            cases.append(n.Case(case_line, tuple(values), tuple(body)))
        if sum(1 for case in cases if not case.values) > 1:
            raise GroovySyntaxError("a switch has more than one default", line)
        return n.Switch(line, subject, tuple(cases))

    def while_statement(self) -> n.Node:
        line = self.advance().line
        condition = self.parenthesized()
        return n.While(line, condition, self.block())

    def return_statement(self) -> n.Node:
        line = self.advance().line
        ends = self.peek().kind in ("newline", "end") or self.is_op(";") or self.is_op("}")
        return n.Return(line, None if ends else self.expression())

    def jump_statement(self) -> n.Node:
        token = self.advance()
        return n.Jump(token.line, str(token.value))

    def throw_statement(self) -> n.Node:
        line = self.advance().line
        return n.Throw(line, self.expression())

    def assert_statement(self) -> n.Node:
        line = self.advance().line
        condition = self.expression()
        message: n.Node = n.Literal(line, "Assertion failed")
        if self.take_op(":") or self.take_op(","):
            message = self.expression()
        failure = n.Throw(line, n.New(line, "AssertionError", (message,)))
        return n.If(line, condition, (), (failure,))

    def try_statement(self) -> n.Node:
        line = self.advance().line
        body = self.block()
        catches: list[n.Catch] = []
        final: tuple[n.Node, ...] = ()
        while True:
            ahead = 0
            while self.peek(ahead).kind == "newline":
                ahead += 1
            if self.is_word("catch", ahead):
                self.at += ahead
                catch_line = self.advance().line
                self.expect_op("(")
                types = [self.type_name()] if self.peek(1).kind == "name" or self.is_op(
                    "|", 1) or self.is_op(".", 1) else ["Exception"]
                while self.take_op("|"):
                    types.append(self.type_name())
                name = self.name("the name of the caught exception")
                self.expect_op(")")
                catches.append(n.Catch(catch_line, tuple(types), name, self.block()))
            elif self.is_word("finally", ahead):
                self.at += ahead + 1
                final = self.block()
                break
            else:
                break
        if not catches and not final:
            raise self.unexpected("'catch' or 'finally'")
        return n.Try(line, body, tuple(catches), final)

    def package_statement(self) -> None:
        """`package a.b` at the top of a script file names nothing the script uses."""
        self.advance()
        self.name("a package")
        while self.take_op("."):
            self.name("a package")

    def import_statement(self) -> None:
        line = self.advance().line
        static = self.take_word("static")
        parts = [self.name("a package")]
        while self.take_op("."):
            parts.append("*" if self.take_op("*") else self.name("a class"))
        path = ".".join(parts)
        if self.take_word("as"):
            raise GroovySyntaxError("import aliases (as) are not supported", line)
        if static:
            self.static_imports.append(static_import(path, line))
            return None
        package, _, simple = path.rpartition(".")
        known = JAVA_TIME_PACKAGES.get(package, ())
        if path.startswith("java.time.") and not (simple == "*" and known or simple in known):
            raise GroovySyntaxError(
                f"import of {path} is not supported: the sandbox's java.time has "
                + ", ".join(sorted(name for names in JAVA_TIME_PACKAGES.values()
                                   for name in names)),
                line,
            )
        if not path.startswith(_IMPORTABLE):
            raise GroovySyntaxError(
                f"import of {path} is not supported: scripts run in a sandbox that has "
                "java.util, java.lang, java.math, java.time, groovy.json, SimpleDateFormat, "
                "BpmnError and Spin only",
                line,
            )
        return None

    def expression_statement(self) -> n.Node:
        value = self.expression()
        if isinstance(value, n.Name | n.Property) and self.command_argument_ahead():
            arguments = [self.expression()]
            while self.take_op(","):
                arguments.append(self.expression())
            target = value.target if isinstance(value, n.Property) else None
            name = value.name
            safe = isinstance(value, n.Property) and value.safe
            return n.MethodCall(value.line, target, name, tuple(arguments), safe)
        return value

    def command_argument_ahead(self) -> bool:
        """`println "text"`, `execution.setVariable "a", 1`: a call without parentheses."""
        token = self.peek()
        if token.kind in ("string", "gstring", "number"):
            return True
        return token.kind == "name" and token.value not in ("in", "instanceof", "as")

    # -- expressions -----------------------------------------------------------------------


_STATEMENTS = {
    "def": _Parser.def_statement,
    "final": _Parser.final_statement,
    "if": _Parser.if_statement,
    "for": _Parser.for_statement,
    "while": _Parser.while_statement,
    "switch": _Parser.switch_statement,
    "return": _Parser.return_statement,
    "break": _Parser.jump_statement,
    "continue": _Parser.jump_statement,
    "throw": _Parser.throw_statement,
    "assert": _Parser.assert_statement,
    "try": _Parser.try_statement,
    "import": _Parser.import_statement,
    "package": _Parser.package_statement,
}
