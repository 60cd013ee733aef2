"""The demo order fulfilment on the in-memory engine: a failed payment releases the stock."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.runtime import effects as fx
from engine.runtime.engine import ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.memory import InMemoryStore

DEMO = Path(__file__).resolve().parents[3] / "demo" / "order-fulfilment.bpmn"


@pytest.fixture
def shop() -> tuple[ProcessEngine, InMemoryStore]:
    store = InMemoryStore()
    engine = ProcessEngine(store, Environment(new_id=CountingIds()))
    engine.deploy({DEMO.name: DEMO.read_bytes()})
    return engine, store


def _order(engine: ProcessEngine, order_id: str, amount: int):  # type: ignore[no-untyped-def]
    return engine.start_process_instance(
        "orderFulfilment", variables={"orderId": order_id, "amount": amount}
    )


def _work(engine: ProcessEngine, store: InMemoryStore, topic: str, **variables) -> None:
    (task,) = store.list_external_tasks(topic=topic)
    engine.complete_external_task(task.id, variables)


def _ended_at(store: InMemoryStore, instance_id: str) -> str | None:
    state = store.get_state(instance_id)
    assert state is not None
    assert state.is_ended
    return state.end_activity_id


def _topics_started(store: InMemoryStore) -> list[str]:
    return [
        e.activity_id
        for e in store.history
        if isinstance(e, fx.ActivityInstanceStarted) and e.activity_type == "serviceTask"
    ]


def test_order_is_reserved_charged_and_shipped(shop):
    engine, store = shop
    order = _order(engine, "A-1", 250)
    _work(engine, store, "reserve-stock", reserved=True)
    _work(engine, store, "charge-payment", paymentStatus="paid")
    (ship,) = store.list_tasks()
    assert (ship.name, ship.candidate_groups) == ("Ship order", ["warehouse"])
    engine.complete_task(ship.id)
    assert _ended_at(store, order.id) == "OrderShipped"
    assert "ReleaseStock" not in _topics_started(store)


def test_failed_payment_releases_the_reserved_stock_once_and_cancels_the_order(shop):
    engine, store = shop
    order = _order(engine, "A-2", 99)
    _work(engine, store, "reserve-stock")
    (charge,) = store.list_external_tasks(topic="charge-payment")
    engine.handle_bpmn_error(charge.id, "PAYMENT_FAILED", "Card declined")
    (release,) = store.list_external_tasks()
    assert release.topic == "release-stock"
    assert not store.get_state(order.id).is_ended  # the throw event waits for the release
    engine.complete_external_task(release.id)
    assert _ended_at(store, order.id) == "OrderCancelled"
    assert _topics_started(store).count("ReleaseStock") == 1
    assert not store.list_tasks()


def test_a_declined_payment_reported_on_complete_is_the_same_bpmn_error(shop):
    engine, store = shop
    order = _order(engine, "A-3", 5)
    _work(engine, store, "reserve-stock")
    _work(engine, store, "charge-payment", paymentStatus="declined")
    _work(engine, store, "release-stock")
    assert _ended_at(store, order.id) == "OrderCancelled"
