"""Helpers shared by the bench scripts (bench/stateless, bench/soak, bench/tasks).

The scripts run as ``.venv/bin/python bench/<name>``, so Python puts bench/ first on sys.path and
``from benchlib import port_free`` finds this module from any working directory.
"""

import socket


def port_free(port: int, *, advice: str = "choose another with --port") -> int:
    """Check that nothing listens on 127.0.0.1:``port`` before a bench starts its servers there.

    Returns ``port``, or for 0 a free port the system picked. Stops the bench (SystemExit naming
    the port, then ``advice``) if a server listens there: it would answer instead, and be timed.

    It binds as gunicorn does, with SO_REUSEADDR: a port whose last connections still linger in
    TIME-WAIT (the bench's own previous run) is free; one a server listens on is not.
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"port {port} is in use on 127.0.0.1; {advice}") from None
        return int(sock.getsockname()[1])
