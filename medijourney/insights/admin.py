from django.contrib import admin

from .models import Team, TeamMembership


class MembershipInline(admin.TabularInline[TeamMembership, Team]):
    model = TeamMembership
    raw_id_fields = ("user",)
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
