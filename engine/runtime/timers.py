"""BPMN timer definitions: ISO 8601 dates, durations, repeating intervals and Quartz cron.

Pure functions of their input: the current time is always passed in, never read.
(Skeleton: the public names are final; parsing is being filled in.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal


class TimerSpecError(ValueError):
    """A timer definition that cannot be parsed; ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"Invalid timer definition '{text}': {reason}")
        self.text = text
        self.reason = reason


class TimerSpec:
    """Common interface of the three timer kinds."""

    text: str

    def next_due(self, after: datetime) -> datetime | None:
        raise NotImplementedError


@dataclass(frozen=True)
class DateTimer(TimerSpec):
    text: str
    at: datetime

    def next_due(self, after: datetime) -> datetime | None:
        return self.at


@dataclass(frozen=True)
class Duration(TimerSpec):
    text: str
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: float = 0


class Cycle(TimerSpec):
    """A repeating timer; ``repetitions`` is the number of firings left (None: no end)."""

    repetitions: int | None


def parse_date(text: str) -> datetime:
    raise TimerSpecError(text, "not implemented yet")


def parse_duration(text: str) -> Duration:
    raise TimerSpecError(text, "not implemented yet")


def parse_cycle(text: str) -> Cycle:
    raise TimerSpecError(text, "not implemented yet")


def parse_timer(kind: Literal["date", "duration", "cycle"], text: str) -> TimerSpec:
    if kind == "date":
        return DateTimer(text, parse_date(text))
    if kind == "duration":
        return parse_duration(text)
    if kind == "cycle":
        return parse_cycle(text)
    raise TimerSpecError(text, f"unknown timer kind '{kind}'")
