"""The parameter names of FEEL's built-ins (DMN 1.3, section 10.3.4), for calls with named
arguments: `substring(string: "foobar", start position: 3)`. A function with two forms
(`date(from)`, `date(year, month, day)`) has a signature for each."""

from __future__ import annotations

from engine.dmn.feel.errors import FeelError

_ONE = {
    "from": ("string", "duration", "number"),
    "string": ("string length", "upper case", "lower case", "trim"),
    "list": ("count", "min", "max", "sum", "mean", "median", "stddev", "mode", "product",
             "all", "any", "reverse", "distinct values", "flatten"),
    "number": ("sqrt", "log", "exp", "odd", "even"),
    "n": ("abs",),
    "date": ("day of week", "day of year", "week of year", "month of year"),
    "m": ("get entries",),
    "negand": ("not",),
}
SIGNATURES: dict[str, tuple[tuple[str, ...], ...]] = {
    **{name: ((parameter,),) for parameter, names in _ONE.items() for name in names},
    "number": (("from", "grouping separator", "decimal separator"),),
    "date": (("from",), ("year", "month", "day")),
    "date and time": (("from",), ("date", "time")),
    "time": (("from",), ("hour", "minute", "second", "offset")),
    "years and months duration": (("from", "to"),),
    "substring": (("string", "start position", "length"),),
    "substring before": (("string", "match"),),
    "substring after": (("string", "match"),),
    "contains": (("string", "match"),),
    "starts with": (("string", "match"),),
    "ends with": (("string", "match"),),
    "replace": (("input", "pattern", "replacement", "flags"),),
    "matches": (("input", "pattern", "flags"),),
    "split": (("string", "delimiter"),),
    "string join": (("list", "delimiter", "prefix", "suffix"),),
    "list contains": (("list", "element"),),
    "sublist": (("list", "start position", "length"),),
    "insert before": (("list", "position", "newItem"),),
    "remove": (("list", "position"),),
    "index of": (("list", "match"),),
    "decimal": (("n", "scale"),),
    "floor": (("n", "scale"),),
    "ceiling": (("n", "scale"),),
    "round up": (("n", "scale"),),
    "round down": (("n", "scale"),),
    "round half up": (("n", "scale"),),
    "round half down": (("n", "scale"),),
    "modulo": (("dividend", "divisor"),),
    "get value": (("m", "key"),),
    "sort": (("list", "precedes"),),
}


def positions(function: str, names: list[str]) -> list[int]:
    """Where each named argument goes among the positional ones; FeelError for a name the
    function does not have, a name given twice, or a gap before a given one."""
    if len(set(names)) != len(names):
        raise FeelError(f"function '{function}': a parameter is named twice")
    for signature in SIGNATURES.get(function, ()):
        if set(names) <= set(signature):
            found = sorted(signature.index(name) for name in names)
            if found != list(range(len(found))):
                missing = signature[next(i for i in range(len(signature)) if i not in found)]
                raise FeelError(f"function '{function}' needs '{missing}' too")
            return [signature.index(name) for name in names]
    signatures = SIGNATURES.get(function, ())
    known = " or ".join(f"({', '.join(s)})" for s in signatures) or "none"
    every = {name for signature in signatures for name in signature}
    unknown = [name for name in names if name not in every] or names
    raise FeelError(
        f"function '{function}' has no parameter named {', '.join(repr(n) for n in unknown)}; "
        f"its parameters: {known}"
    )
