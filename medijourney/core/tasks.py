"""Background tasks shared by every app. Tasks take plain values, call one service, and are
safe to run twice."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text email. Callers never put health data in ``body``: notifications say
    that something is waiting and link to the signed-in page."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
