"""Groovy scripts (`scriptFormat="groovy"`), the language most Camunda 7 models script in,
run by an interpreter of the subset such scripts use, in the sandbox of the expression
language: a script reaches plain values and the host objects it is given, nothing else.

`parse_groovy` reads a script (at deployment: what is outside the subset is refused with its
line); `run_groovy` runs it over `Bindings`.
"""

from engine.groovy.bindings import MAX_STEPS, MISSING, Bindings
from engine.groovy.builtins import ScriptThrow, Thrown
from engine.groovy.errors import (
    GroovyError,
    GroovyLimitError,
    GroovyRuntimeError,
    GroovySyntaxError,
)
from engine.groovy.interpreter import run_groovy
from engine.groovy.parser import parse_groovy

GROOVY_FORMATS = frozenset({"groovy"})

__all__ = [
    "GROOVY_FORMATS",
    "MAX_STEPS",
    "MISSING",
    "Bindings",
    "GroovyError",
    "GroovyLimitError",
    "GroovyRuntimeError",
    "GroovySyntaxError",
    "ScriptThrow",
    "Thrown",
    "parse_groovy",
    "run_groovy",
]
