"""BPMN pairs for migration tests: version 1 waits somewhere, version 2 has the same waiting
element followed by a user task `review` that only version 2 has."""

from __future__ import annotations

from tests.factories import bpmn_document

KEY = "moving"

USER_TASK = '<bpmn:userTask id="work" name="Work" camunda:assignee="demo" />'
RECEIVE_TASK = '<bpmn:receiveTask id="work" messageRef="msg" />'
EXTERNAL_TASK = '<bpmn:serviceTask id="work" camunda:type="external" camunda:topic="{topic}" />'
MESSAGE_CATCH = (
    '<bpmn:intermediateCatchEvent id="work"><bpmn:messageEventDefinition messageRef="msg" />'
    "</bpmn:intermediateCatchEvent>"
)
TIMER_CATCH = (
    '<bpmn:intermediateCatchEvent id="work"><bpmn:timerEventDefinition>'
    "<bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:intermediateCatchEvent>"
)
SUB_PROCESS = """<bpmn:subProcess id="sub">
  <bpmn:startEvent id="sub_start" />
  <bpmn:sequenceFlow id="sf1" sourceRef="sub_start" targetRef="inner" />
  <bpmn:userTask id="inner" name="Inner" />
  <bpmn:sequenceFlow id="sf2" sourceRef="inner" targetRef="sub_end" />
  <bpmn:endEvent id="sub_end" />
</bpmn:subProcess>"""


def chain(*elements: str, key: str = KEY, message: str = "go", extra: str = "") -> bytes:
    """start -> elements (each with an id attribute, in order) -> end."""
    ids = ["start", *(_id_of(e) for e in elements), "end"]
    flows = "\n".join(
        f'  <bpmn:sequenceFlow id="f{n}" sourceRef="{a}" targetRef="{b}" />'
        for n, (a, b) in enumerate(zip(ids, ids[1:], strict=False))
    )
    body = "\n".join(f"  {e}" for e in elements)
    process = f"""<bpmn:process id="{key}" isExecutable="true">
  <bpmn:startEvent id="start" />
{body}
  <bpmn:endEvent id="end" />
{flows}
{extra}
</bpmn:process>"""
    return bpmn_document(process, extra=f'<bpmn:message id="msg" name="{message}" />')


def parallel(*, review: bool = False) -> bytes:
    """start -> fork -> (a | b) -> join -> [review ->] end."""
    after = "review" if review else "end"
    process = f"""<bpmn:process id="{KEY}" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:parallelGateway id="fork" />
  <bpmn:userTask id="a" name="A" />
  <bpmn:userTask id="b" name="B" />
  <bpmn:parallelGateway id="join" />
  {'<bpmn:userTask id="review" name="Review" />' if review else ""}
  <bpmn:endEvent id="end" />
  <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork" />
  <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="a" />
  <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="b" />
  <bpmn:sequenceFlow id="f3" sourceRef="a" targetRef="join" />
  <bpmn:sequenceFlow id="f4" sourceRef="b" targetRef="join" />
  <bpmn:sequenceFlow id="f5" sourceRef="join" targetRef="{after}" />
  {'<bpmn:sequenceFlow id="f6" sourceRef="review" targetRef="end" />' if review else ""}
</bpmn:process>"""
    return bpmn_document(process)


REVIEW = '<bpmn:userTask id="review" name="Review" />'


def wrap(*elements: str, sub: str = "sub", inside: str = "") -> str:
    """A sub-process `sub` running the elements in a chain (start -> elements -> end);
    `inside`: more of its content (extension elements, loop characteristics, ...)."""
    ids = [f"{sub}_start", *(_id_of(e) for e in elements), f"{sub}_end"]
    flows = "\n".join(
        f'<bpmn:sequenceFlow id="{sub}_f{n}" sourceRef="{a}" targetRef="{b}" />'
        for n, (a, b) in enumerate(zip(ids, ids[1:], strict=False))
    )
    return (
        f'<bpmn:subProcess id="{sub}">{inside}'
        f'<bpmn:startEvent id="{sub}_start" />{"".join(elements)}'
        f'<bpmn:endEvent id="{sub}_end" />{flows}</bpmn:subProcess>'
    )


def _id_of(element: str) -> str:
    return element.split('id="', 1)[1].split('"', 1)[0]


def with_deadline(duration: str, *, boundary: str = "deadline", review: bool = False) -> bytes:
    """The user task `work` with a timer boundary event that leads to `late`."""
    extra = f"""  <bpmn:boundaryEvent id="{boundary}" attachedToRef="work">
    <bpmn:timerEventDefinition><bpmn:timeDuration>{duration}</bpmn:timeDuration>
    </bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:userTask id="late" name="Late" />
  <bpmn:sequenceFlow id="fl1" sourceRef="{boundary}" targetRef="late" />
  <bpmn:endEvent id="late_end" />
  <bpmn:sequenceFlow id="fl2" sourceRef="late" targetRef="late_end" />"""
    elements = (USER_TASK, REVIEW) if review else (USER_TASK,)
    return chain(*elements, extra=extra)


EVENT_SUB_PROCESS = """<bpmn:subProcess id="on_stop" triggeredByEvent="true">
    <bpmn:startEvent id="stop_start"><bpmn:messageEventDefinition messageRef="msg" />
    </bpmn:startEvent>
    <bpmn:userTask id="cleanup" name="Clean up" />
    <bpmn:endEvent id="stop_end" />
    <bpmn:sequenceFlow id="es1" sourceRef="stop_start" targetRef="cleanup" />
    <bpmn:sequenceFlow id="es2" sourceRef="cleanup" targetRef="stop_end" />
  </bpmn:subProcess>"""
