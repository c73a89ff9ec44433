"""Fixtures shared by every app's tests."""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from medijourney.accounts.roles import STAFF_ROLES, Role
from medijourney.accounts.tests.factories import TEST_PASSWORD, UserFactory
from medijourney.testing.matrix import PermissionMatrix

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_sessionstart(session: pytest.Session) -> None:
    """The translation catalogues are compiled (Babel) before any test renders a page."""
    from medijourney.core.catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    """Every test (browser tests included) starts with empty per-process caches: discovery's
    reference snapshot and result memo. Rolled-back test data reuses ids, so a snapshot built by
    an earlier test in the same worker could otherwise look current."""
    from medijourney.core import i18n
    from medijourney.discovery import reference
    from medijourney.discovery.selectors import clear_caches

    reference.clear()
    clear_caches()
    i18n.clear()
    yield
    reference.clear()
    clear_caches()
    i18n.clear()


@pytest.fixture(autouse=True)
def _rate_limit_clock_still(monkeypatch: Any) -> None:
    """The rate limiter counts in fixed windows (5 minutes, an hour): a test that counts up to a
    limit must not straddle a window boundary, which happens on a slow machine. Within one test
    the limiter's clock stands still at one second past the start of the current hour (every
    configured period divides an hour); tests of the windows themselves pass ``now=``."""
    import time
    from types import SimpleNamespace

    from medijourney.core import ratelimit

    still = (time.time() // 3600) * 3600 + 1
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: still))


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    """Each test gets its own private media folder (documents, vault)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT},
        },
    }


@pytest.fixture(autouse=True)
def _staff_logins_pass_two_factor(monkeypatch: Any) -> None:
    """``client.force_login(staff_user)`` gives a fully signed-in session: password and second
    factor (a confirmed authenticator is created for the person). Tests of the two-factor flow
    itself pass ``otp=False``."""
    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None, *, otp: bool = True) -> None:
        original(self, user, backend)
        if otp and str(getattr(user, "role", "")) in STAFF_ROLES:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    def make(role: str | Role | None = Role.PATIENT, **kwargs: Any) -> Any:
        return UserFactory(role=str(role or Role.PATIENT), **kwargs)

    return make


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def matrix(make_user: Callable[..., Any]) -> PermissionMatrix:
    return PermissionMatrix(make_user)


@pytest.fixture
def run_tasks() -> Callable[[], None]:
    """Run the durable task queue until it is empty, as the real worker would."""

    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    def run(limit: int = 1000) -> int:
        # The real worker's run_task, driven inside the test's transaction (the worker loop itself
        # closes connections between tasks, which would end the test transaction on PostgreSQL).
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="pytest",
            excluded_queue_names=[],
        )
        ran = 0
        while ran < limit:
            with transaction.atomic():  # row locks need a transaction (transactional tests have none)
                result = DBTaskResult.objects.ready().get_locked()
                if result is not None:
                    result.claim(worker.worker_id)
            if result is None:
                return ran
            worker.run_task(result)
            ran += 1
        raise AssertionError(f"Task queue did not drain after {limit} tasks")

    return run


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package.")
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
