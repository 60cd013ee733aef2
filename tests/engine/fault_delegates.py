"""Python delegates the fault tests register through LEGATO_DELEGATES in worker processes."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

MAX_SLEEP = 30.0  # a stuck test never hangs a worker for longer


def slow(execution: Any) -> None:
    """Record which process runs the job, then sleep while the test's `slow` marker exists
    (so the test can kill the worker in the middle of the job)."""
    folder = os.environ.get("LEGATO_FAULT_DIR")
    if not folder:
        return
    directory = Path(folder)
    (directory / f"started-{os.getpid()}-{time.monotonic_ns()}").write_text(str(os.getpid()))
    deadline = time.monotonic() + MAX_SLEEP
    while (directory / "slow").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def noop(execution: Any) -> None:
    """Does nothing: the job's cost is the engine's own."""
