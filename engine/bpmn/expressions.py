"""Deploy-time checks of expressions, scripts and timer definitions inside a model.

A model whose expressions do not parse would only fail when a token reaches them, maybe
weeks later; compiling them at deploy time turns that into a refusal with the line.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping

from engine.bpmn.model import Parameter, ParameterValue, Script, TimerDefinition, ValueKind
from engine.bpmn.script_resources import ScriptResourceError, deployment_resource_name
from engine.el import ExpressionError, compile_expression, compile_script, has_expression
from engine.groovy import GROOVY_FORMATS, GroovySyntaxError, parse_groovy
from engine.runtime.javascript import JAVASCRIPT_FORMATS
from engine.runtime.javascript import syntax_error as javascript_syntax_error
from engine.runtime.timers import TimerSpecError, parse_timer

Report = Callable[[str | None, str, int | None], None]

# scriptFormat values naming our expression language (Camunda's "juel" script engine).
EL_SCRIPT_FORMATS = frozenset({"juel"})
PYTHON_SCRIPT_FORMATS = frozenset({"python"})


class ExpressionChecker:
    def __init__(
        self,
        report: Report,
        scripts_enabled: bool,
        javascript_enabled: bool,
        resources: Mapping[str, bytes] | None = None,
    ) -> None:
        self.report = report
        self.scripts_enabled = scripts_enabled
        self.javascript_enabled = javascript_enabled
        # The deployment's files, for `camunda:resource="deployment://..."` (None: unknown).
        self.resources = resources

    def expression(self, element_id: str, line: int | None, text: str, what: str) -> None:
        try:
            compile_expression(text)
        except ExpressionError as exc:
            self.report(element_id, f"{what} '{text}' is not a valid expression: {exc}", line)

    def condition(
        self,
        element_id: str,
        line: int | None,
        text: str | None,
        language: str | None,
        what: str,
        resource: str | None = None,
    ) -> None:
        if resource is None and (language is None or language.strip().lower() in EL_SCRIPT_FORMATS):
            if text is not None:
                self.expression(element_id, line, text, what)
            return
        script = Script(format=(language or "").strip(), text=text, resource=resource)
        self.script(element_id, line, script, what)

    def script(self, element_id: str, line: int | None, script: Script | None, what: str) -> None:
        if script is None:
            return
        line = script.line or line
        language = script.format.lower()
        if not language:
            self.report(element_id, f"{what} has no scriptFormat", line)
            return
        if script.resource is not None:
            script = self._resolved(element_id, line, script, what)
            if script is None:
                return
        if language in EL_SCRIPT_FORMATS:
            if script.text is None and script.resource is None:
                self.report(element_id, f"{what} has no script", line)
            elif script.text is not None:
                try:
                    compile_script(script.text)
                except ExpressionError as exc:
                    self.report(element_id, f"{what} is not a valid juel script: {exc}", line)
            return
        if language in PYTHON_SCRIPT_FORMATS:
            if not self.scripts_enabled:
                self.report(
                    element_id,
                    f"{what} uses scriptFormat '{script.format}', but Python scripts are not "
                    "enabled for this deployment",
                    line,
                )
            elif script.text is not None:
                self._python_syntax(element_id, line, script.text, what)
            return
        if language in JAVASCRIPT_FORMATS:
            self._javascript(element_id, line, script, what)
            return
        if language in GROOVY_FORMATS:
            self._groovy(element_id, line, script, what)
            return
        self.report(
            element_id,
            f"scriptFormat '{script.format}' is not supported ({what}); use juel, groovy, "
            "javascript, or python where scripts are enabled",
            line,
        )

    def _resolved(
        self, element_id: str, line: int | None, script: Script, what: str
    ) -> Script | None:
        """The script with the text of its `camunda:resource`, to check like an inline one;
        None when there is nothing (more) to check now."""
        reference = script.resource or ""
        if has_expression(reference):
            self.expression(element_id, line, reference, f"{what} resource")
            return None  # which file is only known when it runs
        try:
            name = deployment_resource_name(reference)
        except ScriptResourceError as error:
            self.report(element_id, f"{what}: {error}", line)
            return None
        if self.resources is None:
            return None
        content = self.resources.get(name)
        if content is None:
            self.report(
                element_id, f"{what}: script resource '{name}' is not in this deployment", line
            )
            return None
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            self.report(element_id, f"{what}: script resource '{name}' is not UTF-8 text", line)
            return None
        return Script(format=script.format, text=text, line=script.line)

    def _javascript(self, element_id: str, line: int | None, script: Script, what: str) -> None:
        if not self.javascript_enabled:
            self.report(
                element_id,
                f"{what} uses scriptFormat '{script.format}', but JavaScript is switched off "
                "(LEGATO_JAVASCRIPT)",
                line,
            )
            return
        if script.text is None:
            return
        # Compiled in the sandbox, not run.
        problem = javascript_syntax_error(script.text)
        if problem is not None:
            self.report(element_id, f"{what} is not valid JavaScript: {problem}", line)

    def _groovy(self, element_id: str, line: int | None, script: Script, what: str) -> None:
        if script.text is None:
            return
        try:
            parse_groovy(script.text)
        except GroovySyntaxError as error:
            at = line + error.line - 1 if line is not None and error.line else line
            self.report(element_id, f"{what} is not Groovy Legato runs: {error.message}", at)

    def _python_syntax(self, element_id: str, line: int | None, text: str, what: str) -> None:
        # compile() only parses; nothing runs. The dedent copes with XML indentation.
        try:
            compile(textwrap.dedent(text), f"<{element_id}>", "exec")
        except (SyntaxError, ValueError) as exc:
            self.report(element_id, f"{what} is not valid Python: {exc}", line)

    def timer(self, element_id: str, line: int | None, timer: TimerDefinition) -> None:
        text = timer.text.strip()
        if not text:
            self.report(element_id, f"timer {timer.kind} is empty", line)
            return
        if has_expression(text):
            # The value is only known at runtime; check that the expression itself parses.
            self.expression(element_id, line, text, f"timer {timer.kind}")
            return
        try:
            parse_timer(timer.kind.value, text)
        except TimerSpecError as exc:
            self.report(element_id, f"timer {timer.kind} '{text}' is invalid: {exc.reason}", line)
        except ValueError as exc:
            self.report(element_id, f"timer {timer.kind} '{text}' is invalid: {exc}", line)

    def parameter(self, element_id: str, parameter: Parameter) -> None:
        self.value(element_id, parameter.line, parameter.value, f"parameter '{parameter.name}'")

    def value(self, element_id: str, line: int | None, value: ParameterValue, what: str) -> None:
        if value.kind is ValueKind.EXPRESSION and value.text is not None:
            self.expression(element_id, line, value.text, what)
        elif value.kind is ValueKind.SCRIPT:
            self.script(element_id, line, value.script, what)
        for item in value.items:
            self.value(element_id, line, item, what)
        for key, entry in value.entries:
            if has_expression(key):
                self.expression(element_id, line, key, f"{what} map key")
            self.value(element_id, line, entry, what)
