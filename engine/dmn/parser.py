"""DMN XML -> DmnDefinitions. Every problem is collected, then all are raised at once.

Reads DMN 1.1, 1.2 and 1.3 files with Camunda's extension attributes. A decision's logic is a
decision table or a literal expression; other boxed expressions are refused by name, so a
deployment fails rather than an instance. Decisions may require decisions of the same file
(`informationRequirement`/`requiredDecision`, a DRD); as Camunda's DefaultDmnTransform, input
data (`requiredInput`), knowledge and authority requirements are read by nobody and ignored.
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
    LiteralExpression,
    Output,
    Rule,
)
from engine.dmn.requirements import Requirement, resolve_requirements

DMN11_NS = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
DMN12_NS = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN13_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN_NAMESPACES = (DMN11_NS, DMN12_NS, DMN13_NS)
CAMUNDA_DMN_NS = "http://camunda.org/schema/1.0/dmn"
OPERATON_DMN_NS = "http://operaton.org/schema/1.0/dmn"  # the fork's, read alike


def _extension_attr(element: Element, name: str) -> str | None:
    value = element.get(f"{{{CAMUNDA_DMN_NS}}}{name}")
    return element.get(f"{{{OPERATON_DMN_NS}}}{name}") if value is None else value

# Decision logic other than a decision table or a literal expression, refused by name.
_OTHER_LOGIC = ("context", "invocation", "relation", "list", "functionDefinition")
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
        self.problem_at(element.get("id"), element.sourceline, message)

    def problem_at(self, element_id: str | None, line: int | None, message: str) -> None:
        self.problems.append(BpmnProblem(element_id, message, line, self.resource))

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
    requirements: dict[str, list[Requirement]] = {}
    seen: set[str] = set()
    try:
        for element in ctx.children(root, "decision"):
            decision = _parse_decision(element, ctx, requirements)
            if decision is None:
                continue
            if decision.id in seen:
                ctx.problem(element, f"decision id '{decision.id}' is used more than once")
            seen.add(decision.id)
            decisions.append(decision)
        # Every decision id the file declares, also of decisions refused above: a requirement
        # on one of those is not a second problem.
        declared = {(e.get("id") or "").strip() for e in ctx.children(root, "decision")}
        resolved = resolve_requirements(decisions, requirements, declared, ctx.problem_at)
    except (RecursionError, MemoryError):
        raise BpmnParseError(
            (BpmnProblem(None, "the file is too complex to parse", None, resource_name),)
        ) from None
    definitions_id = (root.get("id") or "").strip() or None
    if len(decisions) > 1 and definitions_id is None:
        # Camunda refuses a DRD without id (drdIdIsMissing): the id is the DRD's key.
        ctx.problem(root, "the <definitions> needs an id: it is the key of the decision "
                    "requirements definition its decisions make")
    if ctx.problems:
        ctx.problems.sort(key=lambda p: (p.line is None, p.line or 0))
        raise BpmnParseError(ctx.problems)
    return DmnDefinitions(resolved, root.get("namespace"), definitions_id, root.get("name"))


def _parse_decision(
    element: Element, ctx: _Context, requirements: dict[str, list[Requirement]]
) -> Decision | None:
    decision_id = (element.get("id") or "").strip()
    if not decision_id:
        ctx.problem(element, "a decision needs an id (its key)")
    requirements[decision_id] = _required_decisions(element, decision_id, ctx)
    table_element = ctx.child(element, "decisionTable")
    literal_element = ctx.child(element, "literalExpression")
    table = literal = None
    if table_element is not None:
        table = _parse_table(table_element, ctx)
    elif literal_element is not None:
        literal = _parse_literal(element, literal_element, decision_id, ctx)
    else:
        other = next((n for n in _OTHER_LOGIC if ctx.child(element, n) is not None), None)
        if other is not None:
            ctx.problem(
                ctx.child(element, other),
                f"decision '{decision_id}' is a <{other}>: only decision tables and "
                "literal expressions are supported",
            )
        else:
            ctx.problem(element, f"decision '{decision_id}' has no <decisionTable> or "
                        "<literalExpression>")
        return None
    if (table is None and literal is None) or not decision_id:
        return None
    return Decision(
        id=decision_id,
        name=element.get("name"),
        version_tag=_extension_attr(element, "versionTag"),
        history_time_to_live=_extension_attr(element, "historyTimeToLive"),
        table=table,
        line=element.sourceline,
        literal=literal,
    )


def _required_decisions(element: Element, decision_id: str, ctx: _Context) -> list[Requirement]:
    """The `requiredDecision` hrefs of the decision's information requirements, in order.

    Camunda follows only these; a `requiredInput` (input data) is documentation, and so are
    knowledge and authority requirements, which its transform never reads.
    """
    found = []
    for requirement in ctx.children(element, "informationRequirement"):
        for required in ctx.children(requirement, "requiredDecision"):
            href = (required.get("href") or "").strip()
            line = required.sourceline
            if not href.startswith("#") or len(href) < 2:
                ctx.problem_at(
                    requirement.get("id"), line,
                    f"decision '{decision_id}' has a <requiredDecision> with href '{href}': "
                    "only decisions of the same file can be required, as '#decisionId'",
                )
                continue
            found.append(Requirement(href[1:], requirement.get("id"), line))
    return found


def _parse_literal(
    decision: Element, element: Element, decision_id: str, ctx: _Context
) -> LiteralExpression | None:
    """A literal expression; its result is named by the decision's `<variable>` (Camunda
    refuses one without: "decision must have a variable if it contains a literal expression").
    """
    variable = ctx.child(decision, "variable")
    name = (variable.get("name") or "").strip() if variable is not None else ""
    if not name:
        ctx.problem(variable if variable is not None else element,
                    f"decision '{decision_id}' has a <literalExpression> but no <variable> "
                    "with a name to name its result")
    expression = ctx.compile(
        element, f"literal expression of decision '{decision_id}'", ValueExpression
    )
    if not name:
        return None
    return LiteralExpression(
        variable_name=name,
        type_ref=variable.get("typeRef") if variable is not None else None,
        expression=expression,
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
    variable = _extension_attr(element, "inputVariable") or "cellInput"
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
