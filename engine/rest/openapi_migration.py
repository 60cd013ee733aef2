"""OpenAPI operations of `/migration` (engine/rest/migration.py, which holds their schemas)."""

from __future__ import annotations

from typing import Any

from engine.rest.openapi_errors import PLAN_INVALID
from engine.rest.openapi_runtime import _ERROR, _NO_CONTENT, _body, _json, _ref


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}
    # executing a plan that does not fit answers Camunda's MigrationPlanValidationExceptionDto
    executed = {**errors, "400": PLAN_INVALID}
    plan, execution = _body(_ref("MigrationPlanDto")), _body(_ref("MigrationExecutionDto"))
    return [
        Operation("migration/generate", "post", "generateMigrationPlan",
                  "A migration plan mapping the activities with equal ids",
                  {"200": _json(_ref("MigrationPlanDto")), **errors},
                  request_body=_body(_ref("MigrationPlanGenerationDto"))),
        Operation("migration/validate", "post", "validateMigrationPlan",
                  "Validate a migration plan against its definitions",
                  {"200": _json(_ref("MigrationPlanReportDto")), **errors}, request_body=plan),
        Operation("migration/execute", "post", "executeMigrationPlan",
                  "Migrate process instances, all or none", {**_NO_CONTENT, **executed},
                  request_body=execution),
        Operation("migration/executeAsync", "post", "executeMigrationPlanAsync",
                  "Migrate process instances in a batch, each on its own",
                  {"200": _json(_ref("BatchDto")), **executed}, request_body=execution),
    ]
