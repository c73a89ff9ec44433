"""Demo teams for `make run`: the demo case manager in a demo-named team, so the dashboard's
team filter has something to choose. Idempotent; refused outside demo mode like every demo set-up
(``demo_setup`` runs it after the demo accounts and cases exist)."""

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import demo_email

from .services import team_ensure, team_member_set

DEMO_TEAM_SLUG = "demo-case-team"
DEMO_TEAM_NAME = "Demo case team (demo)"


def insights_demo_setup() -> list[str]:
    manager = User.objects.filter(email__iexact=demo_email(Role.CASE_MANAGER)).first()
    if manager is None:
        return ["Demo team: no demo case manager, nothing to do."]
    team = team_ensure(slug=DEMO_TEAM_SLUG, name=DEMO_TEAM_NAME)
    team_member_set(team=team, user=manager)
    return [f"Demo team: {manager.full_name} in “{team.name}” (the figures' team filter)."]
