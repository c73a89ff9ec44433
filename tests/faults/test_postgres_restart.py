"""PostgreSQL restarted under intake load: clients post inquiries with Idempotency-Keys to gunicorn
and retry on any failure with the same key, while the throw-away cluster is stopped with
pg_ctlcluster, left down for a few seconds, and started again (a restart with a known outage).

Asserts: every inquiry answered 201 is in the database, none is duplicated, every inquiry is
acknowledged in the end; while the database is down the web answers 503 with Retry-After (JSON
for /api/, a plain page for people) and never a 500; afterwards the same processes serve again."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .cluster import app_env, free_port, gunicorn, http

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


def test_intake_survives_a_postgres_restart(scratch, fresh_db, media):
    db = fresh_db.rsplit("/", 1)[1]
    env = app_env(fresh_db, media, DATABASE_RETRY_AFTER_SECONDS="2")
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    answers: dict[str, set[str]] = {}
    down_answers: list[tuple[str, int, str, str]] = []  # (path, status, Retry-After, content type)
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
                    statuses[status] = statuses.get(status, 0) + 1
                if status == 201:
                    with lock:
                        answers.setdefault(key, set()).add(json.loads(raw)["reference"])
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
                            down_answers.append(
                                (path, status, headers.get("Retry-After", ""), headers.get("Content-Type", ""))
                            )
                time.sleep(0.1)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            futures = [pool.submit(post, i) for i in range(INQUIRIES)]
            time.sleep(1.5)  # some inquiries are in, many are on their way
            outage.set()
            scratch.ctl("stop", "-m", "fast")
            time.sleep(4)
            scratch.ctl("start")
            outage.clear()
            for f in futures:
                f.result(timeout=180)
        stop_probe.set()
        prober.join(timeout=15)
        # The same web processes serve again, without a restart.
        assert http("GET", f"{base}/api/v1/hospitals")[0] == 200
        assert http("GET", f"{base}/hospitals/")[0] == 200

    stored = dict(
        scratch.execute(
            "SELECT key, count(*) FROM cases_intakerequest WHERE key LIKE 'api:restart-%%' AND case_id IS NOT NULL "
            "GROUP BY key",
            db,
        )
    )
    cases = scratch.execute("SELECT count(*) FROM cases_case WHERE email LIKE 'restart%%@faults.test'", db)[0][0]
    acknowledged = set(answers)
    duplicated = (cases - len(stored)) + sum(1 for refs in answers.values() if len(refs) > 1)
    lost = [k for k in acknowledged if f"api:{k}" not in stored]
    print(
        f"\nintake under restart: submitted {INQUIRIES}, acknowledged {len(acknowledged)}, stored {len(stored)}, "
        f"duplicated {duplicated}, lost {len(lost)}; HTTP statuses {dict(sorted(statuses.items()))}; "
        f"answers while down: {sorted({(p, s, r) for p, s, r, _ in down_answers})}"
    )
    assert lost == []
    assert duplicated == 0
    assert len(acknowledged) == INQUIRIES  # every client got its 201 in the end, by retrying
    assert len(stored) == INQUIRIES
    assert 500 not in statuses
    # While the database was down: 503 with Retry-After, JSON for the API and a page for people.
    assert {s for _, s, _, _ in down_answers} <= {503}, down_answers
    api = [(r, t) for p, s, r, t in down_answers if p.startswith("/api/")]
    pages = [(r, t) for p, s, r, t in down_answers if not p.startswith("/api/")]
    assert api and all(r == "2" and t.startswith("application/json") for r, t in api)
    assert pages and all(r == "2" and t.startswith("text/html") for r, t in pages)
    assert statuses.get(503, 0) > 0  # some inquiries met the outage and were retried
