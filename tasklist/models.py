"""Tasklist rows: task comments and attachments, and saved task filters (Camunda's comment,
attachment and filter resources).

They refer to engine rows by id only: a comment or an attachment outlives its task (Camunda
keeps them in history), and a filter is a query, not a relation.
"""

from __future__ import annotations

from django.db import models


class TaskComment(models.Model):
    """A comment on a task (ACT_HI_COMMENT of type comment)."""

    task_id = models.CharField(max_length=64, db_index=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    user_id = models.CharField(max_length=150)
    time = models.DateTimeField()
    message = models.TextField()

    class Meta:
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.task_id}"


class TaskAttachment(models.Model):
    """A file or a link attached to a task (ACT_HI_ATTACHMENT): its bytes are kept here, a
    link only by its URL."""

    task_id = models.CharField(max_length=64, db_index=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    user_id = models.CharField(max_length=150, null=True, blank=True)
    time = models.DateTimeField()
    name = models.CharField(max_length=255, blank=True, default="")
    description = models.TextField(blank=True, default="")
    type = models.CharField(max_length=255, blank=True, default="")  # a media type, as sent
    url = models.TextField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.name or self.pk} on {self.task_id}"


class TaskFilter(models.Model):
    """A saved task query (Camunda's filter of resource type Task).

    `query` holds the tasklist's list filters as JSON (`tasklist.filters.check_query` says
    which); `properties` keeps what Camunda's filter properties hold besides description and
    priority (color, refresh, variables, ...), so that they round-trip over REST. The owner
    always sees a filter, other users when a share names them or one of their groups (a READ
    on the filter, as Camunda's Tasklist grants it) or an authorization does
    (`tasklist.filters`). Shares are rows, not a JSON list: SQLite, the embedded default,
    cannot query inside JSON arrays.
    """

    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    owner = models.CharField(max_length=150)
    query = models.JSONField(default=dict)
    priority = models.IntegerField(default=0)
    properties = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "name", "id"]

    def __str__(self) -> str:
        return self.name


class TaskFilterShare(models.Model):
    """READ on a filter for one user or one group."""

    filter = models.ForeignKey(TaskFilter, related_name="shares", on_delete=models.CASCADE)
    user_id = models.CharField(max_length=150, null=True, blank=True)
    group_id = models.CharField(max_length=150, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user_id"], name="filter_share_user"),
            models.Index(fields=["group_id"], name="filter_share_group"),
        ]

    def __str__(self) -> str:
        return f"{self.filter_id}: {self.user_id or self.group_id}"
