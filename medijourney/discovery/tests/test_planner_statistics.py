"""Planner statistics (``core.dbstats``): SQLite gathers none itself, and without them it reads the
search engine's change query by verification status (every verified accreditation and licence)
instead of by the hospitals that changed (measured on the real network: 0.70 ms a search without,
0.22 ms with; a network as small as a test's is scanned either way, so the plan is not asserted
here). ``statistics_refresh`` is run by the data-loading commands and, on SQLite, by a daily job;
on PostgreSQL the daily job leaves them to autovacuum."""

import pytest
from django.db import connection

from medijourney.core.dbstats import statistics_refresh
from medijourney.core.scheduling import registered_jobs
from medijourney.core.tasks import refresh_planner_statistics
from medijourney.discovery.tests.test_search_index import random_network
from medijourney.discovery.tests.world import build_world

pytestmark = pytest.mark.django_db


def test_statistics_refresh_records_statistics_for_the_searched_tables():
    random_network(build_world(), 5, seed=1)
    assert statistics_refresh() is True
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'network_offer'")
            assert cursor.fetchone()[0] > 0
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'network_offer'")
            assert cursor.fetchone()[0] >= 1  # -1 until analysed


def test_the_daily_job_analyses_sqlite_and_leaves_postgresql_to_autovacuum():
    assert "core.refresh_planner_statistics" in registered_jobs()
    assert refresh_planner_statistics.call() is (connection.vendor == "sqlite")
