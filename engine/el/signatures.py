"""Argument-count checks for functions and host methods, so that a wrong call in a model is an
``ExpressionError`` while a ``TypeError`` raised inside the callee still propagates."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from typing import Any

from engine.el.errors import ExpressionError

_CACHE: dict[object, inspect.Signature | None] = {}
_CACHE_LIMIT = 1024


def _signature(function: Callable[..., Any]) -> inspect.Signature | None:
    # Functions built per context share their code object, which makes a stable cache key.
    key: object = getattr(function, "__code__", None) or function
    try:
        return _CACHE[key]
    except (KeyError, TypeError):
        pass
    try:
        signature: inspect.Signature | None = inspect.signature(function)
    except (TypeError, ValueError):
        signature = None  # builtins without metadata: let the call itself decide
    if len(_CACHE) < _CACHE_LIMIT:
        with contextlib.suppress(TypeError):
            _CACHE[key] = signature
    return signature


def check_arguments(
    function: Callable[..., Any], args: list[Any], label: str, hidden: int = 0
) -> None:
    """Raise ExpressionError unless ``function(*args)`` binds; ``hidden`` leading arguments
    (a method's target) are not counted in the message."""
    signature = _signature(function)
    if signature is None:
        return
    try:
        signature.bind(*args)
    except TypeError:
        raise ExpressionError(f"{label} does not take {len(args) - hidden} argument(s)") from None
