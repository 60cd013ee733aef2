"""Readers for `camunda:` extension elements (also under the legacy activiti namespace)."""

from __future__ import annotations

from engine.bpmn.model import (
    CallMapping,
    ErrorMapping,
    FieldInjection,
    FormField,
    FormFieldConstraint,
    FormFieldValue,
    FormRef,
    Implementation,
    ImplementationKind,
    InputOutput,
    Listener,
    Parameter,
    ParameterValue,
    Property,
    Script,
    TimerDefinition,
    TimerKind,
    ValueKind,
)
from engine.bpmn.parser.context import ParseContext, parse_bool
from engine.bpmn.xml import (
    Element,
    bpmn_child,
    camunda_attr,
    camunda_child,
    camunda_children,
    is_bpmn,
    is_camunda,
    ref,
    text_line,
    text_of,
)
from engine.el import has_expression

_EMPTY: list[Element] = []


def extension_elements(element: Element) -> list[Element]:
    """Children of `bpmn:extensionElements` in the Camunda namespaces."""
    container = bpmn_child(element, "extensionElements")
    if container is None:
        return _EMPTY
    return [child for child in container if is_camunda(child)]


def extensions_named(element: Element, name: str) -> list[Element]:
    container = bpmn_child(element, "extensionElements")
    if container is None:
        return _EMPTY
    return camunda_children(container, name)


def extension_named(element: Element, name: str) -> Element | None:
    found = extensions_named(element, name)
    return found[0] if found else None


def parse_script(element: Element) -> Script:
    """`camunda:script scriptFormat=... resource=...` with the script as its text."""
    return Script(
        format=(element.get("scriptFormat") or "").strip(),
        text=text_of(element),
        resource=element.get("resource"),
        line=text_line(element),
    )


def parse_fields(element: Element) -> tuple[FieldInjection, ...]:
    """`camunda:field` children of the extension elements of `element`."""
    return tuple(_parse_field(field) for field in extensions_named(element, "field"))


def _parse_field(element: Element) -> FieldInjection:
    string_value = element.get("stringValue")
    expression = element.get("expression")
    nested_string = camunda_child(element, "string")
    nested_expression = camunda_child(element, "expression")
    if string_value is None and nested_string is not None:
        string_value = "".join(nested_string.itertext())
    if expression is None and nested_expression is not None:
        expression = text_of(nested_expression)
    return FieldInjection(
        name=element.get("name") or "", string_value=string_value, expression=expression
    )


def parse_listener(element: Element, ctx: ParseContext) -> Listener:
    script_element = camunda_child(element, "script")
    timer = None
    timer_element = bpmn_child(element, "timerEventDefinition")
    if timer_element is not None:
        timer = parse_timer_definition(timer_element, ctx)
    fields = tuple(_parse_field(field) for field in camunda_children(element, "field"))
    return Listener(
        event=(element.get("event") or "").strip(),
        class_name=element.get("class"),
        expression=element.get("expression"),
        delegate_expression=element.get("delegateExpression"),
        script=parse_script(script_element) if script_element is not None else None,
        fields=fields,
        id=element.get("id"),
        timer=timer,
        line=element.sourceline,
    )


def parse_execution_listeners(element: Element, ctx: ParseContext) -> tuple[Listener, ...]:
    return tuple(
        parse_listener(listener, ctx) for listener in extensions_named(element, "executionListener")
    )


def parse_task_listeners(element: Element, ctx: ParseContext) -> tuple[Listener, ...]:
    return tuple(
        parse_listener(listener, ctx) for listener in extensions_named(element, "taskListener")
    )


def parse_properties(element: Element) -> tuple[Property, ...]:
    container = extension_named(element, "properties")
    if container is None:
        return ()
    return tuple(_property(prop) for prop in camunda_children(container, "property"))


def _property(element: Element) -> Property:
    return Property(name=element.get("name"), value=element.get("value"), id=element.get("id"))


def parse_timer_definition(element: Element, ctx: ParseContext) -> TimerDefinition | None:
    """timeDate / timeDuration / timeCycle of a `timerEventDefinition`."""
    for tag, kind in (
        ("timeDate", TimerKind.DATE),
        ("timeDuration", TimerKind.DURATION),
        ("timeCycle", TimerKind.CYCLE),
    ):
        child = bpmn_child(element, tag)
        if child is not None:
            return TimerDefinition(kind=kind, text=text_of(child) or "")
    return None


# ---------------------------------------------------------------------------------------------
# Input/output mappings


def parse_input_output(element: Element, ctx: ParseContext) -> InputOutput | None:
    return _input_output(extension_named(element, "inputOutput"))


def _input_output(container: Element | None) -> InputOutput | None:
    if container is None:
        return None
    inputs = tuple(_parameter(p) for p in camunda_children(container, "inputParameter"))
    outputs = tuple(_parameter(p) for p in camunda_children(container, "outputParameter"))
    return InputOutput(inputs=inputs, outputs=outputs)


def _parameter(element: Element) -> Parameter:
    return Parameter(
        name=element.get("name") or "", value=parse_value(element), line=element.sourceline
    )


def parse_value(element: Element) -> ParameterValue:
    """The value held by a parameter, list value or map entry (nested lists/maps allowed)."""
    for child in element:
        if is_camunda(child, "list"):
            return ParameterValue(
                kind=ValueKind.LIST,
                items=tuple(parse_value(item) for item in child if is_camunda(item)),
            )
        if is_camunda(child, "map"):
            entries = tuple(
                (entry.get("key") or "", parse_value(entry))
                for entry in camunda_children(child, "entry")
            )
            return ParameterValue(kind=ValueKind.MAP, entries=entries)
        if is_camunda(child, "script"):
            return ParameterValue(kind=ValueKind.SCRIPT, script=parse_script(child))
    # Text content: Camunda keeps it verbatim (no trimming) unless it is an expression.
    text = "".join(element.itertext())
    if not text.strip():
        return ParameterValue(kind=ValueKind.NULL)
    if has_expression(text):
        return ParameterValue(kind=ValueKind.EXPRESSION, text=text.strip())
    return ParameterValue(kind=ValueKind.TEXT, text=text)


