"""Evaluating a decision definition directly, outside any process (Camunda's
DecisionService, behind REST `/decision-definition/.../evaluate`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from engine.decisions import deployed_decision
from engine.dmn import DecisionError, evaluate_graph
from engine.errors import DecisionEvaluationError
from engine.metrics import names
from engine.metrics.collect import count
from engine.models import DecisionDefinition
from engine.runtime.env import unique_id
from engine.runtime.values import TypedValue
from engine.store.decision_history import write_decision_instances
from identity.authorization import Permission, Resource, require


def evaluate_decision_definition(
    definition: DecisionDefinition,
    variables: Mapping[str, TypedValue],
    *,
    user_id: str | None,
) -> list[dict[str, Any]]:
    """The decision's result (one dict of output name -> value per kept rule) for `variables`,
    the decisions it requires (a DRD) evaluated first; records a historic decision instance
    for each with the evaluating user at history level full.

    Needs CREATE_INSTANCE on the decision definition (key), as Camunda's evaluate command.
    Raises DecisionEvaluationError when the table cannot decide; nothing is recorded then.
    """
    require(user_id, Permission.CREATE_INSTANCE, Resource.DECISION_DEFINITION, definition.key)
    deployed = deployed_decision(definition)

    def variable(name: str) -> Any:
        return variables[name].value  # a KeyError is the table's "unknown variable"

    now = timezone.now()
    try:
        graph = evaluate_graph(deployed.decision, variable, now=now)
    except DecisionError as error:
        raise DecisionEvaluationError(str(error)) from None
    if settings.LEGATO_HISTORY_LEVEL == "full":
        with transaction.atomic():
            write_decision_instances([deployed.evaluated(graph, now)], unique_id,
                                     user_id=user_id)
    # Counted in memory at every history level, as Camunda's decision evaluation listener:
    # every decision of the graph.
    count(names.EXECUTED_DECISION_INSTANCES, len(graph.steps))
    count(names.EXECUTED_DECISION_ELEMENTS, sum(e.executed_elements for _, e in graph.steps))
    return graph.results
