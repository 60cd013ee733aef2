"""Business rule tasks: find the decision a task references and evaluate it (Camunda's
`camunda:decisionRef` with its binding, `camunda:mapDecisionResult`, `camunda:resultVariable`).

The host says which decisions are deployed through `Environment.decisions`, a lookup from a
`DecisionRef` to the parsed decision: the Django store reads its decision definitions, the
in-memory store keeps a `DeployedDecisions` registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.bpmn.model import DECISION_BINDINGS, FlowNode, Implementation
from engine.dmn import (
    Decision,
    DecisionError,
    DmnDefinitions,
    GraphEvaluation,
    evaluate_graph,
    map_decision_result,
)
from engine.runtime import effects as fx
from engine.runtime.errors import ProcessEngineError
from engine.runtime.state import Execution

if TYPE_CHECKING:
    from engine.runtime.context import Run


@dataclass(frozen=True, slots=True)
class DecisionRef:
    """Which version of decision `key` a task asks for: the latest, the one deployed with the
    calling process (`deployment_id`), a version number, or the latest with a version tag;
    but for `deployment`, among the decisions of `tenant_id` (None: of no tenant)."""

    key: str
    binding: str = "latest"
    version: int | None = None
    version_tag: str | None = None
    deployment_id: str | None = None
    tenant_id: str | None = None

    def describe(self) -> str:
        if self.binding == "deployment":
            return f"key '{self.key}' in deployment '{self.deployment_id}'"
        tenant = f" and tenant '{self.tenant_id}'" if self.tenant_id else ""
        if self.binding == "version":
            return f"key '{self.key}', version {self.version}{tenant}"
        if self.binding == "versionTag":
            return f"key '{self.key}', version tag '{self.version_tag}'{tenant}"
        return f"key '{self.key}'{tenant}"


@dataclass(frozen=True, slots=True)
class DeployedDecision:
    """One version of a decision: its definition id and tenant go into history, and so do
    its DRD and the definition ids of the decisions of its file (`definition_ids`, by key),
    which it may require."""

    key: str
    version: int
    deployment_id: str
    version_tag: str | None
    decision: Decision
    definition_id: str
    tenant_id: str | None = None
    requirements_definition_id: str | None = None
    requirements_definition_key: str | None = None
    definition_ids: Mapping[str, str] = field(default_factory=dict)

    def evaluated(
        self, graph: GraphEvaluation, time: datetime, **process: Any
    ) -> fx.DecisionEvaluated:
        """The history effect of evaluating this decision; `process` names the process
        fields of DecisionEvaluated (none over REST)."""
        required = tuple(
            fx.RequiredDecisionEvaluated(
                self.definition_ids.get(decision.id, decision.id), decision.id, decision.name,
                evaluation,
            )
            for decision, evaluation in graph.required
        )
        return fx.DecisionEvaluated(
            decision_definition_id=self.definition_id,
            decision_definition_key=self.key,
            decision_definition_name=self.decision.name,
            tenant_id=self.tenant_id,
            evaluation=graph.root,
            time=time,
            required=required,
            decision_requirements_definition_id=self.requirements_definition_id,
            decision_requirements_definition_key=self.requirements_definition_key,
            **process,
        )


DecisionLookup = Callable[[DecisionRef], DeployedDecision | None]


def select_version(
    versions: Sequence[DeployedDecision], ref: DecisionRef
) -> DeployedDecision | None:
    """The version `ref` binds to among `versions` (any order) of its key."""
    if ref.binding == "deployment":
        candidates = [d for d in versions if d.deployment_id == ref.deployment_id]
    else:
        candidates = [d for d in versions if d.tenant_id == ref.tenant_id]
    if ref.binding == "version":
        candidates = [d for d in candidates if d.version == ref.version]
    elif ref.binding == "versionTag":
        candidates = [d for d in candidates if d.version_tag == ref.version_tag]
    return max(candidates, key=lambda d: d.version, default=None)


class DeployedDecisions:
    """Decisions deployed into an in-memory engine, every version of every key."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[DeployedDecision]] = {}

    def add(self, file: DmnDefinitions, deployment_id: str) -> list[DeployedDecision]:
        """Each decision of a deployed file as its key's next version."""
        ids = {
            d.id: f"{d.id}:{len(self.by_key.get(d.id, ())) + 1}:{deployment_id}"
            for d in file.decisions
        }
        drd_id = f"{file.id}:{deployment_id}" if file.is_drd else None
        added = []
        for decision in file.decisions:
            versions = self.by_key.setdefault(decision.id, [])
            deployed = DeployedDecision(
                decision.id, len(versions) + 1, deployment_id, decision.version_tag, decision,
                ids[decision.id], requirements_definition_id=drd_id,
                requirements_definition_key=file.id if drd_id else None, definition_ids=ids,
            )
            versions.append(deployed)
            added.append(deployed)
        return added

    def find(self, ref: DecisionRef) -> DeployedDecision | None:
        return select_version(self.by_key.get(ref.key, ()), ref)


