"""Authorizations (Camunda ACT_RU_AUTHORIZATION) and the record of history cleanup runs."""

from __future__ import annotations

import uuid

from django.db import models

from identity.resources import ANY, RESOURCE_LABELS, Permission


class AuthorizationType(models.IntegerChoices):
    """Camunda's AUTH_TYPE_*: a global rule applies to every user; grant and revoke to one."""

    GLOBAL = 0, "Global"
    GRANT = 1, "Grant"
    REVOKE = 2, "Revoke"


def _new_id() -> str:
    return uuid.uuid4().hex


class Authorization(models.Model):
    """Who (user, group or everybody) may or may not do what on which resource.

    `permissions` is a list of permission names. For a REVOKE it lists what is taken away
    (Camunda stores the complement as bits; REST shows the names, as we store them).
    """

    id = models.CharField(primary_key=True, max_length=64, default=_new_id, editable=False)
    type = models.PositiveSmallIntegerField(choices=AuthorizationType.choices)
    user_id = models.CharField(max_length=150, null=True, blank=True)
    group_id = models.CharField(max_length=150, null=True, blank=True)
    resource_type = models.PositiveSmallIntegerField(
        choices=[(int(key), label) for key, label in RESOURCE_LABELS.items()]
    )
    resource_id = models.CharField(max_length=255, default=ANY)
    permissions = models.JSONField(default=list)
    removal_time = models.DateTimeField(null=True, blank=True)
    root_process_instance_id = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        constraints = [
            # Camunda's ACT_UNIQ_AUTH_USER / ACT_UNIQ_AUTH_GROUP.
            models.UniqueConstraint(
                fields=["type", "user_id", "resource_type", "resource_id"],
                condition=models.Q(user_id__isnull=False),
                name="authorization_unique_user",
            ),
            models.UniqueConstraint(
                fields=["type", "group_id", "resource_type", "resource_id"],
                condition=models.Q(group_id__isnull=False),
                name="authorization_unique_group",
            ),
            models.CheckConstraint(
                condition=models.Q(user_id__isnull=True) | models.Q(group_id__isnull=True),
                name="authorization_user_or_group",
            ),
        ]
        indexes = [
            models.Index(fields=["resource_type", "user_id"], name="authorization_user"),
            models.Index(fields=["resource_type", "group_id"], name="authorization_group"),
        ]

    def __str__(self) -> str:
        who = self.user_id if self.user_id is not None else f"group {self.group_id}"
        return f"{self.get_type_display()} {who} {self.resource_type}/{self.resource_id}"

    def grants(self, permission: str) -> bool:
        """Whether this rule names `permission` (ALL names every permission, NONE none)."""
        names = set(self.permissions)
        if Permission.NONE in names and len(names) == 1:
            return False
        return Permission.ALL in names or permission in names


class HistoryCleanupRun(models.Model):
    """One run of the history cleanup: when, why it stopped and what it removed."""

    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    instances_removed = models.PositiveIntegerField(default=0)
    # {"activities": n, "tasks": n, "variables": n, "details": n, "incidents": n}
    rows_removed = models.JSONField(default=dict)
    # Process definition keys whose instances were removed, with counts per key.
    removed_by_key = models.JSONField(default=dict)
    batches = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"cleanup {self.started:%Y-%m-%d %H:%M}: {self.instances_removed} instances"


class LoginAttempts(models.Model):
    """Failed logins in a row and until when the next one waits (Camunda's ATTEMPTS_ and
    LOCK_EXP_TIME_ on ACT_ID_USER): identity/lockout.py."""

    user = models.OneToOneField(
        "auth.User", related_name="login_attempts", on_delete=models.CASCADE, primary_key=True
    )
    attempts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.attempts}"


class GroupProfile(models.Model):
    """Camunda's group name and type; the group id is Django's `Group.name`."""

    group = models.OneToOneField(
        "auth.Group", related_name="profile", on_delete=models.CASCADE, primary_key=True
    )
    name = models.CharField(max_length=255, blank=True, default="")
    type = models.CharField(max_length=255, blank=True, default="")

    def __str__(self) -> str:
        return self.name


class Tenant(models.Model):
    """Camunda's tenant (ACT_ID_TENANT): an id and a name that users and groups belong to.

    A user sees the engine data of their tenants and of no tenant (Camunda's tenant check:
    identity/tenancy.py, docs/authorization.md).
    """

    id = models.CharField(primary_key=True, max_length=150)
    name = models.CharField(max_length=255, blank=True, default="")

    def __str__(self) -> str:
        return self.id


class TenantMembership(models.Model):
    """A user or a group in a tenant (Camunda's ACT_ID_TENANT_MEMBER); exactly one of them.

    The foreign keys cascade, so deleting a user, group or tenant removes its memberships,
    as Camunda's DbIdentityServiceProvider does for each of the three.
    """

    tenant = models.ForeignKey(Tenant, related_name="memberships", on_delete=models.CASCADE)
    user = models.ForeignKey(
        "auth.User", related_name="tenant_memberships", on_delete=models.CASCADE,
        null=True, blank=True,
    )
    group = models.ForeignKey(
        "auth.Group", related_name="tenant_memberships", on_delete=models.CASCADE,
        null=True, blank=True,
    )

    class Meta:
        constraints = [
            # Camunda's ACT_UNIQ_TENANT_MEMB_USER / ACT_UNIQ_TENANT_MEMB_GROUP.
            models.UniqueConstraint(
                fields=["tenant", "user"], condition=models.Q(user__isnull=False),
                name="tenant_membership_unique_user",
            ),
            models.UniqueConstraint(
                fields=["tenant", "group"], condition=models.Q(group__isnull=False),
                name="tenant_membership_unique_group",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) ^ models.Q(group__isnull=True),
                name="tenant_membership_user_xor_group",
            ),
        ]

    def __str__(self) -> str:
        member = self.user_id if self.user_id is not None else f"group {self.group_id}"
        return f"{member} in {self.tenant_id}"
