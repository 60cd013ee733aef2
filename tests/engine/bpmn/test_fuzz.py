"""Property: whatever bytes arrive, parse_bpmn raises only BpmnParseError and touches no I/O."""

from __future__ import annotations

import builtins
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.bpmn.errors import BpmnParseError
from engine.bpmn.parser import parse_bpmn

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
TAGS = [
    "process",
    "startEvent",
    "endEvent",
    "userTask",
    "serviceTask",
    "scriptTask",
    "subProcess",
    "boundaryEvent",
    "sequenceFlow",
    "exclusiveGateway",
    "parallelGateway",
    "timerEventDefinition",
    "timeDuration",
    "messageEventDefinition",
    "conditionExpression",
    "extensionElements",
    "camunda:inputOutput",
    "camunda:inputParameter",
    "camunda:list",
    "camunda:map",
    "camunda:entry",
    "camunda:executionListener",
    "camunda:script",
    "multiInstanceLoopCharacteristics",
]
ATTRS = [
    "id",
    "sourceRef",
    "targetRef",
    "attachedToRef",
    "isExecutable",
    "default",
    "messageRef",
    "triggeredByEvent",
    "scriptFormat",
    "camunda:asyncBefore",
    "camunda:assignee",
    "camunda:historyTimeToLive",
    "event",
    "name",
    "key",
]
VALUES = st.sampled_from(["a", "b", "s", "true", "false", "${x}", "${", "P1D", "", "groovy"])
TEXT = st.sampled_from(["", "PT5M", "${a > 1}", "x", "${(", "R/bad", "1"])


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def build(tag: str, attrs: dict[str, str], text: str, kids: list[str]) -> str:
        rendered = "".join(f' {name}="{value}"' for name, value in attrs.items())
        return f"<{tag}{rendered}>{text}{''.join(kids)}</{tag}>"

    return st.builds(
        build,
        st.sampled_from(TAGS),
        st.dictionaries(st.sampled_from(ATTRS), VALUES, max_size=4),
        TEXT,
        st.lists(children, max_size=4),
    )


TREES = st.recursive(st.just(""), element, max_leaves=25)


def document(body: str) -> bytes:
    return (
        f'<definitions xmlns="{BPMN}" xmlns:camunda="http://camunda.org/schema/1.0/bpmn">'
        f'<process id="p" isExecutable="true">{body}</process></definitions>'
    ).encode()


def forbidden(*args: object, **kwargs: object) -> None:
    raise AssertionError("the parser tried to open a file or a socket")


def parse_without_io(data: bytes) -> BpmnParseError | None:
    """Parse with open() and sockets disabled (only around the call: hypothesis needs files)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", forbidden)
        patch.setattr(socket, "socket", forbidden)
        patch.setattr(socket, "create_connection", forbidden)
        try:
            parse_bpmn(data)
        except BpmnParseError as exc:
            return exc
    return None


def assert_only_parse_errors(data: bytes) -> None:
    error = parse_without_io(data)
    if error is not None:
        assert error.problems
        assert "too complex" not in str(error)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_random_bytes_raise_nothing_but_bpmn_parse_error(data):
    assert_only_parse_errors(data)


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_random_bpmn_like_trees_raise_nothing_but_bpmn_parse_error(body):
    assert_only_parse_errors(document(body))
