from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("interop/case/<str:reference>/", views.for_case, name="for_case"),
    path("interop/case/<str:reference>/ips.json", views.ips_download, name="ips_download"),
    path("interop/case/<str:reference>/home-record/", views.home_record, name="home_record"),
    path("interop/journeys/<uuid:journey_id>/discharge/", views.summary, name="summary"),
    path("interop/journeys/<uuid:journey_id>/discharge/write/", views.write, name="write"),
    path("partner/discharge/", views.partner_list, name="partner_list"),
]
