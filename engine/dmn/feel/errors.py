"""The one error type of the FEEL subset."""

from __future__ import annotations


class FeelError(Exception):
    """A FEEL text could not be parsed or evaluated; `position` is 1-based in `text`."""

    def __init__(self, reason: str, text: str = "", position: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.text = text
        self.position = position

    def __str__(self) -> str:
        message = self.reason
        if self.text:
            message += f" in FEEL '{self.text}'"
        if self.position is not None:
            message += f" at position {self.position}"
        return message
