"""Every Camunda conformance model parses, or is refused for the reason CASES.md implies."""

from __future__ import annotations

import pytest

from engine.bpmn.errors import BpmnParseError
from engine.bpmn.parser import parse_bpmn
from tests.engine.bpmn.helpers import conformance_dir

CONFORMANCE = conformance_dir()
MODELS = sorted((CONFORMANCE / "models").rglob("*.bpmn")) if CONFORMANCE else []

pytestmark = pytest.mark.skipif(CONFORMANCE is None, reason="conformance models not found")

# Models we refuse on purpose, with the reason each (the table only shrinks).
EXPECTED_REFUSALS: dict[str, str] = {}

# Counts from CASES.md section 15: flow nodes, sequence flows, message flows, shapes, edges.
MIWG_COUNTS = {
    "A.1.0.bpmn": (5, 4, 0, 5, 4),
    "A.2.0.bpmn": (8, 9, 0, 8, 9),
    "A.3.0.bpmn": (10, 8, 0, 10, 8),
    "A.4.0.bpmn": (17, 13, 2, 20, 15),
    "A.4.1.bpmn": (17, 13, 2, 22, 15),
    "B.1.0.bpmn": (29, 26, 2, 34, 29),
    "B.2.0.bpmn": (94, 85, 2, 99, 87),
    "C.1.0.bpmn": (21, 20, 5, 27, 25),
}


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_conformance_model_parses_or_is_refused_for_the_stated_reason(path):
    data = path.read_bytes()
    expected = EXPECTED_REFUSALS.get(path.name)
    if expected is None:
        definitions = parse_bpmn(data, path.name)
        assert definitions.processes
        return
    with pytest.raises(BpmnParseError) as caught:
        parse_bpmn(data, path.name)
    assert all(expected in problem.message for problem in caught.value.problems)


@pytest.mark.parametrize("name", sorted(MIWG_COUNTS))
def test_miwg_reference_model_reproduces_its_element_counts(name):
    definitions = parse_bpmn((CONFORMANCE / "models" / "miwg" / name).read_bytes(), name)
    nodes = sum(len(p.all_nodes) for p in definitions.processes)
    flows = sum(len(p.all_flows) for p in definitions.processes)
    collaboration = definitions.collaboration
    message_flows = len(collaboration.message_flows) if collaboration else 0
    diagram = definitions.diagram
    assert diagram is not None
    counts = (nodes, flows, message_flows, len(diagram.shapes), len(diagram.edges))
    assert counts == MIWG_COUNTS[name]


def test_only_the_c_1_0_invoice_process_of_the_miwg_models_is_executable():
    executable = {
        p.id
        for path in MODELS
        if path.parent.name == "miwg"
        for p in parse_bpmn(path.read_bytes(), path.name).executable_processes
    }
    assert executable == {"bpmn-miwg-test-case-c.1.0"}


def test_legacy_activiti_namespace_is_read_as_camunda():
    path = CONFORMANCE / "models" / "miwg" / "C.1.0.bpmn"
    process = parse_bpmn(path.read_bytes()).process("bpmn-miwg-test-case-c.1.0")
    assignees = {n.assignee for n in process.all_nodes.values() if hasattr(n, "assignee")}
    assert "${approver}" in assignees