def evaluate_business_rule(
    run: Run,
    execution: Execution,
    node: FlowNode,
    implementation: Implementation,
    result_variable: str | None,
) -> None:
    """Evaluate the referenced decision with the variables visible from `execution` and store
    the mapped result. Any failure fails the command, naming the activity."""
    ref = _reference(run, execution, node, implementation)
    lookup = run.env.decisions
    deployed = lookup(ref) if lookup is not None else None
    if deployed is None:
        raise ProcessEngineError(f"no decision definition deployed with {ref.describe()}", node.id)

    def variable(name: str) -> Any:
        typed = run.get_typed(execution, name)
        if typed is None:
            raise KeyError(name)
        return typed.value

    try:
        # A decision of a DRD evaluates the decisions it requires first (Camunda).
        graph = evaluate_graph(deployed.decision, variable, now=run.now)
        value = map_decision_result(graph.results, implementation.map_decision_result)
    except DecisionError as error:
        raise ProcessEngineError(str(error), node.id) from None
    if run.env.history == "full":  # Camunda records decision instances at level full only
        run.effects.append(deployed.evaluated(
            graph, run.now,
            process_instance_id=run.state.id,
            super_process_instance_id=run.state.super_instance_id,
            process_definition_id=run.definition.id,
            process_definition_key=run.definition.key,
            execution_id=run.public_id(execution),
            activity_id=node.id,
            activity_instance_id=execution.activity_instance_id,
        ))
    else:
        counted = run.counted()  # each decision of the graph, as Camunda's metrics listener
        for _, step in graph.steps:
            counted.decisions += 1
            counted.decision_elements += step.executed_elements
    if result_variable:
        run.set_variable(execution, result_variable, value)


def _reference(
    run: Run, execution: Execution, node: FlowNode, implementation: Implementation
) -> DecisionRef:
    binding = implementation.decision_ref_binding
    if binding not in DECISION_BINDINGS:  # the validator refuses it at deployment
        raise ProcessEngineError(f"camunda:decisionRefBinding '{binding}' is unknown", node.id)
    # decisionRef, decisionRefVersion and decisionRefVersionTag may be expressions.
    key = str(run.evaluate(implementation.decision_ref or "", execution, activity_id=node.id))
    version = None
    if binding == "version":
        text = run.evaluate(
            implementation.decision_ref_version or "", execution, activity_id=node.id
        )
        try:
            version = int(text)
        except (TypeError, ValueError):
            raise ProcessEngineError(
                f"camunda:decisionRefVersion '{text}' is not a version number", node.id
            ) from None
    tag = None
    if binding == "versionTag":
        tag = str(
            run.evaluate(
                implementation.decision_ref_version_tag or "", execution, activity_id=node.id
            )
        )
    # As Camunda: the caller's tenant unless decisionRefTenantId (text or expression) says.
    tenant = run.definition.tenant_id
    if implementation.decision_ref_tenant_id is not None:
        named = run.evaluate(implementation.decision_ref_tenant_id, execution, activity_id=node.id)
        tenant = None if named is None else str(named)
    return DecisionRef(key, binding, version, tag, run.definition.deployment_id, tenant)
