"""Problems found in a BPMN file, reported all at once with element id and line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BpmnProblem:
    element_id: str | None
    message: str
    line: int | None
    resource: str

    def __str__(self) -> str:
        where = self.resource
        if self.line is not None:
            where += f" line {self.line}"
        if self.element_id is not None:
            where += f", element '{self.element_id}'"
        return f"{where}: {self.message}"


class BpmnParseError(Exception):
    """A BPMN file was refused; `problems` lists every reason found, in document order."""

    def __init__(self, problems: tuple[BpmnProblem, ...] | list[BpmnProblem]) -> None:
        self.problems: tuple[BpmnProblem, ...] = tuple(problems)
        super().__init__(self._describe())

    def _describe(self) -> str:
        if not self.problems:
            return "invalid BPMN"
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)
