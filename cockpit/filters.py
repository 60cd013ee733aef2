"""List filters from the query string: shareable URLs, validated into querysets.

The instance list of a definition page and the incidents page use these; a bad value is
reported in words under its field and that filter is left out.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from engine.models import Incident, ProcessDefinition
from engine.queries import list_historic_process_instances, list_process_instances

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def parse_filter_value(text: str) -> Any:
    """The typed value of `name=value`: true/false, numbers, "quoted" strings, else text.

    As in Camunda's cockpit, `amount=21` finds the number 21 and `code="21"` the string.
    """
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class InstanceState:
    RUNNING = "running"
    SUSPENDED = "suspended"
    INCIDENTS = "incidents"
    FINISHED = "finished"


def _started_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        required=False,
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class InstanceFilterForm(forms.Form):
    business_key = forms.CharField(required=False, max_length=255, label="Business key")
    variable = forms.CharField(
        required=False,
        max_length=500,
        label="Variable",
        help_text='name=value, e.g. amount=21 or code="A-1"',
    )
    state = forms.ChoiceField(
        required=False,
        label="State",
        choices=[
            ("", "Any state"),
            (InstanceState.RUNNING, "Running (not suspended)"),
            (InstanceState.SUSPENDED, "Suspended"),
            (InstanceState.INCIDENTS, "With incidents"),
            (InstanceState.FINISHED, "Finished (from history)"),
        ],
    )
    started_after = _started_field("Started after")
    started_before = _started_field("Started before")

    def clean_variable(self) -> tuple[str, Any] | None:
        text: str = self.cleaned_data["variable"].strip()
        if not text:
            return None
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise forms.ValidationError('Write the variable as name=value, e.g. amount=21.')
        return name.strip(), parse_filter_value(value)

    def filters(self) -> dict[str, Any]:
        """The valid filters given (empty: every running instance)."""
        data = self.cleaned_data if self.is_valid() else self._valid_part()
        return {name: value for name, value in data.items() if value not in (None, "")}

    def finished(self) -> bool:
        return self.filters().get("state") == InstanceState.FINISHED

    def instances(self, definition_id: str) -> QuerySet[Any]:
        """The definition's running instances matching every valid filter, newest first; with
        the state `finished`, its ended instances from history, last ended first."""
        data = self.filters()
        variable = data.get("variable")
        state = data.get("state")
        if state == InstanceState.FINISHED:
            after, before = data.get("started_after"), data.get("started_before")
            return list_historic_process_instances(
                process_definition_id=definition_id,
                business_key=data.get("business_key") or None,
                variables=dict([variable]) if variable else None,
                finished=True,
                started_after=after and _aware(after),
                started_before=before and _aware(before),
            ).order_by("-end_time", "id")
        rows = list_process_instances(
            process_definition_id=definition_id,
            business_key=data.get("business_key") or None,
            variables=dict([variable]) if variable else None,
            suspended={InstanceState.RUNNING: False, InstanceState.SUSPENDED: True}.get(
                state or ""
            ),
            with_incident=True if state == InstanceState.INCIDENTS else None,
        )
        if data.get("started_after"):
            rows = rows.filter(start_time__gte=_aware(data["started_after"]))
        if data.get("started_before"):
            rows = rows.filter(start_time__lt=_aware(data["started_before"]))
        return rows.annotate(
            has_incident=Exists(Incident.objects.filter(process_instance_id=OuterRef("pk")))
        )

    def _valid_part(self) -> dict[str, Any]:
        # Fields that failed are dropped; the others still filter (errors are shown).
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}


def _aware(value: Any) -> Any:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class IncidentFilterForm(forms.Form):
    type = forms.CharField(required=False, max_length=32, label="Type")
    process = forms.CharField(required=False, max_length=255, label="Process key")
    activity = forms.CharField(required=False, max_length=255, label="Activity ID")
    message = forms.CharField(required=False, max_length=255, label="Message contains")

    def incidents(self, readable: Q) -> QuerySet[Incident]:
        """Open incidents matching the filters, of definitions `readable` (on `key`) allows."""
        data = self.cleaned_data if self.is_valid() else {}
        definitions = ProcessDefinition.objects.filter(readable)
        if data.get("process"):
            definitions = definitions.filter(key=data["process"])
        rows = Incident.objects.filter(process_definition_id__in=definitions.values("id"))
        if data.get("type"):
            rows = rows.filter(incident_type=data["type"])
        if data.get("activity"):
            rows = rows.filter(activity_id=data["activity"])
        if data.get("message"):
            rows = rows.filter(incident_message__icontains=data["message"])
        return rows.order_by("-timestamp", "id")

    def query_string(self) -> str:
        from urllib.parse import urlencode

        data = self.cleaned_data if self.is_valid() else {}
        return urlencode({k: v for k, v in data.items() if v})


def describe_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class StartedRangeForm(forms.Form):
    """The diagram's History and Heatmap range: activity instances started in it (after
    inclusive, before exclusive, as the instance list's filters); both optional."""

    started_after = _started_field("Started after")
    started_before = _started_field("Started before")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        after, before = data.get("started_after"), data.get("started_before")
        if after and before and _aware(after) >= _aware(before):
            raise forms.ValidationError("“Started after” must be earlier than “Started before”.")
        return data

    def bounds(self) -> dict[str, Any]:
        """`started_after`/`started_before` as aware datetimes (None when not given); call
        after is_valid()."""
        return {
            name: _aware(value) if value else None for name, value in self.cleaned_data.items()
        }

    def error_text(self) -> str:
        """Every error in one sentence per field, for a JSON error body."""
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else None
            parts += [f"{label}: {e}" if label else str(e) for e in errors]
        return " ".join(parts)
