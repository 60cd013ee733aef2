"""Small helpers for the BPMN parser tests: inline models and the conformance directory."""

from __future__ import annotations

import os
from pathlib import Path

from engine.bpmn.errors import BpmnParseError
from engine.bpmn.model import Definitions, Process
from engine.bpmn.parser import parse_bpmn

REPO_ROOT = Path(__file__).resolve().parents[3]

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs"'
    ' targetNamespace="http://example.com">\n'
)


def conformance_dir() -> Path | None:
    """`../shared/conformance` next to the repo, or $LEGATO_CONFORMANCE_DIR."""
    configured = os.environ.get("LEGATO_CONFORMANCE_DIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(REPO_ROOT.parent / "shared" / "conformance")
    for candidate in candidates:
        if (candidate / "models").is_dir():
            return candidate
    return None


def bpmn(body: str, *, roots: str = "", executable: bool = True, process_id: str = "p") -> bytes:
    """A definitions document with one process holding `body` (root elements in `roots`)."""
    flag = "true" if executable else "false"
    return (
        f'{HEADER}{roots}<process id="{process_id}" isExecutable="{flag}">\n'
        f"{body}\n</process>\n</definitions>\n"
    ).encode()


def parse_process(body: str, **kwargs: object) -> Process:
    roots = str(kwargs.pop("roots", ""))
    definitions = parse_bpmn(bpmn(body, roots=roots), **kwargs)  # type: ignore[arg-type]
    return definitions.processes[0]


def parse(body: str, roots: str = "", **kwargs: object) -> Definitions:
    return parse_bpmn(bpmn(body, roots=roots), **kwargs)  # type: ignore[arg-type]


def refusal(data: bytes, **kwargs: object) -> BpmnParseError:
    """The BpmnParseError raised for `data`; fails the test when the file is accepted."""
    try:
        parse_bpmn(data, **kwargs)  # type: ignore[arg-type]
    except BpmnParseError as exc:
        return exc
    raise AssertionError("the file was accepted")


def messages(error: BpmnParseError) -> list[str]:
    return [problem.message for problem in error.problems]


# A minimal valid flow to embed around the element under test.
START_TO = '<startEvent id="start"/><sequenceFlow id="f0" sourceRef="start" targetRef="{}"/>'
