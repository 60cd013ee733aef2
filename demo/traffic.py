"""Demo traffic for the embedded default: instances start, workers do the external work, and
some of it fails, so a new user sees instances flow, incidents appear and tasks arrive.

Runs as one daemon thread of the web process (`LEGATO_DEMO_TRAFFIC=0` turns it off); it uses
the same service API as every other client, acting as the demo user.
"""

from __future__ import annotations

import itertools
import logging
import random
import threading
import uuid

from django.db import close_old_connections

from engine.errors import EngineError
from engine.services import external_tasks as xt
from engine.services import runtime as rt

log = logging.getLogger("legato.demo")

WORKER = "legato-demo-worker"
TOPICS = (
    "reserve-stock",
    "release-stock",
    "charge-payment",
    "configure-network",
    "ship-router",
)
CUSTOMERS = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov")


class DemoTraffic(threading.Thread):
    def __init__(self, user_id: str, *, start_every: float = 20.0, poll: float = 2.0) -> None:
        super().__init__(name="legato-demo-traffic", daemon=True)
        self.user_id = user_id
        self.start_every = start_every
        self.poll = poll
        self.random = random.Random()
        self._next = itertools.cycle(("lineProvisioning", "kycReview", "orderFulfilment"))
        self._starts = 0
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        waited = self.start_every  # start one at once
        while not self._stopping.wait(self.poll):
            waited += self.poll
            try:
                if waited >= self.start_every:
                    waited = 0.0
                    self.start_one()
                self.work_external_tasks()
            except Exception:  # the demo must never take the server down
                log.exception("demo traffic step failed")
            finally:
                close_old_connections()

    def start_one(self) -> None:
        choice = next(self._next)
        self._starts += 1
        order = uuid.uuid4().hex[:6].upper()
        variables: dict[str, object]
        if choice == "orderFulfilment":
            variables = {"orderId": order, "amount": self.random.randint(20, 900)}
        elif choice == "kycReview":
            variables = {
                "customerName": self.random.choice(CUSTOMERS),
                "country": "DE",
                "riskScore": self.random.randint(1, 90),
            }
        else:
            variables = {"lineId": f"L-{order}"}
            # The first line and a quarter of the rest lack a tariff: billing fails and an
            # incident appears in the cockpit within the first minute.
            if self._starts > 1 and self.random.random() > 0.25:
                variables["tariff"] = self.random.choice(("basic", "fibre", "business"))
        try:
            rt.start_process_instance(
                choice, variables=variables, business_key=order, user_id=self.user_id
            )
        except EngineError as error:
            log.info("demo: %s not started: %s", choice, error)

    def work_external_tasks(self) -> None:
        topics = [xt.TopicRequest(topic_name=t, lock_duration=30_000) for t in TOPICS]
        for task in xt.fetch_and_lock(WORKER, 5, topics):
            row = task.row
            try:
                if row.topic_name == "charge-payment" and self.random.random() < 0.25:
                    xt.handle_bpmn_error(row.id, WORKER, "PAYMENT_FAILED", "Card declined")
                elif row.topic_name == "configure-network" and self.random.random() < 0.15:
                    xt.handle_failure(
                        row.id, WORKER, error_message="Network controller did not answer",
                        error_details="TimeoutError: no answer from 10.0.0.1:830 within 30 s",
                        retries=0,
                    )
                else:
                    xt.complete(row.id, WORKER, {f"{row.topic_name}-done": True})
            except EngineError as error:
                log.info("demo worker: %s: %s", row.topic_name, error)


_traffic: DemoTraffic | None = None
_lock = threading.Lock()


def start_demo_traffic(user_id: str) -> DemoTraffic:
    global _traffic
    with _lock:
        if _traffic is None or not _traffic.is_alive():
            _traffic = DemoTraffic(user_id)
            _traffic.start()
        return _traffic
