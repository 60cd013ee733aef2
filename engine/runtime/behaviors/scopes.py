"""Embedded sub-process (and transaction, run as a plain sub-process)."""

from __future__ import annotations

from engine.bpmn.model import FlowNode, SubProcess
from engine.runtime import flow
from engine.runtime.context import Run
from engine.runtime.state import Execution


def execute_sub_process(run: Run, execution: Execution, node: FlowNode) -> None:
    """The token becomes the sub-process scope: its children run the inner flow, its local
    variables are the sub-process variables, and it leaves when the last child ends."""
    assert isinstance(node, SubProcess)
    flow.start_scope(run, execution, node.scope, None)
