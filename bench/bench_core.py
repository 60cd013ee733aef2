"""Engine II, pure core: Legato's interpreter over the in-memory store against SpiffWorkflow
running the same four graphs in the same process (each in its own expression syntax).

Both run in memory without a database. The headline keeps the state objects between commands
on both sides; a second pair of lines adds a JSON round trip of the state per wait state
(Legato's `InMemoryStore(serialize=True)`, Spiff's BpmnWorkflowSerializer), which is what a
persistent store pays in Python before it writes anything.
"""

from __future__ import annotations

import gc

from common import Targets, per_call_seconds, report
from flows import MODELS, Spiff, core_engine, core_instance

SPEEDUP_TARGET = 4.0


def bench_core(targets: Targets) -> None:
    spiff = Spiff()
    plain = core_engine(serialize=False)
    serialized = core_engine(serialize=True)
    for model in MODELS:
        ours = per_call_seconds(core_instance(*plain, model))
        theirs = per_call_seconds(spiff.instance(model))
        report(
            f"core ({model.name}) {model.title}",
            f"{1 / ours:,.0f} inst/s",
            "SpiffWorkflow",
            ours / theirs,
            f"<= {1 / SPEEDUP_TARGET:.2f}x",
        )
        targets.check(f"core vs SpiffWorkflow, model {model.name}", theirs / ours, 4.0, "x")
        gc.collect()
    for model in MODELS:
        ours = per_call_seconds(core_instance(*serialized, model))
        theirs = per_call_seconds(spiff.instance(model, round_trip=True))
        report(
            f"  ({model.name}) with a JSON round trip per wait state",
            f"{1 / ours:,.0f} inst/s",
            "Spiff + serializer",
            ours / theirs,
        )
        gc.collect()


if __name__ == "__main__":
    results = Targets("pure core (no database)")
    bench_core(results)
    results.print_summary()
