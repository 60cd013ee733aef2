"""Camunda's `camunda:mapDecisionResult`: how a business rule task stores a decision's result."""

from __future__ import annotations

from typing import Any

from engine.dmn.errors import DecisionError

SINGLE_ENTRY = "singleEntry"
SINGLE_RESULT = "singleResult"
COLLECT_ENTRIES = "collectEntries"
RESULT_LIST = "resultList"
MODES = (SINGLE_ENTRY, SINGLE_RESULT, COLLECT_ENTRIES, RESULT_LIST)


def map_decision_result(results: list[dict[str, Any]], mode: str) -> Any:
    """The value stored in the result variable for `mode`; raises DecisionError if it does not fit.

    singleEntry: None for no result, the one value of a one-entry result; singleResult: None or
    the one result dict; collectEntries: the single value of each result; resultList: as is.
    """
    if mode == SINGLE_ENTRY:
        single = _single_result(results, mode)
        return None if single is None else _single_value(single, mode)
    if mode == SINGLE_RESULT:
        return _single_result(results, mode)
    if mode == COLLECT_ENTRIES:
        return [_single_value(result, mode) for result in results]
    if mode == RESULT_LIST:
        return list(results)
    raise DecisionError(f"unknown decision result mapper '{mode}' (one of {', '.join(MODES)})")


def _single_result(results: list[dict[str, Any]], mode: str) -> dict[str, Any] | None:
    if len(results) > 1:
        # Camunda ENGINE-22001: "...It has more than one rule in the result."
        raise DecisionError(f"the decision result mapper '{mode}' failed to process "
                            f"{results}: it has more than one rule in the result")
    return results[0] if results else None


def _single_value(result: dict[str, Any], mode: str) -> Any:
    if len(result) != 1:
        # Camunda ENGINE-22001: "...The decision outputs should only contain values for one
        # output name but found '...'."
        raise DecisionError(f"the decision result mapper '{mode}' failed to process "
                            f"{[result]}: the decision outputs should only contain values "
                            f"for one output name but found {sorted(result)}")
    return next(iter(result.values()))
