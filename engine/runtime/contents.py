"""File and Bytes contents kept outside the instance state, read only when asked for.

The state is read and rewritten by every command on its instance, so a 5 MB document in it
would travel twice per command. Saved for the store (`InstanceState.to_json(inline_contents=
False)`), a File's or Bytes' content above `INLINE_LIMIT` is left out: the state keeps its size
(and a File's name, MIME type and encoding), and the store keeps the content in the
variable's own row, which it writes anyway when the variable changes. Smaller contents stay
inline: reading them costs nothing more than the state.

A state read back with a `ContentSource` holds `LazyFile` and `LazyBytes` values for them: the
content is read through the source, once, the first time something asks for the bytes. Their
metadata, their size, equality with a value sharing their content and their state form are
answered without reading it, so an unchanged value is saved back as the same reference.

A content belongs to its variable (execution and name). A value put under another variable
is read first (`keep_under`): the new variable's row needs the bytes, and the old place may
be overwritten before anyone reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.runtime.values import FileValue, TypedValue

INLINE_LIMIT = 1024  # bytes; a content of at most this many stays in the state's JSON
BINARY_TYPES = frozenset({"Bytes", "File"})

# (execution id, variable name) -> the content of that variable, as the store keeps it
ReadContent = Callable[[str, str], bytes]


class LazyContent:
    """The content of one variable, read through `read` when first asked for."""

    __slots__ = ("_content", "_read", "execution_id", "name", "size")

    def __init__(self, size: int, read: ReadContent, execution_id: str, name: str) -> None:
        self.size = size
        self.execution_id = execution_id
        self.name = name
        self._read = read
        self._content: bytes | None = None

    @property
    def loaded(self) -> bool:
        return self._content is not None

    def get(self) -> bytes:
        content = self._content
        if content is None:
            content = self._read(self.execution_id, self.name)
            if len(content) != self.size:
                raise ValueError(
                    f"The content of variable '{self.name}' has {len(content)} bytes where "
                    f"the instance state expects {self.size}"
                )
            self._content = content
        return content


class ContentSource:
    """What a state read back refers its contents to: the store gives one to
    `InstanceState.from_json`. `referred` tells whether the state referred to any."""

    __slots__ = ("_read", "referred")

    def __init__(self, read: ReadContent) -> None:
        self._read = read
        self.referred = False

    def lazy(self, size: int, execution_id: str, name: str) -> LazyContent:
        self.referred = True
        return LazyContent(size, self._read, execution_id, name)


class LazyFile(FileValue):
    """A File whose content is read when first asked for."""

    __slots__ = ("stored",)

    def __init__(
        self,
        stored: LazyContent,
        filename: str,
        mime_type: str | None = None,
        encoding: str | None = None,
    ) -> None:
        # FileValue is frozen: its fields are set as its own __init__ sets them.
        object.__setattr__(self, "stored", stored)
        object.__setattr__(self, "filename", filename)
        object.__setattr__(self, "mime_type", mime_type)
        object.__setattr__(self, "encoding", encoding)

    @property  # type: ignore[override]
    def content(self) -> bytes:
        return self.stored.get()

    @property
    def size(self) -> int:
        return self.stored.size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileValue):
            return NotImplemented
        if (self.filename, self.mime_type, self.encoding, self.size) != (
            other.filename,
            other.mime_type,
            other.encoding,
            other.size,
        ):
            return False
        if isinstance(other, LazyFile) and other.stored is self.stored:
            return True
        return self.content == other.content

    __hash__ = FileValue.__hash__

    def __repr__(self) -> str:
        kind = f"{self.mime_type!r}, {self.encoding!r}"
        return f"LazyFile({self.filename!r}, {kind}, {self.size} bytes)"


class LazyBytes(TypedValue):
    """A Bytes value whose content is read when first asked for (`value`)."""

    __slots__ = ("stored",)

    def __init__(self, stored: LazyContent) -> None:
        # TypedValue is frozen: its fields are set as its own __init__ sets them.
        object.__setattr__(self, "type", "Bytes")
        object.__setattr__(self, "object_type", None)
        object.__setattr__(self, "stored", stored)

    @property  # type: ignore[override]
    def value(self) -> bytes:
        return self.stored.get()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TypedValue):
            return NotImplemented
        if other.type != "Bytes" or other.object_type is not None:
            return False
        if isinstance(other, LazyBytes):
            if other.stored is self.stored:
                return True
            if other.stored.size != self.stored.size:
                return False
        elif not isinstance(other.value, bytes) or len(other.value) != self.stored.size:
            return False
        return self.value == other.value

    def __hash__(self) -> int:
        return hash((self.type, self.value, self.object_type))  # as TypedValue hashes

    def __repr__(self) -> str:
        return f"LazyBytes({self.stored.size} bytes)"


def stored_content(typed: TypedValue) -> LazyContent | None:
    """The lazy content behind a Bytes or File value, None for a value that holds its own."""
    if isinstance(typed, LazyBytes):
        return typed.stored
    if typed.type == "File" and isinstance(typed.value, LazyFile):
        return typed.value.stored
    return None


def keep_under(typed: TypedValue, execution_id: str, name: str) -> None:
    """`typed` is about to be kept as variable `name` of `execution_id`: a content it still
    has to read from another variable's place is read now (see the module's docstring)."""
    stored = stored_content(typed)
    if stored is None or stored.loaded:
        return
    if stored.execution_id != execution_id or stored.name != name:
        stored.get()


def read_contents(variables: Mapping[str, TypedValue]) -> None:
    """Read every content `variables` still refer to (they leave their instance)."""
    for typed in variables.values():
        stored = stored_content(typed)
        if stored is not None:
            stored.get()


def content_of(typed: TypedValue) -> bytes:
    """The bytes of a Bytes or File value (read if need be)."""
    if typed.type == "File":
        return typed.value.content
    return typed.value


def state_json(typed: TypedValue) -> dict[str, Any]:
    """A Bytes or File value as the store's state keeps it: a content above INLINE_LIMIT is
    left out (its size stands for it), without reading a lazy one."""
    if typed.type == "Bytes":
        stored = typed.stored if isinstance(typed, LazyBytes) else None
        size = stored.size if stored is not None else _length(typed.value)
        if size > INLINE_LIMIT:
            return {"type": "Bytes", "value": {"size": size}}
    elif typed.type == "File" and isinstance(typed.value, FileValue):
        file = typed.value
        if file.size > INLINE_LIMIT:
            return {
                "type": "File",
                "value": {
                    "filename": file.filename,
                    "mimeType": file.mime_type,
                    "encoding": file.encoding,
                    "size": file.size,
                },
            }
    return typed.to_json()


def from_state_json(
    data: dict[str, Any], source: ContentSource, execution_id: str, name: str
) -> TypedValue:
    """A Bytes or File value as `state_json` left it (or inline, as older states keep it)."""
    value = data["value"]
    if isinstance(value, dict) and "data" not in value and "size" in value:
        stored = source.lazy(value["size"], execution_id, name)
        if data["type"] == "Bytes":
            return LazyBytes(stored)
        file = LazyFile(stored, value["filename"], value.get("mimeType"), value.get("encoding"))
        return TypedValue("File", file)
    return TypedValue.from_json(data)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, bytes | bytearray) else 0
