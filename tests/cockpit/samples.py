"""BPMN files for the cockpit's tests: one with diagram interchange, so bpmn-js can draw it."""

from __future__ import annotations

from tests.factories import BPMN_NS

DI_NS = 'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
DC_NS = 'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
WAYPOINT_NS = 'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '


def drawn_process(key: str = "invoice", name: str = "Invoice approval") -> bytes:
    """start -> user task Task_1 -> end, with shapes and edges as the Modeler writes them."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{BPMN_NS}" {DI_NS}{DC_NS}{WAYPOINT_NS}id="Definitions_1"
    targetNamespace="http://legato.test/bpmn">
  <bpmn:process id="{key}" name="{name}" isExecutable="true">
    <bpmn:startEvent id="Start_1" name="Invoice received" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_1" />
    <bpmn:userTask id="Task_1" name="Approve invoice" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_1" targetRef="End_1" />
    <bpmn:endEvent id="End_1" name="Invoice approved" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_1">
    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="{key}">
      <bpmndi:BPMNShape id="Start_1_di" bpmnElement="Start_1">
        <dc:Bounds x="152" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_1_di" bpmnElement="Task_1">
        <dc:Bounds x="240" y="80" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_1_di" bpmnElement="End_1">
        <dc:Bounds x="392" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="188" y="120" />
        <di:waypoint x="240" y="120" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="340" y="120" />
        <di:waypoint x="392" y="120" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
""".encode()


def broken_process() -> bytes:
    """A flow that points at a task that does not exist (line 6, element Flow_broken)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{BPMN_NS}" id="Definitions_1"
    targetNamespace="http://legato.test/bpmn">
  <bpmn:process id="broken" isExecutable="true">
    <bpmn:startEvent id="Start_1" />
    <bpmn:sequenceFlow id="Flow_broken" sourceRef="Start_1" targetRef="Missing_task" />
  </bpmn:process>
</bpmn:definitions>
""".encode()


def failing_process(key: str = "payment", name: str = "Payment") -> bytes:
    """start -> async service task `calc` whose expression needs `amount` -> end, drawn.

    Without `amount` the job fails; `R1/PT1S` gives it one try, so the incident comes at once.
    (`R1/PT0S` is what the issue asks for; the engine's cycle parser refuses a zero interval.)
    """
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{BPMN_NS}" {DI_NS}{DC_NS}{WAYPOINT_NS}
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1"
    targetNamespace="http://legato.test/bpmn">
  <bpmn:process id="{key}" name="{name}" isExecutable="true">
    <bpmn:startEvent id="Start_1" name="Order placed" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="calc" />
    <bpmn:serviceTask id="calc" name="Compute total" camunda:asyncBefore="true"
        camunda:expression="${{amount * 2}}" camunda:resultVariable="total">
      <bpmn:extensionElements>
        <camunda:failedJobRetryTimeCycle>R1/PT1S</camunda:failedJobRetryTimeCycle>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="calc" targetRef="End_1" />
    <bpmn:endEvent id="End_1" name="Paid" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_1">
    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="{key}">
      <bpmndi:BPMNShape id="Start_1_di" bpmnElement="Start_1">
        <dc:Bounds x="152" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="calc_di" bpmnElement="calc">
        <dc:Bounds x="240" y="80" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_1_di" bpmnElement="End_1">
        <dc:Bounds x="392" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="188" y="120" />
        <di:waypoint x="240" y="120" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="340" y="120" />
        <di:waypoint x="392" y="120" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
""".encode()
