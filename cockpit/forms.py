"""Forms of the cockpit's deployment pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from engine.bpmn.xml import DEFAULT_MAX_BYTES
from engine.models import ResourceType
from engine.services.deployment import ResourceInput, resource_type


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (Django's documented pattern for `multiple`)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        # Nothing chosen: the single-file clean raises "required" for None.
        return [single(data or None, initial)]


class DeployForm(forms.Form):
    name = forms.CharField(
        label="Deployment name",
        max_length=255,
        required=False,
        help_text="Optional; defaults to the first file's name.",
    )
    files = MultipleFileField(
        label="BPMN files",
        widget=MultipleFileInput(attrs={"accept": ".bpmn,.bpmn20.xml,.dmn,.form"}),
        error_messages={"required": "Choose at least one BPMN file to deploy."},
    )

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        for upload in files:
            # The engine keeps files of unknown type without reading them: a model named
            # `order.xml` would deploy nothing, so say so instead of succeeding silently.
            if resource_type(upload.name or "") is ResourceType.OTHER:
                raise forms.ValidationError(
                    f"'{upload.name}' is not a BPMN file: its name must end in .bpmn or "
                    ".bpmn20.xml (DMN: .dmn, forms: .form).",
                )
            # The parser refuses larger models anyway; refusing here avoids reading them.
            if upload.size is not None and upload.size > DEFAULT_MAX_BYTES:
                raise forms.ValidationError(
                    f"'{upload.name}' is {upload.size // (1024 * 1024)} MB; the largest model "
                    f"Legato accepts is {DEFAULT_MAX_BYTES // (1024 * 1024)} MB.",
                )
        return files

    def resources(self) -> list[ResourceInput]:
        return [
            ResourceInput(upload.name or "", upload.read()) for upload in self.cleaned_data["files"]
        ]

    def deployment_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if name:
            return name
        first: str = self.cleaned_data["files"][0].name or ""
        return first.rsplit(".bpmn", 1)[0] or first


class DeleteDeploymentForm(forms.Form):
    cascade = forms.BooleanField(
        label="Also delete running process instances of this deployment (cascade)",
        required=False,
    )
