from django.urls import path

from . import views

app_name = "discovery"

urlpatterns = [
    path("triage/", views.triage_page, name="triage"),
    path("search/", views.search_page, name="search"),
    path("compare/", views.compare_page, name="compare"),
    path("search/save/", views.search_save, name="search_save"),
    path("my/searches/", views.saved_searches, name="saved_searches"),
    path("my/searches/<uuid:public_id>/delete/", views.saved_search_remove, name="saved_search_delete"),
]
