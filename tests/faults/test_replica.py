"""Read replica, for real: a streaming hot standby (pg_basebackup of the throw-away primary) and
gunicorn with DATABASE_REPLICA_URL. Replay on the standby is paused so that it visibly lags; then:

* catalogue reads (the procedure page and its API) are served from the replica: a procedure added
  on the primary after the pause is not there yet;
* a browser that has just written (the pin cookie) and every page that is not a replica page read
  the primary and see it at once; writes (an inquiry) go to the primary while the replica lags;
* when replay resumes the replica catches up; when the replica is stopped the same pages are
  answered from the primary (no error)."""

import json
import time

from .cluster import Replica, app_env, free_port, gunicorn, http, wait_for

INQUIRY = {
    "full_name": "Replica Test",
    "email": "replica.test@example.org",
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


def add_procedure(scratch, db: str, slug: str) -> None:
    scratch.execute(
        "INSERT INTO catalog_specialty (id, name, definition, position) VALUES ('replica-test', 'Replica test', '', 99)"
        " ON CONFLICT DO NOTHING",
        db,
    )
    scratch.execute(
        "INSERT INTO catalog_procedure (slug, name, specialty_id, synonyms, description, stay_source)"
        " VALUES (%s, %s, 'replica-test', '[]', '', 'editorial estimate')",
        db,
        (slug, f"Procedure {slug}"),
    )


def test_replica_serves_lagging_reads_and_primary_everything_else(scratch, fresh_db, media):
    db = fresh_db.rsplit("/", 1)[1]
    replica = Replica(scratch, free_port()).create()
    try:
        add_procedure(scratch, db, "before-pause")
        wait_for(
            lambda: replica.execute("SELECT 1 FROM catalog_procedure WHERE slug = 'before-pause'", db),
            30,
            "the replica to receive the first procedure",
        )
        env = app_env(fresh_db, media, DATABASE_REPLICA_URL=replica.url(db), REPLICA_RETRY_SECONDS="1")
        with gunicorn(env, free_port(), workers=1, threads=2) as base:
            assert http("GET", f"{base}/api/v1/procedures/before-pause")[0] == 200

            replica.execute("SELECT pg_wal_replay_pause()")
            add_procedure(scratch, db, "after-pause")
            time.sleep(0.5)
            # Served by the lagging replica: the new procedure is not there yet.
            assert http("GET", f"{base}/api/v1/procedures/after-pause")[0] == 404
            assert http("GET", f"{base}/procedures/after-pause/")[0] == 404
            # The search page runs its prepared queries on the replica too.
            assert http("GET", f"{base}/search/?procedure=before-pause")[0] == 200
            # A browser that just wrote reads the primary.
            pinned = {"Cookie": "mj_primary=1"}
            assert http("GET", f"{base}/api/v1/procedures/after-pause", headers=pinned)[0] == 200
            # Writes go to the primary while the replica lags (the replica is read-only: a write
            # sent there would fail with 500, not 201).
            status, headers, body = http(
                "POST",
                f"{base}/api/v1/inquiries",
                json.dumps(INQUIRY).encode(),
                {"Content-Type": "application/json", "Idempotency-Key": "replica-test-1"},
            )
            assert status == 201, body[:300]
            assert "mj_primary=" in headers.get("Set-Cookie", "")
            reference = json.loads(body)["reference"]
            assert scratch.execute("SELECT 1 FROM cases_case WHERE reference = %s", db, (reference,))

            replica.execute("SELECT pg_wal_replay_resume()")
            wait_for(
                lambda: http("GET", f"{base}/api/v1/procedures/after-pause")[0] == 200, 30, "the replica to catch up"
            )

            replica.stop()
            # Replica gone: the same pages are answered from the primary.
            for _ in range(3):
                status = http("GET", f"{base}/api/v1/procedures/after-pause")[0]
                assert status == 200
            assert http("GET", f"{base}/procedures/")[0] == 200
            assert http("GET", f"{base}/search/?procedure=before-pause")[0] == 200
    finally:
        replica.stop()
