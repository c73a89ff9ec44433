from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export/", views.my_data_export, name="my_data_export"),
    path("privacy/erasure-requests/", views.erasure_queue, name="erasure_queue"),
    path("privacy/erasure-requests/<uuid:public_id>/", views.erasure_decide, name="erasure_decide"),
]
