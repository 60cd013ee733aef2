"""Host objects: the only Python objects whose methods an expression may call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class ElObject:
    """Base class for objects the runtime exposes to expressions (execution, task, beans).

    A subclass lists what expressions may touch; nothing else of it is reachable:

    - ``EL_METHODS``: EL method name -> name of the Python method to call with the arguments,
      e.g. ``{"getVariable": "get_variable"}``.
    - ``EL_PROPERTIES``: bean property -> name of a Python method taking no arguments,
      e.g. ``{"businessKey": "get_business_key"}``.

    Both are read from the class, never from the instance.
    """

    EL_METHODS: ClassVar[Mapping[str, str]] = {}
    EL_PROPERTIES: ClassVar[Mapping[str, str]] = {}