# ---------------------------------------------------------------------------------------------
# Forms


def parse_form_ref(element: Element) -> FormRef | None:
    form_id = camunda_attr(element, "formRef")
    if form_id is None:
        return None
    return FormRef(
        form_id=form_id,
        binding=camunda_attr(element, "formRefBinding") or "latest",
        version=camunda_attr(element, "formRefVersion"),
    )


def parse_form_fields(element: Element) -> tuple[FormField, ...]:
    form_data = extension_named(element, "formData")
    if form_data is None:
        return ()
    return tuple(_form_field(field) for field in camunda_children(form_data, "formField"))


def _form_field(element: Element) -> FormField:
    constraints: list[FormFieldConstraint] = []
    validation = camunda_child(element, "validation")
    if validation is not None:
        constraints.extend(
            FormFieldConstraint(name=c.get("name") or "", config=c.get("config"))
            for c in camunda_children(validation, "constraint")
        )
    properties: tuple[Property, ...] = ()
    props = camunda_child(element, "properties")
    if props is not None:
        properties = tuple(_property(p) for p in camunda_children(props, "property"))
    values = tuple(
        FormFieldValue(id=v.get("id") or "", name=v.get("name"))
        for v in camunda_children(element, "value")
    )
    return FormField(
        id=element.get("id") or "",
        label=element.get("label"),
        type=element.get("type"),
        default_value=element.get("defaultValue"),
        date_pattern=element.get("datePattern"),
        values=values,
        constraints=tuple(constraints),
        properties=properties,
    )


# ---------------------------------------------------------------------------------------------
# Service-like implementations, call activity mappings


def parse_implementation(
    element: Element, ctx: ParseContext, *, fields_from: Element | None = None
) -> Implementation:
    """class / expression / delegateExpression / type="external" / decisionRef / connector."""
    fields = parse_fields(fields_from if fields_from is not None else element)
    class_name = camunda_attr(element, "class")
    expression = camunda_attr(element, "expression")
    delegate_expression = camunda_attr(element, "delegateExpression")
    task_type = camunda_attr(element, "type")
    decision_ref = camunda_attr(element, "decisionRef")
    connector = extension_named(element, "connector")
    chosen = [
        kind
        for kind, value in (
            (ImplementationKind.CLASS, class_name),
            (ImplementationKind.EXPRESSION, expression),
            (ImplementationKind.DELEGATE_EXPRESSION, delegate_expression),
            (ImplementationKind.EXTERNAL, task_type),
            (ImplementationKind.DECISION, decision_ref),
            (ImplementationKind.CONNECTOR, connector),
        )
        if value is not None
    ]
    if len(chosen) > 1:
        ctx.unsupported(
            element,
            "only one of camunda:class, camunda:expression, camunda:delegateExpression, "
            "camunda:type, camunda:decisionRef or camunda:connector may be set",
        )
    if task_type is not None and task_type != "external":
        ctx.unsupported(element, f"camunda:type '{task_type}' is not supported")
    connector_id = connector_io = None
    if connector is not None:
        connector_id = (text_of(camunda_child(connector, "connectorId")) or "").strip()
        connector_io = _input_output(camunda_child(connector, "inputOutput"))
    return Implementation(
        kind=chosen[0] if chosen else ImplementationKind.NONE,
        class_name=class_name,
        expression=expression,
        delegate_expression=delegate_expression,
        topic=camunda_attr(element, "topic"),
        task_priority=camunda_attr(element, "taskPriority"),
        decision_ref=decision_ref,
        decision_ref_binding=camunda_attr(element, "decisionRefBinding") or "latest",
        decision_ref_version=camunda_attr(element, "decisionRefVersion"),
        decision_ref_version_tag=camunda_attr(element, "decisionRefVersionTag"),
        decision_ref_tenant_id=camunda_attr(element, "decisionRefTenantId"),
        map_decision_result=camunda_attr(element, "mapDecisionResult") or "resultList",
        connector_id=connector_id,
        connector_io=connector_io,
        fields=fields,
    )


def parse_error_mappings(element: Element) -> tuple[ErrorMapping, ...]:
    return tuple(
        ErrorMapping(
            id=child.get("id"), error_ref=ref(child, "errorRef"), expression=child.get("expression")
        )
        for child in extensions_named(element, "errorEventDefinition")
    )


def parse_call_mappings(element: Element, name: str) -> tuple[CallMapping, ...]:
    """`camunda:in` (name="in") or `camunda:out` mappings of a call activity."""
    mappings = []
    for child in extensions_named(element, name):
        mappings.append(
            CallMapping(
                source=child.get("source"),
                source_expression=child.get("sourceExpression"),
                target=child.get("target"),
                all_variables=child.get("variables") == "all",
                local=parse_bool(child.get("local"), False),
                business_key=child.get("businessKey"),
            )
        )
    return tuple(mappings)


def failed_job_retry_time_cycle(element: Element) -> str | None:
    return text_of(extension_named(element, "failedJobRetryTimeCycle"))


def has_bpmn_child(element: Element, name: str) -> bool:
    return any(is_bpmn(child, name) for child in element)
