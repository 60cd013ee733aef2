"""The error a decision raises while it is evaluated."""

from __future__ import annotations


class DecisionError(Exception):
    """A decision could not be evaluated; the message names the decision and what failed.

    Raised for a hit policy violated (UNIQUE, ANY), a value that does not fit a typeRef, an
    expression that fails, and a result that does not fit the chosen `mapDecisionResult`.
    The runtime turns it into an incident, so the text is what an operator reads.
    """
