"""Groovy scripts as Camunda models write them, run by Legato's interpreter: statements,
closures, collections, strings, host objects and the sandbox's limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

import pytest

from engine.el.context import SPIN_FUNCTIONS
from engine.el.host import ElObject
from engine.groovy import (
    MISSING,
    Bindings,
    GroovyLimitError,
    GroovyRuntimeError,
    ScriptThrow,
    parse_groovy,
    run_groovy,
)

NOW = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


class Execution(ElObject):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "getVariable": "get_variable",
        "setVariable": "set_variable",
        "getActivityId": "get_activity_id",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"activityId": "get_activity_id"}

    def __init__(self, variables: dict[str, Any]) -> None:
        self.variables = variables

    def get_variable(self, name: str) -> Any:
        return self.variables.get(name)

    def set_variable(self, name: str, value: Any) -> None:
        self.variables[name] = value

    def get_activity_id(self) -> str:
        return "review"


def run(source: str, **variables: Any) -> Any:
    execution = Execution(variables)
    bindings = Bindings(
        {"execution": execution}, lambda name: variables.get(name, MISSING), now=NOW
    )
    return run_groovy(parse_groovy(source), bindings)


def test_the_conformance_scripts():
    assert run("sum = 0\nfor ( i in inputArray ) {\n  sum += i\n}\nsum",
               inputArray=[1, 2, 3, 4, 5]) == 15
    variables: dict[str, Any] = {}
    execution = Execution(variables)
    run_groovy(
        parse_groovy('execution.setVariable(execution.activityId + "-" + "start", true)'),
        Bindings({"execution": execution}),
    )
    assert variables == {"review-start": True}


@pytest.mark.parametrize(
    ("source", "result"),
    [
        ("def x = 1\nx + 2", 3),
        ("int n = 7; n / 2", Decimal("3.5")),
        ("7.intdiv(2)", 3),
        ("String s = 42\ns", "42"),
        ("def s = 'a'\ns += 'b'\ns * 2", "abab"),
        ('def name = "Ada"\n"Hello ${name.toUpperCase()}, $name!"', "Hello ADA, Ada!"),
        ("'''one\ntwo'''.size()", 7),
        ("[1, 2, 3].collect { it * 2 }", [2, 4, 6]),
        ("[1, 2, 3, 4].findAll { n -> n % 2 == 0 }.sum()", 6),
        ("[3, 1, 2].sort()", [1, 2, 3]),
        ("def m = [a: 1, 'b': 2]\nm.c = 3\nm['d'] = 4\nm", {"a": 1, "b": 2, "c": 3, "d": 4}),
        ("[a: 1, b: 2].collect { k, v -> k + v }", ["a1", "b2"]),
        ("def total = 0\n[a: 1, b: 2].each { total += it.value }\ntotal", 3),
        ("def l = []\nl << 1 << 2\nl.add(3)\nl", [1, 2, 3]),
        ("(1..4).inject(0) { acc, n -> acc + n }", 10),
        ("def r = []\nfor (i in 0..<3) { r << i }\nr", [0, 1, 2]),
        ("def r = []\nfor (int i = 0; i < 5; i++) {\n if (i == 3) break\n r << i\n}\nr",
         [0, 1, 2]),
        ("def i = 0\nwhile (true) {\n i++\n if (i < 3) continue\n break\n}\ni", 3),
        ("def x = null\nx?.size() ?: 'none'", "none"),
        ("def amount = 120\namount > 100 ? 'high' : 'low'", "high"),
        ("if ([]) { 'full' } else if ('') { 'text' } else { 'empty' }", "empty"),
        ("def f = { a, b -> a * b }\nf(3, 4) + f.call(1, 2)", 14),
        ("def square(x) { x * x }\nsquare(5)", 25),
        ("'42' as Integer", 42),
        ("(Integer) '7' + 1", 8),
        ("'x' instanceof String && !(1 instanceof String)", True),
        ("Integer.parseInt('12') + Math.max(1, 5)", 17),
        ("new groovy.json.JsonSlurper().parseText('{\"a\": [1, 2]}').a[1]", 2),
        ("import groovy.json.JsonOutput\nJsonOutput.toJson([a: [1, 'x']])", '{"a":[1,"x"]}'),
        ("new Date().getTime()", int(NOW.timestamp() * 1000)),
        ("def list = [1, 2]\nreturn list.size()\n99", 2),
        ("println 'logged'\n'after'", "after"),
        ("System.out.println('logged')\nSystem.err.print('too')\n'after'", "after"),
        ("try {\n throw new IllegalStateException('bad')\n} catch (RuntimeException e) {\n"
         " e.message\n}", "bad"),
        ("try { null.size() } catch (Exception e) { 'caught' }", "caught"),
        ("def x = 1\ntry { x = 2 } finally { x = 3 }\nx", 3),
        ("def s = 'a,b,,c'\ns.split(',').size()", 4),
        ("def nested = [[1, 2], [3]]\nnested.flatten().max()", 3),
        ("execution.getVariable('items').size()", 2),
        ("def m = 'order-42-7' =~ /(\\d+)-(\\d+)/\n[m ? 1 : 0, m[0][2], m.size()]", [1, "7", 1]),
        ("['a1', 'b', 'c2'].findAll { it ==~ /[a-z]\\d/ }", ["a1", "c2"]),
        ("def p = ~/x+/\n'axxb'.replaceAll(p.pattern(), '-')", "a-b"),
        ("def out = []\nswitch ('b') {\n case 'a': out << 1\n case 'b': out << 2\n"
         " case 'c': out << 3; break\n default: out << 4\n}\nout", [2, 3]),
        ("def g(n) {\n switch (n) {\n  case 90..100: return 'A'\n  case [80, 81]: return 'B'\n"
         "  case { it instanceof Integer && it < 0 }: return 'neg'\n  case ~/\\d+/: return 'text'\n"
         "  default: return 'other'\n }\n}\n[g(95), g(81), g(-1), g('7'), g(null)]",
         ["A", "B", "neg", "text", "other"]),
        ("[[name: 'a'], null, [name: 'b']]*.name", ["a", None, "b"]),
        ("['x', 'y']*.toUpperCase()", ["X", "Y"]),
        ("def sb = new StringBuilder('<')\nsb.append('a').append(1) << '>'\n\"$sb\" + sb.length()",
         "<a1>4"),
        ("String[] parts = 'a;b'.split(';')\nparts.length", 2),
        ("import java.text.SimpleDateFormat\ndef f = new SimpleDateFormat('dd.MM.yyyy HH:mm')\n"
         "f.format(f.parse('14.03.2026 09:26') + 1)", "15.03.2026 09:26"),
        ("Date.parse(\"yyyy-MM-dd'T'HH:mm:ss.SSSXXX\", '2026-03-14T09:26:53.120+02:00')",
         datetime(2026, 3, 14, 7, 26, 53, 120000, tzinfo=UTC)),
        ("Date.parse('d MMMM yyyy', '5 November 2026').format('yyyy-MM-dd')", "2026-11-05"),
        ("items.each { it.qty = 0 }\nexecution.getVariable('items')[0].qty", 1),
    ],
)
def test_scripts(source, result):
    assert run(source, items=[{"qty": 1}, {"qty": 2}]) == result


def test_a_string_builder_reaches_the_process_as_its_text():
    variables: dict[str, Any] = {}
    run_groovy(
        parse_groovy("def sb = new StringBuilder()\nsb << 'a' << 'b'\n"
                     "execution.setVariable('s', sb)"),
        Bindings({"execution": Execution(variables)}),
    )
    assert variables == {"s": "ab"}


def test_spin_nodes_are_built_and_stored_as_json():
    variables: dict[str, Any] = {"order": {"lines": [{"sku": "x"}]}}
    source = (
        "def order = S(execution.getVariable('order'))\n"
        "order.prop('status', 'paid').prop('total', 12.5)\n"
        "order.prop('lines').append([sku: 'y'])\n"
        "execution.setVariable('order', order)"
    )
    run_groovy(
        parse_groovy(source),
        Bindings({"execution": Execution(variables)}, functions=SPIN_FUNCTIONS),
    )
    stored = variables["order"]
    assert stored.value == {
        "lines": [{"sku": "x"}, {"sku": "y"}], "status": "paid", "total": 12.5,
    }


def test_a_spin_node_maps_to_a_java_list_to_iterate():
    variables: dict[str, Any] = {"order": {"lines": [{"sku": "x"}, {"sku": "y"}]}}
    source = (
        "def lines = S(execution.getVariable('order')).prop('lines')\n"
        "  .mapTo('java.util.ArrayList<java.util.Map>')\n"
        "execution.setVariable('skus', lines.collect { it.sku }.join(','))"
    )
    run_groovy(
        parse_groovy(source),
        Bindings({"execution": Execution(variables)}, functions=SPIN_FUNCTIONS),
    )
    assert variables["skus"] == "x,y"


def test_a_list_read_from_a_variable_is_a_copy():
    items = [1, 2]
    run("items << 3\nexecution.getVariable('items') << 4", items=items)
    assert items == [1, 2]


def test_bpmn_errors_are_thrown_with_their_code():
    with pytest.raises(ScriptThrow) as raised:
        run("throw new org.camunda.bpm.engine.delegate.BpmnError('NOT_FOUND', 'no order')")
    assert (raised.value.thrown.type_name, raised.value.thrown.code) == ("BpmnError", "NOT_FOUND")
    assert raised.value.thrown.message == "no order"


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("def x = 1\nundefinedName + 1", "No such property: undefinedName", 2),
        ("null.size()", "Cannot invoke method size() on null object", 1),
        ("def m = [:]\n\nm.missing.length()", "Cannot invoke method length() on null object", 3),
        ("execution.delete()", "Method 'delete' is not allowed on Execution", 1),
        ("[1].each { a, b -> a }", "the closure takes 2 argument(s), not 1", 1),
        ("nothing()", "No signature of method: Script.nothing()", 1),
        ("Date.parse('yyyy-MM-dd', '2026-13-01')", 'Unparseable date: "2026-13-01"', 1),
        ("Date.parse('d MMM yyyy', '5 Foo 2026')", 'Unparseable date: "5 Foo 2026"', 1),
        ("Date.parse('yyyy-QQ', '2026-01')", "Date pattern letter 'Q' cannot be parsed", 1),
        ("def ok = 1\nexecution.setVariable('c', [{ -> ok }])",
         "a closure cannot leave the script", 2),
        ("try { throw new RuntimeException('x') } catch (e) { execution.setVariable('e', e) }",
         "a RuntimeException cannot leave the script", 1),
    ],
)
def test_runtime_errors_name_the_line(source, message, line):
    with pytest.raises(GroovyRuntimeError, match=re.escape(message)) as raised:
        run(source)
    assert raised.value.line == line


@pytest.mark.parametrize(
    "source",
    [
        "while (true) { }",
        "def s = 'x'\nwhile (true) { s = s + s }",
        "def f\nf = { f() }\nf()",
        "(0..2000000).size()",
    ],
)
def test_the_sandbox_stops_runaway_scripts(source):
    with pytest.raises(GroovyLimitError):
        run_groovy(parse_groovy(source), Bindings(max_steps=100_000))


def test_a_runaway_script_cannot_catch_its_limit():
    source = "try { while (true) { } } catch (Throwable e) { 'escaped' }"
    with pytest.raises(GroovyLimitError):
        run_groovy(parse_groovy(source), Bindings(max_steps=1000))


def test_assignments_to_undeclared_names_are_stored_only_when_asked():
    stored: dict[str, Any] = {}
    bindings = Bindings(store=stored.__setitem__)
    run_groovy(parse_groovy("def local = 1\nsum = local + 1"), bindings)
    assert stored == {"sum": 2}
