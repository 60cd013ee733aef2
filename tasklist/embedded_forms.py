"""Camunda 7 embedded HTML forms: the fields their Forms SDK binds, shown filled in, and read
back as typed variables.

A control with `cam-variable-name` is bound to that variable (Camunda's Forms SDK: `input`,
`textarea` and `select`; a checkbox with `cam-variable-type="Boolean"` holds a Boolean). The
type is `cam-variable-type`, else the existing variable's. The SDK converts what is typed
into String, Boolean, Integer, Long, Short, Double or Date (`yyyy-MM-ddTHH:mm:ss`); other types
are not entered in a field. A `select` with `cam-choices="name"` gets an option per item of that
variable (a list: value and text alike; a map: key as value, entry as text). As the SDK does,
only fields whose value changed from what the form opened with are submitted ("dirty"
variables), a value that does not fit its type refuses the whole submission, a cleared field
sets its variable to null, and a field of no declared type whose variable does not exist
cannot be submitted with a value.
`<input cam-business-key>` gives a start form's business key. A file input
(`type="file"`, `cam-variable-type="File"` or `Bytes`) uploads a File variable of at most
`cam-max-filesize` bytes (the SDK's 5,000,000 by default); `<a cam-file-download="name">`
downloads the File variable `name`.

The HTML is sanitized (tasklist.html_sanitizer) before it is read and again after the values
are filled in, so what reaches the page is only what the allow-list keeps.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import lxml.html
from django.utils import timezone
from lxml.html import HtmlElement

from engine.runtime.values import WHOLE_NUMBER_RANGES, FileValue, TypedValue
from tasklist.html_sanitizer import count_scripts, sanitize

ENTERED_TYPES = ("String", "Boolean", "Integer", "Long", "Short", "Double", "Date")
UPLOADED_TYPES = ("File", "Bytes")
MAX_FILE_BYTES = 5_000_000  # the Forms SDK's soft limit without cam-max-filesize
FIELD_PREFIX = "cam."
ID_PREFIX = "ef-"
BUSINESS_KEY = "business_key"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_WHOLE = re.compile(r"^-?\d+$")
# The Forms SDK's number pattern (type-util.js FLOAT_PATTERN).
_DOUBLE = re.compile(r"^(0|(-?(((0|[1-9]\d*)\.\d+)|([1-9]\d*))))([eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")
_REFERENCES = ("aria-describedby", "aria-labelledby")

Control = Literal["input", "checkbox", "textarea", "select", "file"]


@dataclass(frozen=True)
class BoundField:
    """A control bound to a variable; `initial` is the value its HTML gives it."""

    variable: str
    declared_type: str | None
    control: Control
    choices_variable: str | None = None
    initial: str = ""
    max_bytes: int = MAX_FILE_BYTES  # a file input's cam-max-filesize

    @property
    def name(self) -> str:
        return FIELD_PREFIX + self.variable


@dataclass(frozen=True)
class EmbeddedForm:
    """A deployed HTML form, sanitized, with its bound fields and what the page must say
    about it (scripts not run, controls Legato does not bind)."""

    markup: str
    fields: tuple[BoundField, ...]
    business_key: bool
    scripts: int
    problems: tuple[str, ...]


def _control(element: HtmlElement) -> Control | None:
    if element.tag == "textarea":
        return "textarea"
    if element.tag == "select":
        return "select"
    if element.tag == "input":
        kind = (element.get("type") or "").lower()
        return kind if kind in ("checkbox", "file") else "input"
    return None


def _html_value(element: HtmlElement, control: Control) -> str:
    if control == "checkbox":
        return "true" if element.get("checked") is not None else "false"
    if control == "file":
        return ""
    if control == "textarea":
        return element.text or ""
    if control == "select":
        options = element.findall(".//option")
        chosen = [o for o in options if o.get("selected") is not None] or options[:1]
        return _option_value(chosen[0]) if chosen else ""
    return element.get("value") or ""


def _option_value(option: HtmlElement) -> str:
    value = option.get("value")
    return value if value is not None else (option.text_content() or "").strip()


def _bindings(root: HtmlElement) -> Iterator[tuple[HtmlElement, BoundField | None, str | None]]:
    """Each control with `cam-variable-name`, with its binding or why it has none."""
    seen: set[str] = set()
    for element in root.iter("input", "textarea", "select"):
        variable = (element.get("cam-variable-name") or "").strip()
        if not variable:
            continue
        declared = (element.get("cam-variable-type") or "").strip() or None
        control = _control(element)
        problem = None
        if variable in seen:
            problem = f"'{variable}' is bound twice; only its first field is used."
        elif (element.get("type") or "").lower() == "radio":
            problem = f"The radio buttons of '{variable}' are not bound: use a select."
        elif control == "file":
            problem = _file_problem(element, variable, declared)
        elif declared is not None and declared not in ENTERED_TYPES:
            problem = (
                f"The field of '{variable}' declares the type {declared}, which is not entered "
                f"in a field (the Forms SDK converts {', '.join(ENTERED_TYPES)})."
            )
        elif control == "checkbox" and declared != "Boolean":
            problem = (
                f"The checkbox of '{variable}' is not bound: it needs "
                'cam-variable-type="Boolean".'
            )
        if problem or control is None:
            yield element, None, problem
            continue
        seen.add(variable)
        choices_variable = (element.get("cam-choices") or "").strip() or None
        field = BoundField(
            variable,
            declared,
            control,
            choices_variable if control == "select" else None,
            _html_value(element, control),
            _max_bytes(element) if control == "file" else MAX_FILE_BYTES,
        )
        yield element, field, None


def _file_problem(element: HtmlElement, variable: str, declared: str | None) -> str | None:
    if declared is not None and declared not in UPLOADED_TYPES:
        return (
            f"The file field of '{variable}' declares the type {declared}: an upload is a "
            'File (cam-variable-type="File") or Bytes.'
        )
    limit = (element.get("cam-max-filesize") or "").strip()
    if limit and not (limit.isdigit() and int(limit) > 0):
        return (
            f"The file field of '{variable}' has cam-max-filesize '{limit}', "
            "not a size in bytes."
        )
    return None


def _max_bytes(element: HtmlElement) -> int:
    return int((element.get("cam-max-filesize") or "").strip() or MAX_FILE_BYTES)


def _parse(markup: str) -> HtmlElement:
    return lxml.html.fragment_fromstring(markup, create_parent="div")


def read_form(html: str) -> EmbeddedForm:
    """The deployed HTML read as an embedded form."""
    markup = sanitize(html)
    root = _parse(markup)
    fields, problems = [], []
    for _element, field, problem in _bindings(root):
        if field is not None:
            fields.append(field)
        if problem:
            problems.append(problem)
    business_key = any(
        e.get("cam-business-key") is not None for e in root.iter("input")
    )
    problems = list(dict.fromkeys(problems))  # radios of one variable: one note
    return EmbeddedForm(markup, tuple(fields), business_key, count_scripts(html), tuple(problems))


# Showing ----------------------------------------------------------------------------------


def as_text(typed: TypedValue | None) -> str:
    """A variable as its field shows it (the Forms SDK's text for each type)."""
    if typed is None or typed.value is None:
        return ""
    value = typed.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime(DATE_FORMAT)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def opening_text(field: BoundField, variables: Mapping[str, TypedValue]) -> str:
    """What the field holds when the form opens: its variable, else its own HTML value."""
    if field.variable in variables:
        return as_text(variables[field.variable])
    return field.initial


def choices(field: BoundField, variables: Mapping[str, TypedValue]) -> list[tuple[str, str]]:
    """The options `cam-choices` adds: (value, text) per item of the list or map."""
    typed = variables.get(field.choices_variable or "")
    items = typed.value if typed is not None else None
    if isinstance(items, dict):
        return [(str(key), _plain_text(text)) for key, text in items.items()]
    if isinstance(items, list):
        return [(_plain_text(item), _plain_text(item)) for item in items]
    return []


def _plain_text(value: Any) -> str:
    return as_text(TypedValue("Json", value))


def _fill_select(element: HtmlElement, extra: list[tuple[str, str]], text: str) -> None:
    known = {_option_value(o) for o in element.iter("option")}
    for value, label in extra:
        if value not in known:
            option = lxml.html.Element("option", value=value)
            option.text = label
            element.append(option)
            known.add(value)
    for option in element.iter("option"):
        option.attrib.pop("selected", None)
        if _option_value(option) == text:
            option.set("selected", "selected")


def _fill(element: HtmlElement, field: BoundField, text: str, extra: list[tuple[str, str]]) -> None:
    if field.control == "file":
        element.attrib.pop("value", None)  # a browser picks the file anew
    elif field.control == "checkbox":
        element.attrib.pop("checked", None)
        if text in ("true", "on"):
            element.set("checked", "checked")
    elif field.control == "textarea":
        element.text = text
    elif field.control == "select":
        _fill_select(element, extra, text)
    else:
        element.set("value", text)


def _prefix_ids(root: HtmlElement) -> None:
    """Deployed ids get a prefix: they cannot clash with (or clobber) the page's own."""
    for element in root.iter():
        for attribute in ("id", "for", *_REFERENCES):
            value = element.get(attribute)
            if value:
                element.set(attribute, " ".join(ID_PREFIX + part for part in value.split()))


def render(
    form: EmbeddedForm,
    variables: Mapping[str, TypedValue],
    *,
    submitted: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    start: bool = False,
    disabled: bool = False,
    business_key: str = "",
    file_url: Callable[[str], str] | None = None,
) -> str:
    """The form's HTML filled in: the variables (or, after a refused submission, what was
    posted), the error next to each refused field, names the tasklist reads back, and each
    `cam-file-download` link pointing at `file_url(variable)` when that variable holds a file."""
    root = _parse(form.markup)
    _prefix_ids(root)
    for element in root.iter("input", "textarea", "select", "button"):
        element.attrib.pop("name", None)  # only bound fields are posted
        if disabled:
            element.set("disabled", "disabled")
    # Listed first: the loop adds error paragraphs, and lxml's iterators must not see the tree
    # change under them.
    for index, (element, field, _problem) in enumerate(list(_bindings(root))):
        if field is None:
            continue
        element.set("name", field.name)
        if submitted is not None:
            posted = submitted.get(field.name)
            text = ("true" if posted is not None else "false") if field.control == "checkbox" \
                else str(posted or "")
        else:
            text = opening_text(field, variables)
        _fill(element, field, text, choices(field, variables))
        message = (errors or {}).get(field.variable)
        if message:
            error_id = f"{ID_PREFIX}error-{index}"
            error = lxml.html.Element("p", {"class": "field-error", "id": error_id})
            error.text = message
            element.set("aria-invalid", "true")
            element.set("aria-describedby", error_id)
            element.addnext(error)
    for element in root.iter("input"):
        if element.get("cam-business-key") is not None and start:
            element.set("name", BUSINESS_KEY)
            element.set("value", business_key)
    for link in root.iter("a"):
        if link.get("cam-file-download") is not None:
            _link_file(link, variables, file_url)
    return sanitize(lxml.html.tostring(root, encoding="unicode"))


def _link_file(
    link: HtmlElement,
    variables: Mapping[str, TypedValue],
    file_url: Callable[[str], str] | None,
) -> None:
    """`<a cam-file-download="name">`: a download of the File (or Bytes) variable, named by
    its file name when the link has no text (the SDK's behaviour); inert when there is none."""
    name = (link.get("cam-file-download") or "").strip()
    typed = variables.get(name)
    link.attrib.pop("href", None)
    held = typed is not None and typed.type in UPLOADED_TYPES and typed.value is not None
    if held and file_url is not None:
        link.set("href", file_url(name))
        link.set("download", "")
    if not link.text_content().strip():
        if held:
            link.text = typed.value.filename if isinstance(typed.value, FileValue) else name
        else:
            link.text = f"{name}: no file"


# Reading back -----------------------------------------------------------------------------


class FieldRefused(ValueError):
    """The text entered does not fit the field's type (the message says what to enter)."""


def _convert(kind: str, text: str) -> Any:
    text = text.strip()  # the Forms SDK trims before converting
    if kind == "String":
        return text
    if text == "":
        return None  # the SDK submits an empty field of any other type as null
    if kind in WHOLE_NUMBER_RANGES:
        low, high = WHOLE_NUMBER_RANGES[kind]
        if not _WHOLE.match(text):
            raise FieldRefused(f"Enter a whole number ({kind}).")
        if not low <= int(text) <= high:
            raise FieldRefused(f"Enter a whole number from {low} to {high} ({kind}).")
        return int(text)
    if kind == "Double":
        if not _DOUBLE.match(text) or not math.isfinite(float(text)):
            raise FieldRefused("Enter a number, such as 12 or 12.5 (Double).")
        return float(text)
    if kind == "Boolean":
        if text not in ("true", "false"):
            raise FieldRefused("Enter true or false (Boolean).")
        return text == "true"
    if kind == "Date":
        if not _DATE.match(text):
            raise FieldRefused("Enter a date and time as yyyy-MM-ddTHH:mm:ss (Date).")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise FieldRefused("Enter a real date and time as yyyy-MM-ddTHH:mm:ss.") from None
        return timezone.make_aware(moment, timezone.get_current_timezone())
    raise FieldRefused(f"This field holds a {kind} variable, which a form field cannot set.")


def _options(
    field: BoundField, form: EmbeddedForm, variables: Mapping[str, TypedValue]
) -> set[str]:
    root = _parse(form.markup)
    for element, bound, _problem in _bindings(root):
        if bound == field:
            own = {_option_value(o) for o in element.iter("option")}
            return own | {value for value, _text in choices(field, variables)}
    return set()


def read_submission(
    form: EmbeddedForm,
    posted: Mapping[str, Any],
    variables: Mapping[str, TypedValue],
    files: Any = None,
) -> tuple[dict[str, TypedValue], dict[str, str]]:
    """The posted fields as typed variables (only those changed from what the form opened
    with, and the files picked), or the errors by variable name (then no variables).
    `files`: the uploads by field name (Django's `request.FILES`)."""
    values: dict[str, TypedValue] = {}
    errors: dict[str, str] = {}
    for field in form.fields:
        if field.control == "file":
            try:
                uploaded = _uploaded(field, files)
            except FieldRefused as refused:
                errors[field.variable] = str(refused)
            else:
                if uploaded is not None:  # none picked: the variable stays as it is
                    values[field.variable] = uploaded
            continue
        opened = opening_text(field, variables)
        if field.control == "checkbox":
            ticked = posted.get(field.name) is not None
            if ticked != (opened == "true"):
                values[field.variable] = TypedValue("Boolean", ticked)
            continue
        text = str(posted.get(field.name) or "")
        if field.control == "select" and text not in _options(field, form, variables):
            errors[field.variable] = "Choose one of the listed options."
            continue
        if text == opened:
            continue  # not changed: the Forms SDK submits only "dirty" variables
        existing = variables.get(field.variable)
        kind = field.declared_type or (existing.type if existing is not None else None)
        if kind is None:
            if text.strip():
                errors[field.variable] = (
                    f"The form gives '{field.variable}' no cam-variable-type and no such "
                    "variable exists yet, so its type is unknown; leave it empty."
                )
            continue
        try:
            value = _convert(kind, text)
            # The SDK sends a cleared field as null of its type; Legato keeps typed nulls as
            # Null (its variable rows have no null Long, Double, ...).
            values[field.variable] = TypedValue(kind if value is not None else "Null", value)
        except FieldRefused as refused:
            errors[field.variable] = str(refused)
    return ({} if errors else values), errors


def _uploaded(field: BoundField, files: Any) -> TypedValue | None:
    uploads = files.getlist(field.name) if files is not None else []
    if not uploads:
        return None
    if len(uploads) > 1:
        raise FieldRefused("Choose one file: the variable holds one.")
    upload = uploads[0]
    if upload.size > field.max_bytes:
        raise FieldRefused(f"Choose a file of at most {field.max_bytes:,} bytes.")
    if field.declared_type == "Bytes":
        return TypedValue("Bytes", upload.read())
    return TypedValue("File", FileValue.from_upload(upload))
