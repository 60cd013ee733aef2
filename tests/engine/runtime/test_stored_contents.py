"""Large File and Bytes contents saved outside the state (as the store saves it) come back
as lazy values: read once, only when something needs the bytes; left alone, they are saved
back as the same reference. No database: the contents sit in a dict, as rows would."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.contents import INLINE_LIMIT, ContentSource, LazyBytes, content_of
from engine.runtime.env import CountingIds, Environment
from engine.runtime.interpreter import run
from engine.runtime.state import InstanceState
from engine.runtime.values import FileValue, TypedValue, infer_type
from tests.engine.runtime.conftest import START, load

DOCUMENT = bytes(range(256)) * 64  # 16 KB
PASSPORT = FileValue(DOCUMENT, "passport.pdf", "application/pdf")


class Contents:
    """The contents the saved state leaves out, kept per variable as the variable rows keep
    them, and every read of one."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], bytes] = {}
        self.reads: list[tuple[str, str]] = []

    def record(self, effects: list[fx.Effect]) -> None:
        for effect in effects:
            if isinstance(effect, fx.VariablesChanged):
                for name, typed in effect.set.items():
                    if typed.type in ("Bytes", "File"):
                        self.kept[(effect.execution_id, name)] = content_of(typed)

    def read(self, execution_id: str, name: str) -> bytes:
        self.reads.append((execution_id, name))
        return self.kept[(execution_id, name)]


class StoredInstance:
    """One instance saved and loaded between commands as the store does it."""

    def __init__(self, **variables: Any) -> None:
        self.definition = load("stored_contents")
        self.env = Environment(new_id=CountingIds())
        self.contents = Contents()
        self.saved: dict[str, Any] = {}
        self.send(cmd.StartInstance(variables={"copy": False, **variables}), None)

    def send(self, command: cmd.Command, state: InstanceState | None) -> InstanceState:
        step = run(self.definition, state, command, START, self.env)
        self.contents.record(step.effects)
        self.saved = json.loads(json.dumps(step.state.to_json(inline_contents=False)))
        return step.state

    def load(self) -> InstanceState:
        return InstanceState.from_json(self.saved, ContentSource(self.contents.read))

    def complete(self, name: str, **variables: Any) -> InstanceState:
        state = self.load()
        task = next(t for t in state.tasks.values() if t.name == name)
        return self.send(cmd.CompleteTask(task.id, variables), state)

    @property
    def saved_variables(self) -> dict[str, Any]:
        return self.saved["executions"][0]["variables"]


def test_the_saved_state_leaves_large_contents_out_and_keeps_small_ones_inline():
    small = FileValue(b"x" * INLINE_LIMIT, "note.txt", "text/plain", "UTF-8")
    instance = StoredInstance(passport=PASSPORT, scan=DOCUMENT, note=small, flag=b"\x01")
    variables = instance.saved_variables
    assert variables["passport"] == {
        "type": "File",
        "value": {
            "filename": "passport.pdf",
            "mimeType": "application/pdf",
            "encoding": None,
            "size": len(DOCUMENT),
        },
    }
    assert variables["scan"] == {"type": "Bytes", "value": {"size": len(DOCUMENT)}}
    assert variables["note"] == TypedValue("File", small).to_json()
    assert variables["flag"] == {"type": "Bytes", "value": "AQ=="}
    # Saved for itself (the in-memory store, the interpreter's round trips): all inline.
    inline = instance.load().to_json()["executions"][0]["variables"]
    assert inline["passport"] == TypedValue("File", PASSPORT).to_json()


def test_a_loaded_state_reads_a_content_only_when_it_is_asked_for():
    instance = StoredInstance(passport=PASSPORT, scan=DOCUMENT)
    before = instance.saved_variables
    instance.complete("Review", note="checked")
    assert instance.contents.reads == []
    assert instance.saved_variables["passport"] == before["passport"]
    assert instance.saved_variables["scan"] == before["scan"]

    state, again = instance.load(), instance.load()
    passport, scan = state.root.variables["passport"], state.root.variables["scan"]
    assert (passport.value.filename, passport.value.size) == ("passport.pdf", len(DOCUMENT))
    assert passport == TypedValue("File", passport.value)
    assert scan == LazyBytes(scan.stored)  # the same content: equal unread
    assert hash(passport.value) == hash(PASSPORT)
    assert infer_type(passport.value) == passport
    assert instance.contents.reads == []
    assert passport == again.root.variables["passport"]  # another load: compared by content
    assert scan.value == DOCUMENT
    assert scan.value == DOCUMENT
    assert instance.contents.reads.count((state.id, "scan")) == 1  # read once


def test_a_value_put_under_another_variable_reads_its_content_first():
    instance = StoredInstance(passport=PASSPORT)
    state = instance.complete("Review", copy=True)
    assert instance.contents.reads == [(state.id, "passport")]
    assert instance.contents.kept[(state.id, "copied")] == DOCUMENT
    assert instance.saved_variables["copied"]["value"]["size"] == len(DOCUMENT)
    assert instance.load().root.variables["copied"].value.content == DOCUMENT


def test_a_copy_of_a_state_shares_its_contents_without_reading_them():
    instance = StoredInstance(passport=PASSPORT)
    state = instance.load()
    copy = state.copy()
    assert instance.contents.reads == []
    assert copy.root.variables["passport"].value.content == DOCUMENT
    assert instance.contents.reads == [(state.id, "passport")]


def test_a_state_that_refers_to_contents_needs_a_source_to_be_read():
    instance = StoredInstance(passport=PASSPORT)
    with pytest.raises(ValueError, match="content is kept outside the state"):
        InstanceState.from_json(instance.saved)
