"""How the cockpit words what a definition names that the engine, as configured, cannot
resolve (engine.runtime.readiness), with the setting that provides it."""

from __future__ import annotations

from dataclasses import dataclass

from engine.models import ProcessDefinition
from engine.queries.definitions import unresolved_references_of
from engine.runtime.readiness import Missing

# missing -> (what is wrong, how to provide it); {name} is the class, bean, language or key.
_WORDING: dict[Missing, tuple[str, str]] = {
    Missing.DELEGATE: (
        "Java class {name} has no Python stand-in",
        'Map it to a Python callable in LEGATO_DELEGATES: {{"{name}": "package.module.callable"}}',
    ),
    Missing.BEAN: (
        "Bean {name} is not configured",
        'Add it to LEGATO_BEANS: {{"{name}": "package.module.object"}}',
    ),
    Missing.PYTHON: ("Python scripts are switched off", "Set LEGATO_PYTHON_SCRIPTS=true"),
    Missing.JAVASCRIPT: ("JavaScript scripts are switched off", "Set LEGATO_JAVASCRIPT=true"),
    Missing.CONNECTOR: (
        "Connector {name} is not available",
        "Legato's connectors are http-connector and soap-http-connector "
        "(LEGATO_HTTP_CONNECTOR=true)",
    ),
    Missing.PROCESS: ("It calls process {name}, which is not deployed",
                      "Deploy a process with the key {name}"),
    Missing.DECISION: ("It evaluates decision {name}, which is not deployed",
                       "Deploy a decision with the key {name}"),
}


@dataclass(frozen=True)
class Readiness:
    element_id: str
    element: str  # its name, else its id
    problem: str
    remedy: str


def readiness_of(definition: ProcessDefinition) -> list[Readiness]:
    """What would fail when an instance reaches it, in the model's order."""
    found = []
    for unresolved in unresolved_references_of(definition):
        problem, remedy = _WORDING[unresolved.missing]
        found.append(Readiness(
            unresolved.element_id,
            unresolved.element_name or unresolved.element_id,
            problem.format(name=unresolved.name),
            remedy.format(name=unresolved.name),
        ))
    return found
