"""Legato's password policy, described as Camunda's: the Django password validators that
AUTH_PASSWORD_VALIDATORS configures (and that accounts.py applies to every new password) are
its rules. Each validator is named by the placeholder Camunda gives the same rule
(`PASSWORD_POLICY_LENGTH` with `minLength`, `PASSWORD_POLICY_USER_DATA`); validators Camunda
has no rule for get a Legato placeholder of the same form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

# Django validator class -> Camunda's placeholder for the rule it enforces.
_PLACEHOLDERS = {
    "MinimumLengthValidator": "PASSWORD_POLICY_LENGTH",
    "UserAttributeSimilarityValidator": "PASSWORD_POLICY_USER_DATA",
    "CommonPasswordValidator": "PASSWORD_POLICY_COMMON",
    "NumericPasswordValidator": "PASSWORD_POLICY_NOT_NUMERIC",
}


@dataclass(frozen=True)
class PolicyRule:
    placeholder: str
    parameter: dict[str, str] | None
    validator: Any


def policy_rules() -> list[PolicyRule]:
    """The rules in force; none when no validator is configured (the policy is off)."""
    rules = []
    for validator in password_validation.get_default_password_validators():
        name = type(validator).__name__
        placeholder = _PLACEHOLDERS.get(name, f"PASSWORD_POLICY_{name.upper()}")
        parameter = None
        if name == "MinimumLengthValidator":
            parameter = {"minLength": str(validator.min_length)}
        rules.append(PolicyRule(placeholder, parameter, validator))
    return rules


def check_password(password: str, user: User | None = None) -> list[tuple[PolicyRule, bool]]:
    """Each rule with whether `password` (for `user`, unsaved: its profile) fulfils it."""
    checked = []
    for rule in policy_rules():
        try:
            rule.validator.validate(password, user)
            fulfilled = True
        except ValidationError:
            fulfilled = False
        checked.append((rule, fulfilled))
    return checked
