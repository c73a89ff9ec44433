"""What discovery holds about a patient, for privacy's export and erasure: saved searches."""

from typing import Any

from medijourney.accounts.models import User
from medijourney.privacy.portability import DataSource, register_data_source

from .models import SavedSearch


def saved_searches_export(patient: User) -> dict[str, Any]:
    rows = SavedSearch.objects.filter(owner=patient).order_by("created_at", "id")
    return {
        "saved_searches": [
            {"id": str(s.public_id), "label": s.label, "params": s.params, "saved_at": s.created_at} for s in rows
        ]
    }


def saved_searches_erase(patient: User) -> dict[str, int]:
    deleted, _ = SavedSearch.objects.filter(owner=patient).delete()
    return {"saved_searches": deleted}


register_data_source(DataSource(name="discovery", export=saved_searches_export, erase=saved_searches_erase))
