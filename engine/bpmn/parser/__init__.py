"""BPMN 2.0 XML -> immutable model. Entry point: `parse_bpmn`."""

from __future__ import annotations

from collections.abc import Mapping

from engine.bpmn.errors import BpmnParseError, BpmnProblem
from engine.bpmn.model import Definitions
from engine.bpmn.parser.context import ParseContext
from engine.bpmn.parser.definitions import parse_definitions
from engine.bpmn.parser.scopes import ELEMENT_PARSERS
from engine.bpmn.validator import validate
from engine.bpmn.xml import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, is_bpmn, load_xml

__all__ = ["ELEMENT_PARSERS", "parse_bpmn"]


def parse_bpmn(
    data: bytes,
    resource_name: str = "process.bpmn",
    *,
    scripts_enabled: bool = False,
    javascript_enabled: bool = True,
    resources: Mapping[str, bytes] | None = None,
    require_executable: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Definitions:
    """Parse and validate a BPMN file; raise BpmnParseError listing every problem.

    `scripts_enabled` allows scriptFormat="python" (juel is always allowed);
    `javascript_enabled` allows scriptFormat="javascript" (run in a sandbox), checking its
    syntax. `resources` are the deployment's files: a `deployment://` script resource must be
    one of them (None: not checked, as when a deployed file is read again).
    `require_executable` refuses a file without an executable process; by default such a
    file parses (Camunda 7 deploys it and registers no process definition).
    """
    root = load_xml(data, resource_name, max_bytes=max_bytes, max_depth=max_depth)
    if not is_bpmn(root, "definitions"):
        raise BpmnParseError(
            (
                BpmnProblem(
                    None,
                    f"the root element is <{root.tag}>, not a BPMN 2.0 <definitions> "
                    "(namespace http://www.omg.org/spec/BPMN/20100524/MODEL)",
                    root.sourceline,
                    resource_name,
                ),
            )
        )
    ctx = ParseContext(resource_name)
    try:
        definitions = parse_definitions(root, ctx)
        problems = ctx.problems + validate(
            definitions,
            scripts_enabled=scripts_enabled,
            require_executable=require_executable,
            javascript_enabled=javascript_enabled,
            resources=resources,
        )
    except (RecursionError, MemoryError):
        raise BpmnParseError(
            (BpmnProblem(None, "the file is too complex to parse", None, resource_name),)
        ) from None
    if problems:
        problems.sort(key=lambda p: (p.line is None, p.line or 0))
        raise BpmnParseError(problems)
    return definitions
