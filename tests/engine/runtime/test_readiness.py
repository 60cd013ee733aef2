"""A definition's references this engine cannot resolve as configured, found before an
instance reaches them."""

from __future__ import annotations

from engine.runtime.engine import ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.memory import InMemoryStore
from engine.runtime.readiness import Missing, unresolved_references

from .conftest import FIXTURES

MODEL = (FIXTURES / "unresolved_references.bpmn").read_bytes()


def _unresolved(env: Environment, deployed: set[str] = frozenset()) -> list[tuple[str, str, str]]:
    store = InMemoryStore()
    ProcessEngine(store, env).deploy({"model.bpmn": MODEL})
    (definition,) = store.latest_definitions()
    found = unresolved_references(
        definition.process, env,
        has_process=deployed.__contains__, has_decision=deployed.__contains__,
    )
    return [(u.element_id, u.missing.value, u.name) for u in found]


def test_every_reference_nothing_resolves_is_listed_once_per_element():
    env = Environment(new_id=CountingIds(), beans={"logger": object()}, javascript=None)
    assert _unresolved(env) == [
        ("unresolvedReferences", Missing.DELEGATE, "com.acme.AuditListener"),
        ("charge", Missing.DELEGATE, "com.acme.Charge"),
        ("mail", Missing.BEAN, "mailer"),
        ("score", Missing.JAVASCRIPT, "javascript"),
        ("ship", Missing.PROCESS, "shipping"),
        ("rate", Missing.DECISION, "rating"),
        ("review", Missing.DELEGATE, "com.acme.Notify"),
        ("f10", Missing.BEAN, "tracer"),
    ]


def test_a_configured_engine_has_nothing_left_to_resolve():
    # expressions calling a bean's method and called elements given by expressions are not
    # judged: their names may be variables, known only when an instance runs
    stand_in = object()
    env = Environment(
        new_id=CountingIds(),
        delegates={name: stand_in for name in (
            "com.acme.AuditListener", "com.acme.Charge", "com.acme.Notify")},
        beans={"mailer": stand_in, "logger": stand_in, "tracer": stand_in},
    )
    assert _unresolved(env, deployed={"shipping", "rating"}) == []
