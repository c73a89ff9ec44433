"""The base model every domain model extends: a public UUID (the only id that leaves the
server), timestamps and who created the row."""

import uuid

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        abstract = True


class ScheduledJob(models.Model):
    """When each recurring job last ran and is next due (see core.scheduling)."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class RateLimitCounter(models.Model):
    """Requests counted per key and fixed time window (see core.ratelimit)."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField(help_text="Window number: unix time // period.")
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True, help_text="Unix time when the window ends.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="core_ratelimit_key_window_unique")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.count}"
