"""Shared by the batch REST tests: instances to act on, and a runner run to its end."""

from __future__ import annotations

from batches.models import Batch
from batches.runner import run_batch
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from tests.factories import bpmn_document, one_task_bpmn

TIMER = bpmn_document("""<bpmn:process id="waiter" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
  <bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition>
    <bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")

WORKER = bpmn_document("""<bpmn:process id="worker" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />
  <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="work" />
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")


def start_instances(count: int, key: str = "invoice", xml: bytes | None = None) -> list[str]:
    deploy([ResourceInput(f"{key}.bpmn", xml or one_task_bpmn(key))], name=key)
    return [start_process_instance(key).id for _ in range(count)]


def run_to_end(batch_id: str) -> Batch:
    """What the runner (Celery task or thread) does after commit, run here in the test."""
    run_batch(batch_id)
    return Batch.objects.get(pk=batch_id)

# The process's end listener leaves a variable behind: history shows whether it ran.
LISTENING = bpmn_document("""<bpmn:process id="listening" isExecutable="true">
  <bpmn:extensionElements><camunda:executionListener event="end"
    expression="${execution.setVariable('cleanedUp', true)}" /></bpmn:extensionElements>
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="task" />
  <bpmn:userTask id="task" />
  <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")
