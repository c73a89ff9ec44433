from django.urls import path

from . import views

app_name = "aftercare"

urlpatterns = [
    path("my/follow-up/<str:reference>/", views.my_follow_up, name="my_follow_up"),
    path("my/check-ins/<uuid:check_in_id>/", views.check_in, name="check_in"),
    path("aftercare/case/<str:reference>/", views.case, name="case"),
    path("aftercare/case/<str:reference>/add/", views.add, name="add"),
    path("aftercare/case/<str:reference>/<uuid:check_in_id>/move/", views.move, name="move"),
    path("aftercare/case/<str:reference>/<uuid:check_in_id>/skip/", views.skip, name="skip"),
    path("aftercare/escalations/", views.escalations, name="escalations"),
    path("aftercare/escalations/<uuid:escalation_id>/", views.escalation, name="escalation"),
]
