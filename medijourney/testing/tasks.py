"""Tasks used only by tests of the task machinery."""

from django_tasks import task


@task()
def ping() -> str:
    return "pong"
