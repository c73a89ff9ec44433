"""Fault tests: they restart PostgreSQL, kill workers and build a streaming replica, so they run
only in `make test-faults` (serial, marker ``faults``; the normal runs deselect them) and only on a
throw-away cluster of their own (tests/faults/cluster.py), never the main one on 5432. They need
root (pg_createcluster, runuser, mount); CI machines run as root."""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .cluster import Cluster, app_env, manage

SCRATCH_NAME = os.environ.get("FAULTS_PG_NAME", "mjfaults")  # its own name for parallel runs
SCRATCH_PORT = int(os.environ.get("FAULTS_PG_PORT", "5440"))
TEMPLATE_DB = "mj_faults_template"


def pytest_collection_modifyitems(items: list[Any]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def scratch() -> Iterator[Cluster]:
    if os.geteuid() != 0:
        pytest.skip("fault tests need root (a second PostgreSQL cluster, runuser); CI runs them as root")
    if shutil.which("pg_createcluster") is None:
        pytest.skip("fault tests need Debian's postgresql-common (pg_createcluster)")
    cluster = Cluster(SCRATCH_NAME, SCRATCH_PORT).create()
    try:
        # One migrated database; each test copies it (CREATE DATABASE … TEMPLATE) in a second.
        cluster.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
        media = Path(tempfile.mkdtemp(prefix="mj-faults-media-"))
        manage(app_env(cluster.url(TEMPLATE_DB), media), "migrate", "-v", "0")
        shutil.rmtree(media, ignore_errors=True)
        yield cluster
    finally:
        cluster.drop()


@pytest.fixture
def fresh_db(scratch: Cluster, request: Any) -> Iterator[str]:
    """A migrated database of this test's own on the scratch cluster; its URL."""
    name = "mj_f_" + request.node.name.removeprefix("test_")[:40]
    scratch.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    scratch.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')
    try:
        yield scratch.url(name)
    finally:
        # The cluster may be down after a failed restart test; it is dropped with it anyway.
        with contextlib.suppress(Exception):
            scratch.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media(tmp_path: Path) -> Path:
    path = tmp_path / "private"
    path.mkdir()
    return path
