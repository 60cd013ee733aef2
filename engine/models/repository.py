"""Deployed things: deployments, their resources, process definitions (Camunda ACT_RE_*)."""

from __future__ import annotations

from django.db import models

from engine.models.tenancy import TenantScopedManager


class ResourceType(models.TextChoices):
    BPMN = "bpmn"
    DMN = "dmn"
    FORM = "form"
    OTHER = "other"


class Deployment(models.Model):
    """One atomic upload of resources (Camunda: ACT_RE_DEPLOYMENT)."""

    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=255, blank=True, default="")
    source = models.CharField(max_length=255, blank=True, default="")
    tenant_id = models.CharField(max_length=64, null=True, blank=True)
    deployment_time = models.DateTimeField()
    deployed_by = models.CharField(max_length=150, blank=True, default="")

    objects = TenantScopedManager(tenant="tenant_id")

    class Meta:
        indexes = [models.Index(fields=["name", "-deployment_time"], name="deployment_name_time")]

    def __str__(self) -> str:
        return f"{self.name or self.id}"


class Resource(models.Model):
    """A file of a deployment, kept byte for byte (the Modeler's XML is served back unchanged)."""

    id = models.CharField(primary_key=True, max_length=64)
    deployment = models.ForeignKey(Deployment, related_name="resources", on_delete=models.CASCADE)
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=8, choices=ResourceType.choices)
    content = models.BinaryField()
    content_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "name"], name="resource_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ProcessDefinition(models.Model):
    """One version of one process key (Camunda: ACT_RE_PROCDEF); id is `key:version:uuid`."""

    id = models.CharField(primary_key=True, max_length=255)
    key = models.CharField(max_length=255)
    name = models.CharField(max_length=255, null=True, blank=True)
    version = models.PositiveIntegerField()
    version_tag = models.CharField(max_length=255, null=True, blank=True)
    category = models.CharField(max_length=255, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    deployment = models.ForeignKey(
        Deployment, related_name="process_definitions", on_delete=models.CASCADE
    )
    resource_name = models.CharField(max_length=255)
    tenant_id = models.CharField(max_length=64, null=True, blank=True)
    suspended = models.BooleanField(default=False)
    history_time_to_live = models.PositiveIntegerField(null=True, blank=True)
    startable_in_tasklist = models.BooleanField(default=True)
    has_start_form = models.BooleanField(default=False)

    objects = TenantScopedManager(tenant="tenant_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=models.Q(tenant_id__isnull=True),
                name="procdef_unique_key_version",
            ),
            models.UniqueConstraint(
                fields=["key", "version", "tenant_id"],
                condition=models.Q(tenant_id__isnull=False),
                name="procdef_unique_tenant_key_version",
            ),
        ]
        indexes = [models.Index(fields=["key", "-version"], name="procdef_key_version")]

    def __str__(self) -> str:
        return self.id


class ProcessDefinitionStarter(models.Model):
    """A candidate starter of a definition: a user or a group its process names in
    `camunda:candidateStarterUsers`/`candidateStarterGroups` (Camunda keeps them as identity
    links of type candidate on the definition). They do not restrict who may start it (the
    CREATE_INSTANCE permission does); the `startableBy` query asks for them."""

    process_definition = models.ForeignKey(
        ProcessDefinition, related_name="candidate_starters", on_delete=models.CASCADE
    )
    user_id = models.CharField(max_length=255, null=True, blank=True)
    group_id = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        ordering = ["id"]  # as the process names them: users, then groups

    def __str__(self) -> str:
        return f"{self.user_id or self.group_id} may start {self.process_definition_id}"


