"""Migration 0025 gives the execution rows written before it their instance's definition, as
the store writes them since (the cockpit's diagram badges count a definition's tokens by it)."""

from __future__ import annotations

import pytest

from cockpit.queries import activity_counts
from engine.models import Execution
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.engine.schema import migrate, migrate_to_latest
from tests.factories import bpmn_document

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("engine", "0024_historic_activity_definition_index")]

MODEL = bpmn_document(
    """<bpmn:process id="review" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="check" />
  <bpmn:userTask id="check" />
</bpmn:process>"""
)


def test_rows_written_before_get_their_instance_definition(at_latest_afterwards):
    (definition,) = deploy([ResourceInput("review.bpmn", MODEL)]).process_definitions
    started = [rt.start_process_instance("review").id for _ in range(2)]
    assert activity_counts(definition.id) == {"check": {"running": 2, "incidents": 0}}

    migrate(BEFORE)  # the column goes, and its values with it
    migrate_to_latest()

    rows = Execution.objects.filter(process_instance_id__in=started)
    assert {row.process_definition_id for row in rows} == {definition.id}
    assert activity_counts(definition.id) == {"check": {"running": 2, "incidents": 0}}
