"""What the Groovy parser reads, and what it refuses with the line: syntax mistakes and
Groovy outside the subset the sandbox runs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.groovy import GroovySyntaxError, parse_groovy
from engine.groovy import nodes as n


def test_statements_end_at_line_breaks_except_inside_brackets_and_method_chains():
    script = parse_groovy(
        "def total = items\n  .findAll { it.ok }\n  .sum()\n"
        "def list = [\n  1,\n  2\n]\nexecution.setVariable('total',\n  total)"
    )
    assert [type(statement) for statement in script.statements] == [
        n.Declare, n.Declare, n.MethodCall,
    ]


def test_command_calls_typed_declarations_and_closures():
    script = parse_groovy(
        'println "hi"\nMap<String, List<Integer>> m = [:]\nString[] names = []\n'
        "list.each { String item -> item }\n[1].collect() { it }"
    )
    call, declare, array, each, collect = script.statements
    assert isinstance(call, n.MethodCall)
    assert call.name == "println"
    assert (declare.name, declare.type_name) == ("m", "Map")
    assert (array.name, array.type_name) == ("names", "List")
    assert each.arguments[0].parameters == ("item",)
    assert collect.arguments[0].declared is False


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("def x = (1 + 2\n", "expected ')'", 2),
        ("x = 'open", "a string is not closed", 1),
        ("\n\nclass Foo {}", "'class' is not supported", 3),
        ("do { x++ } while (x < 3)", "'do' is not supported", 1),
        ("def ok = 1\nif (ok & 2) {}", "bitwise operators ('&') are not supported", 2),
        ("switch (x) {\n case 1: break\n default: 1\n default: 2\n}",
         "a switch has more than one default", 1),
        ("switch (x) {\n x = 1\n}", "expected 'case' or 'default'", 2),
        ("import java.io.File\nnew File('/etc/passwd')", "import of java.io.File is not supported",
         1),
        ("new java.io.File('/etc/passwd').text", "new File(...) is not supported", 1),
        ("def (a, b) = [1, 2]", "multiple assignment", 1),
        ("x = 1 +", "expected a value", 1),
        ("a.b.c = ", "expected a value", 1),
        ('"${}"', "an empty ${} in a string", 1),
        ("def s = \"\n\"", "a string is not closed on its line", 1),
    ],
)
def test_mistakes_and_unsupported_groovy_are_refused_with_the_line(source, message, line):
    with pytest.raises(GroovySyntaxError, match=re.escape(message)) as raised:
        parse_groovy(source)
    assert raised.value.line == line


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1.,:;()[]{}'\"$<>=!?+-*/% \n\\_")), max_size=40))
def test_any_text_either_parses_or_is_refused_as_groovy(text):
    # A deployment must answer with the script's problem, never fail on it.
    problem = None
    try:
        parse_groovy(text)
    except GroovySyntaxError as error:
        problem = error
    assert problem is None or problem.message
