"""DMN 1.1-1.3 decisions (decision tables, literal expressions, decision requirements graphs),
parsed into immutable data and evaluated in pure Python.

`parse_dmn` reads a file (refusing it with every problem at once), `evaluate_graph` runs one
decision and the decisions it requires against variables (`evaluate_decision`: its result
only), and `map_decision_result` shapes the result as Camunda's `camunda:mapDecisionResult`
does. Expressions are FEEL (see `engine.dmn.feel`) or JUEL.
"""

from engine.dmn.errors import DecisionError
from engine.dmn.evaluate import Evaluation, MatchedRule, evaluate_logic, evaluate_table
from engine.dmn.model import Decision, DecisionTable, DmnDefinitions, HitPolicy, LiteralExpression
from engine.dmn.parser import parse_dmn
from engine.dmn.requirements import GraphEvaluation, evaluate_decision, evaluate_graph
from engine.dmn.results import map_decision_result

__all__ = [
    "Decision",
    "DecisionError",
    "DecisionTable",
    "DmnDefinitions",
    "Evaluation",
    "GraphEvaluation",
    "HitPolicy",
    "LiteralExpression",
    "MatchedRule",
    "evaluate_decision",
    "evaluate_graph",
    "evaluate_logic",
    "evaluate_table",
    "map_decision_result",
    "parse_dmn",
]
