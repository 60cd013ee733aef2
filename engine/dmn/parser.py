"""DMN XML -> DmnDefinitions. Every problem is collected, then all are raised at once.

Reads DMN 1.1, 1.2 and 1.3 files with Camunda's extension attributes. Only decisions whose
logic is a decision table are supported; literal expressions and decision requirement graphs
(`informationRequirement`) are refused by name, so a deployment fails rather than an instance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from engine.bpmn.errors import BpmnParseError, BpmnProblem
from engine.bpmn.xml import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    Element,
    load_xml,
    local_name,
    namespace_of,
    text_of,
)
from engine.dmn.expressions import (
    ExpressionCompileError,
    InputTest,
    ValueExpression,
    language_of,
)
from engine.dmn.feel import FeelError, FeelExpression, Scope
from engine.dmn.model import (
    Aggregation,
    Decision,
    DecisionTable,
    DmnDefinitions,
    HitPolicy,
    Input,
    Output,
    Rule,
)

DMN11_NS = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
DMN12_NS = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN13_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN_NAMESPACES = (DMN11_NS, DMN12_NS, DMN13_NS)
CAMUNDA_DMN_NS = "http://camunda.org/schema/1.0/dmn"

# Decision logic other than a decision table, refused with its own name.
_OTHER_LOGIC = ("literalExpression", "context", "invocation", "relation", "list",
                "functionDefinition")
# Requirements that make a decision depend on other elements of a DRD.
_REQUIREMENTS = ("informationRequirement", "knowledgeRequirement")
_HIT_POLICIES = ", ".join(policy.value for policy in HitPolicy)
_AGGREGATIONS = ", ".join(aggregation.value for aggregation in Aggregation)
_NEEDS_OUTPUT_VALUES = (HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER)

T = TypeVar("T")


@dataclass
class _Context:
    resource: str
    ns: str
    default_language: str | None
    problems: list[BpmnProblem] = field(default_factory=list)

    def problem(self, element: Element, message: str) -> None:
        self.problems.append(
            BpmnProblem(element.get("id"), message, element.sourceline, self.resource)
        )

    def children(self, element: Element, name: str) -> list[Element]:
        return list(element.iterchildren(f"{{{self.ns}}}{name}"))

    def child(self, element: Element, name: str) -> Element | None:
        return element.find(f"{{{self.ns}}}{name}")

    def text(self, element: Element | None) -> str | None:
        return text_of(self.child(element, "text")) if element is not None else None

    def compile(
        self, element: Element, what: str, build: Callable[[str, str], T]
    ) -> T | None:
        """Compile an element's `<text>` in its language; None when empty or refused."""
        text = self.text(element)
        if text is None:
            return None
        try:
            language = language_of(element.get("expressionLanguage") or self.default_language)
            return build(text, language)
        except ExpressionCompileError as error:
            self.problem(element, f"{what}: {error}")
            return None


