"""Discovery's writes: a patient's saved searches, and pruning the search index's change log."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.accounts.permissions import has_perm
from medijourney.core.audit import audit_record

from .models import SavedSearch, SearchChange
from .params import SearchQuery
from .permissions import can_delete_saved_search

SAVED_SEARCHES_MAX = 50  # per person; older ones must be deleted first


def saved_search_params(query: SearchQuery) -> dict[str, object]:
    """What is stored: the search's parameters without the free text (the procedure it chose is
    kept, so the saved search opens the same results without keeping words about a condition)."""
    params = dict(query.context_params())
    if query.procedure is not None:
        params.pop("q", None)
    return params


def saved_search_label(query: SearchQuery) -> str:
    name = query.procedure.name if query.procedure else _("Search")
    parts = [name]
    if query.origin_country_name:
        parts.append(_("from %(country)s") % {"country": query.origin_country_name})
    if query.destination:
        parts.append(_("to %(country)s") % {"country": query.destination})
    parts.append(query.currency)
    return " · ".join(parts)


def saved_search_create(*, owner: User, query: SearchQuery) -> SavedSearch:
    """Save a search for a signed-in patient. The same parameters saved twice give the one row."""
    if not has_perm(owner, "discovery.save_searches"):
        raise ValidationError(_("Only a signed-in patient can save searches."))
    if query.procedure is None:
        raise ValidationError({"procedure": _("Choose a treatment before saving the search.")})
    params = saved_search_params(query)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=owner.pk).first()  # one save at a time per person
        mine = SavedSearch.objects.filter(owner=owner)
        for existing in mine.only("id", "params", "label", "public_id", "created_at"):
            if existing.params == params:
                return existing
        if mine.count() >= SAVED_SEARCHES_MAX:
            raise ValidationError(
                _("You have %(n)d saved searches, the most we keep. Delete one first.") % {"n": SAVED_SEARCHES_MAX}
            )
        saved = SavedSearch(owner=owner, created_by=owner, label=saved_search_label(query)[:300], params=params)
        saved.full_clean()
        saved.save()
        audit_record(actor=owner, action="saved_search.create", obj=saved)
    return saved


def saved_search_delete(*, actor: User, saved: SavedSearch) -> None:
    if not can_delete_saved_search(actor, saved):
        raise ValidationError(_("This saved search is not yours."))
    with transaction.atomic():
        audit_record(actor=actor, action="saved_search.delete", obj=saved)
        saved.delete()


SEARCH_CHANGES_KEPT = datetime.timedelta(days=7)  # longer than any web process stays idle (index.MAX_IDLE)


def search_changes_prune(now: datetime.datetime | None = None) -> int:
    """Delete change-log rows older than ``SEARCH_CHANGES_KEPT``: every web process has read them
    (a process idle for longer than ``index.MAX_IDLE`` reads its procedures afresh). Returns how
    many were deleted."""
    before = (now or timezone.now()) - SEARCH_CHANGES_KEPT
    deleted, _by_model = SearchChange.objects.filter(created_at__lt=before).delete()
    return deleted
