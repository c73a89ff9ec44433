"""Writes in insights: the one thing it stores is which team a case manager belongs to."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medijourney.accounts.models import User

from .models import Team, TeamMembership
from .permissions import can_join_team


def team_ensure(*, slug: str, name: str) -> Team:
    """The team with this slug, created (or renamed) to ``name``."""
    with transaction.atomic():
        team, _created = Team.objects.update_or_create(slug=slug, defaults={"name": name})
    return team


def team_member_set(*, team: Team, user: User) -> TeamMembership:
    """Put a case manager in ``team`` (one team each: an earlier team is left)."""
    if not can_join_team(user):
        raise ValidationError({"user": _("Only case managers belong to a case manager's team.")})
    with transaction.atomic():
        membership, _created = TeamMembership.objects.update_or_create(user=user, defaults={"team": team})
    return membership
