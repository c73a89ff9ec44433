"""A db_worker killed with SIGKILL in the middle of sending follow-up check-ins: the tasks it held
are put back in the queue by the scheduler tick once the orphan timeout has passed, other workers
run them, and every due check-in is sent exactly once: none lost, none twice.

Three patients home from a knee replacement, five check-ins due now (each one's sending a durable
``send_check_in`` job queued when the follow-up was scheduled), the others due later. Two tasks are
caught mid-way: the check-in email of the first patient (the worker is inside the email backend's
send, the outbox row locked and not yet marked sent: the kill loses the send, which must not be
lost) and the sending of another patient's day-7 check-in, killed in the worst window: its
transaction (marked sent, email queued in the outbox, reminder and overdue jobs queued, timeline)
has committed but the task is not yet marked done (the test holds the check-in row until the
worker waits on it, then the task's row), so the re-run must send nothing twice. Both workers are
killed; two fresh
workers and the scheduler (whose 15-minute follow-up sweep also runs at once) finish the job.
Orphan timeout 6 s, tick every 1 s. Modelled on test_worker_kill.py."""

import email
import os
import signal
import subprocess
from collections import Counter
from datetime import timedelta
from pathlib import Path

import psycopg

from .cluster import PY, ROOT, wait_for
from .test_worker_kill import claimed_twice, scenario, stop_all, worker, worker_setup

ORPHAN_SECONDS = 6
SEND = "medijourney.aftercare.tasks.send_check_in"
DELIVER = "medijourney.cases.tasks.deliver_notification"


def _body(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes())
    part = message.get_payload(decode=True)
    return part.decode() if isinstance(part, bytes) else str(message.get_payload())


def _emails_per_check_in(mail: Path, public_ids: list[str]) -> Counter[str]:
    """How many emails went out naming each check-in's link."""
    counts: Counter[str] = Counter()
    for path in mail.glob("*.eml"):
        body = _body(path)
        counts.update(pid for pid in public_ids if f"/{pid}/" in body)
    return counts


def _send_task_status(conn: psycopg.Connection, check_in_id: int) -> list[tuple]:
    return conn.execute(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = %s AND (args_kwargs->'kwargs'->>'check_in_id')::int = %s",
        (SEND, check_in_id),
    ).fetchall()


def _blocked_marking_done(conn: psycopg.Connection) -> bool:
    return bool(
        conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'UPDATE \"django_tasks_database_dbtaskresult\"%%'"
        ).fetchone()[0]
    )


