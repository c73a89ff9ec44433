"""PostgreSQL restarted under intake load: clients post inquiries with Idempotency-Keys to gunicorn
and retry on any failure with the same key, while the throw-away cluster is (1) stopped with
pg_ctlcluster, left down for a few seconds and started again (a known outage), or (2) restarted
with ``pg_ctlcluster … restart`` twice (connections cut under requests in flight).

Asserts: every inquiry answered 201 is in the database, none is duplicated, every inquiry is
acknowledged in the end; while the database is down the web answers 503 with Retry-After (JSON
for /api/, a plain page for people) and never a 500; afterwards the same processes serve again."""

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .cluster import Cluster, app_env, free_port, gunicorn, http

INQUIRIES = 80
CLIENTS = 8


def body(i: int) -> bytes:
    return json.dumps(
        {
            "full_name": f"Restart Patient {i}",
            "email": f"restart{i}@faults.test",
            "phone": "+44 20 7946 0958",
            "country_of_residence": "GB",
            "passport_country": "GB",
            "preferred_language": "en",
            "need": "I lost two teeth and want dental implants.",
            "destinations": ["IN", "TH"],
            "budget_amount": "5000",
            "budget_currency": "USD",
            "consent": True,
        }
    ).encode()


@dataclass
class Run:
    """What the clients and the probe saw, and what the database holds afterwards."""

    statuses: dict[int, int] = field(default_factory=dict)
    answers: dict[str, set[str]] = field(default_factory=dict)  # Idempotency-Key -> references answered
    down_answers: list[tuple[str, int, str, str]] = field(default_factory=list)  # path, status, Retry-After, type
    stored: dict[str, int] = field(default_factory=dict)  # intake key -> rows
    duplicated: int = 0
    lost: list[str] = field(default_factory=list)

    def summary(self, fault: str) -> str:
        return (
            f"\nintake under {fault}: submitted {INQUIRIES}, acknowledged {len(self.answers)}, stored "
            f"{len(self.stored)}, duplicated {self.duplicated}, lost {len(self.lost)}; HTTP statuses "
            f"{dict(sorted(self.statuses.items()))}; answers during the fault: "
            f"{sorted({(p, s, r) for p, s, r, _ in self.down_answers})}"
        )


def intake_under(scratch: Cluster, fresh_db: str, media: Path, fault: Callable[[], None]) -> Run:
    """8 clients post 80 inquiries (retrying with their key) while ``fault`` runs; a probe reads an
    API list and a page throughout. Afterwards the same web processes must serve again."""
    db = fresh_db.rsplit("/", 1)[1]
    env = app_env(fresh_db, media, DATABASE_RETRY_AFTER_SECONDS="2")
    run = Run()
    lock = threading.Lock()
    stop_probe = threading.Event()
    outage = threading.Event()

    with gunicorn(env, free_port(), workers=2, threads=4) as base:

        def post(i: int) -> None:
            key = f"restart-{i}"
            for attempt in range(60):  # bounded: about a minute of retries at most
                status, _, raw = http(
                    "POST",
                    f"{base}/api/v1/inquiries",
                    body(i),
                    {"Content-Type": "application/json", "Idempotency-Key": key},
                    timeout=20,
                )
                with lock:
                    run.statuses[status] = run.statuses.get(status, 0) + 1
                if status == 201:
                    with lock:
                        run.answers.setdefault(key, set()).add(json.loads(raw)["reference"])
                    if i % 5 == 0 and attempt == 0:  # some clients re-send after the answer, as a timed-out one would
                        continue
                    return
                time.sleep(min(0.2 * (attempt + 1), 1.0))

        def probe() -> None:
            while not stop_probe.is_set():
                for path in ("/api/v1/hospitals", "/hospitals/"):
                    status, headers, _ = http("GET", f"{base}{path}", timeout=10)
                    if outage.is_set() and status not in (0, 200):
                        with lock:
                            run.down_answers.append(
                                (path, status, headers.get("Retry-After", ""), headers.get("Content-Type", ""))
                            )
                time.sleep(0.1)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            futures = [pool.submit(post, i) for i in range(INQUIRIES)]
            time.sleep(1.5)  # some inquiries are in, many are on their way
            outage.set()
            fault()
            outage.clear()
            for f in futures:
                f.result(timeout=180)
        stop_probe.set()
        prober.join(timeout=15)
        # The same web processes serve again, without a restart.
        assert http("GET", f"{base}/api/v1/hospitals")[0] == 200
        assert http("GET", f"{base}/hospitals/")[0] == 200

    run.stored = dict(
        scratch.execute(
            "SELECT key, count(*) FROM cases_intakerequest WHERE key LIKE 'api:restart-%%' AND case_id IS NOT NULL "
            "GROUP BY key",
            db,
        )
    )
    cases = scratch.execute("SELECT count(*) FROM cases_case WHERE email LIKE 'restart%%@faults.test'", db)[0][0]
    run.duplicated = (cases - len(run.stored)) + sum(1 for refs in run.answers.values() if len(refs) > 1)
    run.lost = [k for k in run.answers if f"api:{k}" not in run.stored]
    return run


def assert_nothing_lost_or_doubled(run: Run) -> None:
    assert run.lost == []
    assert run.duplicated == 0
    assert len(run.answers) == INQUIRIES  # every client got its 201 in the end, by retrying
    assert len(run.stored) == INQUIRIES
    assert 500 not in run.statuses
    # During the fault: 503 with Retry-After, JSON for the API and a page for people; never a 500.
    assert {s for _, s, _, _ in run.down_answers} <= {503}, run.down_answers
    for path, _, retry_after, content_type in run.down_answers:
        assert retry_after == "2"
        assert content_type.startswith("application/json" if path.startswith("/api/") else "text/html")


def test_intake_survives_postgres_stopped_and_started(scratch, fresh_db, media):
    """pg_ctlcluster stop -m fast, 4 s down, pg_ctlcluster start: a known outage."""

    def outage() -> None:
        scratch.ctl("stop", "-m", "fast")
        time.sleep(4)
        scratch.ctl("start")

    run = intake_under(scratch, fresh_db, media, outage)
    print(run.summary("stop, 4 s down, start"))
    assert_nothing_lost_or_doubled(run)
    assert [p for p, *_ in run.down_answers if p.startswith("/api/")]  # the API answered 503 while down ...
    assert [p for p, *_ in run.down_answers if not p.startswith("/api/")]  # ... and so did the pages
    assert run.statuses.get(503, 0) > 0  # some inquiries met the outage and were retried


def test_intake_survives_pg_ctlcluster_restart(scratch, fresh_db, media):
    """``pg_ctlcluster … restart`` (fast shutdown, then start), twice, as an operator applying a
    configuration change would: every open connection of the web processes is cut under them while
    requests are in flight; the outage itself lasts only as long as PostgreSQL's start."""

    def restarts() -> None:
        for _ in range(2):
            scratch.ctl("restart", "-m", "fast")
            time.sleep(1)

    run = intake_under(scratch, fresh_db, media, restarts)
    print(run.summary("pg_ctlcluster restart x2"))
    assert_nothing_lost_or_doubled(run)
