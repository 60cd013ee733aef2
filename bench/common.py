"""Helpers shared by the benchmarks: timing loops and the report line format."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def conformance_dir() -> Path:
    configured = os.environ.get("LEGATO_CONFORMANCE_DIR")
    return Path(configured) if configured else ROOT.parent / "shared" / "conformance"


def per_call_seconds(fn: Callable[[], object], *, min_time: float = 0.5, repeats: int = 5) -> float:
    """Median seconds per call over `repeats` rounds, each long enough to time reliably."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start >= min_time / repeats:
            break
        calls *= 2
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - start) / calls)
    return statistics.median(rounds)


def report(what: str, value: str, baseline_name: str, ratio: float, target: str = "") -> None:
    """One result line; `ratio` is our time per operation over the baseline's time."""
    line = f"{what:<58} {value:>18}   {ratio:6.2f}x the time of {baseline_name}"
    if target:
        line += f"   (target {target})"
    print(line, flush=True)


class Targets:
    """Targets checked in one bench run, printed as a summary at the end (never asserted:
    a benchmark reports a miss, it does not fail on it)."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[tuple[str, float, float, str]] = []

    def check(self, what: str, achieved: float, minimum: float, unit: str) -> None:
        """`achieved` and `minimum` are both "higher is better" (a speed-up, a share)."""
        self.rows.append((what, achieved, minimum, unit))

    def print_summary(self) -> None:
        print(f"\n--- {self.title}: targets ---", flush=True)
        met = 0
        for what, achieved, minimum, unit in self.rows:
            ok = achieved >= minimum
            met += ok
            shown = f"{achieved:.0%}" if unit == "%" else f"{achieved:.2f}x"
            goal = f">= {minimum:.0%}" if unit == "%" else f">= {minimum:g}x"
            print(f"  {what:<56} {shown:>8}  (target {goal:>7})  {'met' if ok else 'MISSED'}")
        print(f"  {met} of {len(self.rows)} targets met", flush=True)
