"""Throw-away PostgreSQL clusters and app processes for the fault tests.

Never touches the main cluster on 5432: the primary here is a second Debian cluster
(``pg_createcluster``) on its own port in a temporary directory, the replica a ``pg_basebackup`` of
it started with ``pg_ctl``; both are stopped and deleted afterwards. Needs root (CI machines are)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def pg_version() -> str:
    return sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: [int(x) for x in v.split(".")])[-1]


def pg_bin(name: str) -> str:
    return f"/usr/lib/postgresql/{pg_version()}/bin/{name}"


def run(cmd: list[str], timeout: float = 120, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Cluster:
    """A Debian cluster made with pg_createcluster: ``restart()`` uses pg_ctlcluster like an operator."""

    def __init__(self, name: str, port: int) -> None:
        self.name, self.port, self.version = name, port, pg_version()
        self.base = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        self.base.chmod(0o755)
        self.datadir = self.base / "data"

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def create(self) -> "Cluster":
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name], capture_output=True, timeout=60)
        run(
            ["pg_createcluster", self.version, self.name, "-p", str(self.port), "-d", str(self.datadir),
             "--start-conf=manual", "--", "--auth=trust", "--no-sync"]
        )  # fmt: skip
        self.ctl("start")
        return self

    def ctl(self, action: str, *extra: str) -> None:
        run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *extra], timeout=90)
        if action in ("start", "restart"):
            self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        wait_for(
            lambda: subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)]).returncode == 0,
            timeout,
            f"PostgreSQL on {self.port}",
        )

    def execute(self, sql: str, db: str = "postgres", params: Any = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url(db), autocommit=True, connect_timeout=5) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name], capture_output=True, timeout=60)
        shutil.rmtree(self.base, ignore_errors=True)


class Replica:
    """A streaming hot standby of ``primary``: pg_basebackup -R, then pg_ctl start on its own port."""

    def __init__(self, primary: Cluster, port: int) -> None:
        self.primary, self.port = primary, port
        self.datadir = primary.base / "replica"

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def create(self) -> "Replica":
        self.datadir.mkdir(mode=0o700)
        shutil.chown(self.datadir, "postgres")
        run(["runuser", "-u", "postgres", "--", "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port),
             "-U", "postgres", "-D", str(self.datadir), "-R", "-X", "stream", "-c", "fast"])  # fmt: skip
        (self.datadir / "postgresql.conf").write_text(
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.datadir}'\n"
            "hot_standby = on\nshared_buffers = 32MB\n"
        )
        (self.datadir / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        for f in ("postgresql.conf", "pg_hba.conf"):
            shutil.chown(self.datadir / f, "postgres")
        self.start()
        return self

    def start(self) -> None:
        run(["runuser", "-u", "postgres", "--", pg_bin("pg_ctl"), "-D", str(self.datadir), "-l",
             str(self.datadir / "replica.log"), "-w", "start"])  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", pg_bin("pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )

    def execute(self, sql: str, db: str = "postgres") -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url(db), autocommit=True, connect_timeout=5) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []


def app_env(database_url: str, media: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEMO_MODE": "0",
        "RATE_LIMITS_ENABLED": "0",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "PRIVATE_MEDIA_ROOT": str(media),
        "CONN_MAX_AGE": "60",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_REPLICA_URL", None)
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    return run([PY, "manage.py", *args], cwd=ROOT, env=env, timeout=timeout).stdout


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 10):
    """(status, headers, body) without raising on 4xx/5xx; status 0 when the connection failed."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
    except (urllib.error.URLError, ConnectionError, OSError):
        return 0, {}, b""


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int = 2, threads: int = 4) -> Iterator[str]:
    proc = subprocess.Popen(
        [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning", "--no-control-socket"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: http("GET", f"{base}/healthz", timeout=2)[0] in (200, 503), 180, "gunicorn")
        yield base
    finally:
        stop_process(proc)


def stop_process(proc: subprocess.Popen[Any], timeout: float = 15) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
