"""Discovery's recurring job: pruning the search index's change log (daily)."""

from datetime import timedelta

from django_tasks import task

from medijourney.core.scheduling import register_job

from .services import search_changes_prune


@task()
def prune_search_changes() -> int:
    """Idempotent: deletes only rows older than a week."""
    return search_changes_prune()


register_job("discovery.prune_search_changes", prune_search_changes, every=timedelta(days=1))
