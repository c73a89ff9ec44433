from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("interop/case/<str:reference>/", views.for_case, name="for_case"),
    path("interop/case/<str:reference>/ips.json", views.ips_download, name="ips_download"),
    path("interop/case/<str:reference>/home-record/", views.home_record, name="home_record"),
    path("interop/journeys/<uuid:journey_id>/discharge/", views.summary, name="summary"),
    path("interop/journeys/<uuid:journey_id>/discharge/write/", views.write, name="write"),
    path("interop/case/<str:reference>/links/", views.links, name="links"),
    path("interop/case/<str:reference>/links/<uuid:link_id>/revoke/", views.link_revoke, name="link_revoke"),
    path("h/<str:token>/", views.viewer, name="viewer"),
    path("h/<str:token>/content", views.viewer_content, name="viewer_content"),
    path("h/<str:token>/reply", views.viewer_reply, name="viewer_reply"),
    path("partner/discharge/", views.partner_list, name="partner_list"),
]
