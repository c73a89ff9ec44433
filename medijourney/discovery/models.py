"""Discovery stores almost nothing: search, ranking, compare and the trip estimate are computed
from the catalogue and the network on every request.

The one table marks benchmark rows. ``manage.py make_synthetic_network N`` adds hospitals (with
accreditations and offers) that are invented for load tests; each gets a ``SyntheticHospital``
row. Search and compare never return them unless the bench-only setting
``DISCOVERY_INCLUDE_SYNTHETIC`` is on (and never in demo mode).

A signed-in patient may save a search: ``SavedSearch`` keeps the search's parameters (never its
results, which are computed afresh when it is opened, and never the free text typed).

``SearchChange`` is the search index's change log: database triggers (migration 0003) add a row
naming the hospital whenever a row the search reads changes (offers, hospitals, accreditations,
doctors, licences, specialties, synthetic markers; no hospital = reload everything). Each web
process's index (``discovery.search.index``) reads the rows it has not seen before every search."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medijourney.core.models import BaseModel


class SyntheticHospital(models.Model):
    hospital = models.OneToOneField("network.Hospital", on_delete=models.CASCADE, related_name="synthetic_marker")
    batch = models.CharField(max_length=40, help_text="The make_synthetic_network run that created it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"synthetic hospital {self.hospital_id} ({self.batch})"


class SavedSearch(BaseModel):
    """A patient's saved search: the GET parameters of /search/ (``SearchQuery.context_params``
    without the free text), and a label made from them when saved."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    label = models.CharField(_("name"), max_length=300)
    params = models.JSONField(_("search parameters"), default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.label


class SearchChange(models.Model):
    """One hospital whose searchable facts changed (written by triggers, never by Python code)."""

    id = models.BigAutoField(primary_key=True)
    hospital_id = models.BigIntegerField(null=True)  # None: reload everything
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"search change {self.id} (hospital {self.hospital_id})"
