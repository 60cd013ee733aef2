"""DMN 1.1-1.3 decision tables, parsed into immutable data and evaluated in pure Python.

`parse_dmn` reads a file (refusing it with every problem at once), `evaluate_decision` runs one
decision against variables, and `map_decision_result` shapes the result as Camunda's
`camunda:mapDecisionResult` does. Expressions are FEEL (see `engine.dmn.feel`) or JUEL.
"""

from engine.dmn.errors import DecisionError
from engine.dmn.evaluate import Evaluation, MatchedRule, evaluate_decision, evaluate_table
from engine.dmn.model import Decision, DecisionTable, DmnDefinitions, HitPolicy
from engine.dmn.parser import parse_dmn
from engine.dmn.results import map_decision_result

__all__ = [
    "Decision",
    "DecisionError",
    "DecisionTable",
    "DmnDefinitions",
    "Evaluation",
    "HitPolicy",
    "MatchedRule",
    "evaluate_decision",
    "evaluate_table",
    "map_decision_result",
    "parse_dmn",
]
