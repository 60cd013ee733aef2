"""`GET` and `POST /identity/password-policy` (Camunda's IdentityRestService): the rules a new
password must fulfil, and a candidate password checked against them. With no rule configured
the policy is off, and Camunda answers both with an empty 404."""

from __future__ import annotations

from django.contrib.auth.models import User
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import BadRequestError
from identity.password_policy import PolicyRule, check_password, policy_rules
from identity.rest.base import CamundaView, body, member_object


def _rule_dto(rule: PolicyRule) -> dict[str, object]:
    return {"placeholder": rule.placeholder, "parameter": rule.parameter}


class PasswordPolicy(CamundaView):
    """GET: PasswordPolicyDto `{rules}`; POST `{password, profile}`: CheckPasswordPolicyResultDto
    `{rules: [{placeholder, parameter, valid}], valid}`, the fulfilled rules first."""

    def get(self, request: Request) -> Response:
        rules = policy_rules()
        if not rules:
            return Response(status=404)
        return Response({"rules": [_rule_dto(rule) for rule in rules]})

    def post(self, request: Request) -> Response:
        data = body(request)
        password = data.get("password")
        if not isinstance(password, str):
            raise BadRequestError("'password' must be a text")
        profile = member_object(data, "profile")
        if not policy_rules():
            return Response(status=404)
        # An unsaved user carries the profile for the rule on user data (Camunda's newUser).
        user = User(
            username=str(profile.get("id") or ""),
            first_name=str(profile.get("firstName") or ""),
            last_name=str(profile.get("lastName") or ""),
            email=str(profile.get("email") or ""),
        ) if profile else None
        checked = check_password(password, user)
        ordered = [c for c in checked if c[1]] + [c for c in checked if not c[1]]
        return Response({
            "rules": [{**_rule_dto(rule), "valid": valid} for rule, valid in ordered],
            "valid": all(valid for _, valid in checked),
        })
