"""The one error type of the expression language."""

from __future__ import annotations


class ExpressionError(Exception):
    """An expression could not be parsed or evaluated.

    ``position`` is the 1-based character offset in ``expression`` where the problem was found
    (``None`` when it cannot be tied to one place). Operators read ``str(error)`` in incidents, so
    it names the expression and the place.
    """

    def __init__(self, reason: str, expression: str = "", position: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.expression = expression
        self.position = position

    def __str__(self) -> str:
        text = self.reason
        if self.expression:
            text += f" in expression '{self.expression}'"
        if self.position is not None:
            text += f" at position {self.position}"
        return text

    def __reduce__(self) -> tuple[type[ExpressionError], tuple[str, str, int | None]]:
        return (type(self), (self.reason, self.expression, self.position))
