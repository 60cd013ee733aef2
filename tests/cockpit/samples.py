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


# Where each element of tests/fixtures/dmn/dinner_decisions.dmn is drawn: x, y, width, height.
_DINNER_SHAPES = {
    "menu": (300, 40, 180, 80), "beverages": (560, 190, 180, 80), "dish": (300, 340, 180, 80),
    "season": (140, 520, 180, 80), "guestCount": (460, 520, 180, 80),
    "dayType": (487, 680, 125, 45), "cookbook": (40, 348, 100, 63),
}
# Requirement id -> (the element required, the element requiring it).
_DINNER_EDGES = {
    "guestCountNeedsDayType": ("dayType", "guestCount"), "dishNeedsSeason": ("season", "dish"),
    "dishNeedsGuestCount": ("guestCount", "dish"), "dishFollowsCookbook": ("cookbook", "dish"),
    "beveragesNeedDish": ("dish", "beverages"), "menuNeedsDish": ("dish", "menu"),
    "menuNeedsBeverages": ("beverages", "menu"),
}


def drawn_dinner_drd() -> bytes:
    """The dinner DRD fixture with DMNDI, as the Camunda Modeler saves it: dmn-js draws only
    what DMNDI places."""
    from pathlib import Path

    source = (Path(__file__).parents[1] / "fixtures" / "dmn" / "dinner_decisions.dmn").read_text()

    def middle(element: str, bottom: bool) -> tuple[int, int]:
        x, y, width, height = _DINNER_SHAPES[element]
        return x + width // 2, y + (height if bottom else 0)

    shapes = "".join(
        f'<dmndi:DMNShape id="{element}_di" dmnElementRef="{element}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></dmndi:DMNShape>'
        for element, (x, y, w, h) in _DINNER_SHAPES.items()
    )
    edges = "".join(
        f'<dmndi:DMNEdge id="{requirement}_di" dmnElementRef="{requirement}">'
        f'<di:waypoint x="{middle(source_id, False)[0]}" y="{middle(source_id, False)[1]}" />'
        f'<di:waypoint x="{middle(target, True)[0]}" y="{middle(target, True)[1]}" />'
        "</dmndi:DMNEdge>"
        for requirement, (source_id, target) in _DINNER_EDGES.items()
    )
    di = (
        '<dmndi:DMNDI><dmndi:DMNDiagram id="dinner_diagram">'
        f"{shapes}{edges}</dmndi:DMNDiagram></dmndi:DMNDI>"
    )
    namespaces = (
        'xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" '
        'xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" '
        'xmlns:di="http://www.omg.org/spec/DMN/20180521/DI/" '
    )
    drawn = source.replace("<definitions ", f"<definitions {namespaces}", 1)
    return drawn.replace("</definitions>", f"{di}</definitions>").encode()


def dmn11_dinner_drd() -> bytes:
    """The dinner DRD as the Camunda Modeler saved it before version 4: DMN 1.1, laid out by
    `biodi` extension elements (bounds on each element, edges on the requiring one), its
    requirements without ids."""
    import re
    from pathlib import Path

    source = (Path(__file__).parents[1] / "fixtures" / "dmn" / "dinner_decisions.dmn").read_text()
    source = source.replace("https://www.omg.org/spec/DMN/20191111/MODEL/",
                            "http://www.omg.org/spec/DMN/20151101/dmn.xsd")
    source = source.replace("<definitions ", '<definitions xmlns:biodi="http://bpmn.io/schema/'
                            'dmn/biodi/1.0" ', 1)
    source = re.sub(r"<(\w+Requirement) id=\"\w+\">", r"<\1>", source)
    source = source.replace('<knowledgeSource id="cookbook" name="Cookbook" />',
                            '<knowledgeSource id="cookbook" name="Cookbook"></knowledgeSource>')

    def layout(match: re.Match[str]) -> str:
        element = match.group(2)
        x, y, width, height = _DINNER_SHAPES[element]
        edges = "".join(
            f'<biodi:edge source="{required}"><biodi:waypoints x="1" y="2" />'
            '<biodi:waypoints x="3" y="4" /></biodi:edge>'
            for required, requiring in _DINNER_EDGES.values() if requiring == element
        )
        return (f'{match.group(0)}<extensionElements><biodi:bounds x="{x}" y="{y}" '
                f'width="{width}" height="{height}" />{edges}</extensionElements>')

    return re.sub(r'<(decision|inputData|knowledgeSource) id="(\w+)"[^>]*>', layout,
                  source).encode()
