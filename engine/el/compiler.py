"""Turns the syntax tree into nested closures, so evaluation is a few Python calls per node.

Errors raised without a position get the position of the node that failed, innermost first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.el.coercion import is_empty, to_boolean, to_string
from engine.el.context import MISSING, EvaluationContext
from engine.el.errors import ExpressionError
from engine.el.methods import call_method, get_property
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
from engine.el.operators import BINARY, negate
from engine.el.signatures import check_arguments

Evaluator = Callable[[EvaluationContext], Any]
StepEvaluator = Callable[[EvaluationContext, Any], Any]


def _locate(error: ExpressionError, position: int) -> None:
    if error.position is None:
        error.position = position


def compile_node(node: Node) -> Evaluator:
    compiler = _COMPILERS.get(type(node))
    if compiler is None:
        raise ExpressionError(f"Cannot compile {type(node).__name__}", position=node.position)
    return compiler(node)


def _literal(node: Node) -> Evaluator:
    assert isinstance(node, Literal)
    value = node.value
    return lambda context: value


def _identifier(node: Node) -> Evaluator:
    assert isinstance(node, Identifier)
    name, position = node.name, node.position

    def identifier(context: EvaluationContext) -> Any:
        # Camunda's resolver order: context objects and beans, then variables; unknown is an
        # error ("Cannot resolve identifier"), never null.
        value = context.beans.get(name, MISSING)
        if value is MISSING:
            value = context.lookup_variable(name)
            if value is MISSING:
                raise ExpressionError(f"Cannot resolve identifier '{name}'", position=position)
        return value

    return identifier


def _function(node: Node) -> Evaluator:
    assert isinstance(node, FunctionCall)
    name, position = node.name, node.position
    arguments = [compile_node(arg) for arg in node.args]

    def function(context: EvaluationContext) -> Any:
        implementation = context.functions.get(name)
        if implementation is None:
            raise ExpressionError(f"Unknown function '{name}'", position=position)
        values = [argument(context) for argument in arguments]
        try:
            check_arguments(implementation, values, f"Function '{name}'")
            return implementation(*values)
        except ExpressionError as error:
            _locate(error, position)
            raise

    return function


def _chain(node: Node) -> Evaluator:
    assert isinstance(node, Chain)
    first = compile_node(node.first)
    rest = [(BINARY[op], position, compile_node(operand)) for op, position, operand in node.rest]
    if len(rest) == 1:
        apply, position, second = rest[0]

        def binary(context: EvaluationContext) -> Any:
            left = first(context)
            right = second(context)
            try:
                return apply(left, right)
            except ExpressionError as error:
                _locate(error, position)
                raise

        return binary

    def chain(context: EvaluationContext) -> Any:
        value = first(context)
        for apply, position, operand in rest:
            right = operand(context)
            try:
                value = apply(value, right)
            except ExpressionError as error:
                _locate(error, position)
                raise
        return value

    return chain


def _truth(value: Any, position: int) -> bool:
    try:
        return to_boolean(value)
    except ExpressionError as error:
        _locate(error, position)
        raise


def _logical(node: Node) -> Evaluator:
    # Section 1.9: operands coerce to Boolean; evaluation stops as soon as the result is known.
    assert isinstance(node, Logical)
    operands = [(compile_node(operand), operand.position) for operand in node.operands]
    if node.op == "and":
        if len(operands) == 2:
            (a, a_position), (b, b_position) = operands

            def and2(context: EvaluationContext) -> bool:
                value = a(context)
                if value is not True and (value is False or not _truth(value, a_position)):
                    return False
                value = b(context)
                return value is True or (value is not False and _truth(value, b_position))

            return and2

        def and_all(context: EvaluationContext) -> bool:
            return all(_truth(operand(context), position) for operand, position in operands)

        return and_all

    def or_any(context: EvaluationContext) -> bool:
        return any(_truth(operand(context), position) for operand, position in operands)

    return or_any


def _unary(node: Node) -> Evaluator:
    assert isinstance(node, Unary)
    operand = compile_node(node.operand)
    ops = list(reversed(node.ops))

    def unary(context: EvaluationContext) -> Any:
        value = operand(context)
        for op, position in ops:
            try:
                if op == "!":
                    value = not to_boolean(value)
                elif op == "-":
                    value = negate(value)
                else:
                    value = is_empty(value)
            except ExpressionError as error:
                _locate(error, position)
                raise
        return value

    return unary


def _conditional(node: Node) -> Evaluator:
    assert isinstance(node, Conditional)
    condition, then, otherwise = (
        compile_node(node.condition),
        compile_node(node.then),
        compile_node(node.otherwise),
    )
    position = node.condition.position

    def conditional(context: EvaluationContext) -> Any:
        return then(context) if _truth(condition(context), position) else otherwise(context)

    return conditional


def _step(step: Step) -> StepEvaluator:
    position = step.position
    index = compile_node(step.index) if step.index is not None else None
    name = step.name
    arguments = [compile_node(arg) for arg in step.args] if step.args is not None else None

    if arguments is None:
        if index is None:
            assert name is not None
            key = name

            def member(context: EvaluationContext, target: Any) -> Any:
                if type(target) is dict:
                    return target.get(key)
                try:
                    return get_property(target, key)
                except ExpressionError as error:
                    _locate(error, position)
                    raise

            return member

        computed = index

        def indexed(context: EvaluationContext, target: Any) -> Any:
            key = computed(context)
            try:
                return get_property(target, key)
            except ExpressionError as error:
                _locate(error, position)
                raise

        return indexed

    call_arguments = arguments

    def method(context: EvaluationContext, target: Any) -> Any:
        method_name = name if index is None else to_string(index(context))
        assert method_name is not None
        values = [argument(context) for argument in call_arguments]
        try:
            return call_method(target, method_name, values)
        except ExpressionError as error:
            _locate(error, position)
            raise

    return method


def _path(node: Node) -> Evaluator:
    assert isinstance(node, Path)
    base = compile_node(node.base)
    steps = [_step(step) for step in node.steps]
    if len(steps) == 1:
        only = steps[0]
        return lambda context: only(context, base(context))

    def path(context: EvaluationContext) -> Any:
        value = base(context)
        for step in steps:
            value = step(context, value)
        return value

    return path


def _composite(node: Node) -> Evaluator:
    # Section 1.2.1.1: each part is coerced to String and the results are concatenated.
    assert isinstance(node, Composite)
    parts: list[str | tuple[Evaluator, int]] = [
        part if isinstance(part, str) else (compile_node(part), part.position)
        for part in node.parts
    ]

    def composite(context: EvaluationContext) -> str:
        texts: list[str] = []
        for part in parts:
            if isinstance(part, str):
                texts.append(part)
                continue
            evaluate, position = part
            try:
                texts.append(to_string(evaluate(context)))
            except ExpressionError as error:
                _locate(error, position)
                raise
        return "".join(texts)

    return composite


_COMPILERS: dict[type, Callable[[Node], Evaluator]] = {
    Literal: _literal,
    Identifier: _identifier,
    FunctionCall: _function,
    Chain: _chain,
    Logical: _logical,
    Unary: _unary,
    Conditional: _conditional,
    Path: _path,
    Composite: _composite,
}
