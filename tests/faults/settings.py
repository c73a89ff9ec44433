"""Settings for the processes the fault tests start (web and workers): production-like base
settings plus an email backend that writes each message to a file, and waits while a "slow" marker
file exists, so that a test can kill a worker in the middle of sending."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

EMAIL_BACKEND = "tests.faults.mail.SlowFileBackend"
EMAIL_FILE_PATH = env.str("FAULTS_MAIL_DIR", default="/tmp/mj-faults-mail")
