"""An email backend for the fault tests: one file per message in EMAIL_FILE_PATH, named by a hash
of the message, written only after the (optional) wait, as an SMTP server accepts a message only
at the end of DATA. While ``<EMAIL_FILE_PATH>/slow`` exists, a send to an address it names first
waits (up to 60 s), touching ``sending``."""

import hashlib
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + 60
        to = {addr for m in email_messages for addr in m.to}
        while time.monotonic() < deadline and to & _slow_addresses(folder):
            (folder / "sending").touch()
            time.sleep(0.1)
        sent = 0
        for message in email_messages:
            raw = message.message().as_bytes()
            digest = hashlib.sha256(f"{message.to}|{message.subject}".encode()).hexdigest()[:16]
            n = len(list(folder.glob(f"{digest}-*.eml")))
            (folder / f"{digest}-{n}.eml").write_bytes(raw)  # a second copy would be -1, -2...
            sent += 1
        return sent


def _slow_addresses(folder: Path) -> set[str]:
    try:
        return set((folder / "slow").read_text().split())
    except FileNotFoundError:
        return set()
