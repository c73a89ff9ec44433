"""A db_worker killed with SIGKILL in the middle of a task: the task is put back in the queue by
the scheduler tick once the orphan timeout has passed, another worker runs it, and its effect
happens exactly once.

Two tasks are caught mid-way: the acknowledgement email of a new case (the worker is inside the
email backend's send, the outbox row locked and not yet marked sent) and the case's clock check
after its deadline (the worker is blocked on the case row, which the test holds locked). Both
workers are killed; two fresh workers finish the job. Orphan timeout 6 s, tick every 1 s."""

import json
import os
import signal
import subprocess
from datetime import timedelta
from pathlib import Path

import psycopg

from .cluster import PY, ROOT, app_env, wait_for

ORPHAN_SECONDS = 6


def worker(env: dict[str, str], worker_id: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.1", "--no-startup-delay",
         "--no-reload", "--worker-id", worker_id, "-v", "0"],
        cwd=ROOT, env=env,
    )  # fmt: skip


def scenario(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(
        [PY, "-m", "tests.faults.scenario", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def worker_setup(fresh_db: str, media: str, tmp_path: Path) -> tuple[dict[str, str], psycopg.Connection, Path]:
    """The environment for app processes on the throw-away cluster (emails written to a folder,
    a short orphan timeout, a 1 s scheduler tick), a connection to watch the tables, the mail folder."""
    mail = tmp_path / "mail"
    mail.mkdir()
    env = app_env(
        fresh_db,
        media,
        DJANGO_SETTINGS_MODULE="tests.faults.settings",
        FAULTS_MAIL_DIR=str(mail),
        TASKS_ORPHAN_SECONDS=str(ORPHAN_SECONDS),
        SCHEDULER_TICK_SECONDS="1",
    )
    conn = psycopg.connect(fresh_db.replace("postgres://", "postgresql://"), autocommit=True)
    return env, conn, mail


def stop_all(procs: list[subprocess.Popen], conn: psycopg.Connection) -> None:
    """SIGTERM every process still running (SIGKILL after 15 s), then close the connection."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    conn.close()


def claimed_twice(conn: psycopg.Connection) -> list[tuple]:
    """(task path, worker ids) of every task more than one worker claimed; each must be an orphan
    (a killed worker's id starts with "doomed")."""
    twice = conn.execute(
        "SELECT task_path, worker_ids FROM django_tasks_database_dbtaskresult WHERE jsonb_array_length(worker_ids) > 1"
    ).fetchall()
    assert all(w[0].startswith("doomed") for _, w in twice), twice
    return twice


def _task_status(conn: psycopg.Connection, clock_task: str, path: str) -> list[tuple]:
    if path.endswith("check_clock"):  # the one due now (intake also queued two for later)
        return conn.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s", (clock_task,)
        ).fetchall()
    return conn.execute(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path = %s", (path,)
    ).fetchall()


def _acks_sent(mail: Path) -> int:
    return sum("patient@faults.test" in p.read_text(errors="replace") for p in mail.glob("*.eml"))


def _kill_two_workers_mid_task(
    env: dict[str, str],
    fresh_db: str,
    conn: psycopg.Connection,
    mail: Path,
    case_id: int,
    clock_task: str,
    procs: list[subprocess.Popen],
) -> dict:
    """Two workers, one inside the email send and one blocked inside the clock check, SIGKILLed.
    Returns the orphaned tasks (id -> first claim)."""  # fmt: skip
    # The test holds the case row: the clock check will block on it, mid-task.
    holder = psycopg.connect(fresh_db.replace("postgres://", "postgresql://"))
    holder.execute("SELECT id FROM cases_case WHERE id = %s FOR UPDATE", (case_id,))
    doomed = [worker(env, "doomed-1"), worker(env, "doomed-2")]
    procs += doomed
    wait_for(lambda: (mail / "sending").exists(), 60, "a worker to be inside the email send")
    wait_for(
        lambda: any(s == "RUNNING" for s, _ in _task_status(conn, clock_task, "medijourney.cases.tasks.check_clock")),
        60,
        "a worker to be inside the clock check",
    )
    for proc in doomed:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    (mail / "slow").unlink()
    holder.rollback()
    holder.close()
    assert _acks_sent(mail) == 0, "the killed worker died before its acknowledgement email went out"
    # Both tasks are orphaned: RUNNING, claimed by a dead worker.
    orphans = dict(
        conn.execute(
            "SELECT id, started_at FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        ).fetchall()
    )
    assert len(orphans) == 2, orphans
    assert _task_status(conn, clock_task, "medijourney.cases.tasks.check_clock")[0][0] == "RUNNING"
    return orphans


def _rescue(env: dict[str, str], conn: psycopg.Connection, orphans: dict, procs: list[subprocess.Popen]) -> None:
    """Two fresh workers and the scheduler: each orphan runs again once the orphan timeout has passed."""
    procs += [worker(env, "rescue-1"), worker(env, "rescue-2")]
    subprocess.run([PY, "manage.py", "ensure_scheduler"], cwd=ROOT, env=env, check=True, timeout=60)

    def done() -> bool:
        running = conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE id = ANY(%s) AND status <> 'SUCCESSFUL'",
            (list(orphans),),
        ).fetchone()[0]
        unsent = conn.execute("SELECT count(*) FROM cases_notification WHERE sent_at IS NULL").fetchone()[0]
        return running == 0 and unsent == 0

    wait_for(done, ORPHAN_SECONDS + 60, "the orphaned tasks to be run again")
    first_tick = conn.execute(
        "SELECT min(finished_at) FROM django_tasks_database_dbtaskresult WHERE task_path LIKE '%%scheduler_tick'"
    ).fetchone()[0]
    for task_id, orphaned_at in orphans.items():
        rerun_at = conn.execute(
            "SELECT started_at FROM django_tasks_database_dbtaskresult WHERE id = %s", (task_id,)
        ).fetchone()[0]
        # Re-run as soon as the orphan timeout had passed and a tick had run (1 s ticks).
        ready = max(orphaned_at + timedelta(seconds=ORPHAN_SECONDS), first_tick)
        lag = (rerun_at - ready).total_seconds()
        print(
            f"orphaned task re-run {(rerun_at - orphaned_at).total_seconds():.1f} s after its first claim "
            f"(orphan timeout {ORPHAN_SECONDS} s; {lag:.1f} s after timeout and first tick)"
        )
        assert rerun_at >= orphaned_at + timedelta(seconds=ORPHAN_SECONDS)
        assert lag < 5


def _assert_ack_sent_once(conn: psycopg.Connection, mail: Path, clock_task: str) -> None:
    """The acknowledgement email: sent exactly once, its outbox row marked sent once."""
    ack = conn.execute("SELECT to_email, sent_at, attempts FROM cases_notification WHERE kind = 'ack'").fetchall()
    assert len(ack) == 1 and ack[0][1] is not None and ack[0][2] == 1
    assert _acks_sent(mail) == 1
    files = sorted(p.name for p in mail.glob("*.eml"))
    assert files and all(name.endswith("-0.eml") for name in files), f"an email was sent twice: {files}"
    sent_rows = conn.execute("SELECT count(*) FROM cases_notification WHERE sent_at IS NOT NULL").fetchone()[0]
    assert len(files) == sent_rows  # one file per outbox row, no more
    # The deliver task of the ack was claimed by a killed worker, then by a rescuer.
    deliver = _task_status(conn, clock_task, "medijourney.cases.tasks.deliver_notification")
    deliver_workers = [w for s, w in deliver if len(w) > 1]
    assert (
        deliver_workers and deliver_workers[0][0].startswith("doomed") and deliver_workers[0][-1].startswith("rescue")
    )


def _assert_escalated_once(conn: psycopg.Connection, case_id: int) -> None:
    """The clock escalation: recorded once, one breach email per person; no task ran twice to completion."""
    breaches = conn.execute(
        "SELECT count(*) FROM cases_caseevent WHERE case_id = %s AND kind = 'clock_breached'", (case_id,)
    ).fetchone()[0]
    assert breaches == 1
    breach_mails = conn.execute("SELECT key FROM cases_notification WHERE kind = 'clock_breach'").fetchall()
    assert len(breach_mails) == len({k for (k,) in breach_mails}) >= 1
    assert conn.execute("SELECT clock_breached_at IS NOT NULL FROM cases_case WHERE id = %s", (case_id,)).fetchone()[0]
    claimed_twice(conn)  # a task claimed twice is only an orphaned one


def test_killed_worker_task_runs_again_once(fresh_db, media, tmp_path):
    env, conn, mail = worker_setup(fresh_db, media, tmp_path)
    (mail / "slow").write_text("patient@faults.test\n")  # the acknowledgement email is the slow one
    procs: list[subprocess.Popen] = []
    try:
        case_id = scenario(env, "seed_case")["case_id"]
        clock_task = scenario(env, "clock_due_now", str(case_id))["task_id"]
        orphans = _kill_two_workers_mid_task(env, fresh_db, conn, mail, case_id, clock_task, procs)
        _rescue(env, conn, orphans, procs)
        _assert_ack_sent_once(conn, mail, clock_task)
        _assert_escalated_once(conn, case_id)
    finally:
        stop_all(procs, conn)
