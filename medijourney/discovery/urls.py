from django.urls import path

from . import views

app_name = "discovery"

urlpatterns = [
    path("triage/", views.triage_page, name="triage"),
    path("search/", views.search_page, name="search"),
    path("compare/", views.compare_page, name="compare"),
]
