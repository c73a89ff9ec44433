from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
    path("insights/chart/<str:figure>.svg", views.chart, name="chart"),
    path("insights/csv/<str:figure>.csv", views.download_csv, name="csv"),
    path("about/figures/", views.public, name="public"),
]
