"""Engine I: parse time of the largest conformance model, and evaluations per second of a
typical condition, each against a baseline measured in the same run."""

from __future__ import annotations

from common import conformance_dir, per_call_seconds, report
from lxml import etree

from engine.bpmn.parser import parse_bpmn
from engine.el import EvaluationContext, compile_expression


def bench_parse() -> None:
    models = sorted((conformance_dir() / "models").glob("*.bpmn"), key=lambda p: p.stat().st_size)
    largest = models[-1]
    data = largest.read_bytes()
    parse = per_call_seconds(lambda: parse_bpmn(data, largest.name))
    # Baseline: lxml alone building the tree of the same bytes, the floor any parser pays.
    raw = per_call_seconds(lambda: etree.fromstring(data, etree.XMLParser(resolve_entities=False)))
    report(
        f"parse+validate {largest.name[:30]} ({len(data) // 1024} KiB)",
        f"{parse * 1000:.2f} ms",
        "lxml tree alone",
        parse / raw,
    )


def bench_condition() -> None:
    expression = compile_expression("${amount > 1000 && customer.vip}")
    variables = {"amount": 1500, "customer": {"vip": True}}
    context = EvaluationContext(variables)
    assert expression.evaluate(context) is True

    def hand_written() -> bool:
        return variables["amount"] > 1000 and bool(variables["customer"]["vip"])

    ours = per_call_seconds(lambda: expression.evaluate(context))
    baseline = per_call_seconds(hand_written)
    report(
        "evaluate ${amount > 1000 && customer.vip} (cached)",
        f"{1 / ours:,.0f} eval/s",
        "hand-written Python",
        ours / baseline,
    )
    fresh = per_call_seconds(lambda: expression.evaluate(EvaluationContext(variables)))
    report(
        "  the same with a new context per evaluation",
        f"{1 / fresh:,.0f} eval/s",
        "hand-written Python",
        fresh / baseline,
    )


if __name__ == "__main__":
    bench_parse()
    bench_condition()