def _activity(conn: psycopg.Connection) -> str:
    """What every other backend and every task is doing: printed when a wait times out."""
    backends = conn.execute(
        "SELECT pid, state, wait_event_type, wait_event, pg_blocking_pids(pid), left(query, 160) "
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchall()
    tasks = conn.execute(
        "SELECT id, task_path, status, worker_ids, args_kwargs FROM django_tasks_database_dbtaskresult "
        "WHERE status <> 'SUCCESSFUL' OR finished_at > now() - interval '2 minutes' ORDER BY id"
    ).fetchall()
    return "backends:\n" + "\n".join(map(str, backends)) + "\ntasks:\n" + "\n".join(map(str, tasks))


def _kill_two_workers_mid_sending(
    env: dict[str, str],
    fresh_db: str,
    conn: psycopg.Connection,
    mail: Path,
    slow_public_id: str,
    held_check_in: int,
    procs: list[subprocess.Popen],
) -> dict:
    """Two workers SIGKILLed: one inside a check-in's email send (before the outbox row is marked
    sent), one after its check-in's sending committed but before its task was marked done (the
    window where a re-run could send twice). Returns the orphaned tasks (id -> first claim)."""
    url = fresh_db.replace("postgres://", "postgresql://")
    row_holder, task_holder = psycopg.connect(url), psycopg.connect(url)
    row_holder.execute("SELECT id FROM aftercare_checkin WHERE id = %s FOR UPDATE", (held_check_in,))
    doomed = [worker(env, "doomed-1"), worker(env, "doomed-2")]
    procs += doomed
    wait_for(lambda: (mail / "sending").exists(), 60, "a worker to be inside a check-in's email send")
    wait_for(
        lambda: any(s == "RUNNING" for s, _ in _send_task_status(conn, held_check_in)),
        60,
        "a worker to be inside the sending of the held check-in",
    )
    # Hold the task's own row, then let the sending go on: it commits, then waits to mark the task done.
    task_holder.execute(
        "SELECT id FROM django_tasks_database_dbtaskresult WHERE task_path = %s "
        "AND (args_kwargs->'kwargs'->>'check_in_id')::int = %s FOR UPDATE",
        (SEND, held_check_in),
    )
    row_holder.rollback()
    try:
        wait_for(
            lambda: (
                conn.execute("SELECT status FROM aftercare_checkin WHERE id = %s", (held_check_in,)).fetchone()[0]
                == "sent"
            ),
            30,
            "the held check-in's sending to commit",
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{_activity(conn)}") from None
    wait_for(lambda: _blocked_marking_done(conn), 30, "the worker to wait to mark its task done")
    for proc in doomed:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    # A backend waiting on a lock does not notice that its client died (client_connection_check_interval
    # is off by default) and would still mark the task done once the lock is free: end it, as a crash
    # of the worker's machine would, so the task stays RUNNING like a task whose worker died first.
    conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND query LIKE 'UPDATE \"django_tasks_database_dbtaskresult\"%%'"
    )
    (mail / "slow").unlink()
    task_holder.rollback()
    row_holder.close()
    task_holder.close()
    assert _emails_per_check_in(mail, [slow_public_id])[slow_public_id] == 0, "killed before its email went out"
    orphans = dict(
        conn.execute(
            "SELECT id, started_at FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        ).fetchall()
    )
    assert len(orphans) == 2, orphans
    paths = {p for (p,) in conn.execute(
        "SELECT task_path FROM django_tasks_database_dbtaskresult WHERE id = ANY(%s)", (list(orphans),)
    ).fetchall()}  # fmt: skip
    assert paths == {SEND, DELIVER}, paths
    assert _send_task_status(conn, held_check_in)[0][0] == "RUNNING"  # its effect committed, the task not done
    return orphans


def _rescue(
    env: dict[str, str], conn: psycopg.Connection, orphans: dict, due: dict[str, int], procs: list[subprocess.Popen]
) -> None:
    """Two fresh workers and the scheduler: each orphan runs again once the orphan timeout has passed."""
    procs += [worker(env, "rescue-1"), worker(env, "rescue-2")]
    subprocess.run([PY, "manage.py", "ensure_scheduler"], cwd=ROOT, env=env, check=True, timeout=60)

    def done() -> bool:
        running = conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE id = ANY(%s) AND status <> 'SUCCESSFUL'",
            (list(orphans),),
        ).fetchone()[0]
        unsent_mail = conn.execute("SELECT count(*) FROM cases_notification WHERE sent_at IS NULL").fetchone()[0]
        unsent = conn.execute(
            "SELECT count(*) FROM aftercare_checkin WHERE id = ANY(%s) AND status <> 'sent'", (list(due.values()),)
        ).fetchone()[0]
        return running == 0 and unsent_mail == 0 and unsent == 0

    wait_for(done, ORPHAN_SECONDS + 60, "the orphaned tasks to be run again")
    first_tick = conn.execute(
        "SELECT min(finished_at) FROM django_tasks_database_dbtaskresult WHERE task_path LIKE '%%scheduler_tick'"
    ).fetchone()[0]
    for task_id, orphaned_at in orphans.items():
        rerun_at, workers = conn.execute(
            "SELECT started_at, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s", (task_id,)
        ).fetchone()
        ready = max(orphaned_at + timedelta(seconds=ORPHAN_SECONDS), first_tick)
        lag = (rerun_at - ready).total_seconds()
        print(
            f"orphaned task re-run {(rerun_at - orphaned_at).total_seconds():.1f} s after its first claim "
            f"(orphan timeout {ORPHAN_SECONDS} s; {lag:.1f} s after timeout and first tick)"
        )
        assert rerun_at >= orphaned_at + timedelta(seconds=ORPHAN_SECONDS)
        assert lag < 5
        assert workers[0].startswith("doomed") and workers[-1].startswith("rescue"), workers


def _assert_each_sent_once(conn: psycopg.Connection, mail: Path, due: dict[str, int], later: list[int]) -> None:
    """Every due check-in: sent, one outbox row sent once, one email, one timeline entry, one
    reminder and one overdue job queued. The later ones: untouched."""
    for public_id, pk in due.items():
        status, sent_at = conn.execute("SELECT status, sent_at FROM aftercare_checkin WHERE id = %s", (pk,)).fetchone()
        assert status == "sent" and sent_at is not None
        rows = conn.execute(
            "SELECT sent_at, attempts FROM cases_notification WHERE key = %s", (f"check_in:{public_id}",)
        ).fetchall()
        assert len(rows) == 1 and rows[0][0] is not None and rows[0][1] == 1, rows
        for path in ("medijourney.aftercare.tasks.remind_check_in", "medijourney.aftercare.tasks.overdue_check_in"):
            queued = conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = %s AND (args_kwargs->'kwargs'->>'check_in_id')::int = %s",
                (path, pk),
            ).fetchone()[0]
            assert queued == 1, (path, pk, queued)
    emails = _emails_per_check_in(mail, list(due))
    assert emails == Counter(dict.fromkeys(due, 1)), f"lost or doubled check-in emails: {emails}"
    assert len(list(mail.glob("*.eml"))) == len(due)  # the set-up's emails had gone out before
    events = conn.execute(
        "SELECT case_id, data->>'day', count(*) FROM cases_caseevent WHERE kind = 'check_in_sent' GROUP BY 1, 2"
    ).fetchall()
    assert len(events) == len(due) and all(n == 1 for _c, _d, n in events), events
    stages = conn.execute(
        "SELECT case_id, count(*) FROM cases_caseevent WHERE kind = 'stage_changed' AND data->>'to' = 'follow_up' "
        "GROUP BY 1"
    ).fetchall()
    assert len(stages) == 3 and all(n == 1 for _c, n in stages), stages  # home -> follow-up once per case
    untouched = conn.execute(
        "SELECT count(*) FROM aftercare_checkin WHERE id = ANY(%s) AND status = 'scheduled' AND sent_at IS NULL",
        (later,),
    ).fetchone()[0]
    assert untouched == len(later)
    twice = claimed_twice(conn)
    assert len(twice) == 2, twice  # the two orphans, and nothing else


def test_killed_worker_mid_sending_check_ins_loses_none_sends_none_twice(fresh_db, media, tmp_path):
    env, conn, mail = worker_setup(fresh_db, media, tmp_path)
    procs: list[subprocess.Popen] = []
    try:
        patients = scenario(env, "seed_check_ins")["patients"]
        first, second = patients[0], patients[1]
        assert len(first["due"]) == 1  # its one email is the slow one, so only one worker waits in it
        (mail / "slow").write_text(first["email"] + "\n")
        due = {pid: pk for p in patients for pid, pk in p["due"].items()}
        later = [pk for p in patients for pk in p["later"]]
        assert len(due) == 5 and later
        held = max(second["due"].values())  # the second patient's day 7
        orphans = _kill_two_workers_mid_sending(env, fresh_db, conn, mail, next(iter(first["due"])), held, procs)
        _rescue(env, conn, orphans, due, procs)
        _assert_each_sent_once(conn, mail, due, later)
    finally:
        stop_all(procs, conn)
