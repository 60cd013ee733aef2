"""A parsed decision table as rows and cells for the cockpit's HTML table."""

from __future__ import annotations

from dataclasses import dataclass

from engine.dmn import Decision


@dataclass(frozen=True)
class Column:
    """One input or output clause: its label (the header) and what it reads or names."""

    kind: str  # "input" or "output"
    label: str
    detail: str  # an input's expression, an output's name
    type_ref: str | None


@dataclass(frozen=True)
class Cell:
    column: Column
    text: str  # "-" for an empty input entry (matches anything), "" for an empty output


@dataclass(frozen=True)
class Row:
    number: int
    rule_id: str | None
    cells: tuple[Cell, ...]
    annotation: str | None


@dataclass(frozen=True)
class DecisionTableView:
    hit_policy: str  # with the aggregation: "COLLECT SUM"
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


def table_view(decision: Decision) -> DecisionTableView:
    """Inputs then outputs as columns, one row per rule in table order; a literal expression
    is one output column (its variable) and one row (its text)."""
    table = decision.table
    if table is None:
        return _literal_view(decision)
    inputs = tuple(
        Column("input", clause.label or clause.id or f"Input {n}",
               clause.expression.text if clause.expression else "", clause.type_ref)
        for n, clause in enumerate(table.inputs, start=1)
    )
    outputs = tuple(
        Column("output", clause.label or clause.name or clause.id or f"Output {n}",
               clause.key, clause.type_ref)
        for n, clause in enumerate(table.outputs, start=1)
    )
    rows = []
    for number, rule in enumerate(table.rules, start=1):
        cells = [Cell(column, entry.text if entry is not None else "-")
                 for column, entry in zip(inputs, rule.input_entries, strict=False)]
        cells += [Cell(column, entry.text if entry is not None else "")
                  for column, entry in zip(outputs, rule.output_entries, strict=False)]
        rows.append(Row(number, rule.id, tuple(cells), rule.description))
    policy = table.hit_policy.value
    if table.aggregation is not None:
        policy = f"{policy} {table.aggregation.value}"
    return DecisionTableView(policy, inputs + outputs, tuple(rows))


def _literal_view(decision: Decision) -> DecisionTableView:
    literal = decision.literal
    assert literal is not None  # a decision is a table or a literal expression
    column = Column("output", literal.variable_name, literal.variable_name, literal.type_ref)
    text = literal.expression.text if literal.expression else ""
    return DecisionTableView("LITERAL EXPRESSION", (column,),
                             (Row(1, None, (Cell(column, text),), None),))
