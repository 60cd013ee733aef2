"""The four benchmark graphs and how each engine runs one instance of them to the end.

Every graph exists twice in bench/models/: `<stem>.camunda.bpmn` (JUEL expressions, what
Legato runs) and `<stem>.spiff.bpmn` (Python scripts and conditions, what SpiffWorkflow
runs), equal in work: the same elements, the same variables, the same tasks completed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODELS_DIR = Path(__file__).resolve().parent / "models"
# What a user sends when completing a task: one variable, so history has a detail to write.
COMPLETE_WITH = {"approved": True}


@dataclass(frozen=True)
class BenchModel:
    name: str  # short label in the report: a, b, c, long
    key: str  # process id in both files
    stem: str  # bench/models/<stem>.<syntax>.bpmn
    title: str
    variables: dict[str, Any] = field(default_factory=dict)
    user_tasks: int = 0


MODELS = (
    BenchModel("a", "benchA", "a_gateway", "expression task, exclusive gateway", {"amount": 60}),
    BenchModel("b", "benchB", "b_user_task", "user task completed", user_tasks=1),
    BenchModel("c", "benchC", "c_parallel", "fork to 3 user tasks, join", user_tasks=3),
    BenchModel("long", "benchLong", "long_chain", "8 expression service tasks", {"x": 0}),
)


def camunda_resources() -> dict[str, bytes]:
    return {
        f"{model.stem}.bpmn": (MODELS_DIR / f"{model.stem}.camunda.bpmn").read_bytes()
        for model in MODELS
    }


# -- Legato's pure core ------------------------------------------------------------------------


def core_engine(*, serialize: bool) -> tuple[Any, Any]:
    """A ProcessEngine over an InMemoryStore with the four graphs deployed."""
    from engine.runtime.engine import ProcessEngine
    from engine.runtime.memory import InMemoryStore

    store = InMemoryStore(serialize=serialize)
    engine = ProcessEngine(store)
    engine.deploy(camunda_resources())
    return engine, store


def core_instance(engine: Any, store: Any, model: BenchModel) -> Callable[[], None]:
    """One instance of `model` through the pure core: start, then complete its user tasks."""

    def run() -> None:
        started = engine.start_process_instance(model.key, variables=model.variables)
        for task_id in started.task_ids:  # the user tasks the start left open
            engine.complete_task(task_id, COMPLETE_WITH)
        # The in-memory store keeps ended instances and history; keep the heap flat.
        if len(store.history) > 20_000:
            store.history.clear()
            store.states.clear()
            store.versions.clear()
            store.executions.clear()

    return run


# -- SpiffWorkflow -----------------------------------------------------------------------------


class Spiff:
    """SpiffWorkflow 3.2 running the Spiff versions of the graphs (parsed once)."""

    def __init__(self) -> None:
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

        parser = BpmnParser()
        for model in MODELS:
            parser.add_bpmn_file(str(MODELS_DIR / f"{model.stem}.spiff.bpmn"))
        self.specs = {model.key: parser.get_spec(model.key) for model in MODELS}
        self.serializer = BpmnWorkflowSerializer()

    def start(self, model: BenchModel) -> Any:
        """A new workflow with the start variables, run forward to its first wait state."""
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        workflow = BpmnWorkflow(self.specs[model.key])
        for task in workflow.get_tasks(state=TaskState.READY):
            task.set_data(**model.variables)
        workflow.do_engine_steps()
        return workflow

    @staticmethod
    def ready_tasks(workflow: Any) -> list[Any]:
        from SpiffWorkflow.util.task import TaskState

        return list(workflow.get_tasks(state=TaskState.READY, manual=True))

    @staticmethod
    def complete(workflow: Any, task: Any) -> None:
        """A user completes `task` with COMPLETE_WITH; the workflow runs to the next wait."""
        task.set_data(**COMPLETE_WITH)
        task.run()
        workflow.do_engine_steps()

    def instance(self, model: BenchModel, *, round_trip: bool = False) -> Callable[[], None]:
        """One instance in memory; `round_trip` saves and loads its JSON at each wait state."""
        serializer = self.serializer

        def run() -> None:
            workflow = self.start(model)
            saved = serializer.serialize_json(workflow) if round_trip else None
            while not workflow.is_completed():
                if saved is not None:
                    workflow = serializer.deserialize_json(saved)
                self.complete(workflow, self.ready_tasks(workflow)[0])
                if saved is not None:
                    saved = serializer.serialize_json(workflow)

        return run
