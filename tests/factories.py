"""Small builders of test data: BPMN documents and engine rows."""

from __future__ import annotations

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


def bpmn_document(*processes: str, extra: str = "") -> bytes:
    """A BPMN definitions element around the given process elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}" xmlns:camunda="{CAMUNDA_NS}" '
        'id="Definitions_1" targetNamespace="http://legato.test/bpmn">\n'
        + "\n".join(processes)
        + extra
        + "\n</bpmn:definitions>\n"
    ).encode()


def straight_process(key: str, *, name: str | None = None, task: str = "Task_1") -> str:
    """start -> user task -> end, the smallest useful executable process."""
    label = f' name="{name}"' if name else ""
    return f"""<bpmn:process id="{key}"{label} isExecutable="true">
  <bpmn:startEvent id="{key}_start" />
  <bpmn:sequenceFlow id="{key}_f1" sourceRef="{key}_start" targetRef="{task}" />
  <bpmn:userTask id="{task}" name="Do it" />
  <bpmn:sequenceFlow id="{key}_f2" sourceRef="{task}" targetRef="{key}_end" />
  <bpmn:endEvent id="{key}_end" />
</bpmn:process>"""


def external_task_process(key: str, topic: str) -> str:
    """start -> external task `ext` of `topic` -> user task `after` -> end."""
    return f"""<bpmn:process id="{key}" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ext" />
  <bpmn:serviceTask id="ext" camunda:type="external" camunda:topic="{topic}" />
  <bpmn:sequenceFlow id="f2" sourceRef="ext" targetRef="after" />
  <bpmn:userTask id="after" />
  <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""


def one_task_bpmn(key: str = "invoice", **kwargs: str) -> bytes:
    return bpmn_document(straight_process(key, **kwargs))
