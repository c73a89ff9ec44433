from django.urls import path

from . import views

app_name = "discovery"

urlpatterns = [
    path("triage/", views.triage_page, name="triage"),
]
