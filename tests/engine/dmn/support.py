"""Helpers for the DMN tests: decision tables written inline, and one evaluation shortcut."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from engine.dmn import Decision, evaluate_decision, parse_dmn

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"

Rule = tuple[str, Sequence[str], Sequence[str]]  # id, input entry texts, output entry texts


def _attrs(**attributes: str | None) -> str:
    return "".join(
        f" {name.replace('_', ':', 1) if name.startswith('camunda_') else name}={quoteattr(v)}"
        for name, v in attributes.items() if v is not None
    )


def table_xml(
    rules: Sequence[Rule],
    *,
    inputs: Sequence[tuple[str, str | None]] = (("x", None),),
    outputs: Sequence[tuple[str, str | None]] = (("result", None),),
    hit_policy: str | None = None,
    aggregation: str | None = None,
    output_values: str | None = None,
    language: str | None = None,
    entry_language: str | None = None,
    input_variable: str | None = None,
    namespace: str = DMN13,
) -> bytes:
    """A one-decision file (id 'd'); inputs are (expression, typeRef), outputs (name, typeRef)."""
    lines = [
        f'<definitions xmlns="{namespace}" xmlns:camunda="http://camunda.org/schema/1.0/dmn"'
        f' id="defs" name="defs" namespace="http://example.com"{_attrs(expressionLanguage=language)}>',
        '  <decision id="d" name="Decision">',
        f'    <decisionTable id="t"{_attrs(hitPolicy=hit_policy, aggregation=aggregation)}>',
    ]
    for index, (expression, type_ref) in enumerate(inputs, start=1):
        lines.append(f'      <input id="i{index}"{_attrs(camunda_inputVariable=input_variable)}>')
        lines.append(f'        <inputExpression id="ie{index}"{_attrs(typeRef=type_ref)}>'
                     f"<text>{escape(expression)}</text></inputExpression>")
        lines.append("      </input>")
    for index, (name, type_ref) in enumerate(outputs, start=1):
        values = (f"<outputValues><text>{escape(output_values)}</text></outputValues>"
                  if output_values and index == 1 else "")
        lines.append(f'      <output id="o{index}" name="{name}"{_attrs(typeRef=type_ref)}>'
                     f"{values}</output>")
    for rule_id, input_entries, output_entries in rules:
        lines.append(f'      <rule id="{rule_id}">')
        lines.extend(f'        <inputEntry{_attrs(expressionLanguage=entry_language)}>'
                     f"<text>{escape(text)}</text></inputEntry>" for text in input_entries)
        lines.extend(f"        <outputEntry><text>{escape(text)}</text></outputEntry>"
                     for text in output_entries)
        lines.append("      </rule>")
    lines += ["    </decisionTable>", "  </decision>", "</definitions>"]
    return "\n".join(lines).encode()


def decision_of(data: bytes) -> Decision:
    return parse_dmn(data, "test.dmn").decisions[0]


def decide(data: bytes, /, **variables: Any) -> list[dict[str, Any]]:
    return evaluate_decision(decision_of(data), variables.__getitem__, now=NOW)


def one_column(entry: str, output: str = '"yes"', **kwargs: Any) -> bytes:
    """A table with one input `x` and one rule `r1`: `entry` -> `output`."""
    return table_xml([("r1", [entry], [output])], **kwargs)
