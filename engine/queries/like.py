"""Camunda's `*Like` filters as ORM conditions, for the service API's queries and REST."""

from __future__ import annotations

import re

from django.db.models import Q


def like(field_name: str, pattern: str, *, ignore_case: bool = False) -> Q:
    """SQL LIKE as Camunda's `*Like` parameters mean it: `%` any run, `_` one character.

    Camunda passes the value to `LIKE ... ESCAPE '\\'` unchanged, so callers write the
    wildcards themselves (`nameLike=%25invoice%25`); a backslash escapes the next character.
    """
    regex: list[str] = ["^"]
    escaped = False
    for char in pattern:
        if escaped:
            regex.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            regex.append(".*")
        elif char == "_":
            regex.append(".")
        else:
            regex.append(re.escape(char))
    regex.append("$")
    lookup = "iregex" if ignore_case else "regex"
    return Q(**{f"{field_name}__{lookup}": "".join(regex)})
