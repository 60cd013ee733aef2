"""The one error type of the FEEL subset."""

from __future__ import annotations

from engine.el.errors import ExpressionError


class FeelError(ExpressionError):
    """A FEEL text could not be parsed or evaluated (the expression language's error type).

    `expression` is the FEEL text and `position` the 1-based offset in it, as for JUEL, so the
    runtime reports both languages alike.
    """
