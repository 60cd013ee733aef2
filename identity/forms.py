"""Forms of the admin pages: shapes and types only; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from identity.models import AuthorizationType
from identity.resources import RESOURCE_LABELS, Permission, Resource

RESOURCE_CHOICES = [(int(r), label) for r, label in RESOURCE_LABELS.items()]
ALL_PERMISSIONS = sorted(
    {name for name in vars(Permission) if name.isupper()} - {"NONE"},
    key=lambda name: (name != "ALL", name),
)


class UserCreateForm(forms.Form):
    user_id = forms.CharField(label="User id", max_length=150)
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    password = forms.CharField(label="Password", widget=forms.PasswordInput)
    password_again = forms.CharField(label="Password (again)", widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class ProfileForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", required=False)


class PasswordForm(forms.Form):
    new_password = forms.CharField(label="New password", widget=forms.PasswordInput)
    new_password_again = forms.CharField(label="New password (again)",
                                         widget=forms.PasswordInput)
    my_password = forms.CharField(
        label="Your current password", widget=forms.PasswordInput,
        help_text="Confirms that it is you making the change.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", "The two passwords differ.")
        return data


class GroupForm(forms.Form):
    group_id = forms.CharField(label="Group id", max_length=150)
    name = forms.CharField(label="Name", max_length=255, required=False)
    type = forms.CharField(label="Type", max_length=255, required=False,
                           help_text="Free text, e.g. WORKFLOW or SYSTEM (as Camunda).")


class MemberForm(forms.Form):
    member = forms.CharField(label="User id or group id", max_length=150)


class AuthorizationForm(forms.Form):
    type = forms.TypedChoiceField(label="Type", coerce=int, choices=AuthorizationType.choices,
                                  initial=AuthorizationType.GRANT)
    resource_type = forms.TypedChoiceField(label="Resource type", coerce=int,
                                           choices=RESOURCE_CHOICES,
                                           initial=int(Resource.PROCESS_DEFINITION))
    resource_id = forms.CharField(label="Resource id", max_length=255, initial="*",
                                  help_text="An id or key, or * for every resource.")
    identity_kind = forms.ChoiceField(label="For", choices=[("user", "User"), ("group", "Group")],
                                      widget=forms.RadioSelect, initial="group")
    identity_id = forms.CharField(label="User or group id", max_length=150,
                                  help_text="For a global authorization: *")
    permissions = forms.MultipleChoiceField(
        label="Permissions", choices=[(p, p) for p in ALL_PERMISSIONS],
        widget=forms.CheckboxSelectMultiple,
    )


class AuthorizationFilterForm(forms.Form):
    resource_type = forms.TypedChoiceField(
        label="Resource type", coerce=int, required=False, empty_value=None,
        choices=[("", "Any")] + RESOURCE_CHOICES,
    )
    identity = forms.CharField(label="User or group", required=False)
    type = forms.TypedChoiceField(label="Type", coerce=int, required=False, empty_value=None,
                                  choices=[("", "Any"), *AuthorizationType.choices])


class AuditFilterForm(forms.Form):
    after = forms.DateTimeField(label="From", required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    before = forms.DateTimeField(label="Until", required=False,
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    # as long as the ids they match can be (the export logs them with its operation)
    process_definition_key = forms.CharField(label="Process definition key", required=False,
                                             max_length=255)
    process_instance_id = forms.CharField(label="Process instance id", required=False,
                                          max_length=64)
    user_id = forms.CharField(label="User", required=False, max_length=150)


class TenantForm(forms.Form):
    tenant_id = forms.CharField(label="Tenant id", max_length=150)
    name = forms.CharField(label="Name", max_length=255, required=False)
