"""Where the File and Bytes contents the instance state leaves out are kept: in their
variable's own row.

The runtime variable row (engine_variableinstance) holds every variable's full typed value
already, written once each time the variable changes; the state saved for the store refers
to it for contents above engine.runtime.contents.INLINE_LIMIT. So a command that leaves
such a variable alone neither reads nor writes its content, and one that changes it writes
the content once, with the row it writes anyway (no table of its own, no extra statement).
The content leaves with the row: when the variable is removed or its instance ends.
"""

from __future__ import annotations

from typing import Any

from engine.runtime.contents import ContentSource, content_of
from engine.runtime.errors import ProcessEngineError
from engine.runtime.state import InstanceState
from engine.runtime.values import TypedValue
from engine.store.tables import VARIABLES


def read_content(execution_id: str, name: str) -> bytes:
    """The content of variable `name` of `execution_id`, from its row."""
    row = VARIABLES.select_one(("type", "value"), {"execution_id": execution_id, "name": name})
    if row is None or row[0] not in ("Bytes", "File") or row[1] is None:
        raise ProcessEngineError(f"The content of variable '{name}' is no longer stored")
    return content_of(TypedValue.from_json({"type": row[0], "value": row[1]}))


def content_source() -> ContentSource:
    """What a state read from its row reads its left-out contents through."""
    return ContentSource(read_content)


def load_state(stored: dict[str, Any]) -> InstanceState:
    """An instance state as its row keeps it; contents are read when something needs them."""
    return InstanceState.from_json(stored, content_source())
