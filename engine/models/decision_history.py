"""Historic decision instances (Camunda ACT_HI_DECINST, ACT_HI_DEC_IN, ACT_HI_DEC_OUT).

One row per evaluated decision, by a business rule task or over REST, written at history level
full in the evaluating command's transaction; evaluating a decision of a DRD also records each
decision it required, pointing at the root's row (`root_decision_instance_id`). Rows name
their decision definition by id and key rather than by foreign key: history outlives a
deleted deployment.
"""

from __future__ import annotations

from django.db import models

from engine.models.tenancy import TenantScopedManager


class HistoricDecisionInstance(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    decision_definition_id = models.CharField(max_length=255)
    decision_definition_key = models.CharField(max_length=255)
    decision_definition_name = models.CharField(max_length=255, null=True, blank=True)
    evaluation_time = models.DateTimeField()
    removal_time = models.DateTimeField(null=True, blank=True)
    # The process fields are empty for an evaluation over REST (Camunda's decision service).
    process_definition_id = models.CharField(max_length=255, null=True, blank=True)
    process_definition_key = models.CharField(max_length=255, null=True, blank=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    root_process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    activity_id = models.CharField(max_length=255, null=True, blank=True)
    activity_instance_id = models.CharField(max_length=255, null=True, blank=True)
    # The aggregate of COLLECT with SUM/MIN/MAX/COUNT (Camunda keeps it as a double).
    collect_result_value = models.FloatField(null=True, blank=True)
    # Who evaluated it over REST; None when a process did (as Camunda).
    user_id = models.CharField(max_length=150, null=True, blank=True)
    tenant_id = models.CharField(max_length=64, null=True, blank=True)
    # Set on the decisions a root decision required; None on the root itself (as Camunda).
    root_decision_instance_id = models.CharField(max_length=64, null=True, blank=True)
    decision_requirements_definition_id = models.CharField(max_length=255, null=True,
                                                           blank=True)
    decision_requirements_definition_key = models.CharField(max_length=255, null=True,
                                                            blank=True)

    objects = TenantScopedManager(tenant="tenant_id")

    class Meta:
        indexes = [
            models.Index(fields=["root_decision_instance_id"], name="hi_dec_root"),
            models.Index(fields=["decision_definition_id"], name="hi_dec_definition"),
            models.Index(fields=["decision_definition_key"], name="hi_dec_key"),
            models.Index(fields=["process_instance_id"], name="hi_dec_instance"),
            models.Index(fields=["evaluation_time"], name="hi_dec_time"),
        ]

    def __str__(self) -> str:
        return self.id


class _DecisionValue(models.Model):
    """What an input and an output row share: the clause, the typed value, its place."""

    id = models.CharField(primary_key=True, max_length=64)
    position = models.PositiveIntegerField()  # the row's place within its instance
    clause_id = models.CharField(max_length=255, null=True, blank=True)
    clause_name = models.CharField(max_length=255, null=True, blank=True)
    type = models.CharField(max_length=16)
    value = models.JSONField(null=True)
    create_time = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["position"]


class HistoricDecisionInput(_DecisionValue):
    """The value of one input clause in one evaluation."""

    decision_instance = models.ForeignKey(
        HistoricDecisionInstance, related_name="inputs", on_delete=models.CASCADE
    )

    def __str__(self) -> str:
        return self.clause_id or self.id


class HistoricDecisionOutput(_DecisionValue):
    """One output value of one rule the hit policy kept (`rule_order` counts those from 1);
    a literal expression's one value has no clause and no rule (None, as Camunda)."""

    decision_instance = models.ForeignKey(
        HistoricDecisionInstance, related_name="outputs", on_delete=models.CASCADE
    )
    rule_id = models.CharField(max_length=255, null=True, blank=True)
    rule_order = models.PositiveIntegerField(null=True, blank=True)
    variable_name = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.variable_name
