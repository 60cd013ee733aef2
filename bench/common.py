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