class DecisionRequirementsDefinition(models.Model):
    """One version of a DMN file's decision requirements graph (Camunda: ACT_RE_DECISION_REQ_DEF);
    key = the `definitions` id, id `key:version:uuid`. Camunda keeps one for every DMN file
    with more than one decision; its decisions point to it."""

    id = models.CharField(primary_key=True, max_length=255)
    key = models.CharField(max_length=255)
    name = models.CharField(max_length=255, null=True, blank=True)
    version = models.PositiveIntegerField()
    category = models.CharField(max_length=255, null=True, blank=True)
    deployment = models.ForeignKey(
        Deployment, related_name="decision_requirements_definitions", on_delete=models.CASCADE
    )
    resource_name = models.CharField(max_length=255)
    tenant_id = models.CharField(max_length=64, null=True, blank=True)

    objects = TenantScopedManager(tenant="tenant_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=models.Q(tenant_id__isnull=True),
                name="drd_unique_key_version",
            ),
            models.UniqueConstraint(
                fields=["key", "version", "tenant_id"],
                condition=models.Q(tenant_id__isnull=False),
                name="drd_unique_tenant_key",
            ),
        ]
        indexes = [models.Index(fields=["key", "-version"], name="drd_key_version")]

    def __str__(self) -> str:
        return self.id


class DecisionDefinition(models.Model):
    """One version of one DMN decision (Camunda: ACT_RE_DECISION_DEF); id is `key:version:uuid`.
    A business rule task finds it by key (`camunda:decisionRef`) and binding."""

    id = models.CharField(primary_key=True, max_length=255)
    key = models.CharField(max_length=255)
    name = models.CharField(max_length=255, null=True, blank=True)
    version = models.PositiveIntegerField()
    version_tag = models.CharField(max_length=255, null=True, blank=True)
    category = models.CharField(max_length=255, null=True, blank=True)
    deployment = models.ForeignKey(
        Deployment, related_name="decision_definitions", on_delete=models.CASCADE
    )
    resource_name = models.CharField(max_length=255)
    tenant_id = models.CharField(max_length=64, null=True, blank=True)
    history_time_to_live = models.PositiveIntegerField(null=True, blank=True)
    # The DRD of its file, when the file holds more than one decision (as Camunda).
    decision_requirements_definition = models.ForeignKey(
        DecisionRequirementsDefinition, related_name="decisions", null=True, blank=True,
        on_delete=models.CASCADE,
    )
    decision_requirements_definition_key = models.CharField(max_length=255, null=True,
                                                            blank=True)

    objects = TenantScopedManager(tenant="tenant_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=models.Q(tenant_id__isnull=True),
                name="decisiondef_unique_key_version",
            ),
            models.UniqueConstraint(
                fields=["key", "version", "tenant_id"],
                condition=models.Q(tenant_id__isnull=False),
                name="decisiondef_unique_tenant_key",
            ),
        ]
        indexes = [models.Index(fields=["key", "-version"], name="decisiondef_key_version")]

    def __str__(self) -> str:
        return self.id


class EngineProperty(models.Model):
    """Named engine-wide values; the `deployment.lock` row serialises deployments (as Camunda)."""

    name = models.CharField(primary_key=True, max_length=64)
    value = models.CharField(max_length=255, blank=True, default="")

    def __str__(self) -> str:
        return self.name


class JobDefinition(models.Model):
    """How jobs of one activity of one definition are run (Camunda: ACT_RU_JOBDEF).

    Written at deployment; the id is derived from (definition, activity, job kind) by
    engine.runtime.job_definitions, so new jobs carry it without a read. Suspension and the
    overriding priority apply to jobs created from then on (and to existing ones on request).
    """

    id = models.CharField(primary_key=True, max_length=64)
    process_definition = models.ForeignKey(
        ProcessDefinition, related_name="job_definitions", on_delete=models.CASCADE
    )
    process_definition_key = models.CharField(max_length=255)
    activity_id = models.CharField(max_length=255)
    job_type = models.CharField(max_length=64)
    job_configuration = models.CharField(max_length=255, null=True, blank=True)
    suspended = models.BooleanField(default=False)
    overriding_job_priority = models.BigIntegerField(null=True, blank=True)
    tenant_id = models.CharField(max_length=64, null=True, blank=True)
    deployment_id = models.CharField(max_length=64, null=True, blank=True)

    objects = TenantScopedManager(tenant="tenant_id")

    class Meta:
        indexes = [
            models.Index(fields=["process_definition_key"], name="jobdef_key"),
        ]

    def __str__(self) -> str:
        return f"{self.job_type} {self.activity_id}"