def parse_dmn(
    data: bytes,
    resource_name: str = "decision.dmn",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> DmnDefinitions:
    """Parse a DMN file; raise BpmnParseError listing every problem in document order."""
    root = load_xml(
        data, resource_name, max_bytes=max_bytes, max_depth=max_depth, file_kind="DMN"
    )
    ns = namespace_of(root)
    if ns not in DMN_NAMESPACES or local_name(root) != "definitions":
        message = (
            f"the root element is <{root.tag}>, not a DMN <definitions> "
            f"(namespaces: {', '.join(DMN_NAMESPACES)})"
        )
        raise BpmnParseError((BpmnProblem(None, message, root.sourceline, resource_name),))
    ctx = _Context(resource_name, ns, root.get("expressionLanguage"))
    decisions: list[Decision] = []
    seen: set[str] = set()
    try:
        for element in ctx.children(root, "decision"):
            decision = _parse_decision(element, ctx)
            if decision is None:
                continue
            if decision.id in seen:
                ctx.problem(element, f"decision id '{decision.id}' is used more than once")
            seen.add(decision.id)
            decisions.append(decision)
    except (RecursionError, MemoryError):
        raise BpmnParseError(
            (BpmnProblem(None, "the file is too complex to parse", None, resource_name),)
        ) from None
    if ctx.problems:
        ctx.problems.sort(key=lambda p: (p.line is None, p.line or 0))
        raise BpmnParseError(ctx.problems)
    return DmnDefinitions(tuple(decisions), root.get("namespace"))


def _parse_decision(element: Element, ctx: _Context) -> Decision | None:
    decision_id = (element.get("id") or "").strip()
    if not decision_id:
        ctx.problem(element, "a decision needs an id (its key)")
    for name in _REQUIREMENTS:
        for requirement in ctx.children(element, name):
            ctx.problem(
                requirement,
                f"decision '{decision_id}' has an <{name}>: decisions that require other "
                "decisions or knowledge models (DRDs) are not supported yet",
            )
    table_element = ctx.child(element, "decisionTable")
    if table_element is None:
        other = next((n for n in _OTHER_LOGIC if ctx.child(element, n) is not None), None)
        if other is not None:
            ctx.problem(
                ctx.child(element, other),
                f"decision '{decision_id}' is a <{other}>: only decision tables are "
                "supported yet",
            )
        else:
            ctx.problem(element, f"decision '{decision_id}' has no <decisionTable>")
        return None
    table = _parse_table(table_element, ctx)
    if table is None or not decision_id:
        return None
    return Decision(
        id=decision_id,
        name=element.get("name"),
        version_tag=element.get(f"{{{CAMUNDA_DMN_NS}}}versionTag"),
        history_time_to_live=element.get(f"{{{CAMUNDA_DMN_NS}}}historyTimeToLive"),
        table=table,
        line=element.sourceline,
    )


def _parse_table(element: Element, ctx: _Context) -> DecisionTable | None:
    hit_policy = _enum(element, "hitPolicy", HitPolicy, HitPolicy.UNIQUE, _HIT_POLICIES, ctx)
    aggregation = _enum(element, "aggregation", Aggregation, None, _AGGREGATIONS, ctx)
    if aggregation is not None and hit_policy not in (None, HitPolicy.COLLECT):
        ctx.problem(element, f"aggregation {aggregation} is only allowed with hit policy COLLECT")
    inputs = tuple(_parse_input(e, ctx) for e in ctx.children(element, "input"))
    outputs = tuple(_parse_output(e, ctx) for e in ctx.children(element, "output"))
    _check_outputs(element, outputs, hit_policy, ctx)
    rules = tuple(_parse_rule(e, inputs, outputs, ctx) for e in ctx.children(element, "rule"))
    if hit_policy is None:
        return None
    return DecisionTable(
        id=element.get("id"),
        hit_policy=hit_policy,
        aggregation=aggregation,
        inputs=inputs,
        outputs=outputs,
        rules=rules,
        line=element.sourceline,
    )


def _enum(
    element: Element, attribute: str, kind: Any, default: Any, allowed: str, ctx: _Context
) -> Any:
    value = element.get(attribute)
    if value is None or not value.strip():
        return default
    try:
        return kind(value.strip())
    except ValueError:
        ctx.problem(element, f"unknown {attribute} '{value}' (one of {allowed})")
        return None


def _parse_input(element: Element, ctx: _Context) -> Input:
    expression_element = ctx.child(element, "inputExpression")
    expression = None
    type_ref = None
    if expression_element is not None:
        type_ref = expression_element.get("typeRef")
        expression = ctx.compile(
            expression_element, f"input expression of input '{element.get('id')}'",
            ValueExpression,
        )
    variable = element.get(f"{{{CAMUNDA_DMN_NS}}}inputVariable") or "cellInput"
    return Input(
        id=element.get("id"),
        label=element.get("label"),
        expression=expression,
        type_ref=type_ref,
        input_variable=variable.strip(),
        line=element.sourceline,
    )


def _parse_output(element: Element, ctx: _Context) -> Output:
    values: tuple[Any, ...] = ()
    values_element = ctx.child(element, "outputValues")
    text = ctx.text(values_element)
    if values_element is not None and text is not None:
        try:
            # outputValues are FEEL literals separated by commas: read them as one list.
            listed = FeelExpression(f"[{text}]").evaluate(Scope(_no_variables))
            values = tuple(listed)
        except FeelError as error:
            ctx.problem(values_element, f"outputValues of output '{element.get('id')}': {error}")
    return Output(
        id=element.get("id"),
        name=element.get("name"),
        label=element.get("label"),
        type_ref=element.get("typeRef"),
        output_values=values,
        line=element.sourceline,
    )


def _no_variables(name: str) -> Any:
    raise KeyError(name)


def _check_outputs(
    element: Element, outputs: tuple[Output, ...], hit_policy: HitPolicy | None, ctx: _Context
) -> None:
    if not outputs:
        ctx.problem(element, "a decision table needs at least one <output>")
    if len(outputs) > 1:
        names: set[str] = set()
        for output in outputs:
            if not output.name:
                ctx.problem(element, f"output '{output.id}' needs a name: the table has "
                            "more than one output")
            elif output.name in names:
                ctx.problem(element, f"output name '{output.name}' is used more than once")
            names.add(output.name or "")
    if hit_policy in _NEEDS_OUTPUT_VALUES and not any(o.output_values for o in outputs):
        ctx.problem(element, f"hit policy {hit_policy} needs <outputValues> on an output "
                    "to order the results by")


def _parse_rule(
    element: Element, inputs: tuple[Input, ...], outputs: tuple[Output, ...], ctx: _Context
) -> Rule:
    rule_id = element.get("id")
    input_elements = ctx.children(element, "inputEntry")
    output_elements = ctx.children(element, "outputEntry")
    if len(input_elements) != len(inputs):
        ctx.problem(element, f"rule '{rule_id}' has {len(input_elements)} input entries, "
                    f"but the table has {len(inputs)} inputs")
    if len(output_elements) != len(outputs):
        ctx.problem(element, f"rule '{rule_id}' has {len(output_elements)} output entries, "
                    f"but the table has {len(outputs)} outputs")
    input_entries = tuple(
        None if ctx.text(e) == "-" else ctx.compile(
            e, f"{_entry_name('input', e, n)} of rule '{rule_id}'", InputTest
        )
        for n, e in enumerate(input_elements, start=1)
    )
    output_entries = tuple(
        ctx.compile(e, f"{_entry_name('output', e, n)} of rule '{rule_id}'", ValueExpression)
        for n, e in enumerate(output_elements, start=1)
    )
    return Rule(
        id=rule_id,
        input_entries=input_entries,
        output_entries=output_entries,
        description=text_of(ctx.child(element, "description")),
        line=element.sourceline,
    )


def _entry_name(kind: str, element: Element, number: int) -> str:
    entry_id = element.get("id")
    return f"{kind} entry '{entry_id}'" if entry_id else f"{kind} entry {number}"
