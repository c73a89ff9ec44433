"""Discovery stores almost nothing: search, ranking, compare and the trip estimate are computed
from the catalogue and the network on every request.

The one table marks benchmark rows. ``manage.py make_synthetic_network N`` adds hospitals (with
accreditations and offers) that are invented for load tests; each gets a ``SyntheticHospital``
row. Search and compare never return them unless the bench-only setting
``DISCOVERY_INCLUDE_SYNTHETIC`` is on (and never in demo mode)."""

from django.db import models


class SyntheticHospital(models.Model):
    hospital = models.OneToOneField("network.Hospital", on_delete=models.CASCADE, related_name="synthetic_marker")
    batch = models.CharField(max_length=40, help_text="The make_synthetic_network run that created it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"synthetic hospital {self.hospital_id} ({self.batch})"
