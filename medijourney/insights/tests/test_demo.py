import pytest
from django.test import Client, override_settings
from django.urls import reverse

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import demo_accounts_ensure, demo_email
from medijourney.accounts.tests.factories import UserFactory
from medijourney.insights.demo import DEMO_TEAM_SLUG, insights_demo_setup
from medijourney.insights.models import Team, TeamMembership
from medijourney.insights.services import team_ensure, team_member_set

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_demo_case_manager_is_in_a_demo_team_and_the_filter_offers_it(client: Client) -> None:
    demo_accounts_ensure()
    notes = insights_demo_setup()
    assert "Demo team" in notes[0]
    team = Team.objects.get(slug=DEMO_TEAM_SLUG)
    assert "demo" in team.name.lower()
    manager = User.objects.get(email=demo_email(Role.CASE_MANAGER))
    assert TeamMembership.objects.get(user=manager).team == team
    insights_demo_setup()  # again: nothing doubles
    assert Team.objects.filter(slug=DEMO_TEAM_SLUG).count() == 1
    assert TeamMembership.objects.filter(user=manager).count() == 1
    lead = User.objects.get(email=demo_email(Role.QUALITY_LEAD))
    client.force_login(lead)
    html = client.get(reverse("insights:dashboard")).content.decode()
    assert f'value="{DEMO_TEAM_SLUG}"' in html and "Demo case team (demo)" in html


def test_demo_team_without_a_case_manager_does_nothing() -> None:
    assert insights_demo_setup() == ["Demo team: no demo case manager, nothing to do."]
    assert not Team.objects.exists()


def test_only_case_team_members_join_a_team() -> None:
    team = team_ensure(slug="north", name="North")
    patient = UserFactory(role=Role.PATIENT)
    with pytest.raises(Exception, match="case managers"):
        team_member_set(team=team, user=patient)
    manager = UserFactory(role=Role.CASE_MANAGER)
    team_member_set(team=team, user=manager)
    other = team_ensure(slug="south", name="South")
    team_member_set(team=other, user=manager)  # one team each: moved, not doubled
    assert TeamMembership.objects.get(user=manager).team == other
