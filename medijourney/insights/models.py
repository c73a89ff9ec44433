"""Case managers' teams: the one thing insights stores. A team groups case managers so the
dashboard can be filtered by team; nothing else reads it, and no patient data is kept here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("team"), max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """One team per case manager."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="insights_team")

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"
