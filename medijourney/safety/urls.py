from django.urls import path

from . import views

app_name = "safety"

urlpatterns = [
    path("emergency/", views.emergency_page, name="emergency"),
]
