"""The JavaScript sandbox on its own (engine/runtime/javascript.py): threads, errors, and what a
script can leave behind."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import pytest

from engine.el import ElObject
from engine.runtime.javascript import JavaScriptError, JavaScriptLimits, run_javascript

LIMITS = JavaScriptLimits(timeout_ms=2000, memory_mb=64)


class Recorder(ElObject):
    """An execution stand-in that records what the script's writes replay."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "setVariable": "set_variable",
        "getVariable": "get_variable",
        "getName": "get_name",
        "setName": "set_name",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"name": "get_name"}

    def __init__(self) -> None:
        self.name = "first"
        self.calls: list[tuple[Any, ...]] = []

    def set_variable(self, name: str, value: Any) -> None:
        self.calls.append(("set", name, value))

    def get_variable(self, name: str) -> Any:
        raise AssertionError("reads answer from the script's copy")

    def get_name(self) -> str:
        return self.name

    def set_name(self, name: str) -> None:
        self.name = name
        self.calls.append(("name", name))


def run(source: str, **variables: Any) -> Any:
    return run_javascript(source, {}, variables, {}, LIMITS)


def test_writes_are_replayed_in_order_and_reads_see_them_first():
    recorder = Recorder()
    result = run_javascript(
        'execution.setVariable("a", 1); execution.setName("second");'
        'execution.setVariable("b", execution.getVariable("a") + 1);'
        "[execution.getName(), execution.name].join()",
        {"execution": recorder},
        {},
        {},
        LIMITS,
    )
    assert result == "second,second"
    assert recorder.calls == [("set", "a", 1), ("name", "second"), ("set", "b", 2)]


def test_a_script_that_fails_replays_none_of_its_writes():
    recorder = Recorder()
    with pytest.raises(JavaScriptError, match="boom at line 2 of the script"):
        run_javascript(
            'execution.setVariable("a", 1);\nthrow "boom";',
            {"execution": recorder},
            {},
            {},
            LIMITS,
        )
    assert recorder.calls == []


def test_threads_run_scripts_at_once_each_in_its_own_isolate():
    results: dict[int, Any] = {}

    def work(n: int) -> None:
        results[n] = [run("var mine = n * 2; mine + 1", n=n + i) for i in range(20)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: [(n + i) * 2 + 1 for i in range(20)] for n in range(4)}


def test_a_global_that_cannot_be_deleted_costs_the_isolate_not_the_next_script():
    assert run("Object.defineProperty(globalThis, 'stuck', {value: 1}); stuck") == 1
    assert run("typeof stuck") == "undefined"


def test_results_cross_as_json_values():
    assert run("({a: [1, 2.5, 'x', null, true]})") == {"a": [1, 2.5, "x", None, True]}
    assert run("undefined") is None
    assert run("(function () {})") is None
    with pytest.raises(JavaScriptError, match="circular"):
        run("var o = {}; o.self = o; o")


def test_the_java_collections_camunda_scripts_build_are_json():
    result = run(
        """
        var ArrayList = Java.type("java.util.ArrayList");
        var items = new ArrayList();
        items.add("a"); items.add("b");
        var totals = new java.util.HashMap();
        totals.put("count", items.size());
        totals.put("first", items.get(0));
        ({items: items, totals: totals, has: totals.containsKey("count"), keys: totals.keySet()})
        """
    )
    assert result == {
        "items": ["a", "b"],
        "totals": {"count": 2, "first": "a"},
        "has": True,
        "keys": ["count", "first"],
    }
    with pytest.raises(JavaScriptError, match="Java class java.io.File is not available"):
        run('Java.type("java.io.File")')


def test_json_path_in_scripts_reads_as_in_expressions():
    doc = {"order": {"id": "A-7", "lines": [{"sku": "x", "qty": 2}, {"sku": "y", "qty": 3}]}}
    result = run(
        """
        [doc.jsonPath("$.order.id").stringValue(),
         S(JSON.stringify(doc)).jsonPath("$.order.lines[-1].sku").stringValue(),
         doc.jsonPath("$..qty").elementList().map(function (n) { return n.numberValue(); }),
         doc.jsonPath("$.order.lines[*]").elementList().length]
        """,
        doc=doc,
    )
    assert result == ["A-7", "y", [2, 3], 2]
    with pytest.raises(JavaScriptError, match=r"JSON path '\$\.\.sku' found 2 elements, not one"):
        run('doc.jsonPath("$..sku").stringValue()', doc=doc)


class Scope(Recorder):
    """An execution stand-in with the `variables` property expressions know."""

    EL_PROPERTIES: ClassVar[dict[str, str]] = {"variables": "get_variables"}

    def get_variables(self) -> dict[str, Any]:
        raise AssertionError("the script reads its own copy of the variables")


def test_the_variables_property_reads_the_scripts_copy_with_its_writes():
    result = run_javascript(
        'execution.setVariable("b", 2); [execution.variables.a, execution.variables.b]',
        {"execution": Scope()},
        {"a": 1},
        {},
        LIMITS,
    )
    assert result == [1, 2]
